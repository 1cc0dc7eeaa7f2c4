"""Pages of the documents app: staff pages under /manage/documents/, public pages under /documents/."""

from __future__ import annotations

from django.urls import include, path

app_name = "documents"

manage_urlpatterns: list = []
public_urlpatterns: list = []

urlpatterns = [
    path("manage/documents/", include(manage_urlpatterns)),
    path("documents/", include(public_urlpatterns)),
]
