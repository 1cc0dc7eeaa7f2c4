"""Staff pages of the structure: scope, forms, bad input, history, exports, query budgets."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from amanat.audit.models import AuditEvent
from amanat.org.choices import FactionRole, MemberStatus, OrgUnitKind, StateBodyKind
from amanat.org.models import Deputy, Official, OrgUnit, Person, StateBody
from amanat.org.tests import structure_fixtures
from amanat.org.tests.factories import MemberFactory, PersonFactory, add_unit, valid_iin
from conftest import scope_matrix

pytestmark = pytest.mark.django_db

masl = structure_fixtures.masl  # fixtures shared by the structure tests
bodies = structure_fixtures.bodies
english = structure_fixtures.english


# The staff layout itself (session, user, grants, site settings, unread count…) costs about a
# dozen queries; a list adds a few of its own, whatever the number of rows.
PAGE_BUDGET = 16


def queries_for(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params or {}).status_code == 200
    return len(context.captured_queries)


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


# --- permission matrix -----------------------------------------------------------------------


def test_org_unit_page_follows_the_scope_matrix(client, make_user, tree):
    scope_matrix(
        client, make_user, tree, url=reverse("org:unit-detail", args=[tree.makat.pk]), role="executive_secretary"
    )


def test_maslikhat_page_follows_the_scope_matrix(client, make_user, tree, masl):
    scope_matrix(client, make_user, tree, url=reverse("org:maslikhat-detail", args=[masl.makat.pk]), role="deputy")


def test_operator_of_sibling_district_gets_404_on_unit_edit_and_create(client, make_user, tree):
    client.force_login(make_user("executive_secretary", tree.inder))
    assert client.get(reverse("org:unit-edit", args=[tree.makat.pk])).status_code == 404
    assert client.post(reverse("org:unit-create", args=[tree.makat.pk]), {"kind": "primary"}).status_code == 404
    assert client.post(reverse("org:unit-deactivate", args=[tree.makat_p1.pk])).status_code == 404


def test_a_state_body_is_visible_to_a_district_user_but_not_to_one_without_the_right(client, make_user, tree, bodies):
    url = reverse("org:statebody-detail", args=[bodies.health.pk])
    assert client.get(url).status_code == 302
    client.force_login(make_user("reception_operator", tree.inder))
    response = client.get(url)
    assert response.status_code == 200
    assert "Денсаулық сақтау басқармасы" in response.content.decode()
    assert "Appoint an official" not in response.content.decode()  # may read, not change
    client.force_login(make_user("primary_secretary", tree.inder_p1))  # holds no view_state_body
    assert client.get(url).status_code == 404
    assert client.get(reverse("org:statebody-list")).status_code == 404


# --- unit tree and pages ---------------------------------------------------------------------


def test_unit_tree_nests_the_users_subtree_within_a_query_budget(
    client, make_user, tree, django_assert_max_num_queries
):
    client.force_login(make_user("executive_secretary", tree.makat))
    url = reverse("org:unit-tree")
    queries_for(client, url)  # the first page of a session also creates settings, saves the session
    few = queries_for(client, url)
    for n in range(2, 12):
        add_unit(tree.makat, code=f"makat-p{n}", kind=OrgUnitKind.PRIMARY, name=f"Мақат №{n} БПҰ")
    MemberFactory(org_unit=tree.makat_p1)
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(url)
    assert queries_for(client, url) == few
    page = response.content.decode()
    assert "Мақат №11 БПҰ" in page and "Мақат аудандық филиалы" in page
    assert "Индер аудандық филиалы" not in page and "Атырау облыстық филиалы" not in page
    assert "1 member" in page


def test_unit_tree_answers_htmx_with_the_results_only_and_ignores_odd_filters(client, make_user, tree):
    client.force_login(make_user("executive_secretary", tree.regional))
    response = client.get(reverse("org:unit-tree"), {"q": "Мақат"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "HX-Request" in response["Vary"]  # Back after filtering gets the page, not this fragment
    assert "Мақат №1 БПҰ" in page and "Индер №1" not in page
    for odd in ({"parent": "abc"}, {"territory": "99999999999999999999"}, {"page": "-3"}, {"kind": "x"}):
        assert client.get(reverse("org:unit-tree"), odd).status_code == 200
    assert client.get(reverse("org:unit-tree"), {"q": "\x00"}).status_code == 400  # refused, not a 500


def test_creating_a_unit_from_the_page_and_refusing_a_wrong_kind(client, make_user, tree):
    client.force_login(make_user("executive_secretary", tree.makat))
    url = reverse("org:unit-create", args=[tree.makat.pk])
    form = client.get(url).content.decode()
    assert 'value="primary"' in form and 'value="district"' not in form
    response = client.post(url, {"kind": "district", "code": "bad", "name_kk": "X", "name_ru": "X"})
    assert response.status_code == 400
    assert not OrgUnit.objects.filter(code="bad").exists()
    response = client.post(url, {"kind": "primary", "code": "makat-p7", "name_kk": "Мақат №7", "name_ru": "Макат №7"})
    unit = OrgUnit.objects.get(code="makat-p7")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit-detail", args=[unit.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Org unit created" in detail  # the page shows its history


def test_deactivating_a_unit_with_members_is_refused_on_the_page(client, make_user, tree):
    MemberFactory(org_unit=tree.makat_p1, status=MemberStatus.ACTIVE)
    client.force_login(make_user("executive_secretary", tree.makat))
    response = client.post(reverse("org:unit-deactivate", args=[tree.makat_p1.pk]), {"reason": "x"})
    assert response.status_code == 400
    assert "1 active member:" in response.content.decode()  # singular for one
    tree.makat_p1.refresh_from_db()
    assert tree.makat_p1.is_active


def test_unit_edit_saves_and_the_history_shows_before_and_after(client, make_user, tree):
    client.force_login(make_user("executive_secretary", tree.makat))
    url = reverse("org:unit-edit", args=[tree.makat_p1.pk])
    data = {
        "code": "makat-p1",
        "name_kk": tree.makat_p1.name_kk,
        "name_ru": tree.makat_p1.name_ru,
        "phone": "+77015554433",
    }
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("org:unit-detail", args=[tree.makat_p1.pk])).content.decode()
    assert "Org unit changed" in page and "+77015554433" in page
    assert client.post(url, {**data, "email": "not-an-email"}).status_code == 400


# --- territories -----------------------------------------------------------------------------


def test_territories_are_searched_by_name_or_kato_and_changed_only_from_the_regional_level(client, make_user, tree):
    client.force_login(make_user("executive_secretary", tree.makat))
    page = client.get(reverse("org:territory-list"), {"q": "2352"}).content.decode()
    assert "Мақат ауданы" in page and "Индер ауданы" not in page
    page = client.get(reverse("org:territory-list"), {"q": "индер"}).content.decode()
    assert "Индер ауданы" in page and "Мақат ауданы" not in page
    assert client.get(reverse("org:territory-create")).status_code == 404
    assert client.get(reverse("org:territory-edit", args=[tree.makat_t.pk])).status_code == 404
    client.force_login(make_user("executive_secretary", tree.regional))
    response = client.post(
        reverse("org:territory-create") + f"?parent={tree.makat_t.pk}",
        {"kato": "235233100", "kind": "settlement", "name_kk": "Доссор", "name_ru": "Доссор"},
    )
    assert response.status_code == 302
    assert "Доссор" in client.get(reverse("org:territory-detail", args=[tree.makat_t.pk])).content.decode()


# --- maslikhats and deputies -----------------------------------------------------------------


def test_maslikhat_page_shows_the_faction_leader_and_deputies(
    client, make_user, tree, masl, django_assert_max_num_queries
):
    client.force_login(make_user("deputy", tree.makat))
    with django_assert_max_num_queries(PAGE_BUDGET + 4):
        response = client.get(reverse("org:maslikhat-detail", args=[masl.makat.pk]))
    page = response.content.decode()
    assert "Faction leader" in page and str(masl.leader.person) in page and str(masl.member.person) in page
    assert "Add a deputy" not in page  # the deputy role reads only


def test_adding_a_deputy_finds_the_person_then_records_the_mandate(client, make_user, tree, masl):
    person = PersonFactory(org_unit=tree.makat_p1, last_name="Сейткали")
    PersonFactory(org_unit=tree.inder_p1, last_name="Сейткалиев")  # another district: never offered
    client.force_login(make_user("executive_secretary", tree.makat))
    url = reverse("org:deputy-create", args=[masl.makat.pk])
    found = client.post(url, {"action": "find", "person_q": "сейт", "term_start": "2023-03-19"})
    page = found.content.decode()
    assert found.status_code == 200 and f'value="{person.pk}"' in page and "Сейткалиев" not in page
    partial = client.get(url, {"person_q": "Сейт"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{person.pk}"' in partial and "<html" not in partial
    response = client.post(
        url,
        {"person": person.pk, "term_start": "2023-03-19", "constituency_number": "5", "faction": masl.makat_faction.pk},
    )
    assert response.status_code == 302
    deputy = Deputy.objects.get(person=person)
    assert deputy.faction_role == FactionRole.MEMBER and deputy.constituency_number == 5


def test_adding_a_deputy_with_a_new_person_and_a_bad_iin_changes_nothing(client, make_user, tree, masl):
    client.force_login(make_user("executive_secretary", tree.makat))
    url = reverse("org:deputy-create", args=[masl.makat.pk])
    people = Person.objects.count()
    data = {"new_last_name": "Жаңаев", "new_first_name": "Бек", "new_iin": "010101600586", "term_start": "2023-03-19"}
    response = client.post(url, data)
    assert response.status_code == 400 and "check digit" in response.content.decode()
    assert Person.objects.count() == people
    response = client.post(url, {**data, "new_iin": valid_iin()})
    assert response.status_code == 302
    assert Deputy.objects.get(person__last_name="Жаңаев").maslikhat == masl.makat
    assert client.post(url, {"term_start": "2023-03-19"}).status_code == 400  # no person at all


def test_a_second_faction_leader_is_refused_on_the_edit_page(client, make_user, tree, masl):
    client.force_login(make_user("executive_secretary", tree.makat))
    response = client.post(
        reverse("org:deputy-edit", args=[masl.member.pk]),
        {"term_start": "2023-03-19", "faction": masl.makat_faction.pk, "faction_role": "leader"},
    )
    assert response.status_code == 400
    assert "already has a leader" in response.content.decode()
    masl.member.refresh_from_db()
    assert masl.member.faction_role == FactionRole.MEMBER


def test_deputy_list_exports_the_filtered_rows_to_xlsx(client, make_user, tree, masl):
    client.force_login(make_user("executive_secretary", tree.regional))
    rows = sheet_rows(client.get(reverse("org:deputy-list"), {"maslikhat": masl.makat.pk, "export": "xlsx"}))
    names = {row[0] for row in rows[1:]}
    assert rows[0][0] == "Full name"
    assert names == {masl.leader.person.full_name, masl.member.person.full_name}


# --- state bodies and officials --------------------------------------------------------------


def test_state_body_list_exports_every_body_and_fits_a_query_budget(
    client, make_user, tree, bodies, django_assert_max_num_queries
):
    client.force_login(make_user("reception_operator", tree.makat))
    url = reverse("org:statebody-list")
    queries_for(client, url)  # the first page of a session also creates settings, saves the session
    few = queries_for(client, url)
    for n in range(8):
        StateBody.objects.add_child(
            bodies.akimat,
            instance=StateBody(kind=StateBodyKind.DEPARTMENT, name_kk=f"Б{n}", name_ru=f"У{n}", territory=tree.region),
        )
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    assert queries_for(client, url) == few
    rows = sheet_rows(client.get(url, {"export": "xlsx"}))
    assert len(rows) == 1 + StateBody.objects.count()
    assert {row[0] for row in rows[1:]} >= {"Денсаулық сақтау басқармасы", "Мақат ауданының әкімдігі"}


def test_a_state_body_with_a_bad_bin_is_refused_on_the_page(client, make_user, tree, bodies):
    client.force_login(make_user("executive_secretary", tree.regional))
    url = reverse("org:statebody-create") + f"?parent={bodies.akimat.pk}"
    data = {"kind": StateBodyKind.DEPARTMENT, "name_kk": "Білім", "name_ru": "Образование", "bin": "123456789012"}
    response = client.post(url, data)
    assert response.status_code == 400 and "wrong check digit" in response.content.decode()
    assert not StateBody.objects.filter(name_ru="Образование").exists()


def test_appointing_and_ending_an_official_from_the_pages(client, make_user, tree, bodies):
    person = PersonFactory(org_unit=tree.regional, last_name="Басқарушы")
    client.force_login(make_user("executive_secretary", tree.regional))
    url = reverse("org:official-create", args=[bodies.health.pk])
    data = {
        "person": person.pk,
        "title_kk": "Басшы",
        "title_ru": "Руководитель",
        "is_head": "on",
        "started_on": "2024-02-01",
    }
    assert client.post(url, data).status_code == 302
    official = Official.objects.get(person=person)
    detail = client.get(reverse("org:statebody-detail", args=[bodies.health.pk])).content.decode()
    assert "Басқарушы" in detail and "Current officials" in detail
    end = client.post(reverse("org:official-end", args=[official.pk]), {"ended_on": "2024-01-01"})
    assert end.status_code == 302
    official.refresh_from_db()
    assert official.ended_on is None  # before the start: refused
    client.post(reverse("org:official-end", args=[official.pk]), {"ended_on": "2025-01-01"})
    official.refresh_from_db()
    assert official.ended_on == dt.date(2025, 1, 1)


def test_an_officials_post_is_corrected_from_the_edit_page(client, make_user, tree, bodies):
    client.force_login(make_user("executive_secretary", tree.regional))
    url = reverse("org:official-edit", args=[bodies.akim.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "title_kk": "Мақат ауданының әкімі",
        "title_ru": "Аким Макатского района",
        "is_head": "on",
        "started_on": "2022-01-10",
    }
    assert client.post(url, data).status_code == 302
    bodies.akim.refresh_from_db()
    assert bodies.akim.title_ru == "Аким Макатского района"


def test_admin_shows_people_read_only_with_the_iin_masked(client, make_user, tree):
    iin = valid_iin()
    person = PersonFactory(org_unit=tree.makat_p1)
    person.set_iin(iin)
    person.save()
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("admin:org_person_change", args=[person.pk])).content.decode()
    assert person.iin_masked in page and iin not in page and person.iin_hash not in page
    assert client.get(reverse("admin:org_person_add")).status_code == 403
    response = client.post(reverse("admin:org_person_change", args=[person.pk]), {"last_name": "Changed"})
    assert response.status_code == 403
    for model in (
        "territory",
        "orgunit",
        "maslikhat",
        "faction",
        "deputy",
        "statebody",
        "official",
        "member",
        "position",
        "memberimport",
    ):
        assert client.get(reverse(f"admin:org_{model}_changelist")).status_code == 200, model


def test_a_correction_in_the_admin_is_audited(client, make_user, tree):
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:org_territory_change", args=[tree.makat_t.pk])
    data = {
        "kato": tree.makat_t.kato,
        "name_kk": tree.makat_t.name_kk,
        "name_ru": "Макатский район",
        "name_en": "Makat",
    }
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(verb="org.admin_changed", target_id=str(tree.makat_t.pk))
    assert event.changes["name_en"] == ["Мақат ауданы", "Makat"]


def test_a_district_branch_counts_the_members_of_its_primaries(client, tree, make_user):
    from amanat.org.tests.factories import MemberFactory

    for _ in range(3):
        MemberFactory(org_unit=tree.makat_p1)
    MemberFactory(org_unit=tree.inder_p1)
    client.force_login(make_user("executive_secretary", tree.regional))

    district = client.get(f"/manage/org/units/{tree.makat.pk}/").content.decode()
    assert "3 in this unit itself" not in district  # the branch keeps none itself
    regional = client.get(f"/manage/org/units/{tree.regional.pk}/")
    children = {child.code: child.total_members for child in regional.context["children"]}
    assert children["makat"] == 3
    assert children["inder"] == 1
    assert regional.context["total_members"] == 4
    assert client.get(f"/manage/org/units/{tree.makat.pk}/").context["total_members"] == 3
