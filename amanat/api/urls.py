"""/api/v1/: each app contributes its routes in its own api/urls.py."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("amanat.org.api.urls")),
    path("", include("amanat.accounts.api.urls")),
    path("", include("amanat.notifications.api_urls")),
    path("", include("amanat.appeals.api.urls")),
    path("", include("amanat.programme.api.urls")),
    path("", include("amanat.documents.api.urls")),
    path("", include("amanat.assignments.api.urls")),
    path("", include("amanat.meetings.api.urls")),
    path("", include("amanat.councils.api.urls")),
    path("", include("amanat.projects.api.urls")),
    path("", include("amanat.elections.api.urls")),
    path("", include("amanat.akim.api_urls")),
]
