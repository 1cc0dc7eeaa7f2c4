"""Reads of the councils module: what a user may see, and what the public sees."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from amanat.councils.choices import RecommendationStatus
from amanat.councils.models import Council, CouncilMember, CouncilSession, Recommendation
from amanat.councils.permissions import CouncilAction
from amanat.councils.workflow import PUBLIC

REC_JOINS = ("council", "council__org_unit", "session", "addressee_body", "addressee_official")


def councils_for(user: Any, action: str = CouncilAction.VIEW) -> QuerySet[Council]:
    return Council.objects.visible_to(user, action).select_related("org_unit", "state_body")


def recommendations_for(user: Any, action: str = CouncilAction.VIEW) -> QuerySet[Recommendation]:
    return Recommendation.objects.visible_to(user, action).select_related(*REC_JOINS)


def overdue_q(today: Any = None) -> Q:
    """Sent and not answered past the response deadline."""
    return Q(status=RecommendationStatus.SENT, response_deadline__lt=today or timezone.localdate())


def serving_q(day: Any = None, prefix: str = "") -> Q:
    """Members whose term covers the day (`prefix` "members__" from a council)."""
    day = day or timezone.localdate()
    return Q(**{f"{prefix}term_start__lte": day}) & (
        Q(**{f"{prefix}term_end__isnull": True}) | Q(**{f"{prefix}term_end__gte": day})
    )


def public_councils() -> QuerySet[Council]:
    return (
        Council.objects.filter(is_public=True)
        .select_related("org_unit", "state_body")
        .annotate(
            serving=Count("members", filter=serving_q(prefix="members__"), distinct=True),
            recommendation_count=Count("recommendations", filter=Q(recommendations__status__in=PUBLIC), distinct=True),
        )
    )


def public_members(council: Council) -> QuerySet[CouncilMember]:
    """Members serving today: their names and roles are public, contacts are never kept here."""
    return council.members.filter(serving_q()).only(
        "pk", "council_id", "last_name", "first_name", "middle_name", "kind", "role", "organisation",
        "term_start", "term_end", "role_order",
    )  # fmt: skip


def public_sessions(council: Council) -> QuerySet[CouncilSession]:
    return council.sessions.annotate(present_count=Count("attendees", distinct=True)).order_by("-starts_at")


def public_recommendations(council: Council) -> QuerySet[Recommendation]:
    return (
        council.recommendations.filter(status__in=PUBLIC)
        .select_related("session", "addressee_body", "addressee_official")
        .prefetch_related(Prefetch("progress_notes"))
        .order_by("-session__starts_at", "id")
    )
