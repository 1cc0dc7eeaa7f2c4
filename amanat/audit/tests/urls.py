"""The project's URLs plus the audit pages, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("manage/audit/", include("amanat.audit.urls")),
    *project_urlpatterns,
]
