from django.urls import path

from .views import board, public, staff

app_name = "workshops"

urlpatterns = [
    path("", staff.workshop_list, name="list"),
    path("new/<int:process_pk>/", staff.workshop_edit, name="create"),
    path("<int:pk>/", staff.workshop_detail, name="detail"),
    path("<int:pk>/edit/", staff.workshop_edit, name="edit"),
    path("<int:pk>/status/", staff.workshop_transition, name="transition"),
    path("<int:pk>/agenda/new/", staff.agenda_item_edit, name="agenda_new"),
    path("<int:pk>/agenda/<int:item_pk>/", staff.agenda_item_edit, name="agenda_edit"),
    path("<int:pk>/agenda/<int:item_pk>/delete/", staff.agenda_item_delete, name="agenda_delete"),
    path("<int:pk>/invitations/", staff.invitations, name="invitations"),
    path("<int:pk>/check-in/", staff.check_in, name="check_in"),
    path("<int:pk>/check-in/counts/", staff.check_in_counts, name="check_in_counts"),
    path(
        "<int:pk>/check-in/<int:invitation_pk>/",
        staff.check_in_invitation,
        name="check_in_invitation",
    ),
    path("<int:pk>/briefing/", staff.briefing, name="briefing"),
    path("<int:pk>/briefing.pdf", staff.briefing_pdf, name="briefing_pdf"),
    path("<int:pk>/briefing/questions/", staff.briefing_questions, name="briefing_questions"),
    path("<int:pk>/protocol/", staff.protocol_page, name="protocol"),
    path("<int:pk>/protocol/send/", staff.protocol_send, name="protocol_send"),
    path("<int:pk>/protocol.<str:fmt>", staff.protocol_export, name="protocol_export"),
    path("<int:pk>/photos/", staff.photos, name="photos"),
    path("<int:pk>/photos/<int:photo_pk>/", staff.photo_file, name="photo_file"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", staff.photo_delete, name="photo_delete"),
    path("<int:pk>/board/", board.board, name="board"),
    path("<int:pk>/board/state/", board.board_state, name="board_state"),
    path("<int:pk>/cards/<int:card_pk>/", board.card_edit, name="card_edit"),
    path("<int:pk>/cards/<int:card_pk>/move/", board.card_move, name="card_move"),
    path("<int:pk>/cards/<int:card_pk>/remove/", board.card_reject, name="card_reject"),
    path("<int:pk>/merge/", board.cards_merge, name="cards_merge"),
    path("<int:pk>/clusters/new/", board.cluster_edit, name="cluster_new"),
    path("<int:pk>/clusters/<int:cluster_pk>/", board.cluster_edit, name="cluster_edit"),
    path("<int:pk>/clusters/<int:cluster_pk>/delete/", board.cluster_delete, name="cluster_delete"),
    path("<int:pk>/queue/", board.queue, name="queue"),
    path("<int:pk>/code/", board.join_code, name="join_code"),
    path("<int:pk>/votes/new/", board.vote_open, name="vote_open"),
    path("<int:pk>/votes/<int:vote_pk>/", board.vote_detail, name="vote_detail"),
    path("<int:pk>/votes/<int:vote_pk>/close/", board.vote_close, name="vote_close"),
    # Without an account.
    path("invitation/<str:token>/", public.invitation_answer, name="invitation_answer"),
    path("join/", public.join, name="join"),
    path("join/<str:code>/", public.join_with_code, name="join_with_code"),
    path("p/<str:code>/", public.participant_board, name="participant"),
    path("p/<str:code>/state/", public.participant_state, name="participant_state"),
    path("p/<str:code>/vote/", public.participant_vote, name="participant_vote"),
]
