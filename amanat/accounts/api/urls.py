from django.urls import path
from rest_framework.routers import SimpleRouter

from amanat.accounts.api import views

router = SimpleRouter()
router.register("users", views.UserViewSet, basename="user")
router.register("role-grants", views.RoleGrantViewSet, basename="role-grant")
router.register("roles", views.RoleViewSet, basename="role")

urlpatterns = [path("me/", views.MeView.as_view(), name="me"), *router.urls]
