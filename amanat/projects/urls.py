"""Pages of the projects app: staff pages under /manage/projects/, public pages under /projects/."""

from __future__ import annotations

from django.urls import include, path

app_name = "projects"

manage_urlpatterns: list = []
public_urlpatterns: list = []

urlpatterns = [
    path("manage/projects/", include(manage_urlpatterns)),
    path("projects/", include(public_urlpatterns)),
]
