"""Pages of the councils app: staff pages under /manage/councils/, public pages under /councils/."""

from __future__ import annotations

from django.urls import include, path

from amanat.councils.views import manage, public

app_name = "councils"

urlpatterns = [
    path("manage/councils/", include(manage.urlpatterns)),
    path("councils/", include(public.urlpatterns)),
]
