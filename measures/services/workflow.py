"""The review workflow of measures: explicit transitions that record who, when and why.

proposed → in review → adopted or rejected; adopted → in progress → completed or discontinued.
Staff decide every transition; a lead organisation may, through its reporting link, move its
adopted measure to in progress, completed or discontinued (see ``tracking``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participation.services import audit_log

from ..models import Measure, MeasureComment, MeasureDecision
from .catalogue import require
from .locking import save_versioned

S = Measure.Status

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PROPOSED: (S.IN_REVIEW, S.REJECTED),
    S.IN_REVIEW: (S.ADOPTED, S.REJECTED, S.PROPOSED),
    S.ADOPTED: (S.IN_PROGRESS, S.DISCONTINUED),
    S.IN_PROGRESS: (S.COMPLETED, S.DISCONTINUED),
    S.COMPLETED: (),
    S.DISCONTINUED: (),
    S.REJECTED: (S.PROPOSED,),
}
# What a lead organisation may report through its link (never the review decisions).
REPORTABLE = {
    S.ADOPTED: (S.IN_PROGRESS, S.DISCONTINUED),
    S.IN_PROGRESS: (S.COMPLETED, S.DISCONTINUED),
}


def allowed_transitions(measure: Measure) -> tuple[str, ...]:
    return TRANSITIONS.get(measure.status, ())


def record_decision(
    *, measure: Measure, from_status: str, to_status: str, user=None, link=None, reason: str
) -> MeasureDecision:
    return MeasureDecision.objects.create(
        measure=measure,
        from_status=from_status,
        to_status=to_status,
        actor=user if getattr(user, "is_authenticated", False) else None,
        reporting_link=link,
        reason=reason,
    )


def _refuse(measure: Measure, to: str, table) -> None:
    if to not in S.values:
        raise ValidationError({"to": _("Unknown status %(s)s.") % {"s": to}})
    if to not in table.get(measure.status, ()):
        allowed = ", ".join(str(S(s).label) for s in table.get(measure.status, ())) or _("none")
        raise ValidationError(
            {
                "to": _(
                    "A measure that is “%(from)s” cannot become “%(to)s”. Possible: %(allowed)s."
                )
                % {"from": S(measure.status).label, "to": S(to).label, "allowed": allowed}
            }
        )


def apply_transition(
    *, measure: Measure, to: str, reason: str, user=None, link=None, table=TRANSITIONS
) -> Measure:
    """Check and apply a status change inside the caller's transaction (row locked)."""
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    _refuse(current, to, table)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why (the reason is recorded with the decision).")})
    data = {"status": to}
    if to == S.COMPLETED:
        data["progress"] = 100
    before = current.status
    current = save_versioned(
        current, data=data, user=user, expected_version=None, reason=f"{before} → {to}"
    )
    record_decision(
        measure=current, from_status=before, to_status=to, user=user, link=link, reason=reason
    )
    return current


@transaction.atomic
def measure_transition(*, user, measure: Measure, to: str, reason: str) -> Measure:
    """Move a measure along the workflow (staff only). Invalid transitions are refused with a
    message naming the possible ones; the decision records who, when and why."""
    require(user, "measures.curate", measure.process)
    measure = apply_transition(measure=measure, to=to, reason=reason, user=user)
    audit_log(actor=user, action="measures.transition", obj=measure, process=measure.process, to=to)
    return measure


@transaction.atomic
def measure_comment(*, user, measure: Measure, text: str) -> MeasureComment:
    """A reviewer's comment on a measure (staff and facilitators of the process)."""
    require(user, "measures.comment", measure.process)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    return MeasureComment.objects.create(measure=measure, author=user, text=text)
