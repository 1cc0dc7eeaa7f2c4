"""Pages of the documents app: staff pages under /manage/documents/, public pages under /documents/."""

from __future__ import annotations

from django.urls import include, path

from amanat.documents.views import manage

app_name = "documents"

manage_urlpatterns = [
    path("", manage.DocumentListView.as_view(), name="list"),
    path("new/", manage.document_create, name="create"),
    path("<int:pk>/", manage.document_detail, name="detail"),
    path("<int:pk>/edit/", manage.document_edit, name="edit"),
    path("<int:pk>/versions/new/", manage.version_add, name="version-add"),
    path("versions/<int:pk>/<str:lang>/", manage.version_file, name="version-file"),
]
public_urlpatterns = [
    path("", manage.public_list, name="public-list"),
    path("<int:pk>/", manage.public_detail, name="public-detail"),
    path("versions/<int:pk>/<str:lang>/", manage.public_file, name="public-file"),
]

urlpatterns = [
    path("manage/documents/", include(manage_urlpatterns)),
    path("documents/", include(public_urlpatterns)),
]
