"""Reads of the Statement input pool, shared by the list page, the API and the exports."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ..models import Statement
from ..selectors import process_list


def statement_list(
    *,
    user,
    process: int | None = None,
    source_type: str = "",
    kind: str = "",
    field_of_action: int | None = None,
    target_group: int | None = None,
    search: str = "",
) -> QuerySet[Statement]:
    """Statements of the processes ``user`` may open, filtered.

    ``source_type`` is ``"<app_label>.<model>"`` (e.g. ``participation.codedpassage``) or
    ``"none"`` for statements entered directly.
    """
    qs = Statement.objects.filter(process__in=process_list(user=user).values("pk"))
    if process:
        qs = qs.filter(process_id=process)
    if source_type == "none":
        qs = qs.filter(source_type__isnull=True)
    elif source_type:
        app_label, _dot, model = source_type.partition(".")
        qs = qs.filter(source_type__app_label=app_label, source_type__model=model)
    if kind:
        qs = qs.filter(kind=kind)
    if field_of_action:
        qs = qs.filter(fields_of_action=field_of_action)
    if target_group:
        qs = qs.filter(target_groups=target_group)
    if search:
        qs = qs.filter(Q(text__icontains=search) | Q(source_label__icontains=search))
    if field_of_action or target_group:
        qs = qs.distinct()
    return qs.select_related("process", "author", "source_type").prefetch_related(
        "fields_of_action", "target_groups"
    )


def source_type_choices() -> list[tuple[str, str]]:
    """(value, label) of every source type that has statements, plus "entered directly"."""
    used = Statement.objects.exclude(source_type=None).values_list("source_type", flat=True)
    types = ContentType.objects.filter(pk__in=used).order_by("app_label", "model")
    choices = []
    for ct in types:
        model = ct.model_class()
        label = str(model._meta.verbose_name) if model else ct.model
        choices.append((f"{ct.app_label}.{ct.model}", label[:1].upper() + label[1:]))
    choices.append(("none", _("Entered directly")))
    return choices


def statement_export_rows(statements) -> tuple[list[str], list[list]]:
    headers = [
        _("Statement"),
        _("Process"),
        _("Kind"),
        _("Text"),
        _("Fields of action"),
        _("Target groups"),
        _("Source type"),
        _("Source"),
        _("Author or facilitator"),
        _("Created"),
        _("Edited"),
    ]
    rows = []
    for s in statements:
        rows.append(
            [
                s.pk,
                s.process.title,
                s.get_kind_display(),
                s.text,
                " | ".join(f.label for f in s.fields_of_action.all()),
                " | ".join(g.label for g in s.target_groups.all()),
                f"{s.source_type.app_label}.{s.source_type.model}" if s.source_type else "",
                s.source_label,
                s.author.get_username() if s.author else "",
                s.created_at.isoformat(timespec="seconds"),
                s.updated_at.isoformat(timespec="seconds"),
            ]
        )
    return headers, rows
