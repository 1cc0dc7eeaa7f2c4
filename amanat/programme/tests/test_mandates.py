"""Voters' mandates and the programme items that answer them: the staff list, linking and
unlinking, the item pages (staff and public) — and that no author's personal data leaks out."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from amanat.appeals.choices import AppealType
from amanat.appeals.tests.factories import make_appeal
from amanat.audit.models import AuditEvent
from amanat.programme.models import Item
from amanat.programme.services.mandates import mandate_link

pytestmark = pytest.mark.django_db

LIST = reverse("programme:mandate-list")
APPLICANT = {
    "applicant_name": "Жанботаев Ерлан Серікұлы",
    "applicant_phone": "+77019876543",
    "applicant_email": "erlan@example.kz",
    "applicant_address": "Мақат кенті, Абай көшесі 17",
}


def link_url(mandate: Any) -> str:
    return reverse("programme:mandate-link", args=[mandate.pk])


def unlink_url(mandate: Any, item: Item) -> str:
    return reverse("programme:mandate-unlink", args=[mandate.pk, item.pk])


@pytest.fixture
def mandates(prog: SimpleNamespace, tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    """A collective Makat mandate about the clinic, an Inder mandate, and a Makat complaint."""
    makat = make_appeal(
        org_unit=tree.makat,
        appeal_type=AppealType.MANDATE,
        subject="Емхана салу",
        text="Мақатта жаңа емхана салуды сұраймыз. Байланыс: Жанботаев Ерлан.",
        territory=tree.makat_t,
        is_collective=True,
        signatories=40,
        **APPLICANT,
    )
    inder = make_appeal(
        org_unit=tree.inder, appeal_type=AppealType.MANDATE, text="Индерде жол жөндеу керек.", territory=tree.inder_t
    )
    complaint = make_appeal(org_unit=tree.makat, appeal_type=AppealType.COMPLAINT, text="Жарық жоқ.")
    return SimpleNamespace(
        makat=makat,
        inder=inder,
        complaint=complaint,
        secretary=make_user("executive_secretary", tree.makat),
        inder_secretary=make_user("executive_secretary", tree.inder),
    )


def test_a_deputy_sees_the_mandates_of_their_district_only(client: Any, prog: Any, mandates: Any) -> None:
    client.force_login(prog.deputy)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert mandates.makat.number in page
    assert mandates.inder.number not in page
    assert mandates.complaint.number not in page  # not a mandate
    assert response.context["counts"] == {"total": 1, "unanswered": 1}


def test_a_user_without_programme_rights_gets_404(client: Any, make_user: Any, tree: Any, mandates: Any) -> None:
    client.force_login(make_user("reception_operator", tree.makat))
    assert client.get(LIST).status_code == 404
    client.force_login(make_user())
    assert client.get(LIST).status_code == 404


def test_the_secretary_links_and_unlinks_a_mandate_and_both_are_audited(client: Any, prog: Any, mandates: Any) -> None:
    client.force_login(mandates.secretary)
    assert client.get(link_url(mandates.makat)).status_code == 200

    response = client.post(link_url(mandates.makat), {"item": prog.clinic.pk})
    assert response.status_code == 302
    assert list(prog.clinic.appeals.all()) == [mandates.makat]
    linked = AuditEvent.objects.get(verb="programme.mandate_linked")
    assert linked.actor == mandates.secretary
    assert linked.target_id == str(prog.clinic.pk)
    assert linked.data["appeal"] == mandates.makat.pk

    response = client.get(LIST)
    assert response.context["counts"] == {"total": 1, "unanswered": 0}
    row = response.context["rows"][0]
    assert [entry["item"] for entry in row["items"]] == [prog.clinic]
    assert row["items"][0]["may_unlink"] is True

    response = client.post(unlink_url(mandates.makat, prog.clinic))
    assert response.status_code == 302
    assert not prog.clinic.appeals.exists()
    assert AuditEvent.objects.filter(verb="programme.mandate_unlinked", target_id=str(prog.clinic.pk)).count() == 1


def test_linking_twice_links_once_and_audits_once(client: Any, prog: Any, mandates: Any) -> None:
    client.force_login(mandates.secretary)
    for _attempt in range(2):
        assert client.post(link_url(mandates.makat), {"item": prog.clinic.pk}).status_code == 302
    assert prog.clinic.appeals.count() == 1
    assert AuditEvent.objects.filter(verb="programme.mandate_linked").count() == 1


def test_another_districts_secretary_gets_404_and_nothing_changes(client: Any, prog: Any, mandates: Any) -> None:
    client.force_login(mandates.inder_secretary)
    # Their own district's mandate to another district's item: the item is out of scope.
    assert client.post(link_url(mandates.inder), {"item": prog.clinic.pk}).status_code == 404
    # Another district's mandate: out of scope, whatever the item.
    assert client.get(link_url(mandates.makat)).status_code == 404
    assert client.post(link_url(mandates.makat), {"item": prog.clinic.pk}).status_code == 404
    prog.clinic.appeals.add(mandates.makat)
    assert client.post(unlink_url(mandates.makat, prog.clinic)).status_code == 404
    assert list(prog.clinic.appeals.all()) == [mandates.makat]
    assert not AuditEvent.objects.filter(verb__startswith="programme.mandate_").exists()


def test_a_deputy_who_may_not_manage_the_programme_cannot_link(client: Any, prog: Any, mandates: Any) -> None:
    client.force_login(prog.deputy)
    assert client.get(link_url(mandates.makat)).status_code == 404
    assert client.post(link_url(mandates.makat), {"item": prog.clinic.pk}).status_code == 404
    prog.clinic.appeals.add(mandates.makat)
    assert client.post(unlink_url(mandates.makat, prog.clinic)).status_code == 404
    assert prog.clinic.appeals.count() == 1
    # The list shows the link but offers no unlinking.
    row = client.get(LIST).context["rows"][0]
    assert row["items"][0]["may_unlink"] is False


def test_only_a_mandate_can_be_linked_here(client: Any, prog: Any, mandates: Any) -> None:
    client.force_login(mandates.secretary)
    assert client.post(link_url(mandates.complaint), {"item": prog.clinic.pk}).status_code == 404
    with pytest.raises(ValidationError) as refused:
        mandate_link(actor=mandates.secretary, item=prog.clinic, appeal=mandates.complaint)
    assert "appeal" in refused.value.message_dict
    assert not prog.clinic.appeals.exists()


def test_a_missing_or_odd_item_is_404(client: Any, prog: Any, mandates: Any) -> None:
    client.force_login(mandates.secretary)
    for value in ("", "abc", "999999"):
        assert client.post(link_url(mandates.makat), {"item": value}).status_code == 404
    assert not prog.clinic.appeals.exists()


def test_the_link_page_offers_the_items_of_the_mandates_district(
    client: Any, prog: Any, tree: Any, mandates: Any
) -> None:
    Item.objects.filter(pk=prog.clinic.pk).update(territory=tree.makat_t)
    client.force_login(mandates.secretary)
    candidates = list(client.get(link_url(mandates.makat)).context["candidates"])
    assert candidates == [prog.clinic]
    found = list(client.get(link_url(mandates.makat), {"q": "1.2"}).context["candidates"])
    assert found == [prog.road]


def test_the_list_filters_by_answered_place_and_words(client: Any, prog: Any, tree: Any, mandates: Any) -> None:
    client.force_login(prog.control)  # party control of the region: both districts
    prog.clinic.appeals.add(mandates.makat)

    def numbers(**query: Any) -> set[str]:
        return {row["mandate"].number for row in client.get(LIST, query).context["rows"]}

    assert numbers() == {mandates.makat.number, mandates.inder.number}
    assert numbers(answered="true") == {mandates.makat.number}
    assert numbers(answered="false") == {mandates.inder.number}
    assert numbers(territory=tree.inder_t.pk) == {mandates.inder.number}
    assert numbers(q=mandates.inder.number) == {mandates.inder.number}


def test_the_list_costs_the_same_queries_for_more_mandates(client: Any, prog: Any, tree: Any, mandates: Any) -> None:
    client.force_login(mandates.secretary)
    prog.clinic.appeals.add(mandates.makat)
    client.get(LIST)  # warm the per-process option lists
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(5):
        extra = make_appeal(org_unit=tree.makat, appeal_type=AppealType.MANDATE, text=f"Наказ {n}")
        prog.road.appeals.add(extra)
    with CaptureQueriesContext(connection) as more:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 6
    assert len(more) == len(few)


def test_the_export_has_the_mandates_and_their_items_and_no_applicant(client: Any, prog: Any, mandates: Any) -> None:
    prog.clinic.appeals.add(mandates.makat)
    client.force_login(mandates.secretary)
    response = client.get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert mandates.makat.number in cells
    assert any(cell.startswith("1.1 ") for cell in cells)
    assert mandates.inder.number not in cells
    text = " ".join(cells)
    for value in (APPLICANT["applicant_phone"], APPLICANT["applicant_email"], APPLICANT["applicant_address"]):
        assert value not in text


def test_the_staff_item_page_shows_mandates_apart_from_other_appeals(client: Any, prog: Any, mandates: Any) -> None:
    prog.clinic.appeals.add(mandates.makat, mandates.complaint, mandates.inder)
    client.force_login(prog.deputy)
    response = client.get(reverse("programme:item-detail", args=[prog.clinic.pk]))
    assert response.status_code == 200
    assert response.context["linked_mandates"] == [mandates.makat]
    assert response.context["linked_appeals"] == [mandates.complaint]
    assert response.context["linked_hidden"] == 1  # the Inder mandate is outside the deputy's scope
    assert mandates.inder.number not in response.content.decode()


def test_the_public_item_page_counts_mandates_and_shows_no_personal_data(
    client: Any, prog: Any, tree: Any, mandates: Any
) -> None:
    prog.clinic.appeals.add(mandates.makat, mandates.complaint)
    prog.road.appeals.add(mandates.inder)
    response = client.get(reverse("programme:tracker-item", args=[prog.clinic.pk]))
    assert response.status_code == 200
    assert response.context["mandates"]["count"] == 1  # the complaint is not a mandate
    assert response.context["mandates"]["signatories"] == 40
    page = response.content.decode()
    assert str(tree.makat_t.name) in page
    for secret in (
        *APPLICANT.values(),
        "Жанботаев",
        mandates.makat.number,
        mandates.makat.tracking_code,
        "сұраймыз",  # the mandate's own text may name people: not shown
    ):
        assert secret not in page
    # The direction counts the mandates its items answer.
    direction = client.get(reverse("programme:tracker-item", args=[prog.direction.pk]))
    assert direction.context["mandates"]["count"] == 2


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_pages_work_in_each_language(
    client: Any, prog: Any, tree: Any, make_user: Any, mandates: Any, language: str
) -> None:
    prog.clinic.appeals.add(mandates.makat)
    client.force_login(make_user("executive_secretary", tree.makat, language=language))
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    for url in (
        LIST,
        link_url(mandates.makat),
        reverse("programme:item-detail", args=[prog.clinic.pk]),
        reverse("programme:tracker-item", args=[prog.clinic.pk]),
        reverse("programme:tracker"),
    ):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == language, url
