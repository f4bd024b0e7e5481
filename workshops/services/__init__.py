"""Writes of the workshops app, one module per area; import from here."""

from .board import (
    CardConflict,
    card_accept,
    card_create,
    card_move,
    card_reject,
    card_update,
    cards_merge,
    cluster_delete,
    cluster_save,
)
from .documents import document_request, document_run
from .invitations import (
    invitation_answer,
    invitation_by_token,
    invitation_check_in,
    invitation_send,
    invitations_create,
    invitations_send,
)
from .protocol import photo_add, photo_delete, protocol_mail, protocol_send
from .votes import (
    ballot_cast,
    live_counts,
    new_device_key,
    participant_for,
    participant_join,
    vote_close,
    vote_open,
    workshop_by_code,
)
from .workshops import (
    agenda_item_delete,
    agenda_item_save,
    workshop_new_join_code,
    workshop_save,
    workshop_transition,
)

__all__ = [
    "document_request",
    "document_run",
    "CardConflict",
    "agenda_item_delete",
    "agenda_item_save",
    "ballot_cast",
    "card_accept",
    "card_create",
    "card_move",
    "card_reject",
    "card_update",
    "cards_merge",
    "cluster_delete",
    "cluster_save",
    "invitation_answer",
    "invitation_by_token",
    "invitation_check_in",
    "invitation_send",
    "invitations_create",
    "invitations_send",
    "live_counts",
    "new_device_key",
    "participant_for",
    "participant_join",
    "photo_add",
    "photo_delete",
    "protocol_mail",
    "protocol_send",
    "vote_close",
    "vote_open",
    "workshop_by_code",
    "workshop_new_join_code",
    "workshop_save",
    "workshop_transition",
]
