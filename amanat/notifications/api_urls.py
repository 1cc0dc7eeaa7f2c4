"""Included by amanat/api/urls.py under /api/v1/."""

from rest_framework.routers import SimpleRouter

from amanat.notifications import api

router = SimpleRouter()
api.register(router)

urlpatterns = router.urls
