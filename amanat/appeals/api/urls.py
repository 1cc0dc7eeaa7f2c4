"""/api/v1/ routes of the appeals app: appeals (api/appeals.py) and receptions (api/receptions.py)."""

from amanat.appeals.api import appeals, receptions

urlpatterns = [*appeals.urlpatterns, *receptions.urlpatterns]
