"""Permission rules of the monitoring app, built on the process roles.

Monitoring data belongs to territories; a process grants rights on the monitoring of its
territory (``Process.territory_key``). Staff manage imports, targets and data requests and may
look at raw (unprotected) figures, which is logged; facilitators and experts see the published
figures only.
"""

import rules

from participation.permissions import (
    is_process_expert,
    is_process_facilitator,
    is_process_staff,
    is_superuser,
)

can_manage_monitoring = is_superuser | is_process_staff
can_view_monitoring = can_manage_monitoring | is_process_facilitator | is_process_expert

rules.add_perm("monitoring.view_monitoring", can_view_monitoring)
rules.add_perm("monitoring.manage_monitoring", can_manage_monitoring)
rules.add_perm("monitoring.view_raw", can_manage_monitoring)
