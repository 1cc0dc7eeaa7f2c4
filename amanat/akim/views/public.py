"""Public pages under /akim/: the party's nominees for rural akim, their okrugs, dates, campaign
events and outcomes.

No account is needed. Only the nominee's name and public biography are shown: no other candidate
is named and no member's data appears.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from amanat.akim.selectors import public_campaign_get, public_campaigns


def public_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(public_campaigns().prefetch_related("outcomes").order_by("-election_date", "pk")[:200])
    return render(request, "akim/public/list.html", {"campaigns": campaigns})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = public_campaign_get(pk)
    return render(
        request,
        "akim/public/detail.html",
        {
            "campaign": campaign,
            "events": list(campaign.events.all()),
            "outcomes": list(campaign.outcomes.all()),
            "candidates_count": len(campaign.other_candidates.all()) + 1,
        },
    )


public_urlpatterns = [
    path("", public_list, name="public-list"),
    path("<int:pk>/", public_detail, name="public-detail"),
]
