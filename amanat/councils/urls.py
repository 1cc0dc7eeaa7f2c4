"""Pages of the councils app: staff pages under /manage/councils/, public pages under /councils/."""

from __future__ import annotations

from django.urls import include, path

app_name = "councils"

manage_urlpatterns: list = []
public_urlpatterns: list = []

urlpatterns = [
    path("manage/councils/", include(manage_urlpatterns)),
    path("councils/", include(public_urlpatterns)),
]
