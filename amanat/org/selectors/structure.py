"""Reads for the structure: territories, org units, maslikhats, factions, deputies, state bodies,
officials. Every list and fetch goes through the user's scope; lists carry their joins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Left
from django.utils import timezone

from amanat.core import crypto
from amanat.core.permissions import get_visible_or_404, has_action, in_subtree
from amanat.org.choices import FactionRole, MemberStatus, OrgUnitKind
from amanat.org.models import (
    Deputy,
    Faction,
    Maslikhat,
    Member,
    Official,
    OrgUnit,
    Person,
    Position,
    StateBody,
    Territory,
)
from amanat.org.permissions import OrgAction

SEARCH_MAX = 100
PERSON_CHOICES_MAX = 20


# --- helpers ---------------------------------------------------------------------------------


def clean_query(value: Any) -> str:
    """What a person typed, made safe for any database: no NUL, no runaway length."""
    return " ".join(str(value or "").replace("\x00", " ").split())[:SEARCH_MAX]


def text_q(fields: Sequence[str], value: str) -> Q:
    """Rows where any of fields contains value, whatever its case.

    SQLite's LIKE folds case for ASCII only, so Kazakh and Russian names are also tried in the
    usual spellings (as typed, lower, capitalised, upper); PostgreSQL folds them itself.
    """
    variants = {value, value.lower(), value.capitalize(), value.upper(), value.title()}
    q = Q()
    for name in fields:
        for variant in variants:
            q |= Q(**{f"{name}__icontains": variant})
    return q


def parent_of(model: type[models.Model], field_name: str = "pk") -> Subquery:
    """A subquery giving the tree parent's field (pk, kato…), from the materialised path."""
    steplen = model.steplen  # type: ignore[attr-defined]
    return Subquery(
        model.objects.filter(path=Left(OuterRef("path"), (OuterRef("depth") - 1) * steplen)).values(field_name)[:1]
    )


def children_q(parent: Any) -> Q:
    """Direct children of a tree node (materialised path)."""
    return Q(path__startswith=parent.path, depth=parent.depth + 1)


def current_q(start: str = "started_on", end: str = "ended_on") -> Q:
    """Terms that cover today."""
    today = timezone.localdate()
    return Q(**{f"{start}__lte": today}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": today}))


def ancestors(model: type[models.Model], node: Any) -> list[Any]:
    """A node's ancestors from the root down (one query)."""
    steplen = model.steplen  # type: ignore[attr-defined]
    paths = [node.path[: steplen * i] for i in range(1, node.depth)]
    if not paths:
        return []
    return list(model.objects.filter(path__in=paths).order_by("path"))


# --- territories -----------------------------------------------------------------------------


def territory_list(*, actor: Any) -> models.QuerySet[Territory]:
    """Territories (shared reference data) in tree order, with the parent's KATO code."""
    return (
        Territory.objects.visible_to(actor, OrgAction.VIEW_UNIT)
        .annotate(parent_kato=parent_of(Territory, "kato"))
        .order_by("path")
    )


def territory_get(*, actor: Any, pk: Any) -> Territory:
    return get_visible_or_404(territory_list(actor=actor), actor, OrgAction.VIEW_UNIT, pk=pk)


def territory_children(territory: Territory) -> models.QuerySet[Territory]:
    return Territory.objects.filter(children_q(territory)).order_by("kato")


def can_change_territories(actor: Any) -> bool:
    """Territories are the branch's shared classifier: only those who may change units on the
    regional branch (or above) may change it."""
    tops = OrgUnit.objects.filter(kind__in=[OrgUnitKind.CENTRAL, OrgUnitKind.REGIONAL]).only("path")
    return any(has_action(actor, OrgAction.CHANGE_UNIT, unit) for unit in tops)


# --- org units -------------------------------------------------------------------------------


def _active_members() -> Subquery:
    members = (
        Member.objects.filter(org_unit=OuterRef("pk"), status=MemberStatus.ACTIVE)
        .order_by()
        .values("org_unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members[:1]), 0)


def unit_list(*, actor: Any, action: str = OrgAction.VIEW_UNIT) -> models.QuerySet[OrgUnit]:
    """Units in the actor's scope in tree order, with territory, parent id and active members."""
    return (
        OrgUnit.objects.visible_to(actor, action)
        .select_related("territory")
        .annotate(parent_pk=parent_of(OrgUnit), active_members=_active_members())
        .order_by("path")
    )


def active_members_by_subtree(*, unit: OrgUnit) -> dict[str, int]:
    """Active members under each unit of unit's subtree (itself included), keyed by path.

    One grouped query over the subtree's members (an index-only scan), summed up the tree here:
    a district branch's figure is its primaries' members, not the few kept on the branch itself.
    """
    steplen = OrgUnit.steplen
    totals: dict[str, int] = {}
    rows = (
        Member.objects.filter(in_subtree("org_unit", unit), status=MemberStatus.ACTIVE)
        .order_by()
        .values_list("org_unit__path")
        .annotate(n=Count("pk"))
    )
    for path, n in rows:
        for end in range(len(unit.path), len(path) + 1, steplen):
            totals[path[:end]] = totals.get(path[:end], 0) + n
    return totals


def unit_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_UNIT) -> OrgUnit:
    """One unit in the actor's scope, or 404."""
    return get_visible_or_404(unit_list(actor=actor, action=action), actor, action, pk=pk)


def unit_children(*, actor: Any, unit: OrgUnit) -> list[OrgUnit]:
    return sorted(unit_list(actor=actor).filter(children_q(unit)), key=unit_sort_key)


def unit_breadcrumbs(*, actor: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors the actor may open (a district secretary sees no regional link)."""
    return [u for u in ancestors(OrgUnit, unit) if has_action(actor, OrgAction.VIEW_UNIT, u)]


def unit_positions(*, actor: Any, unit: OrgUnit) -> list[Position]:
    """Current posts in the unit's bodies, for those who may see positions there."""
    if not has_action(actor, OrgAction.VIEW_POSITION, unit):
        return []
    return list(
        Position.objects.filter(current_q(), org_unit=unit).select_related("person").order_by("kind", "started_on")
    )


def unit_maslikhats(*, actor: Any, unit: OrgUnit) -> list[Maslikhat]:
    if not has_action(actor, OrgAction.VIEW_DEPUTY, unit):
        return []
    return list(Maslikhat.objects.filter(org_unit=unit).select_related("territory").order_by("-convocation"))


@dataclass
class TreeNode:
    """A unit on a tree page with the nodes under it that are on the same page."""

    unit: Any
    children: list[TreeNode] = field(default_factory=list)

    @property
    def total_members(self) -> int:
        """Active members of the unit and of every unit under it on the page."""
        return (getattr(self.unit, "active_members", 0) or 0) + sum(child.total_members for child in self.children)


def build_tree(nodes: Iterable[Any], key: Callable[[Any], Any] | None = None) -> list[TreeNode]:
    """Nest nodes (in path order) under their nearest ancestor on the page; the rest are roots.

    Siblings are sorted by key (tree paths keep the order of creation).
    """
    roots: list[TreeNode] = []
    stack: list[TreeNode] = []
    for unit in nodes:
        node = TreeNode(unit)
        while stack and not unit.path.startswith(stack[-1].unit.path):
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    if key is not None:
        _sort_tree(roots, key)
    return roots


def _sort_tree(nodes: list[TreeNode], key: Callable[[Any], Any]) -> None:
    nodes.sort(key=lambda n: key(n.unit))
    for node in nodes:
        _sort_tree(node.children, key)


UNIT_KIND_ORDER = {kind: n for n, kind in enumerate(OrgUnitKind.values)}


def unit_sort_key(unit: OrgUnit) -> tuple[int, str]:
    """Branches before primaries, then by name in the reader's language."""
    return UNIT_KIND_ORDER.get(unit.kind, 99), str(unit.name).lower()


# --- maslikhats, factions, deputies ----------------------------------------------------------


def _sitting() -> Q:
    return current_q("deputies__term_start", "deputies__term_end")


def maslikhat_list(*, actor: Any, action: str = OrgAction.VIEW_DEPUTY) -> models.QuerySet[Maslikhat]:
    """Maslikhats kept by units in the actor's scope, with their faction and sitting deputies."""
    return (
        Maslikhat.objects.visible_to(actor, action)
        .select_related("territory", "org_unit", "faction")
        .annotate(deputies_count=Count("deputies", filter=_sitting()))
        .order_by("level", "name_ru", "-convocation", "id")
    )


def maslikhat_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_DEPUTY) -> Maslikhat:
    return get_visible_or_404(
        Maslikhat.objects.select_related("territory", "org_unit", "faction"), actor, action, pk=pk
    )


def maslikhat_faction(maslikhat: Maslikhat) -> Faction | None:
    try:
        return maslikhat.faction
    except Faction.DoesNotExist:
        return None


def _leaders() -> Prefetch:
    return Prefetch(
        "deputies",
        queryset=Deputy.objects.filter(faction_role__in=[FactionRole.LEADER, FactionRole.DEPUTY_LEADER])
        .select_related("person")
        .order_by("faction_role", "id"),
        to_attr="leaders",
    )


def faction_list(*, actor: Any, action: str = OrgAction.VIEW_DEPUTY) -> models.QuerySet[Faction]:
    return (
        Faction.objects.visible_to(actor, action)
        .select_related("maslikhat", "maslikhat__org_unit")
        .prefetch_related(_leaders())
        .annotate(members_count=Count("deputies"))
        .order_by("maslikhat__level", "name_ru", "id")
    )


def faction_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_DEPUTY) -> Faction:
    return get_visible_or_404(faction_list(actor=actor, action=action), actor, action, pk=pk)


def deputy_list(*, actor: Any, action: str = OrgAction.VIEW_DEPUTY) -> models.QuerySet[Deputy]:
    """Deputies of maslikhats in the actor's scope, with person, maslikhat and faction."""
    return (
        Deputy.objects.visible_to(actor, action)
        .select_related("person", "maslikhat", "maslikhat__org_unit", "faction", "constituency_territory")
        .order_by("maslikhat__level", "maslikhat__name_ru", "constituency_number", "person__search_name", "id")
    )


def deputy_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_DEPUTY) -> Deputy:
    return get_visible_or_404(deputy_list(actor=actor, action=action), actor, action, pk=pk)


def maslikhat_deputies(maslikhat: Maslikhat) -> models.QuerySet[Deputy]:
    return (
        Deputy.objects.filter(maslikhat=maslikhat)
        .select_related("person", "faction", "constituency_territory")
        .order_by(F("constituency_number").asc(nulls_last=True), "person__search_name", "id")
    )


def is_sitting(deputy: Deputy) -> bool:
    today = timezone.localdate()
    return deputy.term_start <= today and (deputy.term_end is None or deputy.term_end >= today)


# --- state bodies and officials --------------------------------------------------------------


def statebody_list(*, actor: Any, action: str = OrgAction.VIEW_STATE_BODY) -> models.QuerySet[StateBody]:
    """State bodies (shared reference data) in tree order, with territory and parent id."""
    return (
        StateBody.objects.visible_to(actor, action)
        .select_related("territory")
        .annotate(parent_pk=parent_of(StateBody))
        .order_by("path")
    )


def statebody_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_STATE_BODY) -> StateBody:
    return get_visible_or_404(statebody_list(actor=actor, action=action), actor, action, pk=pk)


def statebody_children(body: StateBody) -> models.QuerySet[StateBody]:
    return StateBody.objects.filter(children_q(body)).select_related("territory").order_by("kind", "name_ru")


def statebody_officials(body: StateBody) -> tuple[list[Official], list[Official]]:
    """(current, past) officials of a body: heads first, then by name; past ones newest first."""
    rows = list(Official.objects.filter(body=body).select_related("person").order_by("-started_on", "id"))
    today = timezone.localdate()
    current = [o for o in rows if o.started_on <= today and (o.ended_on is None or o.ended_on >= today)]
    current.sort(key=lambda o: (not o.is_head, o.person.search_name))
    past = [o for o in rows if o not in current]
    return current, past


def official_list(*, actor: Any, action: str = OrgAction.VIEW_STATE_BODY) -> models.QuerySet[Official]:
    return (
        Official.objects.visible_to(actor, action)
        .select_related("person", "body", "body__territory")
        .order_by("body__path", "-is_head", "person__search_name", "id")
    )


def official_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_STATE_BODY) -> Official:
    return get_visible_or_404(official_list(actor=actor, action=action), actor, action, pk=pk)


def is_current_official(official: Official) -> bool:
    today = timezone.localdate()
    return official.started_on <= today and (official.ended_on is None or official.ended_on >= today)


# --- people to choose from -------------------------------------------------------------------


def person_choices(*, actor: Any, query: str, limit: int = PERSON_CHOICES_MAX) -> list[Person]:
    """People the actor may see matching what was typed: a full IIN (by its keyed hash), or a
    name — its start first, then anywhere in "last first middle"."""
    query = clean_query(query).lower()
    if not query:
        return []
    visible = Person.objects.visible_to(actor, OrgAction.VIEW_PERSON).select_related("org_unit")
    compact = query.replace(" ", "")
    if compact.isdigit() and len(compact) == 12:
        return list(visible.filter(iin_hash=crypto.keyed_hash(compact))[:limit])
    if any(c.isdigit() for c in query):
        return []
    found = list(visible.filter(search_name__startswith=query)[:limit])
    return found or list(visible.filter(search_name__contains=query)[:limit])


def visible_people(actor: Any) -> models.QuerySet[Person]:
    return Person.objects.visible_to(actor, OrgAction.VIEW_PERSON)
