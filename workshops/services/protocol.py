"""Photos of flip charts (metadata stripped) and sending the protocol to the participants."""

import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from core import uploads
from participation.services import audit_log

from ..models import Photo, Workshop, WorkshopInvitation
from .workshops import require

ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def max_photo_bytes() -> int:
    return int(getattr(settings, "WORKSHOP_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def strip_image_metadata(content: bytes, content_type: str) -> bytes:
    """Re-encode the image without EXIF/GPS, XMP, comments or text chunks. The EXIF rotation is
    applied to the pixels first so the photo still stands upright."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            {"file": [_("The image could not be read; it may be damaged.")]}
        ) from exc
    # A fresh image carries pixels only: none of the source's info (exif, xmp, icc, text).
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    if content_type == "image/jpeg":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=90)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


@transaction.atomic
def photo_add(*, workshop: Workshop, user, upload, caption: str = "") -> Photo:
    """Attach a photo of a flip chart: JPEG, PNG or PDF up to the size limit. Images are stored
    without metadata (EXIF, GPS); anything else is refused with a clear message."""
    require(user, "workshops.change_workshop", workshop)
    if workshop.status == Workshop.Status.CLOSED:
        raise ValidationError(_("The workshop is closed; its board can no longer be changed."))
    if upload is None:
        raise ValidationError({"file": [_("Choose a file.")]})
    content = uploads.read(upload, limit=max_photo_bytes())
    content_type = _sniff(content[:8])
    if content_type is None:
        raise ValidationError(
            {
                "file": [
                    _("Only JPEG, PNG or PDF files can be attached (%(name)s is none of them).")
                    % {"name": os.path.basename(getattr(upload, "name", "") or "?")}
                ]
            }
        )
    if content_type != "application/pdf":
        content = strip_image_metadata(content, content_type)
    name = f"{get_random_string(12)}.{ALLOWED[content_type]}"
    photo = Photo(
        workshop=workshop,
        content_type=content_type,
        size=len(content),
        caption=(caption or "").strip()[:300],
        uploaded_by=user,
    )
    photo.file.save(name, ContentFile(content), save=False)
    photo.save()
    audit_log(actor=user, action="workshop.photo_add", obj=photo, process=workshop.process)
    return photo


@transaction.atomic
def photo_delete(*, photo: Photo, user) -> None:
    require(user, "workshops.change_workshop", photo.workshop)
    audit_log(actor=user, action="workshop.photo_delete", obj=photo, process=photo.workshop.process)
    photo.file.delete(save=False)
    photo.delete()


def protocol_send(*, workshop: Workshop, user) -> int:
    """Queue the protocol email (with the PDF) to every invitee who attended or accepted;
    returns how many were queued. Only project staff send it, once the workshop is
    documented."""
    require(user, "workshops.manage_workshop", workshop)
    if workshop.status not in (Workshop.Status.DOCUMENTED, Workshop.Status.CLOSED):
        raise ValidationError(_("Document the workshop before sending its protocol."))
    from ..tasks import send_protocol

    ids = list(
        workshop.invitations.filter(protocol_sent_at__isnull=True, person__erased_at__isnull=True)
        .exclude(person__email="")
        .filter(Q(checked_in_at__isnull=False) | Q(response=WorkshopInvitation.Response.ACCEPTED))
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        for pk in ids:
            send_protocol.delay_on_commit(pk)
        Workshop.objects.filter(pk=workshop.pk).update(protocol_sent_at=timezone.now())
        audit_log(
            actor=user,
            action="workshop.protocol_send",
            obj=workshop,
            process=workshop.process,
            queued=len(ids),
        )
    return len(ids)


def protocol_mail(*, invitation_id: int) -> bool:
    """Email the protocol PDF to one invitee; at most once (``protocol_sent_at``)."""
    from ..protocol import protocol_pdf

    with transaction.atomic():
        invitation = (
            WorkshopInvitation.objects.select_for_update(of=("self",))
            .select_related("workshop", "person")
            .filter(pk=invitation_id, protocol_sent_at__isnull=True)
            .first()
        )
        if invitation is None or invitation.person.is_erased or not invitation.person.email:
            return False
        workshop = invitation.workshop
        with translation.override(invitation.language or settings.LANGUAGE_CODE):
            pdf = protocol_pdf(workshop)
            message = EmailMessage(
                subject=_("Protocol: workshop “%(title)s”") % {"title": workshop.title},
                body="\n\n".join(
                    [
                        _("Hello %(name)s,") % {"name": invitation.person.display_name},
                        _(
                            "thank you for taking part in the workshop “%(title)s”. Attached "
                            "is its protocol: all cards, the clusters and the prioritisation."
                        )
                        % {"title": workshop.title},
                        "Teilhabe",
                    ]
                ),
                to=[invitation.person.email],
            )
            message.attach(f"protokoll-workshop-{workshop.pk}.pdf", pdf, "application/pdf")
        message.send()
        invitation.protocol_sent_at = timezone.now()
        invitation.save(update_fields=["protocol_sent_at"])
    return True
