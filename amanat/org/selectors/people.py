"""Reads for people, members, positions and member imports, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from amanat.accounts.models import normalize_phone
from amanat.audit.selectors import history_for
from amanat.core import crypto
from amanat.core.permissions import get_visible_or_404, has_action
from amanat.org.choices import OrgUnitKind
from amanat.org.models import Member, MemberImport, OrgUnit, Person, Position
from amanat.org.permissions import OrgAction

SEARCH_MAX = 100


def person_list(*, actor: Any, action: str = OrgAction.VIEW_PERSON) -> models.QuerySet[Person]:
    """People kept by units in the actor's scope."""
    return Person.objects.visible_to(actor, action).select_related("org_unit")


def person_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_PERSON) -> Person:
    """One person in the actor's scope, or 404."""
    return get_visible_or_404(Person.objects.select_related("org_unit", "territory"), actor, action, pk=pk)


def person_visible(*, actor: Any, person: Person | None) -> bool:
    return person is not None and has_action(actor, OrgAction.VIEW_PERSON, person.org_unit)


def member_list_base() -> models.QuerySet[Member]:
    return Member.objects.select_related("person", "org_unit")


def member_list(*, actor: Any, action: str = OrgAction.VIEW_MEMBER) -> models.QuerySet[Member]:
    """Memberships in primary organisations within the actor's scope, by name."""
    return member_list_base().visible_to(actor, action)


def member_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_MEMBER) -> Member:
    """One membership in the actor's scope, or 404."""
    return get_visible_or_404(Member.objects.select_related("person", "org_unit"), actor, action, pk=pk)


def membership_of(person: Person) -> Member | None:
    return Member.objects.filter(person=person).select_related("org_unit").first()


def member_history(member: Member, *, limit: int = 50) -> models.QuerySet:
    """Audit events of a membership (admission, status changes, transfers), newest first."""
    return history_for(member, limit=limit)


def position_list(*, actor: Any, action: str = OrgAction.VIEW_POSITION) -> models.QuerySet[Position]:
    return (
        Position.objects.visible_to(actor, action)
        .select_related("person", "org_unit")
        .order_by("org_unit__path", "kind", "-started_on", "id")
    )


def position_get(*, actor: Any, pk: Any, action: str = OrgAction.VIEW_POSITION) -> Position:
    return get_visible_or_404(Position.objects.select_related("person", "org_unit"), actor, action, pk=pk)


def positions_of(*, actor: Any, person: Person) -> models.QuerySet[Position]:
    return position_list(actor=actor).filter(person=person)


def current_q(prefix: str = "") -> Q:
    """Positions whose term covers today."""
    today = timezone.localdate()
    return Q(**{f"{prefix}started_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": today})
    )


def member_import_get(*, actor: Any, pk: Any) -> MemberImport:
    return get_visible_or_404(
        MemberImport.objects.select_related("org_unit", "uploaded_by"), actor, OrgAction.IMPORT_MEMBERS, pk=pk
    )


def member_import_list(*, actor: Any) -> models.QuerySet[MemberImport]:
    return MemberImport.objects.visible_to(actor, OrgAction.IMPORT_MEMBERS).select_related("org_unit", "uploaded_by")


def units_for(actor: Any, action: str, *, primary_only: bool = False) -> models.QuerySet[OrgUnit]:
    """Units (in tree order) on which the actor holds action: choices for forms and filters."""
    units = OrgUnit.objects.visible_to(actor, action).filter(is_active=True).order_by("path")
    return units.filter(kind=OrgUnitKind.PRIMARY) if primary_only else units


def top_units_for(actor: Any, action: str) -> list[OrgUnit]:
    """The highest units the actor holds action on (their grants), for a default choice."""
    units = list(units_for(actor, action))
    return [u for u in units if not any(u.path != o.path and u.path.startswith(o.path) for o in units)]


# --- search ----------------------------------------------------------------------------------


def normalise_query(value: str) -> str:
    return " ".join((value or "").split()).lower()[:SEARCH_MAX]


def name_prefix_q(field: str, prefix: str) -> Q:
    """Names starting with prefix, as a range on the code-point-ordered name, so that both
    databases walk an index (SQLite's LIKE cannot: it ignores ASCII case)."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix[:-1] + chr(last + 1)})


def search(
    queryset: models.QuerySet, value: str, *, name: str, person: str, card: str | None = None
) -> models.QuerySet:
    """Filter by what a person types: a 12-digit IIN (exact, by keyed hash), a card number or,
    for people, a phone number (anything else with a digit in it), or a name — first as the start of "last first middle",
    then, when nothing starts so, anywhere in it.

    `person` is the path from the model to Person ("" for Person itself).
    """
    query = normalise_query(value)
    if not query:
        return queryset
    compact = query.replace(" ", "")
    if compact.isdigit() and len(compact) == 12:
        digest = crypto.keyed_hash(compact)
        if not person:
            return queryset.filter(iin_hash=digest)
        # Through a sub-query on living people, so the partial unique index on iin_hash is used.
        return queryset.filter(**{f"{person}__in": Person.objects.filter(iin_hash=digest).values("pk")})
    if any(c.isdigit() for c in query):
        if card is not None:
            return queryset.filter(**{card: "".join((value or "").split())[:SEARCH_MAX]})
        phone = normalize_phone(query)
        return queryset.filter(phone=phone) if phone and not person else queryset.none()
    by_prefix = queryset.filter(name_prefix_q(name, query))
    if by_prefix.exists():
        return by_prefix
    return queryset.filter(**{f"{name}__contains": query})
