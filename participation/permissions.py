"""Permission rules shared by the web views and the API.

Roles are per process (`ProcessMembership`). Superusers are the platform administrators: they
act as project staff everywhere, keep the shared catalogues (target groups, fields of action)
and set a process's territory. Users with Django's ``is_staff`` flag may additionally create
processes. The people and organisations directory is kept by the project staff of the
processes a person or organisation belongs to.
"""

import rules

from .models import Process, ProcessMembership

Role = ProcessMembership.Role


def roles_of(user) -> dict[int, str]:
    """Process id -> role for ``user``, read once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_teilhabe_roles", None)
    if cached is None:
        cached = dict(ProcessMembership.objects.filter(user=user).values_list("process_id", "role"))
        user._teilhabe_roles = cached
    return cached


def _process_id(obj) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Process):
        return obj.pk
    if isinstance(obj, int):
        return obj
    return getattr(obj, "process_id", None)


def role_in(user, obj) -> str | None:
    process_id = _process_id(obj)
    if process_id is None:
        return None
    return roles_of(user).get(process_id)


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_platform_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


@rules.predicate
def is_staff_anywhere(user) -> bool:
    return Role.STAFF in roles_of(user).values()


@rules.predicate
def is_process_staff(user, obj) -> bool:
    return role_in(user, obj) == Role.STAFF


@rules.predicate
def is_process_facilitator(user, obj) -> bool:
    return role_in(user, obj) == Role.FACILITATOR


@rules.predicate
def is_process_expert(user, obj) -> bool:
    return role_in(user, obj) == Role.EXPERT


def staff_process_ids(user) -> set[int]:
    """The processes in which ``user`` is project staff."""
    return {pid for pid, role in roles_of(user).items() if role == Role.STAFF}


@rules.predicate
def is_staff_of_its_processes(user, obj) -> bool:
    """Project staff of at least one process that the person or organisation belongs to."""
    if obj is None or obj.pk is None:
        return False
    mine = staff_process_ids(user)
    return bool(mine) and obj.processes.filter(pk__in=mine).exists()


can_manage_process = is_superuser | is_process_staff
can_view_process = can_manage_process | is_process_facilitator
can_keep_directory = is_superuser | is_staff_anywhere
can_keep_entry = is_superuser | is_staff_of_its_processes

rules.add_perm("participation.add_process", is_platform_staff)
rules.add_perm("participation.view_process", can_view_process)
rules.add_perm("participation.change_process", can_manage_process)
rules.add_perm("participation.delete_process", is_superuser)
# The territory decides which official figures a process reads and writes.
rules.add_perm("participation.change_territory", is_superuser)
# Shared by every process: only platform administrators change them; staff read them.
rules.add_perm("participation.view_catalogues", can_keep_directory)
rules.add_perm("participation.manage_catalogues", is_superuser)
# Without an object: may open the directory at all (it lists their processes' entries).
rules.add_perm("participation.view_directory", can_keep_directory)
rules.add_perm("participation.change_directory", can_keep_directory)
# Object: a person or organisation.
rules.add_perm("participation.change_person", can_keep_entry)
rules.add_perm("participation.erase_person", can_keep_entry)
rules.add_perm("participation.change_organisation", can_keep_entry)


# --- interviews, coding, conference, statements -------------------------------------------


@rules.predicate
def is_interview_facilitator(user, interview) -> bool:
    """The facilitator assigned to the interview (and still facilitator in its process)."""
    return (
        interview is not None
        and getattr(interview, "facilitator_id", None) == getattr(user, "pk", None)
        and role_in(user, interview) == Role.FACILITATOR
    )


@rules.predicate
def is_table_facilitator(user, table) -> bool:
    """The facilitator of a conference topic table (``table.conference.process`` is used)."""
    if table is None or getattr(table, "facilitator_id", None) != getattr(user, "pk", None):
        return False
    return roles_of(user).get(table.conference.process_id) == Role.FACILITATOR


@rules.predicate
def is_process_staff_of_table(user, table) -> bool:
    return table is not None and roles_of(user).get(table.conference.process_id) == Role.STAFF


@rules.predicate
def is_process_staff_of_conference(user, conference) -> bool:
    return conference is not None and roles_of(user).get(conference.process_id) == Role.STAFF


@rules.predicate
def is_process_member_of_conference(user, conference) -> bool:
    return conference is not None and roles_of(user).get(conference.process_id) in (
        Role.STAFF,
        Role.FACILITATOR,
    )


can_work_on_interview = is_superuser | is_process_staff | is_interview_facilitator
can_manage_conference = is_superuser | is_process_staff_of_conference
can_write_on_table = is_superuser | is_process_staff_of_table | is_table_facilitator

# Object: a process. Statements, interview lists and the code system are visible to the
# process's staff and facilitators; only staff plan interviews and edit the code system.
rules.add_perm("participation.view_statements", can_view_process)
rules.add_perm("participation.add_interview", can_view_process)
rules.add_perm("participation.manage_interviews", can_manage_process)
rules.add_perm("participation.view_coding", can_manage_process)
# Object: an interview.
rules.add_perm("participation.view_interview", can_work_on_interview)
rules.add_perm("participation.change_interview", can_work_on_interview)
rules.add_perm("participation.code_interview", can_work_on_interview)
# Object: a conference.
rules.add_perm("participation.view_conference", is_superuser | is_process_member_of_conference)
rules.add_perm("participation.manage_conference", can_manage_conference)
# Object: a topic table.
rules.add_perm("participation.write_on_table", can_write_on_table)


@rules.predicate
def works_in_any_process(user) -> bool:
    return bool({Role.STAFF, Role.FACILITATOR} & set(roles_of(user).values()))


# Without an object: may open the Statement pool / conference list at all (it then shows the
# processes the user may open).
rules.add_perm("participation.view_any_statements", is_superuser | works_in_any_process)
rules.add_perm("participation.view_conferences", is_superuser | works_in_any_process)
# Object: a statement (its process). Only project staff correct statements.
rules.add_perm("participation.change_statement", can_manage_process)
