"""The demo programme: realistic, quick, and loaded only once."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command

from amanat.appeals.choices import AppealType
from amanat.appeals.models import Appeal
from amanat.demo.programme import CODE, load_programme
from amanat.programme.choices import ItemKind, ItemStatus, ReportState
from amanat.programme.models import Indicator, IndicatorValue, Item, Programme, Report
from amanat.programme.services.versions import compare


@pytest.mark.django_db
def test_demo_programme_is_realistic_and_idempotent() -> None:
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=StringIO())
    programme = Programme.objects.get(code=CODE)
    assert programme.is_published and (programme.first_year, programme.last_year) == (2023, 2027)
    assert Item.objects.filter(programme=programme, kind=ItemKind.DIRECTION).count() == 9
    leaves = Item.objects.filter(programme=programme, kind=ItemKind.ROADMAP)
    assert leaves.values("territory").distinct().count() == 8  # the city and every district
    assert not leaves.filter(responsible_body__isnull=True).exists()
    assert Indicator.objects.filter(item__programme=programme).count() == leaves.count()
    reports = Report.objects.filter(item__programme=programme)
    assert reports.values("year", "quarter").distinct().count() == 8  # two years of quarters
    assert reports.filter(is_late=True).exists()
    assert reports.filter(state=ReportState.NOT_CONFIRMED).exists()
    assert reports.filter(state=ReportState.CLAIMED).exists()
    assert IndicatorValue.objects.filter(report__in=reports).count() == reports.count()
    statuses = set(leaves.values_list("computed_status", flat=True))
    assert ItemStatus.AT_RISK in statuses and len(statuses) >= 2  # recomputed, not all the default
    first, second = programme.versions.order_by("number")
    assert programme.version == 2
    changes = compare(first.snapshot, second.snapshot)
    flags = {flag for c in changes for flag in [*c["flags"], *(f for i in c["indicators"] for f in i["flags"])]}
    assert {"deadline_later", "target_weaker"} <= flags  # the revision shows what it moved and lowered
    mandates = Appeal.objects.filter(appeal_type=AppealType.MANDATE)
    assert mandates.count() >= 6 and mandates.filter(programme_items__programme=programme).exists()
    assert mandates.exclude(programme_items__isnull=False).exists()  # some still wait for an item

    counts = (Item.objects.count(), Report.objects.count(), IndicatorValue.objects.count())
    assert load_programme() == 0
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=StringIO())
    assert (Item.objects.count(), Report.objects.count(), IndicatorValue.objects.count()) == counts


@pytest.mark.django_db
def test_demo_programme_loads_quickly() -> None:
    """Loaded again from scratch (the rest of the demo in place), it takes well under 10 s."""
    call_command("demo_data", "--base-members", "0", "--demo-appeals", "0", stdout=StringIO())
    Report.objects.filter(item__programme__code=CODE).delete()
    IndicatorValue.objects.filter(indicator__item__programme__code=CODE).delete()
    Item.objects.filter(programme__code=CODE).delete()
    Programme.objects.filter(code=CODE).delete()
    started = time.perf_counter()
    assert load_programme() > 0
    assert time.perf_counter() - started < 10
