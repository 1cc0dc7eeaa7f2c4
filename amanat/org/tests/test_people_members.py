"""Member pages: scope, list filters, status transitions, transfer, admission, export, query budget."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from amanat.audit.models import AuditEvent
from amanat.org.choices import MemberStatus, OrgUnitKind
from amanat.org.models import Member, Person
from amanat.org.services.people import member_admit, member_transition
from amanat.org.tests.factories import MemberFactory, PersonFactory, add_unit, valid_iin
from amanat.org.workflow import allowed_targets, transition_to
from conftest import scope_matrix

LIST_URL = reverse("org:member-list")


def member(unit: Any, last_name: str = "Ахметов", **fields: Any) -> Member:
    person = PersonFactory(org_unit=unit, last_name=last_name)
    person.set_iin(valid_iin())
    person.save()
    return MemberFactory(person=person, org_unit=unit, **fields)


@pytest.fixture
def secretary(client: Any, make_user: Any, tree: Any) -> Any:
    user = make_user("primary_secretary", tree.makat_p1)
    client.force_login(user)
    return user


def test_member_detail_scope_matrix(client: Any, make_user: Any, tree: Any) -> None:
    url = reverse("org:member-detail", args=[member(tree.makat_p1).pk])
    scope_matrix(
        client,
        make_user,
        tree,
        url=url,
        role="primary_secretary",
        unit_attr="makat_p1",
        parent_attr="makat",
        sibling_attr="inder_p1",
    )


def test_member_detail_shows_masked_iin_and_status_history(client: Any, secretary: Any, tree: Any) -> None:
    m = member(tree.makat_p1)
    member_transition(actor=secretary, member=m, to=MemberStatus.SUSPENDED, on=dt.date(2024, 3, 1), reason="Arrears")
    page = client.get(reverse("org:member-detail", args=[m.pk])).content.decode()
    assert m.person.iin_masked in page and m.person.reveal_iin() not in page
    assert "Show full IIN" in page
    assert "Membership suspended" in page and "Arrears" in page


def test_list_filtered_by_district_shows_only_its_primaries_members(client: Any, make_user: Any, tree: Any) -> None:
    makat_p2 = add_unit(tree.makat, code="makat-p2", kind=OrgUnitKind.PRIMARY, name="Мақат №2 БПҰ")
    a, b = member(tree.makat_p1, "Әбенов"), member(makat_p2, "Бекова")
    member(tree.inder_p1, "Индеров")
    client.force_login(make_user("regional_admin", tree.regional))
    shown = client.get(LIST_URL, {"unit": tree.makat.pk}).context["members"]
    assert {m.pk for m in shown} == {a.pk, b.pk}
    assert [m.pk for m in client.get(LIST_URL, {"unit": makat_p2.pk}).context["members"]] == [b.pk]


def test_list_of_a_district_user_never_shows_other_districts(client: Any, make_user: Any, tree: Any) -> None:
    own = member(tree.makat_p1)
    member(tree.inder_p1)
    client.force_login(make_user("executive_secretary", tree.makat))
    assert [m.pk for m in client.get(LIST_URL).context["members"]] == [own.pk]
    assert [m.pk for m in client.get(LIST_URL, {"unit": tree.inder.pk}).context["members"]] == [own.pk], (
        "a unit outside the scope is not a valid filter: it is ignored, nothing leaks"
    )


def test_list_filters_status_youth_wing_dates_and_search(client: Any, secretary: Any, tree: Any) -> None:
    old = member(tree.makat_p1, "Ахметов", joined_on=dt.date(2010, 1, 1), card_number="C-100")
    young = member(tree.makat_p1, "Жанова", joined_on=dt.date(2023, 5, 1), youth_wing=True)
    gone = member(tree.makat_p1, "Кетті", status=MemberStatus.LEFT, joined_on=dt.date(2015, 1, 1))

    def pks(**query: Any) -> set[int]:
        return {m.pk for m in client.get(LIST_URL, query).context["members"]}

    assert pks(status="left") == {gone.pk}
    assert pks(youth_wing="true") == {young.pk}
    assert pks(joined_after="2020-01-01", joined_before="2024-01-01") == {young.pk}
    assert pks(q="жан") == {young.pk}
    assert pks(q="C-100") == {old.pk}
    assert pks(q=old.person.reveal_iin()) == {old.pk}


def test_odd_filter_values_answer_normally(client: Any, secretary: Any, tree: Any) -> None:
    member(tree.makat_p1)
    odd = {"unit": "99999999999999999999", "status": "nope", "youth_wing": "maybe", "joined_after": "31.02.x"}
    for query in (odd, {"q": "%_%"}, {"page": "-1"}, {"page": "99999"}):
        assert client.get(LIST_URL, query).status_code == 200
    assert client.get(LIST_URL, {"q": "\x00"}).status_code == 400  # refused with a message, not a 500


def test_htmx_request_gets_only_the_results(client: Any, secretary: Any, tree: Any) -> None:
    m = member(tree.makat_p1)
    response = client.get(LIST_URL, {"q": "ахм"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert '<div id="results">' in content and "<html" not in content
    assert reverse("org:member-detail", args=[m.pk]) in content


def test_member_list_query_count_does_not_grow_with_rows(
    client: Any, secretary: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(3):
        member(tree.makat_p1, f"Ахметов{i}")
    client.get(LIST_URL)  # first request of a test also creates the site settings row
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL, {"q": "ахм", "unit": tree.makat_p1.pk})
    for i in range(3, 40):
        member(tree.makat_p1, f"Ахметов{i}")
    with django_assert_max_num_queries(16):
        response = client.get(LIST_URL, {"q": "ахм", "unit": tree.makat_p1.pk})
    assert len(response.context["members"]) == 40
    with CaptureQueriesContext(connection) as many:
        client.get(LIST_URL, {"q": "ахм", "unit": tree.makat_p1.pk})
    assert len(many) == len(few)


def test_export_xlsx_has_the_filtered_rows(client: Any, make_user: Any, tree: Any) -> None:
    a = member(tree.makat_p1, "Әбенов", card_number="K-1")
    member(tree.inder_p1, "Индеров")
    client.force_login(make_user("regional_admin", tree.regional))
    response = client.get(LIST_URL, {"unit": tree.makat.pk, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Last name", "First name", "Patronymic", "IIN")
    assert len(rows) == 2
    assert rows[1][0] == "Әбенов" and rows[1][3] == a.person.iin_masked and "K-1" in rows[1]
    assert a.person.reveal_iin() not in str(rows), "exports carry the masked IIN only"


# --- transitions -----------------------------------------------------------------------------


def test_transition_table() -> None:
    assert allowed_targets(MemberStatus.ACTIVE) == [MemberStatus.SUSPENDED, MemberStatus.LEFT]
    assert allowed_targets(MemberStatus.SUSPENDED) == [MemberStatus.ACTIVE, MemberStatus.LEFT]
    assert allowed_targets(MemberStatus.LEFT) == []
    assert transition_to(MemberStatus.LEFT, MemberStatus.ACTIVE) is None


def test_allowed_transitions_change_status_with_date_reason_and_audit(secretary: Any, tree: Any) -> None:
    m = member(tree.makat_p1)
    member_transition(actor=secretary, member=m, to=MemberStatus.SUSPENDED, on=dt.date(2024, 1, 10), reason="Arrears")
    member_transition(actor=secretary, member=m, to=MemberStatus.ACTIVE, on=dt.date(2024, 2, 1))
    member_transition(actor=secretary, member=m, to=MemberStatus.LEFT, on=dt.date(2024, 3, 1), reason="Own wish")
    m.refresh_from_db()
    assert (m.status, m.status_changed_on, m.status_reason) == (MemberStatus.LEFT, dt.date(2024, 3, 1), "Own wish")
    events = AuditEvent.objects.filter(target_id=str(m.pk), verb__startswith="org.member").order_by("id")
    verbs = list(events.values_list("verb", flat=True))
    assert verbs == ["org.member_suspended", "org.member_reinstated", "org.member_left"]


@pytest.mark.parametrize(
    ("start", "to", "field"),
    [
        (MemberStatus.LEFT, MemberStatus.ACTIVE, "to"),
        (MemberStatus.LEFT, MemberStatus.SUSPENDED, "to"),
        (MemberStatus.ACTIVE, MemberStatus.ACTIVE, "to"),
        (MemberStatus.SUSPENDED, MemberStatus.SUSPENDED, "to"),
    ],
)
def test_forbidden_transitions_are_refused(secretary: Any, tree: Any, start: str, to: str, field: str) -> None:
    m = member(tree.makat_p1, status=start)
    with pytest.raises(ValidationError) as error:
        member_transition(actor=secretary, member=m, to=to, on=dt.date(2024, 1, 1), reason="x")
    assert field in error.value.message_dict
    m.refresh_from_db()
    assert m.status == start


def test_suspension_needs_a_reason_and_a_sensible_date(secretary: Any, tree: Any) -> None:
    m = member(tree.makat_p1, joined_on=dt.date(2020, 5, 1))
    with pytest.raises(ValidationError, match="Give the reason"):
        member_transition(actor=secretary, member=m, to=MemberStatus.SUSPENDED, on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="future"):
        member_transition(actor=secretary, member=m, to=MemberStatus.SUSPENDED, on=dt.date(2999, 1, 1), reason="x")
    with pytest.raises(ValidationError, match="before the member joined"):
        member_transition(actor=secretary, member=m, to=MemberStatus.SUSPENDED, on=dt.date(2019, 1, 1), reason="x")


def test_transition_from_the_page(client: Any, secretary: Any, tree: Any) -> None:
    m = member(tree.makat_p1)
    url = reverse("org:member-transition", args=[m.pk])
    bad = client.post(url, {"to": MemberStatus.LEFT, "date": "2024-01-01", "reason": ""})
    assert bad.status_code == 400 and "Give the reason." in bad.content.decode()
    good = client.post(url, {"to": MemberStatus.LEFT, "date": "2024-01-01", "reason": "Moved abroad"})
    assert good.status_code == 302
    m.refresh_from_db()
    assert m.status == MemberStatus.LEFT
    page = client.get(reverse("org:member-detail", args=[m.pk])).content.decode()
    assert "Membership ended" in page and 'action="' + url not in page, "left is final: no status form"


def test_transition_by_a_user_of_another_district_is_404(client: Any, make_user: Any, tree: Any) -> None:
    m = member(tree.makat_p1)
    client.force_login(make_user("primary_secretary", tree.inder_p1))
    response = client.post(
        reverse("org:member-transition", args=[m.pk]), {"to": "left", "date": "2024-01-01", "reason": "x"}
    )
    assert response.status_code == 404
    m.refresh_from_db()
    assert m.status == MemberStatus.ACTIVE


def test_viewer_without_change_right_cannot_change_status(client: Any, make_user: Any, tree: Any) -> None:
    m = member(tree.makat_p1)
    client.force_login(make_user("auditor", tree.makat))
    assert client.get(reverse("org:member-detail", args=[m.pk])).status_code == 200
    response = client.post(
        reverse("org:member-transition", args=[m.pk]), {"to": "left", "date": "2024-01-01", "reason": "x"}
    )
    assert response.status_code == 403


# --- transfer and admission ------------------------------------------------------------------


def test_transfer_within_scope_moves_member_and_person(client: Any, make_user: Any, tree: Any) -> None:
    makat_p2 = add_unit(tree.makat, code="makat-p2", kind=OrgUnitKind.PRIMARY, name="Мақат №2 БПҰ")
    m = member(tree.makat_p1)
    client.force_login(make_user("executive_secretary", tree.makat))
    response = client.post(
        reverse("org:member-transfer", args=[m.pk]), {"to_unit": makat_p2.pk, "date": "2024-02-02", "reason": "Moved"}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    m.person.refresh_from_db()
    assert m.org_unit == makat_p2 and m.person.org_unit == makat_p2
    event = AuditEvent.objects.get(verb="org.member_transferred")
    assert event.changes == {"org_unit": [tree.makat_p1.pk, makat_p2.pk]}


def test_transfer_to_a_unit_outside_scope_is_refused(client: Any, make_user: Any, tree: Any) -> None:
    m = member(tree.makat_p1)
    client.force_login(make_user("executive_secretary", tree.makat))
    response = client.post(
        reverse("org:member-transfer", args=[m.pk]), {"to_unit": tree.inder_p1.pk, "date": "2024-02-02"}
    )
    assert response.status_code == 400
    m.refresh_from_db()
    assert m.org_unit == tree.makat_p1


def test_admit_a_new_person_from_the_page(client: Any, secretary: Any, tree: Any) -> None:
    iin = valid_iin(dt.date(2001, 1, 1), male=False)
    response = client.post(
        reverse("org:member-create"),
        {
            "person-last_name": "Сапарова",
            "person-first_name": "Әсел",
            "person-iin": iin,
            "org_unit": tree.makat_p1.pk,
            "joined_on": "2022-09-01",
            "card_number": "N-55",
            "youth_wing": "on",
        },
    )
    m = Member.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("org:member-detail", args=[m.pk])
    assert (m.person.last_name, m.person.sex, m.card_number, m.youth_wing) == ("Сапарова", "F", "N-55", True)
    assert m.person.org_unit == tree.makat_p1 and m.search_name == "сапарова әсел"
    assert AuditEvent.objects.filter(verb="org.member_admitted", target_id=str(m.pk)).exists()


def test_admit_refuses_a_bad_iin_a_taken_card_and_a_non_primary_unit(client: Any, secretary: Any, tree: Any) -> None:
    MemberFactory(org_unit=tree.makat_p1, card_number="TAKEN")
    url = reverse("org:member-create")
    data = {"person-last_name": "А", "person-first_name": "Б", "org_unit": tree.makat_p1.pk, "joined_on": "2022-09-01"}
    bad_iin = client.post(url, {**data, "person-iin": "901123300255"})
    assert "wrong check digit" in bad_iin.content.decode()
    taken = client.post(url, {**data, "card_number": "TAKEN"})
    assert "This party card number is already taken." in taken.content.decode()
    not_primary = client.post(url, {**data, "org_unit": tree.makat.pk})
    assert not_primary.status_code == 200 and "Select a valid choice" in not_primary.content.decode()
    assert Member.objects.count() == 1 and Person.objects.count() == 1


def test_a_person_who_left_can_be_admitted_again(secretary: Any, tree: Any) -> None:
    m = member(tree.makat_p1, status=MemberStatus.LEFT)
    with pytest.raises(ValidationError, match="already a member"):
        member_admit(
            actor=secretary, person=member(tree.makat_p1).person, org_unit=tree.makat_p1, joined_on=dt.date(2024, 1, 1)
        )
    again = member_admit(actor=secretary, person=m.person, org_unit=tree.makat_p1, joined_on=dt.date(2024, 6, 1))
    assert again.pk == m.pk and again.status == MemberStatus.ACTIVE and again.joined_on == dt.date(2024, 6, 1)
    assert AuditEvent.objects.filter(verb="org.member_readmitted", target_id=str(m.pk)).exists()


def test_renaming_a_person_keeps_the_member_list_search_in_step(secretary: Any, tree: Any, client: Any) -> None:
    m = member(tree.makat_p1, "Ескі")
    person = m.person
    person.last_name = "Жаңа"
    person.save()
    m.refresh_from_db()
    assert m.search_name.startswith("жаңа")
    assert [x.pk for x in client.get(LIST_URL, {"q": "жаңа"}).context["members"]] == [m.pk]
