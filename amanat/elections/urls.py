"""Pages of the elections app: staff pages under /manage/elections/, public and members' pages under
/elections/. Administration and nominations live in views.manage and views.public; the booth,
the board, the tally and the results in views.vote and views.manage_vote."""

from __future__ import annotations

from django.urls import include, path

from amanat.elections.views.manage import urlpatterns as manage_urls
from amanat.elections.views.manage_vote import urlpatterns as manage_vote_urls
from amanat.elections.views.public import urlpatterns as public_urls
from amanat.elections.views.vote import urlpatterns as vote_urls

app_name = "elections"

urlpatterns = [
    path("manage/elections/", include(manage_urls + manage_vote_urls)),
    path("elections/", include(public_urls + vote_urls)),
]
