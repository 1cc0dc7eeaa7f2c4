"""Versions of a programme: adopting (numbers, rights, scope, bad input), comparing (a target
lowered, a deadline moved, items added and removed), the staff pages, the public page (no one's
name) and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from amanat.audit.models import AuditEvent
from amanat.org.models import Official
from amanat.org.tests.factories import PersonFactory
from amanat.programme.choices import ItemKind
from amanat.programme.models import Indicator, Item, Programme, ProgrammeVersion
from amanat.programme.services import versions as services

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 9, 15, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2025, 9, 15)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def admin(tree, make_user):
    return make_user("regional_admin", tree.regional)


def adopt(user: Any, programme: Programme, **values: Any) -> ProgrammeVersion:
    data = {"adopted_on": dt.date(2025, 3, 1), "basis": "Бюро облыстық филиалы, 01.03.2025, №4"} | values
    return services.version_adopt(actor=user, programme=programme, **data)


def revise(prog: Any) -> None:
    """What a party decision changed: the clinic's deadline moved a year later, the beds target
    lowered, the road dropped, a new water item added."""
    Item.objects.filter(pk=prog.clinic.pk).update(planned_end=dt.date(2027, 12, 31))
    Indicator.objects.filter(pk=prog.beds.pk).update(target=Decimal(60))
    Indicator.objects.filter(pk=prog.km.pk).delete()
    Item.objects.filter(pk=prog.road.pk).delete()
    direction = Item.objects.get(pk=prog.direction.pk)
    Item.objects.add_child(direction, {
        "programme": prog.programme, "kind": ItemKind.ROADMAP, "code": "1.3", "title_kk": "Су", "title_ru": "Водопровод",
        "org_unit": prog.clinic.org_unit,
    })  # fmt: skip


# --- adopting ------------------------------------------------------------------------------


def test_versions_are_numbered_and_the_last_is_in_force(admin, prog):
    first = adopt(admin, prog.programme)
    assert first.number == 1
    assert [row["code"] for row in first.snapshot["items"]] == ["1", "1.1", "1.2"]
    clinic = first.snapshot["items"][1]
    assert clinic["planned_end"] == "2026-12-31"
    assert clinic["responsible_body"]["name_ru"] == "Здравоохранение"
    assert {i["name_ru"]: i["target"] for i in clinic["indicators"]} == {"Койки": "100.0000", "Ожидание": "5.0000"}

    revise(prog)
    second = adopt(admin, prog.programme, adopted_on=dt.date(2025, 6, 1), basis="Бюро, 01.06.2025, №9")
    assert second.number == 2
    prog.programme.refresh_from_db()
    assert prog.programme.version == 2
    # The first version is kept as it was adopted.
    first.refresh_from_db()
    assert first.snapshot["items"][1]["planned_end"] == "2026-12-31"
    events = AuditEvent.objects.filter(verb="programme.version_adopted").order_by("id")
    assert [e.data["version"] for e in events] == [1, 2]


def test_the_same_submission_twice_records_one_version(admin, prog):
    first = adopt(admin, prog.programme)
    again = adopt(admin, prog.programme)
    assert again.pk == first.pk
    assert ProgrammeVersion.objects.filter(programme=prog.programme).count() == 1


def test_adopt_page_records_a_version(client, admin, prog):
    client.force_login(admin)
    url = reverse("programme:version-adopt", args=[prog.programme.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "version 1" in page.content.decode()
    response = client.post(url, {"adopted_on": "2025-03-01", "basis": "Бюро, №4", "note_ru": "Первая редакция"})
    assert response.status_code == 302
    version = ProgrammeVersion.objects.get(programme=prog.programme)
    assert (version.number, version.basis, version.note_ru, version.created_by) == (
        1,
        "Бюро, №4",
        "Первая редакция",
        admin,
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"adopted_on": "2025-03-01", "basis": "   "}, "basis"),
        ({"adopted_on": "2025-09-16", "basis": "Бюро, №4"}, "adopted_on"),
        ({"adopted_on": "2025-02-01", "basis": "Бюро, №5"}, "adopted_on"),  # before version 1
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, admin, prog, data, field):
    adopt(admin, prog.programme)
    client.force_login(admin)
    response = client.post(reverse("programme:version-adopt", args=[prog.programme.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert ProgrammeVersion.objects.filter(programme=prog.programme).count() == 1
    prog.programme.refresh_from_db()
    assert prog.programme.version == 1


def test_a_deputy_may_read_versions_but_not_record_one(client, tree, make_user, prog):
    deputy = make_user("deputy", tree.regional)
    client.force_login(deputy)
    assert client.get(reverse("programme:programme-versions", args=[prog.programme.pk])).status_code == 200
    url = reverse("programme:version-adopt", args=[prog.programme.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"adopted_on": "2025-03-01", "basis": "Бюро"}).status_code == 404
    assert not ProgrammeVersion.objects.exists()


def test_another_districts_secretary_gets_404(client, tree, make_user, prog):
    makat_programme = Programme.objects.create(
        code="makat", title_kk="Мақат", title_ru="Макат", first_year=2025, last_year=2027, org_unit=tree.makat
    )
    inder_secretary = make_user("executive_secretary", tree.inder)
    client.force_login(inder_secretary)
    for name in ("programme-versions", "version-adopt"):
        assert client.get(reverse(f"programme:{name}", args=[makat_programme.pk])).status_code == 404
    response = client.post(
        reverse("programme:version-adopt", args=[makat_programme.pk]), {"adopted_on": "2025-03-01", "basis": "Бюро"}
    )
    assert response.status_code == 404
    compare = reverse("programme:version-compare", args=[makat_programme.pk])
    assert client.get(compare, {"from": 1}).status_code == 404
    assert not ProgrammeVersion.objects.exists()
    # The service itself refuses too.
    with pytest.raises(services.PermissionDenied):
        adopt(inder_secretary, makat_programme)
    # The makat secretary may.
    assert adopt(make_user("executive_secretary", tree.makat), makat_programme).number == 1


# --- comparing -----------------------------------------------------------------------------


def test_compare_names_a_lowered_target_a_later_deadline_and_items_added_and_removed(admin, prog):
    before = services.snapshot_of(prog.programme)
    revise(prog)
    changes = services.compare(before, services.snapshot_of(prog.programme))
    by_code = {(c["change"], c["item"]["code"]): c for c in changes}
    assert set(by_code) == {("changed", "1.1"), ("removed", "1.2"), ("added", "1.3")}

    clinic = by_code["changed", "1.1"]
    assert clinic["fields"] == [{"field": "planned_end", "before": "2026-12-31", "after": "2027-12-31", "key": True}]
    [beds] = clinic["indicators"]
    assert beds["indicator"]["name_ru"] == "Койки"
    assert [(f["field"], f["before"], f["after"]) for f in beds["fields"]] == [("target", "100.0000", "60.0000")]
    assert beds["flags"] == [services.FLAG_TARGET_WEAKER]
    assert set(clinic["flags"]) == {services.FLAG_DEADLINE_LATER, services.FLAG_TARGET_WEAKER}
    assert services.summary(changes) == {
        "added": 1, "removed": 1, "changed": 1, services.FLAG_DEADLINE_LATER: 1, services.FLAG_TARGET_WEAKER: 1,
    }  # fmt: skip


def test_a_raised_target_of_a_less_is_better_indicator_is_weaker(prog):
    before = services.snapshot_of(prog.programme)
    Indicator.objects.filter(pk=prog.waiting.pk).update(target=Decimal(10))  # waiting 5 days → 10 days
    [change] = services.compare(before, services.snapshot_of(prog.programme))
    assert change["indicators"][0]["flags"] == [services.FLAG_TARGET_WEAKER]


def test_nothing_changed_is_an_empty_comparison(prog):
    assert services.compare(services.snapshot_of(prog.programme), services.snapshot_of(prog.programme)) == []


def test_compare_page_shows_before_and_after_with_readable_labels(client, admin, prog):
    adopt(admin, prog.programme)
    revise(prog)
    adopt(admin, prog.programme, adopted_on=dt.date(2025, 6, 1), basis="Бюро, №9")
    client.force_login(admin)
    url = reverse("programme:version-compare", args=[prog.programme.pk])
    page = client.get(url, {"from": 1, "to": 2}).content.decode()
    for text in ("Deadline moved later", "Target lowered", "planned end", "31.12.2026", "31.12.2027", "1.3 Су"):
        assert text in page, text
    assert "100" in page and "60" in page
    assert "planned_end" not in page  # field codes are not shown to people
    # Since version 2 nothing has changed; since version 1 everything above.
    assert "Nothing changed." in client.get(url, {"from": 2, "to": "current"}).content.decode()
    assert "Target lowered" in client.get(url, {"from": 1}).content.decode()
    # In Kazakh and Russian too.
    client.cookies["django_language"] = "kk"
    assert client.get(url, {"from": 1, "to": 2}, HTTP_ACCEPT_LANGUAGE="kk").status_code == 200
    assert client.get(url, {"from": 9}).status_code == 404
    assert client.get(url, {"from": "x"}).status_code == 404


def test_versions_page_lists_versions_and_unrecorded_changes(client, admin, prog):
    adopt(admin, prog.programme, note_ru="Первая редакция", note_en="First edition")
    revise(prog)
    client.force_login(admin)
    page = client.get(reverse("programme:programme-versions", args=[prog.programme.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Бюро облыстық филиалы, 01.03.2025, №4" in text
    assert "First edition" in text
    assert "not yet recorded" in text
    assert page.context["pending"]["changed"] == 1


def test_programme_list_shows_counts_and_links(client, admin, prog):
    adopt(admin, prog.programme)
    client.force_login(admin)
    page = client.get(reverse("programme:programme-list"))
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert row["programme"].item_count == 3
    assert row["programme"].roadmap_count == 2
    assert row["programme"].version_count == 1
    text = page.content.decode()
    assert reverse("programme:programme-versions", args=[prog.programme.pk]) in text
    assert f"{reverse('programme:import')}?programme={prog.programme.pk}" in text


def test_programme_list_is_scoped(client, tree, make_user, prog):
    client.force_login(make_user("executive_secretary", tree.inder))
    page = client.get(reverse("programme:programme-list"))
    assert page.status_code == 200
    assert page.context["rows"] == []
    client.force_login(make_user())
    assert client.get(reverse("programme:programme-list")).status_code == 404


# --- the public page -----------------------------------------------------------------------


def public_page(client: Any, pk: int) -> Any:
    return client.get(reverse("programme:tracker-versions", args=[pk]))


def test_public_item_page_links_to_what_changed_in_the_programme(client, prog):
    page = client.get(reverse("programme:tracker-item", args=[prog.clinic.pk])).content.decode()
    assert reverse("programme:tracker-versions", args=[prog.programme.pk]) in page


def test_public_page_shows_versions_and_no_ones_name(client, tree, admin, prog):
    person = PersonFactory(org_unit=tree.makat, last_name="Жаксылыков", first_name="Ерлан")
    official = Official.objects.create(
        person=person, body=prog.health, title_kk="Басқарма басшысы", title_ru="Руководитель управления",
        title_en="Head of department", started_on=dt.date(2024, 1, 1),
    )  # fmt: skip
    Item.objects.filter(pk=prog.clinic.pk).update(responsible_official=official)
    adopt(admin, prog.programme)
    other = Official.objects.create(
        person=PersonFactory(org_unit=tree.makat, last_name="Нұрғалиева", first_name="Айгүл"), body=prog.health,
        title_kk="Басшының орынбасары", title_ru="Заместитель руководителя", title_en="Deputy head",
        started_on=dt.date(2024, 1, 1),
    )  # fmt: skip
    revise(prog)
    Item.objects.filter(pk=prog.clinic.pk).update(responsible_official=other)
    adopt(admin, prog.programme, adopted_on=dt.date(2025, 6, 1), basis="Бюро, №9")

    # Staff see who was named.
    client.force_login(admin)
    staff = client.get(reverse("programme:version-compare", args=[prog.programme.pk]), {"from": 1, "to": 2})
    assert "Жаксылыков" in staff.content.decode()
    client.logout()

    response = public_page(client, prog.programme.pk)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Бюро, №9" in text
    assert "Head of department" in text and "Deputy head" in text
    assert "Target lowered" in text and "Deadline moved later" in text
    for name in ("Жаксылыков", "Ерлан", "Нұрғалиева", "Айгүл", str(admin)):
        assert name not in text, name


def test_public_page_hides_unpublished_items_and_programmes(client, admin, prog):
    adopt(admin, prog.programme)
    Item.objects.filter(pk=prog.road.pk).update(is_published=False, title_ru="Секретная дорога", title_en="Secret road")
    Indicator.objects.filter(pk=prog.km.pk).update(target=Decimal(10))
    adopt(admin, prog.programme, adopted_on=dt.date(2025, 6, 1), basis="Бюро, №9")
    text = public_page(client, prog.programme.pk).content.decode()
    assert "Secret road" not in text and "Секретная дорога" not in text
    Programme.objects.filter(pk=prog.programme.pk).update(is_published=False)
    from django.http import Http404

    try:
        response = public_page(client, prog.programme.pk)
    except Http404:
        return
    assert response.status_code == 404


# --- the API -------------------------------------------------------------------------------


def api_as(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


def versions_url(programme: Programme) -> str:
    return f"/api/v1/programme/programmes/{programme.pk}/versions/"


def test_api_adopts_lists_and_shows_changes(admin, prog):
    api = api_as(admin)
    created = api.post(versions_url(prog.programme), {"adopted_on": "2025-03-01", "basis": "Бюро, №4"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["number"] == 1
    revise(prog)
    assert (
        api.post(
            versions_url(prog.programme), {"adopted_on": "2025-06-01", "basis": "Бюро, №9"}, format="json"
        ).status_code
        == 201
    )
    listed = api.get(versions_url(prog.programme)).json()
    assert [v["number"] for v in listed] == [2, 1]
    detail = api.get(versions_url(prog.programme) + "2/").json()
    assert detail["against"] == 1
    assert detail["summary"]["target_weaker"] == 1
    assert {(c["change"], c["item"]["code"]) for c in detail["changes"]} == {
        ("changed", "1.1"), ("removed", "1.2"), ("added", "1.3"),
    }  # fmt: skip
    since = api.get(versions_url(prog.programme) + "1/", {"against": "current"}).json()
    assert since["against"] == "current" and len(since["changes"]) == 3
    assert api.get(versions_url(prog.programme) + "1/", {"against": "x"}).status_code == 400
    assert api.get(versions_url(prog.programme) + "7/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"adopted_on": "2025-03-01", "basis": ""}, "basis"),
        ({"adopted_on": "2025-03-01"}, "basis"),
        ({"adopted_on": "2030-01-01", "basis": "Бюро"}, "adopted_on"),
        ({"adopted_on": "not a date", "basis": "Бюро"}, "adopted_on"),
    ],
)
def test_api_bad_input_is_400_field_by_field(admin, prog, body, field):
    response = api_as(admin).post(versions_url(prog.programme), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ProgrammeVersion.objects.exists()


def test_api_scope_and_rights(tree, make_user, prog):
    deputy = make_user("deputy", tree.regional)
    assert api_as(deputy).get(versions_url(prog.programme)).status_code == 200
    refused = api_as(deputy).post(
        versions_url(prog.programme), {"adopted_on": "2025-03-01", "basis": "Б"}, format="json"
    )
    assert refused.status_code == 403
    outsider = make_user("executive_secretary", tree.inder)
    assert api_as(outsider).get(versions_url(prog.programme)).status_code == 404
    assert api_as(outsider).post(versions_url(prog.programme), {"basis": "Б"}, format="json").status_code == 404
    assert not ProgrammeVersion.objects.exists()
