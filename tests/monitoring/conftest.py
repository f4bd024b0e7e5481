import pytest

from monitoring import services
from monitoring.models import Territory
from participation.models import ProcessMembership
from tests.factories import ProcessFactory, UserFactory

SAMPLES = "/work/shared/samples/opensdg"


@pytest.fixture
def standard(db):
    services.standard_indicators_load()


@pytest.fixture
def mprocess(standard):
    return ProcessFactory(territory_key="05754", territory="Kreis Gütersloh")


@pytest.fixture
def member(mprocess):
    def make(role, **kwargs):
        user = UserFactory(**kwargs)
        ProcessMembership.objects.create(process=mprocess, user=user, role=role)
        return user

    return make


@pytest.fixture
def lower_saxony(standard):
    """The territories the Open SDG samples refer to (K03101 … → 03101 …)."""
    land = Territory.objects.get(key="03")
    for key, name in [
        ("031", "Braunschweig (Region)"),
        ("032", "Hannover (Region)"),
        ("033", "Lüneburg (Region)"),
        ("034", "Weser-Ems (Region)"),
    ]:
        Territory.objects.get_or_create(
            key=key, defaults={"name": name, "level": "regbez", "parent": land}
        )
    return land


def official(rows: list[str], header: str = "Jahr;AGS;Zielgruppe;Reihe;Wert") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def run_import(data: bytes, name: str = "table.csv", **kwargs):
    from participation.models import TargetGroup

    mapping = {
        "Zielgruppe": {
            "role": "target_group",
            "values": {c: c for c in TargetGroup.objects.values_list("code", flat=True)},
        }
    }
    kwargs.setdefault("fmt", "official")
    if kwargs.get("fmt") == "official" and b"Zielgruppe" in data.split(b"\n")[0]:
        kwargs.setdefault("mappings", {name: mapping})
    return services.values_import(files=[services.ImportFile(name=name, data=data)], **kwargs)


def initial_post(form, **choices) -> dict:
    """A form as a browser sends it untouched (its initial values), then ``choices``."""
    post = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                post[name] = "on"
        elif value not in (None, ""):
            post[name] = getattr(value, "pk", value)
    post.update(choices)
    return {k: v for k, v in post.items() if v is not None}
