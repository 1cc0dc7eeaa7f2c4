"""Pages of the projects app: staff pages under /manage/projects/, public pages under /projects/."""

from __future__ import annotations

from django.urls import include, path

from amanat.projects.views.manage import manage_urlpatterns
from amanat.projects.views.public import public_urlpatterns

app_name = "projects"

urlpatterns = [
    path("manage/projects/", include(manage_urlpatterns)),
    path("projects/", include(public_urlpatterns)),
]
