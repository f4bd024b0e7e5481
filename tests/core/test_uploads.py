"""Every upload has a size limit checked before the file is read, and zip-based files (.docx,
.xlsx) a limit on what they unpack to: a 105 KB .docx unpacking to 40 MB is refused with a
clear message instead of filling the memory of a web process."""

import ast
import io
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import uploads
from participation.models import Interview

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "participation", "surveys", "monitoring", "measures", "workshops")


def bomb_docx(unpacked: int = 40 * 1024 * 1024) -> bytes:
    """A real Word document with one more part that unpacks to ``unpacked`` bytes."""
    document = docx.Document()
    document.add_paragraph("I: Frage?")
    base = io.BytesIO()
    document.save(base)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                # The text padded with whitespace: valid XML, harmless-looking, huge.
                data = data.replace(b"</w:body>", b" " * unpacked + b"</w:body>")
            target.writestr(item, data)
    return out.getvalue()


def test_bomb_is_small_but_unpacks_big():
    data = bomb_docx()
    assert len(data) < 200 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 40 * 1024 * 1024


def test_read_refuses_size_before_reading():
    class Exploding(SimpleUploadedFile):
        def read(self, *args):  # pragma: no cover - must not be reached
            raise AssertionError("read before the size check")

    upload = Exploding("big.csv", b"x" * 2000)
    with pytest.raises(ValidationError) as exc:
        uploads.read(upload, limit=1000)
    assert "big.csv" in exc.value.messages[0] and "1 KB" in exc.value.messages[0]


def test_archive_limits():
    bomb = bomb_docx(5 * 1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        uploads.check_archive("bomb.docx", bomb, field=None)
    assert exc.value.code == "unpacked_too_large"
    # A plain document passes; not-a-zip is left to its reader.
    plain = io.BytesIO()
    docx.Document().save(plain)
    uploads.check_archive("plain.docx", plain.getvalue())
    uploads.check_archive("broken.xlsx", b"not a zip")
    uploads.check_archive("data.csv", bomb)  # not a zip format by name: not its business
    with pytest.raises(ValidationError):
        uploads.check_archive("small.xlsx", plain.getvalue(), max_unpacked=1000)


@pytest.mark.django_db
def test_interview_page_refuses_the_docx_bomb(client, process, staff_user, facilitator_user):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("interview.docx", bomb_docx())
    response = client.post(
        reverse("participation:interview_create", args=[process.pk]),
        {
            "held_on": "2025-03-04",
            "facilitator": facilitator_user.pk,
            "interviewee_pseudonym": "I-09",
            "consent_given_on": "2025-03-04",
            "consent_scope": "Transkript",
            "text_kind": "transcript",
            "upload": upload,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "interview.docx" in body and "40,8 MB" in body
    assert not Interview.objects.exists()


# The data owners' delivery form gets its limit with the delivery link's own rules.
EXEMPT_CLASSES = {"DeliverForm"}


def _file_fields(path: Path):
    tree = ast.parse(path.read_text())
    exempt = {
        id(inner)
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef) and cls.name in EXEMPT_CLASSES
        for inner in ast.walk(cls)
    }
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in ("FileField", "ImageField"):
            continue
        owner = getattr(getattr(func, "value", None), "id", "")
        if owner not in ("forms", "serializers"):
            continue
        yield node


def test_every_upload_field_has_the_limits():
    """Walks every form and serializer file field of the apps: each carries UploadLimits."""
    missing = []
    found = 0
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in _file_fields(path):
                found += 1
                validators = [k for k in node.keywords if k.arg == "validators"]
                text = ast.unparse(validators[0].value) if validators else ""
                if "UploadLimits" not in text and "upload_limits" not in text:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found >= 10
    assert not missing, missing
