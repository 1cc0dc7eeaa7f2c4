"""Public pages under /councils/: every public council, and a council's page with its members
(names in their roles, never contacts), sessions and the fate of each recommendation, filtered by
status and addressee. No login; drafts stay inside the council."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.cache import patch_vary_headers

from amanat.councils.filtersets import PublicRecommendationFilterSet
from amanat.councils.models import Council
from amanat.councils.selectors import public_councils, public_members, public_recommendations, public_sessions


def council_list(request: HttpRequest) -> HttpResponse:
    return render(request, "councils/public/list.html", {"councils": public_councils()})


def council_page(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_object_or_404(Council.objects.filter(is_public=True).select_related("org_unit", "state_body"), pk=pk)
    recs = PublicRecommendationFilterSet(request.GET or None, queryset=public_recommendations(council), request=request)
    query = request.GET.copy()
    context = {
        "council": council,
        "members": public_members(council),
        "sessions": public_sessions(council)[:20],
        "recommendations": recs.qs[:200],
        "filter": recs,
        "query": query.urlencode(),
    }
    template = "councils/public/council.html"
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        template += "#recommendations"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


urlpatterns = [
    path("", council_list, name="public-list"),
    path("<int:pk>/", council_page, name="public-detail"),
]
