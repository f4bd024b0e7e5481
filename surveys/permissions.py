"""Permission rules of the surveys app, built on the participation predicates.

The object is a survey or a process (both resolve to a process id). Respondents need no
permission: invitation tokens and public links are their capability.
"""

import rules

from participation.permissions import can_manage_process, can_view_process

rules.add_perm("surveys.view_survey", can_view_process)
rules.add_perm("surveys.add_survey", can_manage_process)
rules.add_perm("surveys.change_survey", can_manage_process)
rules.add_perm("surveys.manage_invitations", can_manage_process)
rules.add_perm("surveys.view_responses", can_manage_process)
rules.add_perm("surveys.test_survey", can_manage_process)
