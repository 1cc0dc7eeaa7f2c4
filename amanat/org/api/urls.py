from rest_framework.routers import SimpleRouter

from amanat.org.api import people, structure

router = SimpleRouter()
structure.register(router)
people.register(router)

urlpatterns = router.urls
