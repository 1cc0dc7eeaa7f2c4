"""Staff pages: the permission matrix, forms with bad input, attendance, results and exports."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from amanat.projects.choices import SignUpStatus
from amanat.projects.models import Event, EventResult, SignUp
from amanat.projects.services.signups import signup_create
from amanat.projects.tests.conftest import sign, volunteer
from conftest import scope_matrix

pytestmark = pytest.mark.django_db


def test_event_pages_follow_the_scope_matrix(
    client: Any, make_user: Any, tree: SimpleNamespace, proj: SimpleNamespace
) -> None:
    scope_matrix(client, make_user, tree, url=reverse("projects:event-detail", args=[proj.past.pk]), role="deputy")
    scope_matrix(
        client, make_user, tree, url=reverse("projects:event-edit", args=[proj.past.pk]), role="executive_secretary"
    )


def test_lists_open_for_view_roles_and_hide_other_units(client: Any, proj: SimpleNamespace, make_user: Any) -> None:
    for user in (proj.secretary, proj.deputy, proj.auditor, proj.primary):
        client.force_login(user)
        for name in ("projects:list", "projects:event-list", "projects:volunteers"):
            assert client.get(reverse(name)).status_code == 200, (user, name)
    client.force_login(proj.inder_secretary)
    events = client.get(reverse("projects:event-list")).content.decode()
    assert "Көктемгі сенбілік" not in events
    assert client.get(reverse("projects:project-detail", args=[proj.project.pk])).status_code == 200  # Inder takes part
    client.force_login(make_user("member", proj.upcoming.org_unit))
    assert client.get(reverse("projects:list")).status_code == 404


def test_a_project_led_elsewhere_is_hidden_from_units_outside_it(client: Any, proj: SimpleNamespace, tree: Any) -> None:
    proj.project.units.set([tree.makat])
    Event.objects.filter(org_unit__in=[tree.inder, tree.inder_p1]).delete()
    client.force_login(proj.inder_secretary)
    # led by the region, joined by Makat only, no Inder event: not Inder's
    assert client.get(reverse("projects:project-detail", args=[proj.project.pk])).status_code == 404


def test_an_event_ending_before_it_starts_is_explained_on_the_form(
    client: Any, proj: SimpleNamespace, tree: Any
) -> None:
    client.force_login(proj.makat_secretary)
    url = reverse("projects:event-create") + f"?project={proj.project.pk}"
    data = {"org_unit": tree.makat.pk, "title_kk": "Жаңа", "kind": "cleanup", "starts_at": "2030-05-01T10:00",
            "ends_at": "2030-05-01T09:00"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()
    assert Event.objects.count() == 2
    data["ends_at"] = "2030-05-01T13:00"
    response = client.post(url, data)
    assert response.status_code == 302
    event = Event.objects.get(title_kk="Жаңа")
    response = client.post(
        reverse("projects:shift-create", args=[event.pk]),
        {"starts_at": "2030-05-01T10:00", "ends_at": "2030-05-01T12:00", "capacity": "15"},
    )
    assert response.status_code == 302
    assert event.shifts.get().capacity == 15


def test_the_organiser_marks_attendance_and_enters_results_on_the_event_page(
    client: Any, proj: SimpleNamespace
) -> None:
    signup = signup_create(
        shift_id=proj.past_shift.pk, volunteer=volunteer(1), now=proj.past.starts_at - dt.timedelta(days=1)
    )
    client.force_login(proj.makat_secretary)
    page = client.get(reverse("projects:event-detail", args=[proj.past.pk])).content.decode()
    assert "Ерікті 1" in page
    mark = reverse("projects:signup-mark", args=[signup.pk])
    response = client.post(mark, {"status": "attended", "hours": "5"}, follow=True)
    assert "cannot have worked more" in response.content.decode()
    client.post(mark, {"status": "attended", "hours": "2"})
    signup.refresh_from_db()
    assert (signup.status, signup.hours) == (SignUpStatus.ATTENDED, 2)
    results = reverse("projects:results", args=[proj.past.pk])
    response = client.post(results, {f"kpi_{proj.tonnes.pk}": "-3", f"kpi_{proj.trees.pk}": "10"})
    assert "A result cannot be negative." in response.content.decode()
    assert not EventResult.objects.exists()  # all or nothing
    assert client.post(results, {f"kpi_{proj.tonnes.pk}": "1.25", f"kpi_{proj.trees.pk}": ""}).status_code == 302
    assert EventResult.objects.get().value == 1.25
    client.force_login(proj.inder_secretary)
    assert client.post(mark, {"status": "no_show"}).status_code == 404
    assert client.get(results).status_code == 404


def test_volunteers_export_lists_those_who_consented_with_their_hours(client: Any, proj: SimpleNamespace) -> None:
    sign(proj.morning, 1)
    sign(proj.afternoon, 2)
    client.force_login(proj.secretary)
    response = client.get(reverse("projects:volunteers") + f"?event={proj.upcoming.pk}&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Name"
    assert sorted(r[0] for r in rows[1:]) == ["Ерікті 1", "Ерікті 2"]
    client.force_login(proj.inder_secretary)
    response = client.get(reverse("projects:volunteers") + "?export=xlsx")
    assert len(list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)) == 1
    assert SignUp.objects.count() == 2


def test_a_new_project_with_indicators_through_the_pages(client: Any, proj: SimpleNamespace, tree: Any) -> None:
    client.force_login(proj.secretary)
    data = {"code": "komek", "title_kk": "Құқықтық көмек", "title_ru": "Правовая помощь", "org_unit": tree.regional.pk,
            "units": [tree.makat.pk], "is_public": "on"}  # fmt: skip
    response = client.post(reverse("projects:project-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = response["Location"]
    pk = int(detail.rstrip("/").split("/")[-1])
    response = client.post(
        reverse("projects:kpi-create", args=[pk]),
        {
            "name_kk": "Кеңес",
            "name_ru": "Консультации",
            "measure_kk": "адам",
            "measure_ru": "чел.",
            "yearly_target": "-5",
        },
    )
    assert "A target cannot be negative." in response.content.decode()
    response = client.post(
        reverse("projects:kpi-create", args=[pk]),
        {
            "name_kk": "Кеңес",
            "name_ru": "Консультации",
            "measure_kk": "адам",
            "measure_ru": "чел.",
            "yearly_target": "500",
        },
    )
    assert response.status_code == 302
    assert "Консультации" in client.get(detail).content.decode() or "Кеңес" in client.get(detail).content.decode()
    response = client.post(reverse("projects:project-create"), data)
    assert "Another project already has this code." in response.content.decode()


def test_lists_cost_the_same_queries_for_few_or_many_rows(
    client: Any, proj: SimpleNamespace, tree: SimpleNamespace
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amanat.projects.tests.conftest import add_event, add_shift

    client.force_login(proj.secretary)
    urls = [reverse("projects:event-list"), reverse("projects:volunteers"), reverse("projects:public-list")]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx))
        return found

    sign(proj.morning, 1)
    counts()  # warm the caches (filter choices, site settings)
    before = counts()
    for n in range(6):
        event = add_event(proj.project, tree.inder if n % 2 else tree.makat_p1, proj.now + dt.timedelta(days=n + 1))
        shift = add_shift(event, capacity=5)
        sign(shift, n + 2)
    counts()  # the filters' choices are cached again after the new rows
    assert counts() == before
