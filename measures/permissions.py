"""Permission rules of the catalogue, built on the process roles (shared by pages and API).

Staff curate (findings, goals, measures, decisions, links, imports); facilitators see the
catalogue, propose measures and comment; lead organisations have no account and reach only
their own measures through their reporting link; the public sees adopted measures of a
process whose public page is switched on (checked in the selectors, not by a rule).
"""

import rules

from participation.permissions import (
    is_process_facilitator,
    is_process_staff,
    is_superuser,
    works_in_any_process,
)

can_curate = is_superuser | is_process_staff
can_take_part = can_curate | is_process_facilitator

rules.add_perm("measures.view_catalogue", can_take_part)
rules.add_perm("measures.propose", can_take_part)
rules.add_perm("measures.comment", can_take_part)
rules.add_perm("measures.curate", can_curate)
# Without an object: may open the catalogue index at all.
rules.add_perm("measures.view_any_catalogue", is_superuser | works_in_any_process)
