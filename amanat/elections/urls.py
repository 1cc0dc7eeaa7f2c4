"""Pages of the elections app: staff pages under /manage/elections/, public and members' pages under
/elections/. Administration and nominations: views.manage and views.public; the booth and the
board: views.vote; the tally, shares and results: views.manage_vote and views.results."""

from __future__ import annotations

from django.urls import include, path

from amanat.elections.views.manage import urlpatterns as manage_urls
from amanat.elections.views.manage_vote import urlpatterns as manage_vote_urls
from amanat.elections.views.public import urlpatterns as public_urls
from amanat.elections.views.results import urlpatterns as results_urls
from amanat.elections.views.vote import urlpatterns as vote_urls

app_name = "elections"

urlpatterns = [
    path("manage/elections/", include(manage_urls + manage_vote_urls)),
    path("elections/", include(public_urls + vote_urls + results_urls)),
]
