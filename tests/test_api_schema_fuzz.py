"""The OpenAPI schema tells the truth: schemathesis calls every operation with data generated
from the schema, as an anonymous caller and as project staff with real data, and fails on
any 5xx, any undocumented status code and any response that does not match the schema.

Examples per operation are few (``SCHEMA_FUZZ_EXAMPLES``, default 3) so that the run stays
within a few minutes; raise it locally for a deeper search.
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from participation.models import ProcessMembership
from tests.factories import OrganisationFactory, PersonFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.schema_fuzz

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema():
    """The schema as ``/api/schema/`` serves it, generated without a request (no database is
    needed at collection time), with the WSGI application to call."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    # Generated examples only: the coverage phase (boundary values, unexpected methods such as
    # TRACE) multiplies the calls many times over and is left to a deliberate local run.
    config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
    loaded = schemathesis.openapi.from_dict(
        json.loads(OpenApiJsonRenderer().render(generated)), config=config
    )
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go to the WSGI application, whose request signals would close the database
    connection that holds the test's transaction (Django's test client unhooks them too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(db):
    process = ProcessFactory()
    user = UserFactory()
    ProcessMembership.objects.create(process=process, user=user, role="staff")
    person = PersonFactory()
    person.processes.add(process)
    OrganisationFactory().processes.add(process)
    return Token.objects.create(user=user).key


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_every_operation_as_anonymous(case, db):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_every_operation_as_staff(case, staff_token):
    case.call_and_validate(headers={"Authorization": f"Token {staff_token}"}, checks=CHECKS)


def _get_operations():
    for path, methods in schema.raw_schema["paths"].items():
        if "get" in methods:
            yield path, schema[path]["GET"]


def test_the_demo_read_through_the_api_matches_the_schema(demo_db):
    """Every GET operation, called as the demo's project staff on the full demo: list
    endpoints, and each detail endpoint for the first object its list returns, must answer as
    documented — nullable fields included (a ``null`` where the schema forbids one fails), so
    that a client generated from the schema reads real data."""
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(username="staff")
    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=staff)[0].key}"}
    first_ids: dict[str, str] = {}
    checked = 0
    operations = sorted(_get_operations(), key=lambda pair: pair[0].count("{"))
    for path, operation in operations:
        params = [p for p in operation.definition.raw.get("parameters", []) if p["in"] == "path"]
        if not params:
            response = operation.Case().call(headers=headers)
            operation.Case().validate_response(response, checks=CHECKS)
            checked += 1
            body = response.json() if response.status_code == 200 else None
            rows = body.get("results") if isinstance(body, dict) else body
            if isinstance(rows, list) and rows and isinstance(rows[0], dict) and "id" in rows[0]:
                first_ids[path.rstrip("/")] = str(rows[0]["id"])
            continue
        if len(params) != 1:
            continue
        base = path.split("{")[0].rstrip("/")
        if base not in first_ids or not path.endswith("}/"):
            continue
        case = operation.Case(path_parameters={params[0]["name"]: first_ids[base]})
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
        checked += 1
    assert checked > 40 and len(first_ids) > 15, (checked, sorted(first_ids))
