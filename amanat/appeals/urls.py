"""Appeals pages: the staff workspace under /manage/appeals/, the public site under /appeals/ and
/receptions/. One namespace, "appeals"; each views module lists its own patterns."""

from django.urls import include, path

from amanat.appeals.views import appeal, booking, inbox, intake, public, receptions, routing

app_name = "appeals"

urlpatterns = [
    path(
        "manage/appeals/",
        include(
            [
                *inbox.urlpatterns,
                *intake.urlpatterns,
                *appeal.urlpatterns,
                *routing.urlpatterns,
                *receptions.urlpatterns,
            ]
        ),
    ),
    path("appeals/", include(public.urlpatterns)),
    path("receptions/", include(booking.urlpatterns)),
]
