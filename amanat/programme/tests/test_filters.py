"""Filters by the programme tree: the staff item list keeps a direction's or commitment's whole
subtree; the public tracker filters by direction, district, status, body and official (by post)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amanat.org.models import Official
from amanat.programme.choices import ItemKind, ItemStatus
from amanat.programme.models import Item

pytestmark = pytest.mark.django_db

ITEMS = reverse("programme:item-list")
TRACKER = reverse("programme:tracker")


@pytest.fixture
def deep(prog: SimpleNamespace, tree: SimpleNamespace) -> SimpleNamespace:
    """Under direction 1: a commitment 1.3 with 1.3.1 and 1.3.1.1; a second direction 2 with 2.1."""

    def child(parent: Item, code: str, **extra: Any) -> Item:
        values = {
            "programme": prog.programme, "code": code, "title_kk": f"Тармақ {code}", "title_ru": f"Пункт {code}",
            "org_unit": tree.makat, **extra,
        }  # fmt: skip
        return Item.objects.add_child(Item.objects.get(pk=parent.pk), values)

    commitment = child(prog.direction, "1.3", kind=ItemKind.COMMITMENT)
    leaf = child(commitment, "1.3.1")
    deeper = child(leaf, "1.3.1.1", territory=tree.inder_t, org_unit=tree.inder)
    second = Item.objects.add_root({
        "programme": prog.programme, "kind": ItemKind.DIRECTION, "code": "2", "title_kk": "Жолдар", "title_ru": "Дороги",
        "org_unit": tree.regional,
    })  # fmt: skip
    other = child(second, "2.1", territory=tree.makat_t, responsible_body=prog.makat_akimat)
    return SimpleNamespace(commitment=commitment, leaf=leaf, deeper=deeper, second=second, other=other)


def codes(response: Any) -> set[str]:
    return {row["item"].code for row in response.context["rows"]}


def tracker_codes(response: Any) -> set[str]:
    return {item.code for item in response.context["items"]}


# --- staff item list: the `parent` filter ---------------------------------------------------------


def test_parent_filter_keeps_exactly_the_subtree(client: Any, prog: Any, deep: Any) -> None:
    client.force_login(prog.control)  # the region: every item
    assert codes(client.get(ITEMS, {"parent": prog.direction.pk})) == {"1", "1.1", "1.2", "1.3", "1.3.1", "1.3.1.1"}
    assert codes(client.get(ITEMS, {"parent": deep.commitment.pk})) == {"1.3", "1.3.1", "1.3.1.1"}
    assert codes(client.get(ITEMS, {"parent": deep.second.pk})) == {"2", "2.1"}


def test_parent_filter_works_with_the_other_filters(client: Any, prog: Any, tree: Any, deep: Any) -> None:
    client.force_login(prog.control)
    response = client.get(ITEMS, {"parent": prog.direction.pk, "territory": tree.inder_t.pk})
    assert codes(response) == {"1.3.1.1"}


def test_a_district_deputy_filters_their_items_by_a_regional_direction(client: Any, prog: Any, deep: Any) -> None:
    """The direction belongs to the region, the deputy sees only Makat's items: the choice is
    offered, and the list stays within the deputy's scope."""
    client.force_login(prog.deputy)
    response = client.get(ITEMS, {"parent": prog.direction.pk})
    assert response.status_code == 200
    assert codes(response) == {"1.1", "1.2", "1.3", "1.3.1"}  # 1.3.1.1 is Inder's
    options = [str(value) for value, _label in response.context["filter"].form.fields["parent"].choices]
    assert str(prog.direction.pk) in options
    assert str(deep.commitment.pk) in options
    assert str(prog.clinic.pk) not in options  # a road-map item with nothing under it


def test_parent_filter_offers_nothing_outside_the_users_programmes(
    client: Any, prog: Any, tree: Any, make_user: Any, deep: Any
) -> None:
    from amanat.programme.models import Programme

    other_programme = Programme.objects.create(
        code="other", title_kk="Басқа", title_ru="Другая", first_year=2023, last_year=2027, org_unit=tree.inder
    )
    hidden = Item.objects.add_root({
        "programme": other_programme, "kind": ItemKind.DIRECTION, "code": "9", "title_kk": "Жасырын",
        "title_ru": "Скрытое", "org_unit": tree.inder,
    })  # fmt: skip
    client.force_login(prog.deputy)
    response = client.get(ITEMS, {"parent": hidden.pk})
    assert response.status_code == 200
    assert response.context["filter"].form.errors.get("parent")
    assert "9" not in codes(response)


# --- the public tracker -------------------------------------------------------------------------


def test_tracker_direction_filter_takes_any_level(client: Any, prog: Any, deep: Any) -> None:
    assert tracker_codes(client.get(TRACKER, {"direction": prog.direction.pk})) == {
        "1", "1.1", "1.2", "1.3", "1.3.1", "1.3.1.1",
    }  # fmt: skip
    assert tracker_codes(client.get(TRACKER, {"direction": deep.commitment.pk})) == {"1.3", "1.3.1", "1.3.1.1"}


def test_tracker_direction_filter_ignores_unpublished_items(client: Any, prog: Any, deep: Any) -> None:
    Item.objects.filter(pk=deep.commitment.pk).update(is_published=False)
    response = client.get(TRACKER, {"direction": deep.commitment.pk})
    assert response.status_code == 200
    assert tracker_codes(response) == set()


def test_tracker_filters_by_district_status_body_and_official(client: Any, prog: Any, tree: Any, deep: Any) -> None:
    official = Official.objects.get(body=prog.health)
    Item.objects.filter(pk=prog.clinic.pk).update(
        territory=tree.makat_t, responsible_official=official, computed_status=ItemStatus.AT_RISK
    )
    Item.objects.filter(pk=deep.other.pk).update(status_override=ItemStatus.AT_RISK, override_reason="x")
    Item.objects.filter(pk=prog.road.pk).update(status_override=ItemStatus.DONE, computed_status=ItemStatus.AT_RISK)

    assert tracker_codes(client.get(TRACKER, {"district": tree.makat_t.pk})) == {"1.1", "2.1"}
    assert tracker_codes(client.get(TRACKER, {"district": tree.inder_t.pk})) == {"1.3.1.1"}
    assert tracker_codes(client.get(TRACKER, {"status": ItemStatus.AT_RISK})) == {"1.1", "2.1"}
    assert tracker_codes(client.get(TRACKER, {"body": prog.makat_akimat.pk})) == {"1.2", "2.1"}
    assert tracker_codes(client.get(TRACKER, {"official": official.pk})) == {"1.1"}
    combined = {"direction": prog.direction.pk, "district": tree.makat_t.pk, "status": ItemStatus.AT_RISK}
    assert tracker_codes(client.get(TRACKER, combined)) == {"1.1"}


def test_tracker_names_officials_by_post_never_by_person(client: Any, prog: Any) -> None:
    official = Official.objects.select_related("person", "body").get(body=prog.health)
    Item.objects.filter(pk=prog.clinic.pk).update(responsible_official=official)
    response = client.get(TRACKER)
    labels = dict(response.context["form"].fields["official"].choices)
    assert labels[str(official.pk)] == f"{official.title}, {official.body.name}"
    page = response.content.decode()
    person = official.person
    for name in (person.last_name, person.first_name):
        assert name and name not in page


def test_tracker_refuses_odd_filter_values_without_failing(client: Any, prog: Any) -> None:
    for query in ({"direction": "abc"}, {"official": "999999"}, {"district": "-1"}, {"status": "nonsense"}):
        response = client.get(TRACKER, query)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert tracker_codes(response) == set()


def test_tracker_queries_do_not_grow_with_items_or_filters(client: Any, prog: Any, tree: Any, deep: Any) -> None:
    client.get(TRACKER)  # warm the per-process option lists
    with CaptureQueriesContext(connection) as plain:
        client.get(TRACKER)
    for n in range(10):
        Item.objects.add_child(
            Item.objects.get(pk=deep.other.pk),
            {"programme": prog.programme, "code": f"2.1.{n}", "title_kk": "Т", "title_ru": "П", "org_unit": tree.makat},
        )
    client.get(TRACKER)
    with CaptureQueriesContext(connection) as more:
        response = client.get(TRACKER, {"direction": deep.second.pk, "status": ItemStatus.NOT_STARTED})
    assert len(tracker_codes(response)) == 12
    assert len(more) <= len(plain) + 1  # the chosen direction is looked up once


# --- the analysis page's trend chart --------------------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_trend_table_carries_the_chart_figures_in_any_language(
    client: Any, prog: Any, tree: Any, make_user: Any, language: str
) -> None:
    """The chart script reads the table: plain decimals (no locale comma), and the vendored
    Chart.js with our script is loaded from static files, no inline code."""
    from django.utils import timezone

    from amanat.programme.choices import ReportState
    from amanat.programme.models import IndicatorValue, Report
    from amanat.programme.services.progress import recompute_up

    for quarter, actual in ((1, 10), (2, 20)):
        report = Report.objects.create(
            item=prog.road, year=2025, quarter=quarter, narrative="done", submitted_by=prog.akimat_reporter,
            submitted_at=timezone.now(), state=ReportState.CONFIRMED,
        )  # fmt: skip
        IndicatorValue.objects.create(indicator=prog.km, year=2025, quarter=quarter, actual=actual, report=report)
    recompute_up(Item.objects.get(pk=prog.road.pk))
    client.force_login(make_user("party_control", tree.regional, language=language))
    response = client.get(reverse("programme:analysis"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert "data-trend-chart" in page
    assert 'data-label="2025 Q1" data-verified="0.2500" data-claimed="0.2500"' in page
    assert 'data-label="2025 Q2" data-verified="0.5000"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "js/programme-trends.js" in page
