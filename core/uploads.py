"""Every uploaded file passes here before anything reads it: a size limit checked on the size
the upload reports (Django has streamed a large file to a temporary file, not into memory),
and, for the zip-based formats (.docx, .xlsx …), a limit on what the archive unpacks to, read
from its directory without unpacking anything.

A small archive can unpack to far more than its size (a 105 KB .docx to a 40 MB document, which
the Word reader then holds many times over in memory): the unpacked size and the packing ratio
are both limited. Python's zipfile never returns more than an entry's declared size, so a
directory that lies about sizes gives a broken file, not a bigger one.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

ZIP_EXTENSIONS = (".docx", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".zip")
# Office files pack XML about 3 to 20 times; far beyond that is a bomb, not a document.
MAX_RATIO = 100
# Below this, any ratio is harmless.
RATIO_FLOOR = 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "TEILHABE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "TEILHABE_UPLOAD_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(size // 1024, 1)} KB"


def _extension(name: str) -> str:
    lower = (name or "").lower()
    return lower[lower.rfind(".") :] if "." in lower else ""


def _refusal(message: str, code: str, field: str | None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


def check_size(upload, *, limit: int | None = None, field: str | None = "file") -> None:
    """Refuse ``upload`` (a Django ``UploadedFile``) when it is larger than ``limit`` bytes
    (default: ``TEILHABE_UPLOAD_MAX_BYTES``), before it is read."""
    limit = limit or max_bytes()
    size = getattr(upload, "size", None)
    if size is None:
        return
    if size > limit:
        raise _refusal(
            _("The file %(name)s is %(size)s; files up to %(limit)s can be uploaded here.")
            % {
                "name": getattr(upload, "name", ""),
                "size": human_size(size),
                "limit": human_size(limit),
            },
            "too_large",
            field,
        )


def _unpacked_size(source) -> int | None:
    """Sum of the declared entry sizes of a zip archive (``bytes`` or a seekable file), read
    from its directory only; ``None`` when it is no zip archive."""
    fileobj = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    position = fileobj.tell() if hasattr(fileobj, "tell") else 0
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        if hasattr(fileobj, "seek"):
            fileobj.seek(position)


def check_archive(
    name: str,
    source,
    *,
    size: int | None = None,
    max_unpacked: int | None = None,
    field: str | None = "file",
) -> None:
    """Refuse a zip-based file (``bytes`` or a seekable file of ``size`` bytes) whose entries
    unpack to more than ``max_unpacked`` bytes (default: ``TEILHABE_UPLOAD_MAX_UNPACKED_BYTES``)
    or pack suspiciously tightly. Files that are not zip archives at all are left to their
    reader (which says what is wrong)."""
    if _extension(name) not in ZIP_EXTENSIONS:
        return
    max_unpacked = max_unpacked or max_unpacked_bytes()
    unpacked = _unpacked_size(source)
    if unpacked is None:
        return
    size = len(source) if isinstance(source, bytes | bytearray) else (size or 0)
    too_big = unpacked > max_unpacked
    bomb = unpacked > RATIO_FLOOR and unpacked > MAX_RATIO * max(size, 1)
    if too_big or bomb:
        raise _refusal(
            _(
                "The file %(name)s (%(size)s) unpacks to %(unpacked)s; at most %(limit)s can "
                "be read, and at most %(ratio)s times the file's size. Save it again as a "
                "plain document or spreadsheet without embedded objects, or split it."
            )
            % {
                "name": name,
                "size": human_size(size),
                "unpacked": human_size(unpacked),
                "limit": human_size(max_unpacked),
                "ratio": MAX_RATIO,
            },
            "unpacked_too_large",
            field,
        )


def read(
    upload,
    *,
    limit: int | None = None,
    max_unpacked: int | None = None,
    field: str | None = "file",
) -> bytes:
    """The bytes of ``upload`` after both checks. The ``ValidationError`` is keyed ``field``
    (services); ``field=None`` gives a plain one (a form's ``clean_<field>``)."""
    check_size(upload, limit=limit, field=field)
    name = getattr(upload, "name", "") or ""
    if _extension(name) in ZIP_EXTENSIONS and hasattr(upload, "seek"):
        # The directory is read from the file; nothing is unpacked or loaded for this.
        check_archive(name, upload, size=upload.size, max_unpacked=max_unpacked, field=field)
    data = upload.read()
    if len(data) > (limit or max_bytes()):  # an upload object that did not know its size
        raise _refusal(
            _("The file %(name)s is %(size)s; files up to %(limit)s can be uploaded here.")
            % {
                "name": name,
                "size": human_size(len(data)),
                "limit": human_size(limit or max_bytes()),
            },
            "too_large",
            field,
        )
    if not hasattr(upload, "seek"):
        check_archive(name, data, max_unpacked=max_unpacked, field=field)
    return data


@deconstructible
class UploadLimits:
    """Validator for every ``FileField`` of a form or serializer: the size limit, and for
    zip-based formats the unpacked size, checked before any reader opens the file."""

    def __init__(self, limit=None, max_unpacked: int | None = None):
        # ``limit``: bytes, or a function returning them (a setting read at request time).
        self.limit = limit
        self.max_unpacked = max_unpacked

    def __call__(self, upload) -> None:
        if upload is None:
            return
        limit = self.limit() if callable(self.limit) else self.limit
        check_size(upload, limit=limit, field=None)
        name = getattr(upload, "name", "") or ""
        if _extension(name) in ZIP_EXTENSIONS and hasattr(upload, "seek"):
            check_archive(
                name, upload, size=upload.size, max_unpacked=self.max_unpacked, field=None
            )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, UploadLimits)
            and self.limit == other.limit
            and self.max_unpacked == other.max_unpacked
        )
