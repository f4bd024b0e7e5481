"""Permission rules shared by the web views and the API.

Roles are per process (`ProcessMembership`). Superusers act as project staff everywhere;
users with Django's ``is_staff`` flag may additionally create processes and keep the shared
catalogues and the people directory.
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


can_manage_process = is_superuser | is_process_staff
can_view_process = can_manage_process | is_process_facilitator
can_keep_directory = is_superuser | is_platform_staff | is_staff_anywhere

rules.add_perm("participation.add_process", is_platform_staff)
rules.add_perm("participation.view_process", can_view_process)
rules.add_perm("participation.change_process", can_manage_process)
rules.add_perm("participation.delete_process", is_superuser)
rules.add_perm("participation.manage_catalogues", can_keep_directory)
rules.add_perm("participation.view_directory", can_keep_directory)
rules.add_perm("participation.change_directory", can_keep_directory)
rules.add_perm("participation.erase_person", can_keep_directory)
