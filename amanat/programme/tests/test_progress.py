"""Progress from indicators, rolled up the tree; statuses by the documented rules, with frozen time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.audit.models import AuditEvent
from amanat.programme.choices import ItemStatus, ReportState
from amanat.programme.models import Item, Report
from amanat.programme.services.progress import attainment, ended_quarters, recompute_all, recompute_up
from amanat.programme.services.reports import ReportInput, report_submit, report_verdict, status_override

pytestmark = pytest.mark.django_db

MID_2025 = dt.datetime(2025, 7, 10, 12, 0, tzinfo=dt.UTC)


def fresh(item: Item) -> Item:
    return Item.objects.get(pk=item.pk)


def test_attainment_runs_from_baseline_to_target_either_way():
    assert attainment(Decimal(0), Decimal(100), Decimal(25)) == Decimal("0.25")
    assert attainment(Decimal(20), Decimal(5), Decimal(14)) == Decimal("0.4")  # less is better
    assert attainment(Decimal(0), Decimal(100), Decimal(130)) == 1  # beyond the target: done, no more
    assert attainment(Decimal(20), Decimal(5), Decimal(30)) == 0  # worse than the baseline: nothing
    assert attainment(Decimal(0), Decimal(100), None) == 0


def test_ended_quarters():
    assert ended_quarters(dt.date(2025, 2, 1), dt.date(2025, 7, 10)) == [(2025, 1), (2025, 2)]
    assert ended_quarters(dt.date(2025, 2, 1), dt.date(2025, 3, 31)) == []


@time_machine.travel(MID_2025, tick=False)
def test_a_claim_moves_claimed_progress_and_only_a_verdict_moves_verified(prog):
    report = report_submit(
        actor=prog.health_reporter,
        item=prog.clinic,
        data=ReportInput(2025, 2, "Корпус построен.", actuals={prog.beds.pk: "50", prog.waiting.pk: "20"}),
    )
    clinic = fresh(prog.clinic)
    assert clinic.progress_claimed == Decimal("0.25")  # beds 50 %, waiting 0 %: equal weights
    assert clinic.progress_verified == 0
    report_verdict(actor=prog.deputy, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    clinic = fresh(prog.clinic)
    assert clinic.progress_verified == Decimal("0.25")
    # The direction: clinic (weight 1) at 25 %, road (weight 3) at 0 %.
    assert fresh(prog.direction).progress_verified == Decimal("0.0625")


@time_machine.travel(MID_2025, tick=False)
def test_partly_confirmed_counts_half_of_the_gain(prog):
    report = report_submit(
        actor=prog.akimat_reporter,
        item=prog.road,
        data=ReportInput(2025, 2, "Уложено 20 км.", actuals={prog.km.pk: 20}),
    )
    report_verdict(
        actor=prog.control, report=report, verdict=ReportState.PARTLY, comment="Уложено 10 км.", version=report.version
    )
    assert fresh(prog.road).progress_verified == Decimal("0.25")  # 10 of 40 km counted


@time_machine.travel(MID_2025, tick=False)
def test_status_rules(prog):
    recompute_all()
    # Started in January, nothing reported for 2025 Q1 and Q2: at risk; the direction with it.
    assert fresh(prog.road).computed_status == ItemStatus.AT_RISK
    assert fresh(prog.direction).computed_status == ItemStatus.AT_RISK
    report = report_submit(
        actor=prog.akimat_reporter,
        item=prog.road,
        data=ReportInput(2025, 2, "Уложено 11 км.", actuals={prog.km.pk: 11}),
    )
    report_verdict(actor=prog.deputy, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    assert fresh(prog.road).computed_status == ItemStatus.ON_TRACK  # 27.5 % done, 26 % of the time gone
    with time_machine.travel(dt.datetime(2027, 1, 20, tzinfo=dt.UTC), tick=False):
        recompute_all()
        assert fresh(prog.road).computed_status == ItemStatus.OVERDUE
    with time_machine.travel(dt.datetime(2028, 2, 1, tzinfo=dt.UTC), tick=False):
        recompute_all()
        assert fresh(prog.road).computed_status == ItemStatus.NOT_DONE  # the programme's years are over


@time_machine.travel(MID_2025, tick=False)
def test_a_not_confirmed_report_puts_the_item_at_risk_and_the_ranking_sees_it(prog):
    report = report_submit(
        actor=prog.akimat_reporter,
        item=prog.road,
        data=ReportInput(2025, 2, "Уложено 12 км.", actuals={prog.km.pk: 12}),
    )
    report_verdict(
        actor=prog.deputy, report=report, verdict=ReportState.NOT_CONFIRMED, comment="Дороги нет.", version=1
    )
    road = fresh(prog.road)
    assert road.computed_status == ItemStatus.AT_RISK and road.progress_verified == 0


@time_machine.travel(MID_2025, tick=False)
def test_done_when_the_verified_target_is_reached(prog):
    report = report_submit(
        actor=prog.akimat_reporter, item=prog.road, data=ReportInput(2025, 2, "Готово.", actuals={prog.km.pk: 40})
    )
    report_verdict(actor=prog.deputy, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    assert fresh(prog.road).computed_status == ItemStatus.DONE


@time_machine.travel(MID_2025, tick=False)
def test_an_item_with_nothing_to_measure_cannot_be_verified(prog, tree):
    fields = {"programme": prog.programme, "code": "1.3", "title_kk": "Х", "title_ru": "Х", "org_unit": tree.makat}
    bare = Item.objects.add_child(Item.objects.get(pk=prog.direction.pk), fields)
    recompute_up(bare)
    assert fresh(bare).computed_status == ItemStatus.UNVERIFIABLE


# --- bad input changes nothing ------------------------------------------------------------------


@time_machine.travel(MID_2025, tick=False)
@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ReportInput(2025, 4, "Будущее."), "quarter"),  # a quarter not begun
        (ReportInput(2024, 1, "Давно."), "quarter"),  # closed
        (ReportInput(2025, 2, "  "), "narrative"),
        (ReportInput(2025, 2, "Отчёт.", money_spent="-5"), "money_spent"),
        (ReportInput(2025, 2, "Отчёт.", money_spent="много"), "money_spent"),
    ],
)
def test_bad_reports_are_refused_field_by_field(prog, data, field):
    with pytest.raises(ValidationError) as refused:
        report_submit(actor=prog.health_reporter, item=prog.clinic, data=data)
    assert field in refused.value.message_dict
    assert not Report.objects.exists() and not AuditEvent.objects.filter(verb__startswith="programme.").exists()


@time_machine.travel(MID_2025, tick=False)
@pytest.mark.parametrize("value", ["-3", "1000000", "NaN", "abc"])
def test_negative_or_absurd_actual_values_are_refused(prog, value):
    with pytest.raises(ValidationError) as refused:
        report_submit(
            actor=prog.health_reporter,
            item=prog.clinic,
            data=ReportInput(2025, 2, "Отчёт.", actuals={prog.beds.pk: value}),
        )
    assert f"actual_{prog.beds.pk}" in refused.value.message_dict
    assert not Report.objects.exists()


@time_machine.travel(MID_2025, tick=False)
def test_an_official_reports_only_on_their_bodys_items(prog):
    with pytest.raises(PermissionDenied):
        report_submit(actor=prog.health_reporter, item=prog.road, data=ReportInput(2025, 2, "Не моё."))
    with pytest.raises(PermissionDenied):
        report_submit(actor=prog.deputy, item=prog.road, data=ReportInput(2025, 2, "Я депутат."))


@time_machine.travel(MID_2025, tick=False)
def test_verdict_rules(prog):
    report = report_submit(actor=prog.akimat_reporter, item=prog.road, data=ReportInput(2025, 2, "Отчёт."))
    with pytest.raises(ValidationError) as no_comment:
        report_verdict(actor=prog.deputy, report=report, verdict=ReportState.NOT_CONFIRMED, version=report.version)
    assert "comment" in no_comment.value.message_dict
    with pytest.raises(PermissionDenied):  # a deputy of another district
        report_verdict(actor=prog.inder_deputy, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    with pytest.raises(PermissionDenied):  # the official cannot verify (no right), let alone their own report
        report_verdict(actor=prog.akimat_reporter, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    report_verdict(actor=prog.deputy, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    with pytest.raises(ValidationError):  # ruled on already: closed
        report_verdict(actor=prog.control, report=report, verdict=ReportState.NOT_CONFIRMED, comment="x", version=1)
    with pytest.raises(ValidationError):  # and no correction of a verified report
        report_submit(actor=prog.akimat_reporter, item=prog.road, data=ReportInput(2025, 2, "Исправлено."))


@time_machine.travel(MID_2025, tick=False)
def test_nobody_verifies_their_own_report(prog, roles):
    from amanat.accounts.models import RoleGrant

    RoleGrant.objects.create(
        user=prog.akimat_reporter,
        role=roles["party_control"],
        org_unit=prog.road.org_unit,
        valid_from=dt.date(2000, 1, 1),
    )
    report = report_submit(actor=prog.akimat_reporter, item=prog.road, data=ReportInput(2025, 2, "Отчёт."))
    with pytest.raises(ValidationError) as own:
        report_verdict(actor=prog.akimat_reporter, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    assert "verdict" in own.value.message_dict


@time_machine.travel(MID_2025, tick=False)
def test_a_status_set_by_hand_needs_a_reason_and_is_audited(prog):
    with pytest.raises(ValidationError) as no_reason:
        status_override(actor=prog.control, item=prog.road, status=ItemStatus.CANCELLED, reason="")
    assert "reason" in no_reason.value.message_dict
    status_override(actor=prog.control, item=prog.road, status=ItemStatus.CANCELLED, reason="Решение сессии маслихата.")
    road = fresh(prog.road)
    assert road.status == ItemStatus.CANCELLED and road.computed_status != ItemStatus.CANCELLED
    assert AuditEvent.objects.filter(verb="programme.status_overridden", target_id=str(road.pk)).exists()
    with pytest.raises(PermissionDenied):
        status_override(actor=prog.deputy, item=prog.road, status=ItemStatus.DONE, reason="Хочу.")


@time_machine.travel(MID_2025, tick=False)
def test_followers_hear_of_a_status_change_from_a_verdict(prog, django_capture_on_commit_callbacks, mailoutbox):
    from django.utils import timezone

    from amanat.programme.models import Follower

    recompute_all()
    report = report_submit(
        actor=prog.akimat_reporter,
        item=prog.road,
        data=ReportInput(2025, 2, "Уложено 11 км.", actuals={prog.km.pk: 11}),
    )
    Follower.objects.create(item=prog.road, email="citizen@example.kz", token="t" * 40, confirmed_at=timezone.now())
    Follower.objects.create(item=prog.road, email="unconfirmed@example.kz", token="u" * 40)
    with django_capture_on_commit_callbacks(execute=True):
        report_verdict(actor=prog.deputy, report=report, verdict=ReportState.CONFIRMED, version=report.version)
    assert fresh(prog.road).computed_status == ItemStatus.ON_TRACK  # was at risk: a change to tell
    assert [m.to for m in mailoutbox] == [["citizen@example.kz"]]
