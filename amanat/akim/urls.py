"""Pages of the akim app: staff pages under /manage/akim/, public pages under /akim/."""

from __future__ import annotations

from django.urls import include, path

from amanat.akim.views.manage import manage_urlpatterns
from amanat.akim.views.public import public_urlpatterns

app_name = "akim"

urlpatterns = [
    path("manage/akim/", include(manage_urlpatterns)),
    path("akim/", include(public_urlpatterns)),
]
