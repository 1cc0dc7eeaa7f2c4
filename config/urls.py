from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("amanat.core.urls")),
    path("accounts/", include("amanat.accounts.urls")),
    path("manage/org/", include("amanat.org.urls")),
    path("", include("amanat.appeals.urls")),
    path("", include("amanat.programme.urls")),
    path("", include("amanat.documents.urls")),
    path("", include("amanat.assignments.urls")),
    path("", include("amanat.meetings.urls")),
    path("", include("amanat.councils.urls")),
    path("", include("amanat.projects.urls")),
    path("", include("amanat.elections.urls")),
    path("", include("amanat.akim.urls")),
    path("manage/notifications/", include("amanat.notifications.urls")),
    path("manage/audit/", include("amanat.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("amanat.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:
    # Only the public folder (the party's logo) is served; imports hold IINs and never are.
    urlpatterns += [path("media/site/<path:path>", serve, {"document_root": settings.MEDIA_ROOT / "site"})]
