"""Pages of the assignments app: staff pages under /manage/assignments/."""

from __future__ import annotations

from django.urls import include, path

from amanat.assignments.views import manage

app_name = "assignments"

manage_urlpatterns = [
    path("", manage.assignment_list, name="list"),
    path("new/", manage.assignment_issue, name="issue"),
    path("mine/", manage.my_list, name="mine"),
    path("extensions/", manage.extension_list, name="extensions"),
    path("extensions/<int:pk>/decide/", manage.extension_decide, name="extension-decide"),
    path("<int:pk>/", manage.assignment_detail, name="detail"),
    path("<int:pk>/remove/", manage.assignment_remove, name="remove"),
    path("executions/<int:pk>/", manage.execution_detail, name="execution"),
    path("executions/<int:pk>/start/", manage.execution_start, name="execution-start"),
    path("executions/<int:pk>/report/", manage.execution_report, name="execution-report"),
    path("executions/<int:pk>/accept/", manage.execution_accept, name="execution-accept"),
    path("executions/<int:pk>/return/", manage.execution_return, name="execution-return"),
    path("executions/<int:pk>/extension/", manage.extension_ask, name="extension-ask"),
    path("files/<int:pk>/", manage.file_download, name="file"),
    path("files/<int:pk>/delete/", manage.file_delete, name="file-delete"),
]

urlpatterns = [
    path("manage/assignments/", include(manage_urlpatterns)),
]
