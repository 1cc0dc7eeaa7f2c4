"""/api/v1/ routes of the programme app: programmes, items, reports (api/programmes.py)."""

from amanat.programme.api import programmes

urlpatterns = [*programmes.urlpatterns]
