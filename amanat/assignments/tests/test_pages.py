"""The pages: the permission matrix, the issuer's control view, my assignments, the forms."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from amanat.assignments import services
from amanat.assignments.choices import ExecutionStatus
from amanat.assignments.models import Assignment, Execution
from amanat.assignments.tests.conftest import execution_of


def as_user(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_issuer_control_view_shows_every_recipient(client: Any, org: SimpleNamespace, issued: Assignment) -> None:
    e = execution_of(issued, unit=org.tree.makat_p1)
    services.execution_report(actor=org.p1_secretary, execution=e, text="Done")
    for user in (org.makat_secretary, org.region_secretary, org.auditor):
        page = as_user(client, user).get(reverse("assignments:detail", args=[issued.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        for name in ("Мақат №1 БПҰ", "Мақат №2 БПҰ", "Мақат №3 БПҰ", "Deputy One"):
            assert name in html
        assert page.context["summary"]["total"] == 4
        assert page.context["summary"]["reported"] == 1


def test_control_view_filters_and_export(client: Any, org: SimpleNamespace, issued: Assignment, clock: Any) -> None:
    e = execution_of(issued, unit=org.tree.makat_p1)
    services.execution_report(actor=org.p1_secretary, execution=e, text="Done")
    services.execution_accept(actor=org.makat_secretary, execution=e)
    clock.move_to(
        dt.datetime.combine(
            issued.deadline + dt.timedelta(days=2), dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=5))
        )
    )
    as_user(client, org.makat_secretary)
    url = reverse("assignments:detail", args=[issued.pk])
    page = client.get(url, {"state": "overdue"})
    assert len(page.context["rows"]) == 3
    page = client.get(url, {"state": "not_done"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and "Мақат №1 БПҰ" not in page.content.decode()
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_permission_matrix(client: Any, org: SimpleNamespace, issued: Assignment) -> None:
    detail = reverse("assignments:detail", args=[issued.pk])
    p1 = execution_of(issued, unit=org.tree.makat_p1)
    execution = reverse("assignments:execution", args=[p1.pk])
    expected = {
        # user: (control view, p1's execution page)
        "makat_secretary": (200, 200),
        "region_secretary": (200, 200),
        "p1_secretary": (404, 200),
        "p2_secretary": (404, 404),
        "inder_secretary": (404, 404),
        "inder_p1_secretary": (404, 404),
        "deputy": (404, 404),
    }
    for name, (want_detail, want_execution) in expected.items():
        as_user(client, getattr(org, name))
        assert client.get(detail).status_code == want_detail, name
        assert client.get(execution).status_code == want_execution, name
    client.logout()
    assert client.get(detail).status_code == 302


def test_primary_secretary_sees_their_organisations_assignments(
    client: Any, org: SimpleNamespace, issued: Assignment
) -> None:
    page = as_user(client, org.p1_secretary).get(reverse("assignments:mine"))
    assert page.status_code == 200
    assert [e.recipient_unit_id for e in page.context["rows"]] == [org.tree.makat_p1.pk]
    page = as_user(client, org.deputy).get(reverse("assignments:mine"))
    assert [e.recipient_user_id for e in page.context["rows"]] == [org.deputy.pk]
    page = as_user(client, org.inder_p1_secretary).get(reverse("assignments:mine"))
    assert page.context["rows"] == []


def test_list_shows_the_scope_only(client: Any, org: SimpleNamespace, issued: Assignment) -> None:
    page = as_user(client, org.makat_secretary).get(reverse("assignments:list"))
    assert [r["a"].pk for r in page.context["rows"]] == [issued.pk]
    assert page.context["rows"][0]["c"]["total"] == 4
    page = as_user(client, org.inder_secretary).get(reverse("assignments:list"))
    assert page.context["rows"] == []
    page = client.get(reverse("assignments:list"), {"q": "field", "control_level": "strict", "overdue": "false"})
    assert page.status_code == 200
    assert as_user(client, org.makat_secretary).get(reverse("assignments:list"), {"export": "xlsx"}).status_code == 200


def test_issue_form_all_primaries_under_a_district(client: Any, org: SimpleNamespace) -> None:
    as_user(client, org.region_secretary)
    assert client.get(reverse("assignments:issue")).status_code == 200
    answer = client.post(
        reverse("assignments:issue"),
        {
            "org_unit": org.tree.regional.pk, "title": "Clean the villages", "text": "Субботник",
            "control_level": "regular", "deadline_days": "10", "primaries_under": [org.tree.makat.pk],
            "user_recipients": [org.deputy.pk],
        },
    )  # fmt: skip
    assert answer.status_code == 302
    a = Assignment.objects.get()
    units = set(
        Execution.objects.filter(assignment=a, recipient_unit__isnull=False).values_list("recipient_unit", flat=True)
    )
    assert units == {org.tree.makat_p1.pk, org.makat_p2.pk, org.makat_p3.pk}
    assert Execution.objects.filter(assignment=a, recipient_user=org.deputy).exists()


def test_issue_form_bad_input_shows_errors(client: Any, org: SimpleNamespace) -> None:
    as_user(client, org.makat_secretary)
    for data, field in (
        ({"deadline_days": "5"}, "unit_recipients"),
        ({"deadline": "2026-03-01", "unit_recipients": [org.tree.makat_p1.pk]}, "deadline"),
    ):
        page = client.post(
            reverse("assignments:issue"),
            {"org_unit": org.tree.makat.pk, "title": "T", "control_level": "regular", **data},
        )
        assert page.status_code == 200
        assert field in page.context["form"].errors
    assert Assignment.objects.count() == 0


def test_report_through_the_page_and_quick_accept(client: Any, org: SimpleNamespace, issued: Assignment) -> None:
    p1 = execution_of(issued, unit=org.tree.makat_p1)
    as_user(client, org.p1_secretary)
    page = client.get(reverse("assignments:execution", args=[p1.pk]))
    assert page.context["may_report"]
    client.post(reverse("assignments:execution-report", args=[p1.pk]), {"text": "Held 3 meetings"})
    p1.refresh_from_db()
    assert p1.status == ExecutionStatus.REPORTED
    # The recipient cannot accept their own report: 404, nothing changed.
    assert client.post(reverse("assignments:execution-accept", args=[p1.pk])).status_code == 404
    as_user(client, org.inder_secretary)
    assert client.post(reverse("assignments:execution-accept", args=[p1.pk])).status_code == 404
    p1.refresh_from_db()
    assert p1.status == ExecutionStatus.REPORTED
    as_user(client, org.makat_secretary)
    detail = reverse("assignments:detail", args=[issued.pk])
    client.post(reverse("assignments:execution-accept", args=[p1.pk]), {"next": detail})
    p1.refresh_from_db()
    assert p1.status == ExecutionStatus.ACCEPTED


def test_report_from_a_non_recipient_through_the_page(client: Any, org: SimpleNamespace, issued: Assignment) -> None:
    p1 = execution_of(issued, unit=org.tree.makat_p1)
    as_user(client, org.p2_secretary)
    assert client.post(reverse("assignments:execution-report", args=[p1.pk]), {"text": "x"}).status_code == 404
    as_user(client, org.makat_secretary)  # sees it, is not the recipient
    client.post(reverse("assignments:execution-report", args=[p1.pk]), {"text": "x"})
    p1.refresh_from_db()
    assert p1.status == ExecutionStatus.ISSUED


def test_extension_pages(client: Any, org: SimpleNamespace, issued: Assignment) -> None:
    p2 = execution_of(issued, unit=org.makat_p2)
    as_user(client, org.p2_secretary)
    new = (issued.deadline + dt.timedelta(days=5)).isoformat()
    client.post(reverse("assignments:extension-ask", args=[p2.pk]), {"new_deadline": new, "reason": "Floods"})
    as_user(client, org.makat_secretary)
    page = client.get(reverse("assignments:extensions"))
    assert len(page.context["pending"]) == 1
    ext = page.context["pending"][0]
    client.post(reverse("assignments:extension-decide", args=[ext.pk]), {"decision": "approve"})
    p2.refresh_from_db()
    assert p2.deadline.isoformat() == new


def test_remove_from_control_page(client: Any, org: SimpleNamespace, issued: Assignment) -> None:
    url = reverse("assignments:remove", args=[issued.pk])
    as_user(client, org.p1_secretary)
    assert client.get(url).status_code == 404
    as_user(client, org.makat_secretary)
    assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "Done by decree"})
    issued.refresh_from_db()
    assert not issued.on_control


def test_control_view_query_budget(
    client: Any, org: SimpleNamespace, issued: Assignment, django_assert_max_num_queries: Any
) -> None:
    as_user(client, org.makat_secretary)
    url = reverse("assignments:detail", args=[issued.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        client.get(url)


def test_a_second_click_on_issue_sends_the_assignment_once(
    client: Any, org: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from amanat.notifications.models import Notification

    as_user(client, org.region_secretary)
    form = {
        "org_unit": org.tree.regional.pk, "title": "Clean the villages", "text": "Субботник",
        "control_level": "regular", "deadline_days": "10", "primaries_under": [org.tree.makat.pk],
        "user_recipients": [org.deputy.pk],
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("assignments:issue"), form)
        second = client.post(reverse("assignments:issue"), form)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assignment = Assignment.objects.get()
    assert Execution.objects.filter(assignment=assignment).count() == 4
    assert Notification.objects.filter(user=org.deputy).count() == 1
    # A different assignment to the same people is a new one.
    client.post(reverse("assignments:issue"), form | {"title": "Plant trees"})
    assert Assignment.objects.count() == 2
