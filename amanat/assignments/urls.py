"""Pages of the assignments app: staff pages under /manage/assignments/."""

from __future__ import annotations

from django.urls import include, path

app_name = "assignments"

manage_urlpatterns: list = []
public_urlpatterns: list = []

urlpatterns = [
    path("manage/assignments/", include(manage_urlpatterns)),
    path("manage/assignments/", include(public_urlpatterns)),
]
