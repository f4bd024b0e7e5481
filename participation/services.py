"""Writes for the participation core. Every function validates fully and writes all or nothing."""

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import PermanentRefusal, send_message
from core.permissions import require_perm

from .models import (
    AuditEvent,
    FieldOfAction,
    Organisation,
    Person,
    Phase,
    Process,
    ProcessMembership,
    Statement,
    TargetGroup,
)
from .permissions import staff_process_ids

logger = logging.getLogger(__name__)

User = get_user_model()


def audit_log(
    *, actor, action: str, obj: models.Model, process: Process | None = None, **detail: Any
) -> AuditEvent:
    """Record an action. ``detail`` must hold no personal data (keys and field names only)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        process=process,
        process_ref=process.pk if process is not None else None,
        process_title=process.title[:200] if process is not None else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        detail=detail,
    )


def _save(instance: models.Model, data: dict[str, Any], m2m: Iterable[str] = ()) -> models.Model:
    """Apply ``data``, run every model and database-level validation, then save."""
    m2m_values = {}
    for field, value in data.items():
        if field in m2m:
            m2m_values[field] = value
        else:
            setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    for field, values in m2m_values.items():
        getattr(instance, field).set(values)
    return instance


# --- processes and phases -----------------------------------------------------------------


@transaction.atomic
def process_create(
    *,
    user,
    title: str,
    territory: str,
    period_start: date,
    period_end: date,
    description: str = "",
    territory_key: str = "",
    status: str = Process.Status.DRAFT,
    target_groups: Iterable[TargetGroup] | None = None,
    fields_of_action: Iterable[FieldOfAction] | None = None,
    imprint_url: str = "",
    privacy_url: str = "",
    privacy_controller: str = "",
    privacy_contact: str = "",
) -> Process:
    """Create a process; the creator becomes its project staff.

    Without explicit catalogues the process uses every active target group and field of action.
    Empty legal details (imprint, privacy statement, controller, contact) fall back to the
    installation's settings where they are shown.
    """
    require_perm(user, "participation.add_process", message=_("You may not create processes."))
    if territory_key:
        _require_territory_change(user)
    process = Process()
    _save(
        process,
        {
            "title": title,
            "territory": territory,
            "territory_key": territory_key,
            "period_start": period_start,
            "period_end": period_end,
            "description": description,
            "status": status,
            "imprint_url": imprint_url,
            "privacy_url": privacy_url,
            "privacy_controller": privacy_controller,
            "privacy_contact": privacy_contact,
        },
    )
    process.target_groups.set(
        target_groups if target_groups is not None else TargetGroup.objects.filter(active=True)
    )
    process.fields_of_action.set(
        fields_of_action
        if fields_of_action is not None
        else FieldOfAction.objects.filter(active=True)
    )
    ProcessMembership.objects.get_or_create(
        process=process, user=user, defaults={"role": ProcessMembership.Role.STAFF}
    )
    audit_log(actor=user, action="process.create", obj=process, process=process)
    return process


def _require_territory_change(user) -> None:
    require_perm(
        user,
        "participation.change_territory",
        message=_(
            "Only a platform administrator sets the territory key: it decides which official "
            "figures the process reads and writes."
        ),
    )


@transaction.atomic
def process_update(*, process: Process, user, **data: Any) -> Process:
    """Change a process (project staff). Its territory key only a platform administrator
    changes, and that change is audited with the old and the new key."""
    require_perm(user, "participation.change_process", process)
    old_key = Process.objects.filter(pk=process.pk).values_list("territory_key", flat=True).first()
    key_changed = "territory_key" in data and (data["territory_key"] or "") != (old_key or "")
    if key_changed:
        _require_territory_change(user)
    _save(process, data, m2m=("target_groups", "fields_of_action"))
    audit_log(
        actor=user, action="process.update", obj=process, process=process, fields=sorted(data)
    )
    if key_changed:
        audit_log(
            actor=user,
            action="process.territory_key_change",
            obj=process,
            process=process,
            old=old_key or "",
            new=process.territory_key,
        )
    return process


def process_deletion_summary(*, process: Process) -> list[tuple[str, int]]:
    """What deleting ``process`` removes with it, as (kind, count), largest first.

    Raises ValidationError naming what blocks the deletion (protected rows) instead.
    """
    collector = Collector(using=router.db_for_write(Process))
    try:
        collector.collect([process])
    except (ProtectedError, RestrictedError) as error:
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise ValidationError(
            _("The process cannot be deleted while these still refer to it: %(kinds)s.")
            % {"kinds": ", ".join(blockers)}
        ) from error
    counts: dict[str, int] = {}
    for model, instances in collector.data.items():
        if model is Process or model._meta.auto_created:
            continue
        label = str(model._meta.verbose_name_plural)
        counts[label] = counts.get(label, 0) + len(instances)
    for queryset in collector.fast_deletes:
        model = queryset.model
        if model._meta.auto_created:
            continue
        amount = queryset.count()
        if amount:
            label = str(model._meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + amount
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@transaction.atomic
def process_delete(*, process: Process, user) -> None:
    """Delete a process with everything in it (platform administrators). Its audit trail
    stays, naming the process by the id and title stored with each event."""
    require_perm(user, "participation.delete_process", process)
    summary = process_deletion_summary(process=process)
    audit_log(
        actor=user,
        action="process.delete",
        obj=process,
        process=process,
        title=process.title,
        removed=dict(summary),
    )
    process.delete()


@transaction.atomic
def phase_save(*, process: Process, user, phase: Phase | None = None, **data: Any) -> Phase:
    """Create or update a phase. ``order`` defaults to after the last phase."""
    phase = phase or Phase(process=process)
    if phase.process_id != process.pk:
        raise ValidationError(_("The phase belongs to another process."))
    if data.get("order") in (None, "") and phase.pk is None:
        last = process.phases.aggregate(m=models.Max("order"))["m"]
        data["order"] = 1 if last is None else last + 1
    if "order" in data and (
        Phase.objects.filter(process=process, order=data["order"]).exclude(pk=phase.pk).exists()
    ):
        raise ValidationError({"order": [_("Another phase of this process has this position.")]})
    _save(phase, data)
    audit_log(actor=user, action="phase.save", obj=phase, process=process)
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, user) -> None:
    audit_log(actor=user, action="phase.delete", obj=phase, process=phase.process)
    phase.delete()


# --- catalogues ---------------------------------------------------------------------------


@transaction.atomic
def catalogue_item_save(
    *, model: type[TargetGroup] | type[FieldOfAction], user, instance=None, **data: Any
):
    """Create or update a target group or field of action (shared by all processes)."""
    instance = instance or model()
    _save(instance, data)
    audit_log(actor=user, action=f"{model._meta.model_name}.save", obj=instance)
    return instance


# --- directory ----------------------------------------------------------------------------


def _entry_processes(*, user, entry, wanted) -> set[int]:
    """The processes a directory entry belongs to after ``user`` edits it.

    Project staff choose among their own processes; the entry's other processes (where another
    county works with the same person or organisation) stay as they were. Platform
    administrators choose freely.
    """
    wanted_ids = {getattr(p, "pk", p) for p in wanted or ()}
    if getattr(user, "is_superuser", False):
        return wanted_ids
    mine = staff_process_ids(user)
    if wanted_ids - mine:
        raise ValidationError(
            {"processes": [_("Choose only processes in which you are project staff.")]}
        )
    kept = (
        set(entry.processes.exclude(pk__in=mine).values_list("pk", flat=True))
        if entry.pk
        else set()
    )
    if not wanted_ids and not kept:
        raise ValidationError(
            {"processes": [_("Choose at least one process that works with this entry.")]}
        )
    return wanted_ids | kept


def _require_entry(user, entry, perm: str) -> None:
    if entry.pk is None:
        require_perm(user, "participation.change_directory")
    else:
        require_perm(
            user,
            perm,
            entry,
            message=_("This entry belongs to the directory of processes you do not work in."),
        )


@transaction.atomic
def organisation_save(*, user, organisation: Organisation | None = None, **data: Any):
    """Create or update an organisation. Refuses entries of processes the user does not keep."""
    organisation = organisation or Organisation()
    _require_entry(user, organisation, "participation.change_organisation")
    if "processes" in data or organisation.pk is None:
        data["processes"] = _entry_processes(
            user=user, entry=organisation, wanted=data.get("processes")
        )
    _save(organisation, data, m2m=("processes",))
    audit_log(actor=user, action="organisation.save", obj=organisation, fields=sorted(data))
    return organisation


@transaction.atomic
def person_save(*, user, person: Person | None = None, **data: Any) -> Person:
    """Create or update a person. An erased person cannot be given personal data again.

    The person belongs to the processes chosen (project staff choose among their own; the
    person's other processes are kept); their organisation must be one the user keeps, and
    it joins those processes too.
    """
    person = person or Person()
    _require_entry(user, person, "participation.change_person")
    if person.is_erased:
        raise ValidationError(_("This person was erased and cannot be edited."))
    if data.get("consent_to_contact") and not data.get("consent_date"):
        data["consent_date"] = timezone.localdate()
    if "processes" in data or person.pk is None:
        data["processes"] = _entry_processes(user=user, entry=person, wanted=data.get("processes"))
    organisation = data.get("organisation")
    if (
        organisation is not None
        and organisation.pk != person.organisation_id
        and not getattr(user, "is_superuser", False)
        and not organisation.processes.filter(pk__in=staff_process_ids(user)).exists()
    ):
        raise ValidationError(
            {"organisation": [_("Choose an organisation from your processes' directory.")]}
        )
    _save(person, data, m2m=("processes",))
    if person.organisation_id:
        mine = person.processes.all()
        if not getattr(user, "is_superuser", False):
            mine = mine.filter(pk__in=staff_process_ids(user))
        person.organisation.processes.add(*mine)
    audit_log(actor=user, action="person.save", obj=person, fields=sorted(data))
    return person


# Other apps keep copies of a person's details (survey invitations); each registers, in its
# AppConfig.ready, the function that blanks them, and person_erase calls every one.
_person_erasers: list[Callable[[Person], object]] = []


def register_person_eraser(eraser: Callable[[Person], object]) -> None:
    if eraser not in _person_erasers:
        _person_erasers.append(eraser)


def _account_given_by_process(account, process_ids: set[int]) -> bool:
    """Whether ``account`` is one the person's own processes gave: no staff or superuser
    flag, and roles in those processes only. Any other account is someone else's too."""
    if account.is_staff or account.is_superuser:
        return False
    roles = set(ProcessMembership.objects.filter(user=account).values_list("process_id", flat=True))
    return bool(roles) and roles <= process_ids


@transaction.atomic
def person_erase(*, person: Person, user, reason: str = "") -> Person:
    """Erase a person on request (project staff of one of the person's processes).

    What it covers (the README lists the same):

    - the person's record: names, email, phone, function, notes and consent are blanked; the
      record stays under its pseudonym (``P-0007``) so that contributions remain attributed;
    - the login account, only when the person's own processes gave it (no staff or superuser
      flag, roles in the person's processes only): it is deactivated, renamed and its names
      and email blanked. Any other account is only unlinked and left as it is;
    - conference registrations with the same email address at conferences of the person's
      processes: name, organisation, email and accessibility needs are replaced;
    - the person's names inside Statements made from coded passages of their interviews are
      replaced by the pseudonym (as the coding export does);
    - copies in other apps (survey invitations), blanked by the erasers they registered
      (``register_person_eraser``).

    Idempotent: erasing twice changes nothing more.
    """
    require_perm(
        user,
        "participation.erase_person",
        person,
        message=_("This person belongs to the directory of processes you do not work in."),
    )
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_erased:
        return person
    account = person.user
    names = [f"{person.first_name} {person.last_name}", person.first_name, person.last_name]
    email = person.email
    process_ids = set(person.processes.values_list("pk", flat=True))
    person.first_name = ""
    person.last_name = ""
    person.email = ""
    person.phone = ""
    person.function = ""
    person.notes = ""
    person.consent_to_contact = False
    person.consent_date = None
    person.consent_purpose = ""
    person.user = None
    person.erased_at = timezone.now()
    person.save()
    for eraser in _person_erasers:
        eraser(person)
    account_erased = account is not None and _account_given_by_process(account, process_ids)
    if account_erased:
        account.is_active = False
        account.first_name = ""
        account.last_name = ""
        account.email = ""
        account.username = f"erased-{person.pk}-{account.pk}"
        account.set_unusable_password()
        account.save()
    registrations = _registrations_erase(email=email, process_ids=process_ids, person=person)
    statements = _statements_pseudonymise(person=person, names=names)
    audit_log(
        actor=user,
        action="person.erase",
        obj=person,
        reason_given=bool(reason),
        account_erased=account_erased,
        account_kept=account is not None and not account_erased,
        registrations=registrations,
        statements=statements,
    )
    return person


def _registrations_erase(*, email: str, process_ids: set[int], person: Person) -> int:
    from .models import Registration

    if not email:
        return 0
    count = 0
    for registration in Registration.objects.filter(
        conference__process__in=process_ids, email__iexact=email
    ):
        registration.name = person.pseudonym
        registration.organisation = ""
        # Unique per conference and never delivered (.invalid is reserved for this).
        registration.email = f"erased-{registration.pk}@erased.invalid"
        registration.accessibility_needs = ""
        registration.save(update_fields=["name", "organisation", "email", "accessibility_needs"])
        count += 1
    return count


def _statements_pseudonymise(*, person: Person, names: list[str]) -> int:
    from .interviews.transcripts import pseudonymise
    from .models import CodedPassage

    passages = CodedPassage.objects.filter(interview__interviewee=person)
    statements = Statement.objects.filter(
        source_type=ContentType.objects.get_for_model(CodedPassage),
        source_id__in=passages.values("pk"),
    )
    changed = 0
    for statement in statements:
        text = pseudonymise(statement.text, names, person.pseudonym)
        if text != statement.text:
            Statement.objects.filter(pk=statement.pk).update(text=text)
            changed += 1
    return changed


# --- memberships --------------------------------------------------------------------------


@transaction.atomic
def membership_set(*, process: Process, user, member, role: str) -> ProcessMembership:
    """Give ``member`` the ``role`` in ``process`` (replacing an earlier role)."""
    if role not in ProcessMembership.Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    existing = ProcessMembership.objects.filter(process=process, user=member).first()
    changed = existing is None or existing.role != role
    membership, _created = ProcessMembership.objects.update_or_create(
        process=process, user=member, defaults={"role": role}
    )
    if changed:
        ProcessMembership.objects.filter(pk=membership.pk).update(notified_at=None)
        from .tasks import send_membership_notice

        send_membership_notice.delay_on_commit(membership.pk)
    audit_log(actor=user, action="membership.set", obj=membership, process=process, role=role)
    return membership


def membership_notify(*, membership_id: int) -> bool:
    """Email the member about their role once; returns False when there was nothing to send.

    Safe to run twice: the row is locked just long enough to claim the notice
    (``notified_at``), not while the mail server talks; a temporary failure undoes the claim
    and raises ``OSError`` (the task retries), a permanent refusal is logged.
    """
    with transaction.atomic():
        membership = (
            ProcessMembership.objects.select_for_update()
            .select_related("user", "process")
            .filter(pk=membership_id, notified_at__isnull=True)
            .first()
        )
        if membership is None:
            return False
        message = None
        if membership.user.email:
            with translation.override(
                getattr(getattr(membership.user, "person", None), "language", None)
                or settings.LANGUAGE_CODE
            ):
                message = EmailMessage(
                    subject=_("Your role in %(process)s") % {"process": membership.process},
                    body=_(
                        'Hello,\n\nyou now take part in "%(process)s" as %(role)s. '
                        "Sign in to see what you can do.\n\nTeilhabe"
                    )
                    % {"process": membership.process, "role": membership.get_role_display()},
                    to=[membership.user.email],
                )
        membership.notified_at = timezone.now()
        membership.save(update_fields=["notified_at"])
    if message is None:
        return True
    try:
        send_message(message)
    except PermanentRefusal as refusal:
        logger.warning("membership %s: notice refused: %s", membership_id, refusal)
        return False
    except OSError:
        ProcessMembership.objects.filter(pk=membership_id).update(notified_at=None)
        raise
    return True


@transaction.atomic
def membership_remove(*, membership: ProcessMembership, user) -> None:
    process = membership.process
    if (
        membership.role == ProcessMembership.Role.STAFF
        and process.memberships.filter(role=ProcessMembership.Role.STAFF).count() == 1
    ):
        raise ValidationError(_("A process needs at least one member of project staff."))
    audit_log(actor=user, action="membership.remove", obj=membership, process=process)
    membership.delete()


# --- the Statement input pool -------------------------------------------------------------


def _catalogue_ids(process: Process, values, model, field: str) -> list[int]:
    """Ids of ``values`` (instances or ids), refused unless the process uses each of them."""
    ids = sorted({getattr(v, "pk", v) for v in values or ()})
    allowed = set(getattr(process, field).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [i for i in ids if i not in allowed]
    if unknown:
        raise ValidationError(
            {
                field: [
                    _("%(model)s %(ids)s is not part of this process.")
                    % {
                        "model": model._meta.verbose_name,
                        "ids": ", ".join(str(i) for i in unknown),
                    }
                ]
            }
        )
    return ids


@transaction.atomic
def statement_create(
    *,
    process: Process,
    text: str,
    kind: str = Statement.Kind.OTHER,
    source: models.Model | None = None,
    source_label: str = "",
    fields_of_action: Iterable[FieldOfAction | int] = (),
    target_groups: Iterable[TargetGroup | int] = (),
    author=None,
) -> Statement:
    """Add a statement to the process's input pool. The one door for every source.

    - ``source``: the saved model instance the words came from (interview passage, conference
      card, workshop card, survey answer …), stored as a generic link (content type + id).
      A source has at most one Statement: a second call with the same source raises
      ``ValidationError`` (use ``statement_for_source`` first, then ``statement_update``, to
      stay idempotent in tasks that may run twice). ``None`` for statements typed in directly.
    - ``source_label``: a short human-readable description of the source, shown in lists and
      exports. It must never contain a real name (use pseudonyms). Defaults to
      ``source.source_label`` when the source has one, else to ``str(source)``.
    - ``kind``: one of ``Statement.Kind`` (strength, problem, need, idea, other).
    - ``fields_of_action`` / ``target_groups``: instances or ids; each must be used by the
      process, otherwise ``ValidationError`` names the offending ids.
    - ``author``: the user who entered it (facilitator); anonymous users are stored as none.

    Validates everything and writes all or nothing; returns the saved Statement.
    """
    if source is not None and source.pk is None:
        raise ValidationError({"source": [_("The source must be saved before it is linked.")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("A statement needs a text.")]})
    if kind not in Statement.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind %(kind)s.") % {"kind": kind}]})
    field_ids = _catalogue_ids(process, fields_of_action, FieldOfAction, "fields_of_action")
    group_ids = _catalogue_ids(process, target_groups, TargetGroup, "target_groups")
    statement = Statement(process=process, text=text, original_text=text, kind=kind)
    if source is not None:
        statement.source_type = ContentType.objects.get_for_model(source)
        statement.source_id = source.pk
        if Statement.objects.filter(
            source_type=statement.source_type, source_id=source.pk
        ).exists():
            raise ValidationError({"source": [_("This source already has a statement.")]})
        source_label = source_label or getattr(source, "source_label", "") or str(source)
    statement.source_label = (source_label or _("Entered directly"))[:300]
    statement.author = author if getattr(author, "is_authenticated", False) else None
    # Field checks only: the foreign keys are saved instances and the uniqueness of the source
    # was checked above (the database enforces both again). This keeps bulk writers fast.
    statement.full_clean(
        exclude=["process", "author", "source_type"],
        validate_unique=False,
        validate_constraints=False,
    )
    statement.save()
    through_fields = Statement.fields_of_action.through
    through_groups = Statement.target_groups.through
    if field_ids:
        through_fields.objects.bulk_create(
            [through_fields(statement_id=statement.pk, fieldofaction_id=i) for i in field_ids]
        )
    if group_ids:
        through_groups.objects.bulk_create(
            [through_groups(statement_id=statement.pk, targetgroup_id=i) for i in group_ids]
        )
    return statement


@transaction.atomic
def statement_update(
    *, statement: Statement, user=None, reason: str = "", **data: Any
) -> Statement:
    """Change text, kind, source label, fields of action or target groups of a statement.

    The process, the source link and the original words never change. Every change is kept in
    the statement's history with who made it; a person (``user``) who rewords the text must
    say why (``reason``). Same validation as ``statement_create``.
    """
    allowed = {"text", "kind", "source_label", "fields_of_action", "target_groups"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    reason = (reason or "").strip()
    if "text" in data:
        data["text"] = (data["text"] or "").strip()
        if not data["text"]:
            raise ValidationError({"text": [_("A statement needs a text.")]})
        if user is not None and data["text"] != statement.text and not reason:
            raise ValidationError(
                {
                    "reason": [
                        _(
                            "Say why the words are changed: the original words stay visible "
                            "and every version is kept."
                        )
                    ]
                }
            )
    if "kind" in data and data["kind"] not in Statement.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind %(kind)s.") % {"kind": data["kind"]}]})
    process = statement.process
    if "fields_of_action" in data:
        data["fields_of_action"] = _catalogue_ids(
            process, data["fields_of_action"], FieldOfAction, "fields_of_action"
        )
    if "target_groups" in data:
        data["target_groups"] = _catalogue_ids(
            process, data["target_groups"], TargetGroup, "target_groups"
        )
    if getattr(user, "is_authenticated", False):
        statement._history_user = user
    statement._change_reason = reason[:100] or None
    statement = _save(statement, data, m2m=("fields_of_action", "target_groups"))
    if user is not None:
        audit_log(
            actor=user,
            action="statement.update",
            obj=statement,
            process=statement.process,
            fields=sorted(data),
        )
    return statement


def statement_for_source(source: models.Model) -> Statement | None:
    """The statement that ``source`` produced, or None."""
    return Statement.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).first()


@transaction.atomic
def statement_delete_for_source(*, source: models.Model) -> int:
    """Remove the statement of a source that is being deleted; returns how many went."""
    deleted, _detail = Statement.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).delete()
    return deleted
