"""Every page, API endpoint and admin page, walked as a member of another process: refused.

The URL patterns come from Django's resolver, so a URL added later is walked without touching
this file. Its arguments are filled with objects of the demo process (the victim); a URL whose
arguments the walk cannot fill fails the test until ``NAMED`` or ``PK_BY_PREFIX`` says which
model they name. The walker is project staff of a second process (the strongest role a
stranger to the victim can hold) and sends GET and POST to each address.
"""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from core.admin_site import PlatformAdminSite
from participation.models import Process, ProcessMembership

pytestmark = pytest.mark.django_db

# Open to anyone on purpose: sign-in, schema, health, personal links (their token is the
# permission) and the public survey, registration and publication pages.
PUBLIC = {
    "admin:login",
    "admin:logout",
    "healthz",
    "login",
    "logout",
    "set_language",
    "api-schema",
    "api-docs",
    "api:auth-token",
    "api:api-root",
    "api:public-survey",
    "api:public-measures",
    "api:workshop-join",
    "api:workshop-ballot",
    "api:workshop-participant-card",
    "surveys:respond_public",
    "surveys:respond_page",
    "surveys:respond_resume",
    "surveys:respond_thanks",
    "surveys:respond_invitation",
    "surveys:opt_out",
    "surveys:results_public",
    "workshops:invitation_answer",
    "workshops:join",
    "workshops:join_with_code",
    "workshops:participant",
    "workshops:participant_state",
    "workshops:participant_vote",
    "measures:report",
    "measures:public",
    "measures:concept_public",
    "measures:concept_public_version",
    "measures:concept_public_download",
    "monitoring:data_request_deliver",
    "participation:conference_register",
    "participation:conference_registered",
}

# Shared by every process, read by everyone signed in (written by platform administrators).
SHARED = {
    "api:target-group-detail",
    "api:field-of-action-detail",
    "api:monitoring-area-detail",
    "api:monitoring-series-detail",
    "api:monitoring-indicator-detail",
    "api:monitoring-territory-detail",
}

# Pages without an object that list or create within the user's own processes: they may
# answer, but must not show the victim process (checked by its title).
OWN_SCOPE = {
    "participation:home",
    "participation:process_create",
    "participation:catalogue_list",  # shared catalogues: read by every project staff
    "participation:organisation_list",
    "participation:organisation_create",
    "participation:person_list",
    "participation:person_create",
    "participation:statement_list",
    "participation:statement_export",
    "participation:conference_list",
    "surveys:survey_index",
    "surveys:survey_create",
    "surveys:survey_import",
    "workshops:list",
    "measures:index",
    "monitoring:index",
}

# ``pk`` names the object of the address's first segment.
PK_BY_PREFIX = [
    ("api/v1/surveys/", "surveys.Survey"),
    ("api/v1/survey-exports/", "surveys.ExportJob"),
    ("processes/", "participation.Process"),
    ("measures/concept/public/", "participation.Process"),
    ("measures/", "participation.Process"),
    ("monitoring/", "participation.Process"),
    ("conferences/", "participation.Conference"),
    ("register/", "participation.Conference"),
    ("directory/people/", "participation.Person"),
    ("directory/organisations/", "participation.Organisation"),
    ("statements/", "participation.Statement"),
    ("workshops/", "workshops.Workshop"),
    ("surveys/", "surveys.Survey"),
]

# Other arguments: (app of the view, argument) or argument alone -> model or a fixed value.
NAMED = {
    "process_pk": "participation.Process",
    ("measures:concept_job", "job_pk"): "measures.GenerationJob",
    ("measures:operational_edit", "goal_pk"): "measures.OperationalGoal",
    ("workshops", "item_pk"): "workshops.WorkshopAgendaItem",
    ("workshops", "job_pk"): "workshops.DocumentJob",
    "job_id": "surveys.ExportJob",
    "answer_id": "surveys.Answer",
    "phase_pk": "participation.Phase",
    "membership_pk": "participation.ProcessMembership",
    "interview_pk": "participation.Interview",
    "passage_pk": "participation.CodedPassage",
    ("participation", "question_pk"): "participation.GuideQuestion",
    ("surveys", "question_pk"): "surveys.Question",
    ("participation", "code_pk"): "participation.Code",
    ("participation", "item_pk"): "participation.AgendaItem",
    ("participation", "card_pk"): "participation.ConferenceCard",
    ("workshops", "card_pk"): "workshops.Card",
    ("surveys", "item_pk"): "surveys.Question",
    "table_pk": "participation.TopicTable",
    "registration_pk": "participation.Registration",
    "measure_pk": "measures.Measure",
    "milestone_pk": "measures.Milestone",
    "finding_pk": "measures.Finding",
    "evidence_pk": "measures.Evidence",
    "goal_pk": "measures.StrategicGoal",
    "link_pk": "measures.ReportingLink",
    "report_pk": "measures.ProgressReport",
    ("measures", "job_pk"): "measures.MeasureImport",
    "chapter_pk": "measures.Chapter",
    "version_pk": "measures.ConceptVersion",
    "target_pk": "monitoring.Target",
    "run_pk": "monitoring.ImportRun",
    "photo_pk": "workshops.Photo",
    "cluster_pk": "workshops.Cluster",
    "vote_pk": "workshops.Vote",
    "section_pk": "surveys.Section",
    "invitation_pk": "surveys.Invitation",
    "obj_pk": "measures.Measure",
    "foa_pk": "participation.FieldOfAction",
    "item_pk": "participation.TargetGroup",
    "fmt": "csv",
    "kind": "measure",
    "catalogue": "target-groups",
    "format": None,  # DRF's format suffix: the same view as the address without it
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _patterns(pattern, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield prefix + str(pattern.pattern), name, pattern


def _process_path(model, depth: int = 3) -> str | None:
    """The lookup from ``model`` to its process (``survey__process``), by forward keys."""
    if model is Process:
        return "pk"
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if path.count("__") >= depth:
            continue
        for field in current._meta.get_fields():
            if not (field.is_relation and (field.many_to_one or field.one_to_one)):
                continue
            if not field.concrete:
                continue
            target = field.related_model
            lookup = f"{path}__{field.name}" if path else field.name
            if target is Process:
                return lookup
            if target not in seen:
                seen.add(target)
                queue.append((target, lookup))
    return None


def _object_of(victim, label: str):
    model = apps.get_model(label)
    lookup = _process_path(model)
    if lookup is None:
        # Shared catalogue entries (target groups, fields of action): any one of the victim's.
        many = [f for f in Process._meta.get_fields() if getattr(f, "related_model", None) is model]
        if many:
            return getattr(victim, many[0].name).order_by("pk").first()
        return model.objects.order_by("pk").first()
    return model.objects.filter(**{lookup: victim.pk}).order_by("pk").first()


def _argument(victim, app: str, path: str, name: str, pattern, url_name: str):
    if name == "pk":
        for prefix, label in PK_BY_PREFIX:
            if path.startswith(prefix):
                return _pk(victim, label)
        cls = getattr(pattern.callback, "cls", None)
        if cls is not None:
            return _pk(victim, _api_model(cls))
        return pytest.fail(f"{path}: add its first segment to PK_BY_PREFIX")
    if name in ("token", "public_id", "code", "section", "version"):
        return _value_from_victim(victim, app, path, name)
    value = NAMED.get((url_name, name), NAMED.get((app, name), NAMED.get(name, KeyError)))
    if value is KeyError:
        return pytest.fail(f"{path}: say in NAMED which model <{name}> names")
    if isinstance(value, str) and "." in value:
        return _pk(victim, value)
    return value


def _value_from_victim(victim, app, path, name):
    if path.startswith("monitoring/") and name == "code":
        from monitoring.models import Indicator

        return Indicator.objects.order_by("code").values_list("code", flat=True).first()
    if app == "surveys" or path.startswith("api/v1/surveys/"):
        if name == "code":
            return _object_of(victim, "surveys.Question").code
        if name == "section":
            return str(_object_of(victim, "surveys.Section").pk)
        if name == "version":
            return 1
    return 1


def _api_model(cls) -> str:
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model._meta.label
    view = cls(action="retrieve", kwargs={}, format_kwarg=None)
    view.request = None
    return view.get_serializer_class().Meta.model._meta.label


def _pk(victim, label: str):
    obj = _object_of(victim, label)
    if obj is None:
        raise MissingObject(label)
    return obj.pk


class MissingObject(Exception):
    """The demo has no object of this model in its process (``_seed_missing`` adds one)."""


def _fill(path: str, values: dict) -> str:
    def replace(match):
        name = match.group("name")
        return str(values[name])

    def replace_group(match):
        # Router patterns are regular expressions: ^processes/(?P<pk>[^/.]+)/$; a group of
        # alternatives (pdf|docx|html) takes its first one.
        name, expression = match.group("name"), match.group("expr")
        value = str(values[name])
        if not re.fullmatch(expression, value):
            value = expression.split("|")[0]
        return value

    path = re.sub(r"\(\?P<(?P<name>\w+)>(?P<expr>[^)]*)\)", replace_group, path)
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", replace, path)
    return "/" + path.replace("^", "").replace("$", "")


def _seed_missing(victim) -> None:
    """Objects the demo does not create (generated files, uploads), one each, so that the
    addresses that name them are walked too."""
    from measures.models import Concept, ConceptVersion, GenerationJob, MeasureImport
    from surveys.models import Survey
    from surveys.results.models import ExportJob
    from workshops.models import DocumentJob, Photo, Workshop

    survey = Survey.objects.filter(process=victim).first()
    ExportJob.objects.create(survey=survey, format="csv", status="done")
    Photo.objects.create(
        workshop=Workshop.objects.filter(process=victim).first(),
        file="workshop_photos/x.jpg",
        content_type="image/jpeg",
        size=1,
    )
    DocumentJob.objects.create(
        workshop=Workshop.objects.filter(process=victim).first(),
        kind=DocumentJob.Kind.BRIEFING,
        language="de",
        status=DocumentJob.Status.DONE,
        file="workshops/x/documents/x.pdf",
    )
    MeasureImport.objects.create(process=victim, filename="m.csv", data=b"Titel\nA\n")
    concept = Concept.objects.filter(process=victim).first() or Concept.objects.create(
        process=victim, title="Konzept"
    )
    GenerationJob.objects.create(concept=concept, variant="full")
    ConceptVersion.objects.create(concept=concept, variant="full", number=99, fingerprint="x")


@pytest.fixture
def demo_and_stranger(demo_db, django_user_model):
    victim = Process.objects.get(memberships__user__username="staff")
    _seed_missing(victim)
    other = Process.objects.create(
        title="Elsewhere county",
        territory="Kreis Anderswo",
        period_start="2024-01-01",
        period_end="2025-12-31",
    )
    stranger = django_user_model.objects.create_user("stranger", password="pw-stranger-1")
    ProcessMembership.objects.create(process=other, user=stranger, role="staff")
    return victim, stranger


def _refused(response, stranger_sees_login: bool = False) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code == 302:
        return "/login/" in response["Location"]
    return False


def _walk(client, victim, *, door: str) -> list[str]:
    problems = []
    seen = set()
    for path, name, pattern in _patterns():
        if path.startswith("admin/") != (door == "admin"):
            continue
        if (door == "api") != path.startswith("api/"):
            continue
        if name in PUBLIC or "format" in pattern.pattern.regex.groupindex:
            continue
        app = pattern.callback.__module__.split(".")[0]
        names = list(pattern.pattern.regex.groupindex)
        if name in OWN_SCOPE or (not names and door == "api"):
            if not names:
                response = client.get(_fill(path, {}))
                body = response.content.decode(errors="replace")
                if response.status_code == 200 and victim.title in body:
                    problems.append(f"GET {path} ({name}) shows the victim process")
            continue
        if door == "admin":
            address = _fill(path, {n: 1 if n != "app_label" else "participation" for n in names})
        else:
            try:
                values = {n: _argument(victim, app, path, n, pattern, name) for n in names}
            except MissingObject as missing:
                problems.append(f"{path} ({name}): no {missing} in the demo process to try")
                continue
            address = _fill(path, values)
        if address in seen:
            continue
        seen.add(address)
        for method in ("get", "post"):
            response = getattr(client, method)(address)
            if method == "get" and name in SHARED and response.status_code == 200:
                continue
            if not _refused(response):
                problems.append(f"{method.upper()} {address} ({name}): {response.status_code}")
    return problems


def test_every_page_refuses_staff_of_another_process(client, demo_and_stranger):
    victim, stranger = demo_and_stranger
    client.force_login(stranger)
    problems = _walk(client, victim, door="pages")
    assert not problems, "\n".join(problems)


def test_every_api_endpoint_refuses_staff_of_another_process(client, demo_and_stranger):
    victim, stranger = demo_and_stranger
    client.force_login(stranger)
    problems = _walk(client, victim, door="api")
    assert not problems, "\n".join(problems)


def test_the_admin_is_for_platform_administrators_only(client, process, make_member):
    assert isinstance(admin.site, PlatformAdminSite)
    staff = make_member(process, "staff", is_staff=True)
    client.force_login(staff)
    problems = _walk(client, process, door="admin")
    assert not problems, "\n".join(problems)
    client.force_login(
        type(staff).objects.create_superuser("root", "root@example.org", "pw-root-123")
    )
    assert client.get("/admin/participation/process/").status_code == 200
