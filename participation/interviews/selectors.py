"""Reads for interviews and coding: visible interviews, code tree, frequencies, quotes."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import Code, CodedPassage, Interview, Process, ProcessMembership
from ..permissions import roles_of


def process_workers(process: Process) -> QuerySet:
    """Active staff and facilitators of the process: who may facilitate or be assigned."""
    return (
        get_user_model()
        .objects.filter(
            memberships__process=process,
            memberships__role__in=[
                ProcessMembership.Role.STAFF,
                ProcessMembership.Role.FACILITATOR,
            ],
            is_active=True,
        )
        .order_by("username")
    )


def facilitator_choices(*, process: Process, user) -> QuerySet:
    """Whom ``user`` may name as an interview's facilitator: anyone who works in the process
    for those who manage interviews, otherwise only themselves (``services.interview_save``
    enforces the same rule)."""
    workers = process_workers(process)
    if user.has_perm("participation.manage_interviews", process):
        return workers
    return workers.filter(pk=user.pk)


def interview_list(*, user, process: Process) -> QuerySet[Interview]:
    """Staff (and superusers) see every interview of the process; facilitators their own."""
    qs = (
        Interview.objects.filter(process=process)
        .select_related("facilitator", "target_group")
        .annotate(passage_count=Count("passages", distinct=True))
    )
    if getattr(user, "is_superuser", False):
        return qs
    role = roles_of(user).get(process.pk)
    if role == ProcessMembership.Role.STAFF:
        return qs
    if role == ProcessMembership.Role.FACILITATOR:
        return qs.filter(facilitator=user)
    return qs.none()


def interviews_visible_to(*, user) -> QuerySet[Interview]:
    """Every interview ``user`` may open: all in processes where they are staff, their own
    where they are facilitator (superusers: all)."""
    if getattr(user, "is_superuser", False):
        return Interview.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Interview.objects.none()
    roles = roles_of(user)
    staff = [pid for pid, role in roles.items() if role == ProcessMembership.Role.STAFF]
    facilitating = [
        pid for pid, role in roles.items() if role == ProcessMembership.Role.FACILITATOR
    ]
    return Interview.objects.filter(
        Q(process_id__in=staff) | Q(process_id__in=facilitating, facilitator=user)
    )


@dataclass
class CodeNode:
    code: Code
    depth: int
    path: str


def code_tree(*, process: Process) -> list[CodeNode]:
    """The code system in display order, depth-first, each with its depth and full path."""
    codes = list(Code.objects.filter(process=process).select_related("field_of_action"))
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    result: list[CodeNode] = []

    def walk(parent_id, depth, prefix):
        for code in sorted(children.get(parent_id, []), key=lambda c: (c.order, c.name)):
            path = f"{prefix} › {code.name}" if prefix else code.name
            result.append(CodeNode(code=code, depth=depth, path=path))
            walk(code.pk, depth + 1, path)

    walk(None, 0, "")
    return result


@dataclass
class Frequencies:
    columns: list  # target groups (plus a "none" column when needed)
    rows: list[dict] = field(default_factory=list)  # {node, counts: [..], total}
    by_field: list[dict] = field(default_factory=list)  # {field, counts, total}
    total: int = 0


def code_frequencies(
    *, process: Process, target_group_id: int | None = None, field_id: int | None = None
) -> Frequencies:
    """How often each code was assigned, per target group of the interview; and the same
    summed per field of action of the codes. Optional filters narrow both tables."""
    nodes = code_tree(process=process)
    groups = list(process.target_groups.all())
    if target_group_id:
        groups = [g for g in groups if g.pk == target_group_id]
    pairs = CodedPassage.codes.through.objects.filter(code__process=process)
    if target_group_id:
        pairs = pairs.filter(codedpassage__interview__target_group_id=target_group_id)
    if field_id:
        pairs = pairs.filter(code__field_of_action_id=field_id)
    counts: dict[tuple[int, int | None], int] = {}
    for code_id, group_id, n in pairs.values_list(
        "code_id", "codedpassage__interview__target_group_id"
    ).annotate(n=Count("id")):
        counts[(code_id, group_id)] = n
    has_none = any(group is None for _c, group in counts)
    column_ids = [g.pk for g in groups] + ([None] if has_none else [])
    result = Frequencies(columns=groups + ([None] if has_none else []))
    field_totals: dict[int, dict] = {}
    for node in nodes:
        if field_id and node.code.field_of_action_id != field_id:
            continue
        row = [counts.get((node.code.pk, gid), 0) for gid in column_ids]
        total = sum(row)
        result.rows.append({"node": node, "counts": row, "total": total})
        result.total += total
        fa = node.code.field_of_action
        if fa is not None:
            entry = field_totals.setdefault(
                fa.pk, {"field": fa, "counts": [0] * len(column_ids), "total": 0}
            )
            entry["counts"] = [a + b for a, b in zip(entry["counts"], row, strict=True)]
            entry["total"] += total
    result.by_field = sorted(field_totals.values(), key=lambda e: (e["field"].order, e["field"].pk))
    return result


def passages_for_code(*, code: Code, include_children: bool = True) -> QuerySet[CodedPassage]:
    """The quotes coded with ``code`` (and, by default, its sub-codes)."""
    ids = [code.pk]
    if include_children:
        tree = code_tree(process=code.process)
        inside = False
        depth = 0
        for node in tree:
            if node.code.pk == code.pk:
                inside, depth = True, node.depth
                continue
            if inside:
                if node.depth <= depth:
                    break
                ids.append(node.code.pk)
    return passage_list(process=code.process).filter(codes__in=ids).distinct()


def passage_list(*, process: Process) -> QuerySet[CodedPassage]:
    return (
        CodedPassage.objects.filter(interview__process=process)
        .select_related(
            "interview", "interview__target_group", "interview__interviewee", "coded_by"
        )
        .prefetch_related(
            Prefetch("codes", queryset=Code.objects.select_related("field_of_action")),
            "interview__fields_of_action",
        )
        .order_by("interview__held_on", "interview_id", "start")
    )


def passage_export_rows(*, process: Process) -> tuple[list[str], list[list]]:
    """Rows of every coded passage. Interviewees appear only by pseudonym, never by name."""
    from django.utils.translation import gettext as _

    headers = [
        _("Passage"),
        _("Interview"),
        _("Date"),
        _("Interviewee (pseudonym)"),
        _("Target group"),
        _("Codes"),
        _("Fields of action"),
        _("Start"),
        _("End"),
        _("Passage text"),
        _("Memo"),
        _("Coded by"),
    ]
    from .transcripts import pseudonymise

    paths = {node.code.pk: node.path for node in code_tree(process=process)}
    rows = []
    for p in passage_list(process=process):
        codes = list(p.codes.all())
        person = p.interview.interviewee
        names = (
            [f"{person.first_name} {person.last_name}", person.first_name, person.last_name]
            if person
            else []
        )
        pseudonym = p.interview.interviewee_label
        rows.append(
            [
                p.pk,
                p.interview_id,
                p.interview.held_on.isoformat(),
                p.interview.interviewee_label,
                p.interview.target_group.label if p.interview.target_group else "",
                " | ".join(paths.get(c.pk, c.name) for c in codes),
                " | ".join(sorted({c.field_of_action.label for c in codes if c.field_of_action})),
                p.start,
                p.end,
                pseudonymise(p.text, names, pseudonym),
                pseudonymise(p.memo, names, pseudonym),
                p.coded_by.get_username() if p.coded_by else "",
            ]
        )
    return headers, rows
