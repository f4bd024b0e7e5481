"""Permission rules of the survey results.

* ``view_results``: project staff see exact figures; facilitators see results too, but only
  with small-count protection applied (they lack the raw-data right).
* ``view_raw_results`` — the *raw-data right* — is project staff (and superusers): exact
  figures, free-text answers, breakdowns of free text, tagging, exports.
"""

import rules

from participation.permissions import can_manage_process, can_view_process

rules.add_perm("surveys.view_results", can_view_process)
rules.add_perm("surveys.view_raw_results", can_manage_process)
rules.add_perm("surveys.export_results", can_manage_process)
rules.add_perm("surveys.tag_free_text", can_manage_process)
