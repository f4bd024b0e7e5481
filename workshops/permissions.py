"""Permission rules of the workshops, shared by pages, API and services.

- Project staff of the process and the workshop's own facilitators edit a workshop (board,
  invitations, votes, protocol, photos); other facilitators of the process may look at it.
- Experts see only the workshops they are invited to (their person is linked to their account).
- Participants without an account act through their device (``Participant``); the services
  check what they may do (add cards to the queue, vote while a vote is open).
"""

import rules

from participation.models import ProcessMembership
from participation.permissions import can_manage_process, is_superuser, roles_of

Role = ProcessMembership.Role


def _role(user, workshop) -> str | None:
    if workshop is None:
        return None
    return roles_of(user).get(workshop.process_id)


@rules.predicate
def is_process_staff_of_workshop(user, workshop) -> bool:
    return _role(user, workshop) == Role.STAFF


@rules.predicate
def is_process_facilitator_of_workshop(user, workshop) -> bool:
    return _role(user, workshop) == Role.FACILITATOR


@rules.predicate
def is_workshop_facilitator(user, workshop) -> bool:
    if workshop is None or not getattr(user, "is_authenticated", False):
        return False
    if _role(user, workshop) not in (Role.FACILITATOR, Role.STAFF):
        return False
    cached = getattr(workshop, "_facilitator_ids", None)
    if cached is None:
        cached = set(workshop.facilitators.values_list("pk", flat=True))
        workshop._facilitator_ids = cached
    return user.pk in cached


@rules.predicate
def is_invited_expert(user, workshop) -> bool:
    if workshop is None or _role(user, workshop) != Role.EXPERT:
        return False
    return workshop.invitations.filter(person__user=user).exists()


can_edit_workshop = is_superuser | is_process_staff_of_workshop | is_workshop_facilitator
can_view_workshop = can_edit_workshop | is_process_facilitator_of_workshop | is_invited_expert


@rules.predicate
def may_see_workshops(user) -> bool:
    return bool(roles_of(user))


# Without an object: may open the workshop list (shows only the workshops the user may see).
rules.add_perm("workshops.view_workshops", is_superuser | may_see_workshops)
# Object: a process.
rules.add_perm("workshops.add_workshop", can_manage_process)
# Object: a workshop.
rules.add_perm("workshops.view_workshop", can_view_workshop)
rules.add_perm("workshops.change_workshop", can_edit_workshop)
rules.add_perm("workshops.view_briefing", can_edit_workshop | is_process_facilitator_of_workshop)
rules.add_perm("workshops.manage_workshop", is_superuser | is_process_staff_of_workshop)
rules.add_perm("workshops.view_protocol", can_view_workshop)
