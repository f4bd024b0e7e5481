"""Writes of the monitoring app (see the submodules); import from here."""

from .catalogue import (  # noqa: F401
    process_territory,
    standard_indicators_load,
    standard_set,
    target_delete,
    target_save,
    territories_load,
    territory_scope,
    territory_writable,
)
from .computation import indicators_compute  # noqa: F401
from .import_check import import_check, import_run_indicators  # noqa: F401
from .imports import (  # noqa: F401
    PENDING_DIR,  # noqa: F401
    UNLIMITED,
    ImportFile,
    ImportReport,
    WriteScope,
    column_mapping_save,
    files_from_paths,
    parse_file,
    pending_uploads_delete_abandoned,
    process_write_scope,
    stored_mapping,
    translated,
    values_import,
)
from .requests import (  # noqa: F401
    data_request_by_token,
    data_request_create,
    data_request_deliver_file,
    data_request_deliver_form,
    data_request_remind,
    data_request_token,
    data_requests_remind_due,
    delivery_too_large_message,
    raw_view_log,
)
from .territories import territory_register_load  # noqa: F401, E402
