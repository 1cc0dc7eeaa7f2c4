"""Reads of the programme module, always within the reader's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from amanat.core.permissions import has_action, scope_q
from amanat.org.models import Official, StateBody
from amanat.programme.models import Item, Programme, TrendCell
from amanat.programme.permissions import ProgrammeAction


def bodies_of(user: Any, *, on: dt.date | None = None) -> list[int]:
    """The state bodies the user holds a post in now (through their person record), with the
    bodies under them (a head of an akimat answers for its departments)."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return []
    day = on or timezone.localdate()
    posts = Official.objects.filter(person_id=person_id, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    paths = [body.path for body in StateBody.objects.filter(pk__in=posts.values("body_id"))]
    if not paths:
        return []
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return list(StateBody.objects.filter(q).values_list("pk", flat=True))


def items_for(user: Any, action: str = ProgrammeAction.VIEW) -> QuerySet[Item]:
    """Items the user may see: those of branches where they hold `action`, and, for an official who
    reports, their bodies' items."""
    scoped = Item.objects.visible_to(user, action)
    if action == ProgrammeAction.VIEW and has_action(user, ProgrammeAction.REPORT):
        bodies = bodies_of(user)
        if not bodies:
            return scoped
        view = scope_q(user, action, "org_unit")
        reportable = reportable_items(user, bodies=bodies)
        return Item.objects.filter((view or Q(pk__in=[])) | Q(pk__in=reportable.values("pk")))
    return scoped


def trend_cells_for(user: Any, programme: int | None = None) -> tuple[QuerySet[TrendCell], QuerySet[Item]]:
    """What the analysis trends add up for the user: the trend cells of the branches whose items
    they see, and the items `items_for` adds outside those branches (an official's bodies' items)."""
    scope = scope_q(user, ProgrammeAction.VIEW, "org_unit")
    cells = TrendCell.objects.filter(scope) if scope is not None else TrendCell.objects.none()
    extra = Item.objects.none()
    bodies = bodies_of(user) if has_action(user, ProgrammeAction.REPORT) else []
    if bodies:
        extra = reportable_items(user, bodies=bodies)
        if scope is not None:
            extra = extra.exclude(scope)
    if programme:
        cells, extra = cells.filter(programme_id=programme), extra.filter(programme_id=programme)
    return cells, extra


def reportable_items(user: Any, *, bodies: list[int] | None = None) -> QuerySet[Item]:
    """The items a state body's official may report on: their bodies' items (responsible or
    co-executor) in branches where they hold `programme.report`. `bodies`: `bodies_of(user)` when
    the caller has it already."""
    bodies = bodies_of(user) if bodies is None else bodies
    if not bodies:
        return Item.objects.none()
    mine = Q(responsible_body_id__in=bodies) | Q(co_executors__in=bodies)
    return Item.objects.visible_to(user, ProgrammeAction.REPORT).filter(mine).distinct()


def may_report(user: Any, item: Item) -> bool:
    return reportable_items(user).filter(pk=item.pk).exists()


def item_get(user: Any, pk: Any, *, action: str = ProgrammeAction.VIEW) -> Item:
    """One item the user may see, or 404 (missing and forbidden look the same)."""
    try:
        return items_for(user, action).select_related("programme", "responsible_body", "org_unit").get(pk=int(pk))
    except (Item.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def programmes_for(user: Any) -> QuerySet[Programme]:
    return Programme.objects.visible_to(user, ProgrammeAction.VIEW)


def public_items() -> QuerySet[Item]:
    """What the public tracker shows: published items of published programmes (no personal data:
    officials appear by post and body, never by person)."""
    return Item.objects.published()
