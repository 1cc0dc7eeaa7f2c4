"""/api/v1/ routes of the elections app: administration and nominations (api.views), casting and
the board (api.vote), tally and shares (api.tally)."""

from __future__ import annotations

from amanat.elections.api.tally import urlpatterns as tally_urls
from amanat.elections.api.views import urlpatterns as admin_urls
from amanat.elections.api.vote import urlpatterns as vote_urls

urlpatterns = admin_urls + vote_urls + tally_urls
