"""Party control work: monitoring visits, recommendations with working-day deadlines and their
follow-up sweep, control posts and their checks; who sees what, and what bad input is refused."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amanat.audit.models import AuditEvent
from amanat.core.calendar import add_working_days
from amanat.notifications.models import Notification
from amanat.org.models import Official
from amanat.programme.models import (
    CheckResult,
    ControlPlan,
    MonitoringVisit,
    ObjectKind,
    PostCheck,
    Recommendation,
    RecommendationStatus,
    VisitStatus,
)
from amanat.programme.services import control
from amanat.programme.sweeps_control import ESCALATED, OVERDUE, REMINDER, recommendations_sweep

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Atyrau")
TODAY = dt.date(2026, 12, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def visit(prog: SimpleNamespace, tree: SimpleNamespace) -> MonitoringVisit:
    return control.monitoring_visit_create(
        actor=prog.control,
        org_unit=tree.makat,
        object_name="Makat clinic",
        kind=ObjectKind.CLINIC,
        address="Makat, Abai 1",
        visited_on=TODAY,
        status=VisitStatus.DONE,
        findings="The roof leaks.",
        members=[prog.deputy, prog.control],
        items=[prog.clinic],
    )


def _recommend(prog: SimpleNamespace, visit: MonitoringVisit, **extra: Any) -> Recommendation:
    values = {"text": "Repair the roof", "addressee_body": prog.health, "issued_on": TODAY} | extra
    return control.recommendation_create(actor=prog.control, visit=visit, **values)


# Scope


def test_a_visit_is_seen_in_its_district_only(client: Any, prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    url = reverse("programme:control-visit-detail", args=[visit.pk])
    client.force_login(prog.deputy)
    page = client.get(url)
    assert page.status_code == 200
    assert "Makat clinic" in page.text and "The roof leaks." in page.text

    client.force_login(prog.inder_deputy)
    assert client.get(url).status_code == 404
    assert client.get(reverse("programme:control-visit-edit", args=[visit.pk])).status_code == 404
    listing = client.get(reverse("programme:control-visit-list"))
    assert listing.status_code == 200
    assert "Makat clinic" not in listing.text


def test_a_deputy_of_another_district_cannot_write_there(
    prog: SimpleNamespace, tree: SimpleNamespace, visit: MonitoringVisit
) -> None:
    with pytest.raises(PermissionDenied):
        control.monitoring_visit_create(
            actor=prog.inder_deputy, org_unit=tree.makat, object_name="Road", visited_on=TODAY
        )
    with pytest.raises(PermissionDenied):
        control.recommendation_create(
            actor=prog.inder_deputy, visit=visit, text="x", addressee_body=prog.health, issued_on=TODAY
        )
    assert MonitoringVisit.objects.count() == 1
    assert not Recommendation.objects.exists()


def test_a_recommendation_out_of_scope_cannot_be_closed(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    rec = _recommend(prog, visit)
    client.force_login(prog.inder_deputy)
    url = reverse("programme:control-recommendation-close", args=[rec.pk])
    assert client.post(url, {"outcome": "done", "response": "Done"}).status_code == 404
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.OPEN


# Creation and bad input


def test_recording_a_visit_links_items_and_is_audited(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    assert list(visit.items.all()) == [prog.clinic]
    assert set(visit.members.all()) == {prog.deputy, prog.control}
    assert AuditEvent.objects.filter(verb="programme.visit_created", target_id=str(visit.pk)).exists()
    assert list(prog.clinic.monitoring_visits.all()) == [visit]


def test_a_future_visit_cannot_be_marked_done(prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as exc:
        control.monitoring_visit_create(
            actor=prog.control,
            org_unit=tree.makat,
            object_name="School No. 3",
            visited_on=TODAY + dt.timedelta(days=3),
            status=VisitStatus.DONE,
        )
    assert "visited_on" in exc.value.message_dict
    assert not MonitoringVisit.objects.exists()
    planned = control.monitoring_visit_create(
        actor=prog.control, org_unit=tree.makat, object_name="School No. 3", visited_on=TODAY + dt.timedelta(days=3)
    )
    assert planned.status == VisitStatus.PLANNED


def test_the_visit_form_shows_the_error_and_saves_nothing(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace
) -> None:
    client.force_login(prog.control)
    data = {
        "org_unit": tree.makat.pk, "object_name": "School No. 3", "kind": "school", "status": "done",
        "visited_on": "2026-12-20",
    }  # fmt: skip
    page = client.post(reverse("programme:control-visit-create"), data)
    assert page.status_code == 200
    assert "A visit in the future cannot be marked done." in page.text
    assert not MonitoringVisit.objects.exists()
    done = client.post(reverse("programme:control-visit-create"), data | {"visited_on": "2026-11-30"})
    visit = MonitoringVisit.objects.get()
    assert done.status_code == 302 and done.url == reverse("programme:control-visit-detail", args=[visit.pk])


@pytest.mark.parametrize("days", [0, -5])
def test_a_term_of_no_working_days_is_refused(prog: SimpleNamespace, visit: MonitoringVisit, days: int) -> None:
    with pytest.raises(ValidationError) as exc:
        _recommend(prog, visit, deadline_days=days)
    assert "deadline_days" in exc.value.message_dict
    assert not Recommendation.objects.exists()


def test_the_addressee_official_must_serve_in_the_addressee_body(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    other_body_official = Official.objects.get(body=prog.makat_akimat)
    with pytest.raises(ValidationError) as exc:
        _recommend(prog, visit, addressee_official=other_body_official)
    assert "addressee_official" in exc.value.message_dict


def test_closing_needs_a_response_and_changes_nothing_without_one(
    prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    rec = _recommend(prog, visit)
    with pytest.raises(ValidationError) as exc:
        control.recommendation_close(actor=prog.control, recommendation=rec, outcome="done", response="  ")
    assert "response" in exc.value.message_dict
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.OPEN and rec.closed_on is None

    control.recommendation_close(
        actor=prog.control, recommendation=rec, outcome="rejected", response="The roof is not the clinic's."
    )
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.REJECTED
    assert rec.closed_on == TODAY
    assert AuditEvent.objects.filter(verb="programme.recommendation_closed", target_id=str(rec.pk)).exists()
    with pytest.raises(ValidationError):
        control.recommendation_close(actor=prog.control, recommendation=rec, outcome="done", response="Again")


def test_the_close_form_closes_a_recommendation(client: Any, prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    rec = _recommend(prog, visit)
    client.force_login(prog.deputy)
    url = reverse("programme:control-recommendation-close", args=[rec.pk])
    page = client.post(url, {"outcome": "done"})
    assert page.status_code == 200
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.OPEN
    done = client.post(url, {"outcome": "done", "response": "The roof was repaired."})
    assert done.status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.response) == (RecommendationStatus.DONE, "The roof was repaired.")


# Deadlines in working days


def test_the_deadline_skips_weekends_and_independence_day(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    # Friday 11 December 2026 + 3 working days: Mon 14, Tue 15, (Wed 16 is a holiday) Thu 17.
    rec = _recommend(prog, visit, issued_on=dt.date(2026, 12, 11), deadline_days=3)
    assert rec.deadline == dt.date(2026, 12, 17)


def test_the_default_term_is_fifteen_working_days(prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    rec = _recommend(prog, visit)
    assert rec.deadline_days == 15
    assert rec.deadline == add_working_days(TODAY, 15)


# The follow-up sweep


def test_the_sweep_reminds_once_then_marks_overdue(prog: SimpleNamespace, visit: MonitoringVisit, frozen: Any) -> None:
    rec = _recommend(prog, visit, deadline_days=5)  # Tue 1 Dec + 5 working days = Tue 8 Dec
    assert rec.deadline == dt.date(2026, 12, 8)

    recommendations_sweep()
    assert not Notification.objects.exists()  # a week ahead: too early

    frozen.move_to(at(dt.date(2026, 12, 4)))  # Friday: 2 working days left
    recommendations_sweep()
    recommendations_sweep()
    reminders = Notification.objects.filter(kind=REMINDER)
    assert {n.user for n in reminders} == {prog.deputy, prog.control}
    assert reminders.count() == 2
    rec.refresh_from_db()
    assert rec.reminder_sent_on == dt.date(2026, 12, 4)
    assert rec.status == RecommendationStatus.OPEN

    frozen.move_to(at(dt.date(2026, 12, 8)))  # the deadline itself: still open
    recommendations_sweep()
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.OPEN

    frozen.move_to(at(dt.date(2026, 12, 9)))
    recommendations_sweep()
    recommendations_sweep()
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.OVERDUE
    assert Notification.objects.filter(kind=OVERDUE).count() == 2
    assert Notification.objects.filter(kind=REMINDER).count() == 2


def test_overdue_recommendations_climb_the_ladder_once_per_level(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit, frozen: Any, make_user: Any, tree: SimpleNamespace
) -> None:
    makat_control = make_user("party_control", tree.makat)
    makat_secretary = make_user("executive_secretary", tree.makat)
    regional_secretary = make_user("executive_secretary", tree.regional)
    rec = _recommend(prog, visit, deadline_days=5)  # due Tue 8 Dec 2026

    def told() -> set[Any]:
        return {n.user for n in Notification.objects.filter(kind=ESCALATED)}

    frozen.move_to(at(dt.date(2026, 12, 9)))  # overdue: level 1, the visit's members
    recommendations_sweep()
    rec.refresh_from_db()
    assert (rec.status, rec.escalation_level) == (RecommendationStatus.OVERDUE, 1)
    assert {n.user for n in Notification.objects.filter(kind=OVERDUE)} == {prog.deputy, prog.control}

    frozen.move_to(at(dt.date(2026, 12, 14)))  # 4 working days late: not yet
    recommendations_sweep()
    assert told() == set()

    frozen.move_to(at(dt.date(2026, 12, 15)))  # 5 working days late: the branch's control and secretary
    recommendations_sweep()
    recommendations_sweep()
    rec.refresh_from_db()
    assert rec.escalation_level == 2
    assert told() == {makat_control, makat_secretary}

    frozen.move_to(at(dt.date(2026, 12, 23)))  # 10 working days (16 December is a holiday): the region
    recommendations_sweep()
    rec.refresh_from_db()
    assert rec.escalation_level == 3
    assert told() == {makat_control, makat_secretary, regional_secretary}
    assert Notification.objects.filter(kind=ESCALATED, user=regional_secretary).count() == 1
    client.force_login(prog.control)
    page = client.get(reverse("programme:control-recommendation-list"))
    assert "escalated: level 3" in page.content.decode()
    steps = AuditEvent.objects.filter(verb="programme.recommendation_escalated", target_id=str(rec.pk))
    assert [e.changes["escalation_level"] for e in steps.order_by("id")] == [[1, 2], [2, 3]]


def test_a_closed_recommendation_is_not_escalated(prog: SimpleNamespace, visit: MonitoringVisit, frozen: Any) -> None:
    rec = _recommend(prog, visit, deadline_days=5)
    frozen.move_to(at(dt.date(2026, 12, 9)))
    recommendations_sweep()
    control.recommendation_close(actor=prog.control, recommendation=rec, outcome="done", response="Repaired.")
    frozen.move_to(at(dt.date(2026, 12, 23)))
    recommendations_sweep()
    rec.refresh_from_db()
    assert rec.escalation_level == 1
    assert not Notification.objects.filter(kind=ESCALATED).exists()


def test_overdue_recommendations_come_first(client: Any, prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    _recommend(prog, visit, text="Later one", deadline_days=30)
    late = _recommend(prog, visit, text="Late one", issued_on=dt.date(2026, 11, 2), deadline_days=5)
    Recommendation.objects.filter(pk=late.pk).update(status=RecommendationStatus.OVERDUE)
    client.force_login(prog.deputy)
    page = client.get(reverse("programme:control-recommendation-list"))
    assert [r.text for r in page.context["recommendations"]] == ["Late one", "Later one"]
    client.force_login(prog.inder_deputy)
    assert list(client.get(reverse("programme:control-recommendation-list")).context["recommendations"]) == []


# Control posts


def test_a_post_check_needs_a_note_for_each_issue(client: Any, prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    post = control.control_post_create(
        actor=prog.control,
        org_unit=tree.makat,
        object_name="Makat clinic construction site",
        opened_on=dt.date(2026, 6, 1),
        items=[prog.clinic],
    )
    results = {"quality": "ok", "spending": "ok", "safety": "issue", "wage_arrears": "ok"}
    with pytest.raises(ValidationError) as exc:
        control.post_check_add(actor=prog.control, post=post, checked_on=TODAY, results=results, notes={})
    assert "safety_note" in exc.value.message_dict
    assert not PostCheck.objects.exists()

    client.force_login(prog.deputy)
    url = reverse("programme:control-post-detail", args=[post.pk])
    data = results | {"checked_on": "2026-12-01", "safety_note": "No helmets"}
    response = client.post(url, data)
    assert response.status_code == 302
    check = PostCheck.objects.get()
    assert check.safety == CheckResult.ISSUE and check.safety_note == "No helmets" and check.by == prog.deputy
    assert check.has_issues
    page = client.get(url)
    assert "No helmets" in page.text

    client.force_login(prog.inder_deputy)
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert PostCheck.objects.count() == 1


def test_a_post_cannot_close_before_it_opened(prog: SimpleNamespace, tree: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as exc:
        control.control_post_create(
            actor=prog.control,
            org_unit=tree.makat,
            object_name="Road",
            opened_on=dt.date(2026, 6, 1),
            closed_on=dt.date(2026, 5, 1),
        )
    assert "closed_on" in exc.value.message_dict


def test_the_pages_open_for_party_control(client: Any, prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    rec = _recommend(prog, visit)
    post = control.control_post_create(
        actor=prog.control, org_unit=prog.clinic.org_unit, object_name="Site", opened_on=TODAY
    )
    client.force_login(prog.control)
    urls = [
        reverse("programme:control-visit-list"),
        reverse("programme:control-visit-create") + f"?item={prog.clinic.pk}",
        reverse("programme:control-visit-detail", args=[visit.pk]),
        reverse("programme:control-visit-edit", args=[visit.pk]),
        reverse("programme:control-recommendation-create", args=[visit.pk]),
        reverse("programme:control-recommendation-list"),
        reverse("programme:control-recommendation-close", args=[rec.pk]),
        reverse("programme:control-post-list"),
        reverse("programme:control-post-create"),
        reverse("programme:control-post-detail", args=[post.pk]),
        reverse("programme:control-post-edit", args=[post.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_recommendation_is_issued_through_its_form(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit
) -> None:
    client.force_login(prog.control)
    url = reverse("programme:control-recommendation-create", args=[visit.pk])
    data = {"text": "Fix the roof", "addressee_body": prog.health.pk, "issued_on": "2026-12-11", "deadline_days": "3"}
    assert client.post(url, data).status_code == 302
    assert Recommendation.objects.get().deadline == dt.date(2026, 12, 17)


def test_editing_a_visit_keeps_the_rules(client: Any, prog: SimpleNamespace, visit: MonitoringVisit) -> None:
    with pytest.raises(ValidationError):
        control.monitoring_visit_update(
            actor=prog.control, visit=visit, values={"visited_on": TODAY + dt.timedelta(days=1)}
        )
    visit.refresh_from_db()
    assert visit.visited_on == TODAY
    control.monitoring_visit_update(actor=prog.control, visit=visit, values={"findings": "Roof repaired."}, items=[])
    visit.refresh_from_db()
    assert visit.findings == "Roof repaired." and not visit.items.exists()


def test_a_plan_is_added_and_visits_are_filed_under_it(
    client: Any, prog: SimpleNamespace, tree: SimpleNamespace
) -> None:
    client.force_login(prog.control)
    data = {"org_unit": tree.regional.pk, "year": "2027", "title_kk": "Жоспар", "title_ru": "План", "approved_on": ""}
    assert client.post(reverse("programme:control-plan-create"), data).status_code == 302
    plan = ControlPlan.objects.get()
    assert (plan.year, plan.org_unit) == (2027, tree.regional)
    assert client.get(reverse("programme:control-plan-list")).status_code == 200
    visit = control.monitoring_visit_create(
        actor=prog.control, org_unit=tree.makat, object_name="Road", visited_on=TODAY, plan=plan
    )
    assert visit.plan == plan
    with pytest.raises(ValidationError) as exc:
        control.monitoring_visit_create(
            actor=prog.inder_deputy, org_unit=tree.inder, object_name="Road", visited_on=TODAY, plan=plan
        )
    assert "plan" in exc.value.message_dict


PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def test_photos_are_checked_before_they_are_kept(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(prog.control)
    url = reverse("programme:control-visit-photo", args=[visit.pk])
    client.post(url, {"file": SimpleUploadedFile("roof.png", b"not a picture", content_type="image/png")})
    assert not visit.photos.exists()
    client.post(url, {"file": SimpleUploadedFile("roof.png", PNG, content_type="image/png")})
    photo = visit.photos.get()
    assert photo.original_name == "roof.png" and photo.uploaded_by == prog.control
    assert client.get(reverse("programme:control-photo", args=[photo.pk])).status_code == 200
    client.force_login(prog.inder_deputy)
    assert client.get(reverse("programme:control-photo", args=[photo.pk])).status_code == 404


def test_only_those_who_verify_are_offered_to_close(
    client: Any, prog: SimpleNamespace, visit: MonitoringVisit, make_user: Any, tree: SimpleNamespace
) -> None:
    rec = _recommend(prog, visit)
    close_url = reverse("programme:control-recommendation-close", args=[rec.pk])
    client.force_login(prog.deputy)
    assert close_url in client.get(reverse("programme:control-recommendation-list")).text
    auditor = make_user("auditor", tree.regional)
    client.force_login(auditor)
    page = client.get(reverse("programme:control-recommendation-list"))
    assert "Repair the roof" in page.text and close_url not in page.text
    assert client.get(close_url).status_code == 404
