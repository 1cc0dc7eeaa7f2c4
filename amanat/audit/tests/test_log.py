"""The audit log page: scope by unit subtree, filters, paging, XLSX export, htmx partial."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from amanat.accounts.models import User
from amanat.audit.models import AuditEvent
from amanat.audit.services import record
from amanat.org.models import OrgUnit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("amanat.audit.tests.urls")]

URL = "/manage/audit/"
ATYRAU = ZoneInfo("Asia/Atyrau")


@pytest.fixture
def events(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    actor = make_user(full_name="Aigerim Operator")
    return SimpleNamespace(
        makat=record(actor=actor, verb="org.unit_changed", target=tree.makat, changes={"phone": ["", "+77122"]}),
        makat_p1=record(actor=actor, verb="org.unit_changed", target=tree.makat_p1),
        inder=record(actor=actor, verb="accounts.role_granted", target=tree.inder),
        unscoped=record(actor=None, verb="accounts.api_token_issued", data={"name": "robot"}),
    )


def shown(response: Any) -> set[int]:
    """The events on the page, less the test users' own logins (force_login is audited too)."""
    assert response.status_code == 200
    return {event.pk for event in response.context["events"] if event.verb != "accounts.login"}


def login_as(client: Any, make_user: Any, role: str | None, unit: Any, **extra: Any) -> User:
    user = make_user(role, unit, **extra)
    client.force_login(user)
    return user


def test_anonymous_is_sent_to_log_in(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [None, "member", "reception_operator"])
def test_user_without_view_audit_gets_404(client: Any, make_user: Any, tree: Any, role: str | None) -> None:
    login_as(client, make_user, role, tree.makat)
    assert client.get(URL).status_code == 404


def test_secretary_of_makat_sees_makat_and_its_primaries_only(
    client: Any, make_user: Any, tree: Any, events: Any
) -> None:
    login_as(client, make_user, "executive_secretary", tree.makat)
    assert shown(client.get(URL)) == {events.makat.pk, events.makat_p1.pk}


def test_operator_of_sibling_district_does_not_see_makat_events(
    client: Any, make_user: Any, tree: Any, events: Any
) -> None:
    login_as(client, make_user, "executive_secretary", tree.inder)
    assert shown(client.get(URL)) == {events.inder.pk}


def test_auditor_of_the_region_sees_every_unit_but_not_events_without_a_unit(
    client: Any, make_user: Any, tree: Any, events: Any
) -> None:
    login_as(client, make_user, "auditor", tree.regional)
    assert shown(client.get(URL)) == {events.makat.pk, events.makat_p1.pk, events.inder.pk}


def test_system_admin_and_superuser_also_see_events_without_a_unit(
    client: Any, make_user: Any, tree: Any, events: Any
) -> None:
    everything = {events.makat.pk, events.makat_p1.pk, events.inder.pk, events.unscoped.pk}
    login_as(client, make_user, "system_admin", tree.central)
    assert shown(client.get(URL)) == everything
    login_as(client, make_user, None, None, is_superuser=True)
    assert shown(client.get(URL)) == everything


def test_page_shows_who_what_and_the_change(client: Any, make_user: Any, tree: Any, events: Any) -> None:
    login_as(client, make_user, "executive_secretary", tree.makat)
    html = client.get(URL).content.decode()
    assert "Aigerim Operator" in html
    assert "org.unit_changed" in html
    assert "+77122" in html
    assert "Phone" in html  # the field's label, not its name
    assert '<option value="" selected>' in html  # "any object type" is offered and chosen


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"verb": "accounts.role_granted"}, {"inder"}),
        ({"verb": "accounts"}, {"inder", "unscoped"}),  # an app's prefix selects all its verbs
        ({"verb": "Role granted"}, {"inder"}),  # the label works too
        ({"verb": "org"}, {"makat", "makat_p1"}),
        ({"actor": "aigerim"}, {"makat", "makat_p1", "inder"}),
        ({"q": "Индер"}, {"inder"}),
        ({"q": "robot-that-is-not-there"}, set()),
    ],
)
def test_filters(client: Any, make_user: Any, events: Any, query: dict[str, str], expected: set[str]) -> None:
    login_as(client, make_user, None, None, is_superuser=True)
    assert shown(client.get(URL, query)) == {getattr(events, name).pk for name in expected}


def test_filter_by_object_type(client: Any, make_user: Any, events: Any) -> None:
    login_as(client, make_user, None, None, is_superuser=True)
    unit_type = ContentType.objects.get_for_model(OrgUnit)
    response = client.get(URL, {"object_type": unit_type.pk})
    assert shown(response) == {events.makat.pk, events.makat_p1.pk, events.inder.pk}
    assert "Org unit" in response.content.decode()  # offered in the select by its label


def test_date_range_uses_local_days(client: Any, make_user: Any, tree: Any) -> None:
    times = {
        "before": dt.datetime(2026, 3, 4, 23, 50, tzinfo=ATYRAU),
        "first": dt.datetime(2026, 3, 5, 0, 10, tzinfo=ATYRAU),
        "last": dt.datetime(2026, 3, 5, 23, 30, tzinfo=ATYRAU),  # 18:30 UTC
        "after": dt.datetime(2026, 3, 6, 0, 30, tzinfo=ATYRAU),
    }
    made = {}
    for name, moment in times.items():
        with time_machine.travel(moment, tick=False):
            made[name] = record(actor=None, verb="tests.timed", target=tree.makat)
    login_as(client, make_user, "auditor", tree.makat)
    response = client.get(URL, {"date_from": "2026-03-05", "date_to": "2026-03-05"})
    assert shown(response) == {made["first"].pk, made["last"].pk}


def test_bad_filter_input_is_reported_and_ignored(client: Any, make_user: Any, tree: Any, events: Any) -> None:
    login_as(client, make_user, "executive_secretary", tree.makat)
    response = client.get(URL, {"date_from": "yesterday", "object_type": "999999"})
    assert shown(response) == {events.makat.pk, events.makat_p1.pk}
    html = response.content.decode()
    assert "Enter a valid date." in html
    assert "Select a valid choice." in html


@pytest.mark.parametrize(
    "odd", ["'; DROP TABLE audit_auditevent; --", "%_%", "\x00", "ü" * 500, "{{ 7*7 }}", "<script>alert(1)</script>"]
)
def test_odd_strings_in_filters_never_break_the_page(
    client: Any, make_user: Any, tree: Any, events: Any, odd: str
) -> None:
    login_as(client, make_user, "executive_secretary", tree.makat)
    before = AuditEvent.objects.count()
    response = client.get(URL, {"q": odd, "verb": odd, "actor": odd, "page": odd})
    # A NUL character is refused up front (core's middleware) with a message; the rest are shown.
    assert response.status_code == (400 if "\x00" in odd else 200)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_htmx_request_gets_only_the_results(client: Any, make_user: Any, tree: Any, events: Any) -> None:
    login_as(client, make_user, "executive_secretary", tree.makat)
    response = client.get(URL, {"verb": "org"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<table" in html


def test_export_to_xlsx_keeps_scope_and_filters(client: Any, make_user: Any, tree: Any, events: Any) -> None:
    login_as(client, make_user, "executive_secretary", tree.regional)
    response = client.get(URL, {"verb": "org", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Time", "Who", "Action", "Action code")
    assert len(rows) == 3  # header + the two Makat events; Inder's role grant is filtered out
    assert {row[3] for row in rows[1:]} == {"org.unit_changed"}


def test_list_query_count_does_not_grow_with_the_page(
    client: Any, make_user: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    def add_events(count: int) -> None:
        for n in range(count):
            unit = tree.makat_p1 if n % 2 else tree.makat
            record(actor=None, verb="tests.bulk", target=unit, changes={"phone": [str(n), str(n + 1)]})

    add_events(2)
    login_as(client, make_user, "executive_secretary", tree.makat)
    client.get(URL)  # warm the site settings and content-type caches
    with CaptureQueriesContext(connection) as few_rows:
        client.get(URL)
    add_events(40)
    # The workspace shell (session, user, scope, navigation) plus count and page: not one per row.
    with django_assert_max_num_queries(18):
        response = client.get(URL)
    assert len(response.context["events"]) == 42
    with CaptureQueriesContext(connection) as many_rows:
        client.get(URL)
    assert len(many_rows) == len(few_rows)
