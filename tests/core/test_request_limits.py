"""Abusive request bodies and redirect targets are refused cleanly (400 / a safe default)."""

import json

import pytest
from django.test import RequestFactory

from core.views import safe_next

pytestmark = pytest.mark.django_db


def _send(api_client, process, body: str):
    return api_client.patch(
        f"/api/v1/processes/{process.pk}/", body, content_type="application/json"
    )


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,  # deeper than the interpreter's recursion limit
        "[" * 200 + "]" * 200,  # parses, but deeper than any real request
        '{"title": "x", "territory_key": ' + "9" * 400 + "}",
        '{"title": "x", "year": ' + "9" * 25 + "}",  # fits the digits, not 64 bits
        '{"title": "x", "share": 1' + "0" * 399 + ".5}",
        '{"title": "x", "share": 1e400}',
        '{"title": "x", "share": NaN}',
        '{"title": "x", "share": -Infinity}',
    ],
    ids=["recursion", "deep", "400-digits", "huge-int", "400-digit-float", "inf", "nan", "-inf"],
)
def test_abusive_json_gets_a_400_in_the_api_shape(api_client, process, staff_user, body):
    api_client.force_authenticate(staff_user)
    response = _send(api_client, process, body)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_ordinary_json_still_parses():
    import io

    from core.parsers import JSONParser

    data = {"nested": [[[{"a": 1.25, "b": -3, "c": 10**18, "d": None, "e": "=x"}]]]}
    parsed = JSONParser().parse(io.BytesIO(json.dumps(data).encode()), "application/json", {})
    assert parsed == data


@pytest.mark.parametrize(
    "target, allowed",
    [
        ("/surveys/1/results/", True),
        ("/surveys/1/results/?page=2", True),
        ("//evil.example/", False),
        ("///evil.example/", False),
        ("https://evil.example/", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("http://testserver/x", True),
        ("", False),
        (None, False),
    ],
)
def test_safe_next_keeps_redirects_on_the_site(target, allowed):
    request = RequestFactory().get("/")
    assert safe_next(request, target, "/fallback/") == (target if allowed else "/fallback/")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/processes/" + "9" * 400 + "/",
        "/api/v1/interviews/?process=" + "9" * 400,
        "/api/v1/statements/?process=" + "9" * 400,
        "/api/v1/processes/?page=" + "9" * 400,
    ],
)
def test_400_digit_numbers_in_addresses_never_give_a_500(api_client, staff_user, path):
    api_client.force_authenticate(staff_user)
    assert api_client.get(path).status_code in (400, 404)
