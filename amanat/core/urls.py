from django.urls import path

from amanat.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("receptions/", views.receptions, name="receptions"),
    path("manage/", views.manage_home, name="manage-home"),
]
