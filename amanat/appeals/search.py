"""Full-text search over appeals. OWNED BY HELPER C1 (FTS5 on SQLite, russian + trigram on PostgreSQL).

Interface: `search_appeals(queryset, query) -> queryset` — filters (and orders by relevance when
the backend can) the given queryset; a query of odd characters must never raise.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

SEARCH_MAX = 200


def search_appeals(queryset: QuerySet, query: str) -> QuerySet:
    query = " ".join((query or "").split())[:SEARCH_MAX]
    if not query:
        return queryset
    return queryset.filter(Q(number__iexact=query) | Q(text__icontains=query) | Q(subject__icontains=query))
