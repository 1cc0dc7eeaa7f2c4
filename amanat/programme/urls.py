"""Programme pages: the staff workspace under /manage/programme/, the public promise tracker under
/programme/. One namespace, "programme"; each views module lists its own patterns."""

from django.urls import include, path

from amanat.programme.views import analysis, control, importing, manage, mandates, public, versions

app_name = "programme"

urlpatterns = [
    path(
        "manage/programme/",
        include(
            [
                *manage.urlpatterns,
                *analysis.urlpatterns,
                *importing.urlpatterns,
                *control.urlpatterns,
                *versions.urlpatterns,
                *mandates.urlpatterns,
            ]
        ),
    ),
    path("programme/", include([*public.urlpatterns, *versions.public_urlpatterns])),
]
