"""Pages of the meetings app: staff pages under /manage/meetings/, public pages under /meetings/."""

from __future__ import annotations

from django.urls import include, path

app_name = "meetings"

manage_urlpatterns: list = []
public_urlpatterns: list = []

urlpatterns = [
    path("manage/meetings/", include(manage_urlpatterns)),
    path("meetings/", include(public_urlpatterns)),
]
