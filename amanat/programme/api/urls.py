"""/api/v1/ routes of the programme app: programmes, items, reports (api/programmes.py), party
control work (api/control.py), versions (api/versions.py)."""

from amanat.programme.api import control, programmes, versions

urlpatterns = [*programmes.urlpatterns, *control.urlpatterns, *versions.urlpatterns]
