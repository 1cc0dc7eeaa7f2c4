"""Pages of the meetings app: staff pages under /manage/meetings/, public pages under /meetings/."""

from __future__ import annotations

from django.urls import include, path

from amanat.meetings.views import manage, public

app_name = "meetings"

manage_urlpatterns: list = [
    path("", manage.calendar_view, name="calendar"),
    path("day/", manage.day_view, name="day"),
    path("new/", manage.meeting_create, name="create"),
    path("invitations/", manage.invitations, name="invitations"),
    path("invitations/<int:pk>/<str:answer>/", manage.invitation_answer, name="invitation-answer"),
    path("feed/", manage.feed_link, name="feed-link"),
    path("<int:pk>/", manage.meeting_detail, name="detail"),
    path("<int:pk>/edit/", manage.meeting_edit, name="edit"),
    path("<int:pk>/delete/", manage.meeting_delete, name="delete"),
    path("<int:pk>/do/<str:name>/", manage.meeting_transition, name="transition"),
    path("<int:pk>/participants/", manage.participant_add, name="participant-add"),
    path("<int:pk>/attendance/", manage.attendance, name="attendance"),
    path("<int:pk>/agenda/", manage.agenda_add, name="agenda-add"),
    path("<int:pk>/decisions/", manage.decision_add, name="decision-add"),
    path("<int:pk>/protocol/", manage.protocol_save, name="protocol-save"),
    path("<int:pk>/protocol.pdf", manage.protocol_pdf, name="protocol-pdf"),
    path("<int:pk>/files/", manage.file_add, name="file-add"),
    path("files/<int:pk>/", manage.file_download, name="file"),
    path("files/<int:pk>/remove/", manage.file_remove, name="file-remove"),
    path("participants/<int:pk>/remove/", manage.participant_remove, name="participant-remove"),
    path("<int:pk>/issues/", manage.issues, name="issues"),
    path("decisions/<int:pk>/assign/", manage.decision_assign, name="decision-assign"),
]
public_urlpatterns: list = [
    path("", public.upcoming, name="public"),
    path("public.ics", public.public_feed, name="public-feed"),
    path("feed/<str:token>.ics", public.feed, name="feed"),
]

urlpatterns = [
    path("manage/meetings/", include(manage_urlpatterns)),
    path("meetings/", include(public_urlpatterns)),
]
