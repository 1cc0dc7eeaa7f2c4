"""Analysis: rankings, problem items, trends, exports and scoping; the daily status sweep."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from amanat.org.choices import StateBodyKind
from amanat.org.models import StateBody
from amanat.programme import analysis
from amanat.programme.choices import ItemKind, ItemStatus, ReportState
from amanat.programme.models import IndicatorValue, Item, Report
from amanat.programme.selectors import items_for
from amanat.programme.services.progress import recompute_all, recompute_up

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 15)


def _report(item: Item, user: Any, year: int, quarter: int, state: str, *, late: bool = False) -> Report:
    return Report.objects.create(
        item=item, year=year, quarter=quarter, narrative="done", submitted_by=user,
        submitted_at=timezone.now(), is_late=late, state=state,
    )  # fmt: skip


@pytest.fixture
def data(prog: SimpleNamespace, tree: SimpleNamespace) -> SimpleNamespace:
    """Makat: the clinic (health department) overdue, the road (Makat akimat) on track;
    Inder: a school of the education department at risk."""
    education = StateBody.objects.add_child(
        StateBody.objects.get(path=prog.health.path[: StateBody.steplen]),
        instance=StateBody(kind=StateBodyKind.DEPARTMENT, name_kk="Білім", name_ru="Образование"),
    )
    Item.objects.filter(pk__in=[prog.clinic.pk, prog.road.pk]).update(territory=tree.makat_t)
    school = Item.objects.add_child(Item.objects.get(pk=prog.direction.pk), {
        "programme": prog.programme, "kind": ItemKind.ROADMAP, "code": "1.3", "title_kk": "Мектеп", "title_ru": "Школа",
        "org_unit": tree.inder, "territory": tree.inder_t, "responsible_body": education,
        "planned_start": dt.date(2025, 1, 1), "planned_end": dt.date(2026, 12, 31),
    })  # fmt: skip
    _report(prog.road, prog.akimat_reporter, 2025, 4, ReportState.CONFIRMED)
    _report(prog.road, prog.akimat_reporter, 2026, 1, ReportState.CONFIRMED)
    _report(prog.clinic, prog.health_reporter, 2025, 4, ReportState.NOT_CONFIRMED, late=True)
    _report(prog.clinic, prog.health_reporter, 2026, 1, ReportState.CLAIMED, late=True)
    _report(school, prog.akimat_reporter, 2025, 4, ReportState.CONFIRMED)
    recompute_all(today=TODAY)  # the items count their reports, as after the services that add them
    Item.objects.filter(pk=prog.clinic.pk).update(computed_status=ItemStatus.OVERDUE, progress_verified=Decimal("0.1"))
    Item.objects.filter(pk=prog.road.pk).update(computed_status=ItemStatus.ON_TRACK, progress_verified=Decimal("0.6"))
    Item.objects.filter(pk=school.pk).update(computed_status=ItemStatus.AT_RISK, progress_verified=Decimal("0.2"))
    return SimpleNamespace(education=education, school=school)


def test_ranking_orders_bodies_best_first_with_counts(prog: Any, data: Any) -> None:
    rows = analysis.ranking_bodies(items_for(prog.control))
    assert [r.key for r in rows] == [prog.makat_akimat.pk, data.education.pk, prog.health.pk]
    akimat, education, health = rows
    assert (akimat.total, akimat.on_track, akimat.overdue, akimat.reports_late) == (1, 1, 0, 0)
    assert akimat.verified_share == 1
    assert (health.overdue, health.reports_late, health.verified_share) == (1, 2, 0)
    assert education.at_risk == 1
    assert f"responsible_body={prog.health.pk}" in health.url(ItemStatus.OVERDUE)
    assert "status=overdue" in health.url(ItemStatus.OVERDUE)


def test_completion_by_district_and_direction(prog: Any, data: Any, tree: Any) -> None:
    items = items_for(prog.control)
    districts = {r.key: r for r in analysis.by_territory(items)}
    assert districts[tree.makat_t.pk].total == 2
    assert districts[tree.inder_t.pk].at_risk == 1
    assert f"territory={tree.inder_t.pk}" in districts[tree.inder_t.pk].url()
    (direction,) = analysis.by_direction(items)
    assert direction.total == 3 and direction.on_track == 1


def test_problem_items_are_behind_for_n_quarters_running(prog: Any, data: Any) -> None:
    items = items_for(prog.control)
    # the clinic has no verified report in 2025 Q4 and 2026 Q1; the school has one in 2025 Q4
    assert [i.pk for i in analysis.problem_items(items, quarters=2, today=TODAY)] == [prog.clinic.pk]
    assert {i.pk for i in analysis.problem_items(items, quarters=1, today=TODAY)} == {prog.clinic.pk, data.school.pk}


def test_trends_give_verified_progress_by_quarter(prog: Any, data: Any) -> None:
    r1 = Report.objects.get(item=prog.road, year=2025, quarter=4)
    r2 = Report.objects.get(item=prog.road, year=2026, quarter=1)
    IndicatorValue.objects.create(indicator=prog.km, year=2025, quarter=4, actual=Decimal(10), report=r1)
    IndicatorValue.objects.create(indicator=prog.km, year=2026, quarter=1, actual=Decimal(20), report=r2)
    recompute_up(Item.objects.get(pk=prog.road.pk), today=TODAY)
    points = analysis.trends(Item.objects.filter(pk=prog.road.pk), today=TODAY)
    assert [(p.label, p.verified) for p in points] == [
        ("2025 Q4", Decimal("0.25")), ("2026 Q1", Decimal("0.5")), ("2026 Q2", Decimal("0.5"))
    ]  # fmt: skip


def test_inder_deputy_sees_only_inder_figures(client: Any, prog: Any, data: Any, tree: Any) -> None:
    rows = analysis.ranking_bodies(items_for(prog.inder_deputy))
    assert [r.key for r in rows] == [data.education.pk]
    client.force_login(prog.inder_deputy)
    response = client.get(reverse("programme:analysis"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Образование" in body or "Білім" in body
    assert "Здравоохранение" not in body and "Денсаулық" not in body


def test_page_is_404_without_the_right(client: Any, prog: Any) -> None:
    client.force_login(prog.health_reporter)
    assert client.get(reverse("programme:analysis")).status_code == 404


def test_xlsx_export_opens(client: Any, prog: Any, data: Any) -> None:
    client.force_login(prog.control)
    for table in ("directions", "districts", "bodies", "officials", "problems", "trends"):
        response = client.get(reverse("programme:analysis"), {"export": "xlsx", "table": table})
        assert response.status_code == 200, table
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert sheet.max_row >= 1
    response = client.get(reverse("programme:analysis"), {"export": "xlsx", "table": "bodies"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 4  # header + three bodies


def test_pdf_report(client: Any, prog: Any, data: Any) -> None:
    client.force_login(prog.control)
    response = client.get(reverse("programme:analysis-pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_sweep_runs_once_a_day(prog: Any, settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    from amanat.programme import sweeps
    from amanat.programme.services import progress

    settings.VAR_DIR = tmp_path
    calls = []
    monkeypatch.setattr(progress, "recompute_all", lambda **kw: calls.append(kw) or 0)
    assert "changed" in sweeps.daily_status()
    assert sweeps.daily_status() == "already done today"
    assert len(calls) == 1
    sweeps.marker_path().write_text((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    sweeps.daily_status()
    assert len(calls) == 2


def test_figures_link_to_the_item_list_showing_the_items_behind_them(client: Any, prog: Any, data: Any) -> None:
    client.force_login(prog.control)
    (health,) = [r for r in analysis.ranking_bodies(items_for(prog.control)) if r.key == prog.health.pk]
    response = client.get(health.url(ItemStatus.OVERDUE))
    assert response.status_code == 200
    assert [item.pk for item in response.context["object_list"]] == [prog.clinic.pk]
    assert health.url(ItemStatus.OVERDUE) in client.get(reverse("programme:analysis")).content.decode().replace(
        "&amp;", "&"
    )


def test_an_item_moved_to_another_branch_takes_its_trend_with_it(
    prog: Any, data: Any, make_user: Any, tree: Any
) -> None:
    from amanat.programme.selectors import trend_cells_for
    from amanat.programme.services.items import item_update

    r1 = Report.objects.get(item=prog.road, year=2025, quarter=4)
    IndicatorValue.objects.create(indicator=prog.km, year=2025, quarter=4, actual=Decimal(10), report=r1)
    recompute_up(Item.objects.get(pk=prog.road.pk), today=TODAY)

    def verified(user: Any) -> list[Any]:
        items = items_for(user).filter(pk=prog.road.pk)
        return [p.verified for p in analysis.trends(items, cells=trend_cells_for(user), today=TODAY)]

    assert verified(prog.deputy)[0] == Decimal("0.25")  # Makat's deputy sees the road's trend
    admin = make_user("regional_admin", tree.regional)
    item_update(actor=admin, item=Item.objects.get(pk=prog.road.pk), values={"org_unit": tree.inder})
    assert verified(prog.deputy) == []  # no longer in Makat's figures
    assert verified(prog.inder_deputy)[0] == Decimal("0.25")  # but in Inder's
