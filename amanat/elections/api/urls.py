"""/api/v1/ routes of the elections app: administration and nominations (api.views), casting,
the board, tally and shares (api.vote)."""

from __future__ import annotations

from amanat.elections.api.views import urlpatterns as admin_urls
from amanat.elections.api.vote import urlpatterns as vote_urls

urlpatterns = admin_urls + vote_urls
