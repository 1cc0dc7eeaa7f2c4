"""The web shell: the public site's pages and the staff workspace's start page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from amanat.core.permissions import has_action
from amanat.org.permissions import OrgAction

# --- Public site ----------------------------------------------------------------------------


@dataclass
class ReceptionGroup:
    """Receptions of one city or district (or of the regional level, `area` None)."""

    area: Any
    receptions: list[Any]

    @property
    def title(self) -> str:
        return str(self.area.name) if self.area is not None else str(_("Regional branch"))


def _area_units() -> list[Any]:
    from amanat.org.choices import OrgUnitKind
    from amanat.org.models import OrgUnit

    return list(OrgUnit.objects.filter(kind__in=[OrgUnitKind.CITY, OrgUnitKind.DISTRICT], is_active=True))


def reception_groups() -> tuple[list[ReceptionGroup], list[Any]]:
    """Open public receptions grouped by city/district, and the areas that have any.

    Three queries whatever the number of receptions: areas, receptions, and their free times in
    the next two weeks (a count and the first one each). Only public contacts are read: nothing
    personal is ever shown on the public site.
    """
    from amanat.appeals.models import Reception
    from amanat.org.choices import OrgUnitKind

    areas = _area_units()
    receptions = list(
        Reception.objects.filter(is_active=True, org_unit__is_active=True)
        .select_related("org_unit")
        .order_by("org_unit__path", "name_ru")
    )
    _attach_free_times(receptions)

    def area_of(unit: Any) -> Any:
        # The deepest city/district whose subtree holds the unit (a city may hold districts).
        found = [a for a in areas if unit.path.startswith(a.path)]
        return max(found, key=lambda a: a.depth) if found else None

    grouped: dict[int | None, ReceptionGroup] = {}
    for reception in receptions:
        area = area_of(reception.org_unit)
        key = area.pk if area is not None else None
        grouped.setdefault(key, ReceptionGroup(area=area, receptions=[])).receptions.append(reception)

    def order(group: ReceptionGroup) -> tuple[int, int, str]:
        if group.area is None:
            return (0, 0, "")
        return (1, 0 if group.area.kind == OrgUnitKind.CITY else 1, str(group.area.name))

    groups = sorted(grouped.values(), key=order)
    return groups, [g.area for g in groups if g.area is not None]


def _attach_free_times(receptions: list[Any]) -> None:
    """`free_count` and `next_free` (the first free time) on each reception, in one query."""
    import datetime as dt

    from django.db.models import Count, Min

    from amanat.appeals.services.receptions import PUBLIC_DAYS, bookable_slots

    if not receptions:
        return
    horizon = timezone.now() + dt.timedelta(days=PUBLIC_DAYS)
    rows = (
        bookable_slots()
        .filter(reception__in=[r.pk for r in receptions], starts_at__lt=horizon)
        .order_by()
        .values("reception_id")
        .annotate(count=Count("id"), first=Min("starts_at"))
    )
    found = {row["reception_id"]: row for row in rows}
    for reception in receptions:
        row = found.get(reception.pk)
        reception.free_count = row["count"] if row else 0
        reception.next_free = row["first"] if row else None


class ReceptionFilterForm(forms.Form):
    district = forms.ChoiceField(
        label=_("City or district"),
        required=False,
        error_messages={"invalid_choice": _("There is no such city or district in the list; all are shown.")},
    )

    def __init__(self, *args: Any, areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All cities and districts")), *((a.code, a.name) for a in areas)]


def home(request: HttpRequest) -> HttpResponse:
    """The branch's public home: who we are, where the receptions are, how to reach us."""
    groups, _areas = reception_groups()
    return render(
        request,
        "public/home.html",
        {"reception_groups": groups, "reception_count": sum(len(g.receptions) for g in groups)},
    )


def receptions(request: HttpRequest) -> HttpResponse:
    """Every public reception with its address and contacts, filtered by city or district."""
    groups, areas = reception_groups()
    form = ReceptionFilterForm(request.GET or None, areas=areas)
    area_code = form.cleaned_data["district"] if form.is_valid() else ""
    if area_code:
        groups = [g for g in groups if g.area is not None and g.area.code == area_code]
    return render(
        request,
        "public/receptions.html",
        {"form": form, "reception_groups": groups, "reception_count": sum(len(g.receptions) for g in groups)},
    )


# --- Staff workspace --------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryCard:
    key: str
    label: Any
    icon: str
    action: str
    url_name: str
    queryset: Callable[[Any, str], models.QuerySet]


def _units(user: Any, action: str) -> models.QuerySet:
    from amanat.org.models import OrgUnit

    return OrgUnit.objects.visible_to(user, action).filter(is_active=True)


def _active_members(user: Any, action: str) -> models.QuerySet:
    from amanat.org.choices import MemberStatus
    from amanat.org.models import Member

    return Member.objects.visible_to(user, action).filter(status=MemberStatus.ACTIVE)


def _sitting_deputies(user: Any, action: str) -> models.QuerySet:
    from amanat.org.models import Deputy

    today = timezone.localdate()
    return Deputy.objects.visible_to(user, action).filter(
        models.Q(term_end__isnull=True) | models.Q(term_end__gte=today), term_start__lte=today
    )


def _state_bodies(user: Any, action: str) -> models.QuerySet:
    from amanat.org.models import StateBody

    return StateBody.objects.visible_to(user, action).filter(is_active=True)


SUMMARY_CARDS = (
    SummaryCard("units", _("Org units"), "diagram-3", OrgAction.VIEW_UNIT, "org:unit-tree", _units),
    SummaryCard("members", _("Active members"), "people", OrgAction.VIEW_MEMBER, "org:member-list", _active_members),
    SummaryCard(
        "deputies", _("Sitting deputies"), "person-badge", OrgAction.VIEW_DEPUTY, "org:deputy-list", _sitting_deputies
    ),
    SummaryCard(
        "state_bodies", _("State bodies"), "building", OrgAction.VIEW_STATE_BODY, "org:statebody-list", _state_bodies
    ),
)


def workspace_summary(user: Any) -> list[dict[str, Any]]:
    """Counts for the cards the user may see, each limited to the user's scope (one COUNT each)."""
    cards = []
    for card in SUMMARY_CARDS:
        if not has_action(user, card.action):
            continue
        try:
            url = reverse(card.url_name)
        except NoReverseMatch:
            url = ""
        cards.append(
            {
                "key": card.key,
                "label": card.label,
                "icon": card.icon,
                "url": url,
                "count": card.queryset(user, card.action).count(),
            }
        )
    return cards


@login_required
def manage_home(request: HttpRequest) -> HttpResponse:
    """The staff workspace's start page: what is in the user's scope, and where to go next."""
    return render(request, "manage/home.html", {"summary": workspace_summary(request.user)})


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` the user came with when it points back to this site, else default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)
