"""People pages: IIN validation and duplicates, masked IIN and its audited reveal, search, soft delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from amanat.audit.models import AuditEvent
from amanat.org.models import Person
from amanat.org.tests.factories import MemberFactory, PersonFactory, valid_iin

CREATE_URL = reverse("org:person-create")


def person_with_iin(unit: Any, iin: str | None = None, **fields: Any) -> Person:
    person = PersonFactory(org_unit=unit, **fields)
    person.set_iin(iin or valid_iin())
    person.save()
    return person


def form_data(unit: Any, **values: Any) -> dict[str, Any]:
    return {"last_name": "Омарова", "first_name": "Гүлнар", "org_unit": unit.pk, **values}


@pytest.fixture
def operator(client: Any, make_user: Any, tree: Any) -> Any:
    """Executive secretary of the Makat district branch: may see and reveal IINs there."""
    user = make_user("executive_secretary", tree.makat)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("901123300255", "This IIN has a wrong check digit: please check every digit."),
        ("821214240092", "This IIN has a wrong check digit: please check every digit."),
        ("901301300258", "The first six digits of an IIN must be a real date of birth."),
        ("901123900258", "The 7th digit of an IIN must be 1 to 6 (century and sex)."),
        ("90112330025", "An IIN is exactly 12 digits."),
        ("0123456789AB", "An IIN is exactly 12 digits."),
    ],
)
def test_person_form_explains_what_is_wrong_with_an_iin(
    client: Any, operator: Any, tree: Any, iin: str, message: str
) -> None:
    response = client.post(CREATE_URL, form_data(tree.makat_p1, iin=iin))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_person_with_valid_iin_is_stored_encrypted_and_shown_masked(client: Any, operator: Any, tree: Any) -> None:
    iin = valid_iin(dt.date(1979, 10, 28))
    response = client.post(CREATE_URL, form_data(tree.makat_p1, iin=iin, phone="8 (701) 555-12-34"))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("org:person-detail", args=[person.pk])
    assert iin not in person.iin_encrypted and person.reveal_iin() == iin
    assert person.birth_date == dt.date(1979, 10, 28) and person.sex == "M", "filled from the IIN"
    assert person.phone == "+77015551234"
    page = client.get(response["Location"]).content.decode()
    assert iin not in page and person.iin_masked in page
    assert AuditEvent.objects.filter(verb="org.person_created", target_id=str(person.pk)).exists()


def test_birth_date_contradicting_the_iin_is_refused(client: Any, operator: Any, tree: Any) -> None:
    iin = valid_iin(dt.date(1979, 10, 28))
    response = client.post(CREATE_URL, form_data(tree.makat_p1, iin=iin, birth_date="1980-01-01"))
    assert "The date of birth does not match the IIN." in response.content.decode()
    assert not Person.objects.exists()


def test_duplicate_iin_is_refused_with_a_link_to_the_person_when_visible(client: Any, operator: Any, tree: Any) -> None:
    existing = person_with_iin(tree.makat_p1)
    response = client.post(CREATE_URL, form_data(tree.makat_p1, iin=existing.reveal_iin()))
    content = response.content.decode()
    assert "A person with this IIN already exists." in content
    assert reverse("org:person-detail", args=[existing.pk]) in content
    assert Person.objects.count() == 1


def test_duplicate_iin_of_a_person_in_another_district_is_refused_without_a_link(
    client: Any, operator: Any, tree: Any
) -> None:
    existing = person_with_iin(tree.inder_p1)
    response = client.post(CREATE_URL, form_data(tree.makat_p1, iin=existing.reveal_iin()))
    content = response.content.decode()
    assert "A person with this IIN already exists." in content
    assert reverse("org:person-detail", args=[existing.pk]) not in content
    assert existing.full_name not in content
    assert Person.objects.count() == 1


def test_edit_keeps_the_iin_when_left_empty_and_refuses_another_persons_iin(
    client: Any, operator: Any, tree: Any
) -> None:
    person = person_with_iin(tree.makat_p1)
    other = person_with_iin(tree.makat_p1)
    url = reverse("org:person-edit", args=[person.pk])
    kept = client.post(url, form_data(tree.makat_p1, last_name="Жаңа", iin=""))
    assert kept.status_code == 302
    person.refresh_from_db()
    assert person.last_name == "Жаңа" and person.reveal_iin() and person.iin_hash
    taken = client.post(url, form_data(tree.makat_p1, iin=other.reveal_iin()))
    assert "A person with this IIN already exists." in taken.content.decode()
    changed = AuditEvent.objects.get(verb="org.person_changed", target_id=str(person.pk))
    assert changed.changes["last_name"][1] == "Жаңа"


def test_reveal_writes_an_audit_event_every_time(client: Any, operator: Any, tree: Any) -> None:
    iin = valid_iin()
    person = person_with_iin(tree.makat_p1, iin)
    url = reverse("org:person-reveal-iin", args=[person.pk])
    first = client.post(url, headers={"HX-Request": "true"})
    second = client.post(url)
    assert first.status_code == second.status_code == 200
    assert iin in first.content.decode() and "<html" not in first.content.decode()
    assert iin in second.content.decode()
    assert "no-cache" in first["Cache-Control"] or "no-store" in first["Cache-Control"]
    events = AuditEvent.objects.filter(verb="org.iin_viewed", target_id=str(person.pk))
    assert events.count() == 2
    assert {e.actor_id for e in events} == {operator.pk}


def test_reveal_for_a_user_of_another_district_is_404(client: Any, make_user: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    client.force_login(make_user("executive_secretary", tree.inder))
    assert client.post(reverse("org:person-reveal-iin", args=[person.pk])).status_code == 404
    assert not AuditEvent.objects.filter(verb="org.iin_viewed").exists()


def test_reveal_without_view_iin_is_forbidden_and_not_recorded(client: Any, make_user: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    client.force_login(make_user("reception_operator", tree.makat))  # sees people, not full IINs
    assert client.get(reverse("org:person-detail", args=[person.pk])).status_code == 200
    assert "Show full IIN" not in client.get(reverse("org:person-detail", args=[person.pk])).content.decode()
    assert client.post(reverse("org:person-reveal-iin", args=[person.pk])).status_code == 403
    assert not AuditEvent.objects.filter(verb="org.iin_viewed").exists()


def test_reveal_by_get_is_not_allowed(client: Any, operator: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    assert client.get(reverse("org:person-reveal-iin", args=[person.pk])).status_code == 405


def test_person_detail_of_another_district_is_404(client: Any, make_user: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    client.force_login(make_user("executive_secretary", tree.inder))
    assert client.get(reverse("org:person-detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("org:person-edit", args=[person.pk])).status_code == 404


def test_search_people_by_start_of_name_anywhere_in_name_and_by_exact_iin(
    client: Any, operator: Any, tree: Any
) -> None:
    iin = valid_iin()
    ahmetov = person_with_iin(tree.makat_p1, iin, last_name="Ахметов", first_name="Серік")
    person_with_iin(tree.makat_p1, last_name="Бекова", first_name="Айна")
    person_with_iin(tree.inder_p1, last_name="Ахметова", first_name="Сая")  # another district
    url = reverse("org:person-list")

    def names(query: str) -> list[str]:
        return [p.last_name for p in client.get(url, {"q": query}).context["people"]]

    assert names("ахм") == ["Ахметов"]
    assert names("  АХМЕТОВ   серік ") == ["Ахметов"]
    assert names("айна") == ["Бекова"], "nothing starts so: found anywhere in the name"
    assert names(iin) == ["Ахметов"]
    assert names(iin[:-1] + str((int(iin[-1]) + 1) % 10)) == []
    Person.objects.filter(pk=ahmetov.pk).update(phone="+77017778899")
    assert names("8 701 777 88 99") == ["Ахметов"]
    assert ahmetov.full_name in client.get(url, {"q": "ахм"}).content.decode()


def test_odd_search_strings_do_not_break_the_list(client: Any, operator: Any, tree: Any) -> None:
    url = reverse("org:person-list")
    for query in ("%", "_", "\\", "' OR 1=1 --", "🙂" * 200, "12"):
        assert client.get(url, {"q": query, "unit": "abc", "page": "x"}).status_code == 200
    # A NUL character is refused up front with a message (core's middleware), never a 500.
    assert client.get(url, {"q": "a\x00b"}).status_code == 400


def test_soft_delete_hides_the_person_and_is_audited(client: Any, operator: Any, tree: Any) -> None:
    person = person_with_iin(tree.makat_p1)
    response = client.post(reverse("org:person-delete", args=[person.pk]))
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Person.all_objects.get(pk=person.pk).deleted_by == operator
    assert AuditEvent.objects.filter(verb="org.person_deleted", target_id=str(person.pk)).exists()
    # The IIN is free again for a new record.
    again = client.post(CREATE_URL, form_data(tree.makat_p1, iin=person.reveal_iin()))
    assert again.status_code == 302


def test_a_current_member_cannot_be_deleted(client: Any, operator: Any, tree: Any) -> None:
    member = MemberFactory(org_unit=tree.makat_p1)
    response = client.post(reverse("org:person-delete", args=[member.person.pk]), follow=True)
    assert "end the membership before deleting" in response.content.decode()
    assert Person.objects.filter(pk=member.person.pk).exists()
