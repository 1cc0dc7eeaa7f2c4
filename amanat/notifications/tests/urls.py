"""The project's URLs plus the notifications API, until amanat/api/urls.py includes it."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/", include("amanat.notifications.api_urls")),
    *project_urlpatterns,
]
