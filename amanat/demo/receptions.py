"""Demo public receptions: one per unit that hosts a reception, weekly hours for the demo deputies,
and bookable times two weeks ahead. Running it again adds only what is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from amanat.accounts.models import RoleGrant
from amanat.accounts.roles import BuiltinRole
from amanat.appeals.models import Reception, ReceptionHours
from amanat.appeals.services.receptions import slots_generate
from amanat.org.models import OrgUnit

HOURS_KK = "Дс–Жм 09:00–18:00, түскі үзіліс 13:00–14:00"
HOURS_RU = "Пн–Пт 09:00–18:00, обед 13:00–14:00"
# (weekday, from, to): the deputy's standing hours at their reception.
DEPUTY_HOURS = ((1, dt.time(10, 0), dt.time(13, 0)), (3, dt.time(15, 0), dt.time(18, 0)))
SLOT_MINUTES = 20
WEEKS = 2


def _reception_for(unit: OrgUnit) -> tuple[Reception, bool]:
    existing = Reception.objects.filter(org_unit=unit).order_by("pk").first()
    if existing is not None:
        return existing, False
    address_ru = unit.address_ru or unit.address_kk or unit.address_en or str(unit.territory or unit.name_ru)
    address_kk = unit.address_kk or address_ru
    reception = Reception.objects.create(
        org_unit=unit,
        name_kk=f"{unit.name_kk} — қоғамдық қабылдау",
        name_ru=f"{unit.name_ru} — общественная приёмная",
        name_en=f"{unit.name_en or unit.name_ru} — public reception",
        territory=unit.territory,
        address_kk=address_kk[:300],
        address_ru=address_ru[:300],
        hours_kk=HOURS_KK,
        hours_ru=HOURS_RU,
        phone=unit.phone[:32],
        email=unit.email,
    )
    return reception, True


@transaction.atomic
def seed_receptions(stdout: Any = None) -> tuple[int, int, int]:
    """Receptions, deputies' hours and two weeks of slots for the demo: (receptions, hours, slots) added."""
    units = OrgUnit.objects.filter(hosts_reception=True, is_active=True).select_related("territory").order_by("path")
    receptions: list[Reception] = []
    created = 0
    for unit in units:
        reception, new = _reception_for(unit)
        receptions.append(reception)
        created += new

    today = timezone.localdate()
    grants = (
        RoleGrant.objects.active()
        .filter(role__code=BuiltinRole.DEPUTY, user__is_active=True)
        .select_related("user", "org_unit")
        .order_by("user_id", "pk")
    )
    hours_added = 0
    slots_added = 0
    for grant in grants:
        # The deputy receives at the reception of their own unit, or else at the first one under it.
        mine = [r for r in receptions if r.org_unit_id == grant.org_unit_id] or [
            r for r in receptions if r.org_unit.path.startswith(grant.org_unit.path)
        ][:1]
        for reception in mine:
            for weekday, start, end in DEPUTY_HOURS:
                hours, new = ReceptionHours.objects.get_or_create(
                    reception=reception,
                    host=grant.user,
                    weekday=weekday,
                    start_time=start,
                    defaults={"end_time": end, "slot_minutes": SLOT_MINUTES, "valid_from": today},
                )
                hours_added += new
                slots_added += slots_generate(hours=hours, weeks=WEEKS)
    if stdout is not None:
        stdout.write(
            f"Receptions: {created} added ({len(receptions)} in all), "
            f"{hours_added} reception hours, {slots_added} bookable times\n"
        )
    return created, hours_added, slots_added
