"""Permission rules of the concept document (shared by pages and API).

Staff edit chapters, choose the summary's content, generate, publish. Facilitators and experts
of the process read published versions only (checked per version in ``selectors``); the public
reads what a process publishes, without an account (no rule: the public pages ask
``selectors.public_versions``).
"""

import rules

from participation.permissions import (
    is_process_expert,
    is_process_facilitator,
    is_process_staff,
    is_superuser,
)

can_manage_concept = is_superuser | is_process_staff
can_read_concept = can_manage_concept | is_process_facilitator | is_process_expert

# Object: a process.
rules.add_perm("measures.manage_concept", can_manage_concept)
rules.add_perm("measures.read_concept", can_read_concept)
