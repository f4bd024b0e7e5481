"""Pages of the workshops app: staff, board, public (participants and invitees)."""
