"""Generated and uploaded files: unguessable storage names, served only through views.

Exports, generated documents, photos and attachments live in the default storage (local
files or an object store) and are never linked by their storage URL: a view checks the reader's
permission and streams the file (``file_response``). Their names in the storage start with a
random part (``secret_name``), so that neither a misconfigured web server that publishes the
media directory nor a leaked object-store listing lets anyone guess another process's file;
the reader gets back the plain name (``download_name``).
"""

from __future__ import annotations

import re
import secrets

from django.http import FileResponse

_SECRET = re.compile(r"^[0-9a-f]{32}-")


def secret_name(filename: str) -> str:
    """``filename`` behind 128 random bits: ``<32 hex>-<filename>``."""
    return f"{secrets.token_hex(16)}-{filename}"


def download_name(stored: str) -> str:
    """The name a reader gets for a stored file: its last part, random prefix removed."""
    return _SECRET.sub("", stored.rsplit("/", 1)[-1])


def file_response(field, *, content_type: str | None = None, inline: bool = False):
    """Stream a stored file (a ``FieldFile``) as an attachment (or inline) under its plain name.

    ``nosniff`` keeps a browser from running an uploaded file as something else."""
    response = FileResponse(
        field.open("rb"),
        as_attachment=not inline,
        filename=download_name(field.name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
