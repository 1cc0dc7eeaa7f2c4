"""Programme pages: the staff workspace under /manage/programme/, the public promise tracker under
/programme/. One namespace, "programme"; each views module lists its own patterns."""

from django.urls import include, path

from amanat.programme.views import analysis, control, importing, manage, public

app_name = "programme"

urlpatterns = [
    path(
        "manage/programme/",
        include([*manage.urlpatterns, *analysis.urlpatterns, *importing.urlpatterns, *control.urlpatterns]),
    ),
    path("programme/", include(public.urlpatterns)),
]
