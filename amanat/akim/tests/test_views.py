"""Staff and public pages: the scope matrix, forms with bad input, the nominee from an internal
vote, the outcome form, and what the public may see."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from amanat.akim.choices import CampaignStatus, ChosenBy, Outcome
from amanat.akim.models import AkimCampaign, CampaignEvent, CampaignOutcome
from amanat.akim.services.activity import candidate_create, event_create, outcome_save
from amanat.akim.services.campaigns import campaign_choose_nominee, campaign_transition
from amanat.akim.tests.conftest import add_member, add_vote
from conftest import scope_matrix

pytestmark = pytest.mark.django_db
S = CampaignStatus
DAY = dt.timedelta(days=1)


def test_campaign_pages_follow_the_scope_matrix(client: Any, make_user: Any, tree: Any, akim: SimpleNamespace) -> None:
    pk = akim.campaign.pk
    scope_matrix(client, make_user, tree, url=reverse("akim:detail", args=[pk]), role="auditor")
    for name in ("akim:edit", "akim:nominee", "akim:outcome", "akim:event-create", "akim:candidate-create"):
        scope_matrix(client, make_user, tree, url=reverse(name, args=[pk]), role="executive_secretary")


def test_a_district_secretary_lists_only_their_district(client: Any, akim: SimpleNamespace, tree: Any) -> None:
    AkimCampaign.objects.create(org_unit=tree.inder, okrug=akim.inder_okrug, election_date=akim.today + 40 * DAY)
    client.force_login(akim.makat_secretary)
    page = client.get(reverse("akim:list")).content.decode()
    assert "Доссор" in page and "Өрлік" not in page
    client.force_login(akim.secretary)
    page = client.get(reverse("akim:list")).content.decode()
    assert "Доссор" in page and "Өрлік" in page
    client.force_login(akim.primary)  # view only
    assert client.get(reverse("akim:list")).status_code == 200
    assert client.get(reverse("akim:create")).status_code == 404


def test_the_list_exports_to_xlsx(client: Any, akim: SimpleNamespace) -> None:
    client.force_login(akim.makat_secretary)
    response = client.get(reverse("akim:list") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_campaign_with_dates_out_of_order_is_explained_on_the_form(
    client: Any, akim: SimpleNamespace, tree: Any
) -> None:
    client.force_login(akim.makat_secretary)
    data = {"org_unit": tree.makat.pk, "okrug": akim.baichunas.pk, "election_date": "2030-06-01",
            "registration_opens_on": "2030-05-20", "registration_closes_on": "2030-05-10", "is_public": "on"}  # fmt: skip
    response = client.post(reverse("akim:create"), data)
    assert response.status_code == 200
    assert "Registration cannot close before it opens." in response.content.decode()
    assert AkimCampaign.objects.count() == 1
    data["registration_closes_on"] = "2030-05-25"
    response = client.post(reverse("akim:create"), data)
    assert response.status_code == 302
    assert AkimCampaign.objects.filter(okrug=akim.baichunas).exists()


def test_the_page_offers_the_winner_of_the_internal_vote(client: Any, akim: SimpleNamespace, tree: Any) -> None:
    vote = add_vote(tree.makat, [akim.nurlan, akim.aigerim], [70, 20])
    client.force_login(akim.makat_secretary)
    page = client.get(reverse("akim:detail", args=[akim.campaign.pk])).content.decode()
    assert "Take the winner of the internal vote: Нұрланов Арман" in page
    response = client.post(reverse("akim:take-winner", args=[akim.campaign.pk]), {"election": vote.pk})
    assert response.status_code == 302
    akim.campaign.refresh_from_db()
    assert akim.campaign.nominee == akim.nurlan and akim.campaign.status == S.NOMINEE_CHOSEN
    # An Inder secretary cannot reach the campaign at all.
    client.force_login(akim.inder_secretary)
    assert client.post(reverse("akim:take-winner", args=[akim.campaign.pk]), {"election": vote.pk}).status_code == 404


def test_the_nominee_form_finds_the_member_by_card_and_refuses_a_stranger(client: Any, akim: SimpleNamespace) -> None:
    client.force_login(akim.makat_secretary)
    url = reverse("akim:nominee", args=[akim.campaign.pk])
    data = {"chosen_by": ChosenBy.DECISION, "card_number": akim.inder_member.card_number,
            "decision_on": akim.today.isoformat(), "decision_body": "bureau"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "No member of the branch has this party card number." in response.content.decode()
    response = client.post(url, data | {"card_number": akim.nurlan.card_number, "decision_body": ""})
    assert "Choose the body that decided." in response.content.decode()
    response = client.post(url, data | {"card_number": akim.nurlan.card_number})
    assert response.status_code == 302
    akim.campaign.refresh_from_db()
    assert akim.campaign.nominee == akim.nurlan


def test_status_buttons_move_the_campaign_and_bad_ones_change_nothing(client: Any, akim: SimpleNamespace) -> None:
    campaign_choose_nominee(actor=akim.makat_secretary, campaign=akim.campaign, values={
        "nominee": akim.nurlan, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today, "decision_body": "bureau"})  # fmt: skip
    client.force_login(akim.makat_secretary)
    url = reverse("akim:transition", args=[akim.campaign.pk])
    response = client.post(url, {"to": S.RESULT}, follow=True)
    assert "The result comes with the outcome of the election." in response.content.decode()
    response = client.post(url, {"to": S.WITHDRAWN}, follow=True)
    assert "Give the reason." in response.content.decode()
    akim.campaign.refresh_from_db()
    assert akim.campaign.status == S.NOMINEE_CHOSEN
    client.post(url, {"to": S.WITHDRAWN, "note": "Денсаулығына байланысты"})
    akim.campaign.refresh_from_db()
    assert akim.campaign.status == S.WITHDRAWN


def test_an_outcome_with_more_votes_than_cast_is_refused_on_the_form(client: Any, akim: SimpleNamespace) -> None:
    campaign = akim.campaign
    AkimCampaign.objects.filter(pk=campaign.pk).update(
        election_date=akim.today - DAY, registration_opens_on=None, registration_closes_on=None
    )
    campaign.refresh_from_db()
    campaign_choose_nominee(actor=akim.makat_secretary, campaign=campaign, values={
        "nominee": akim.nurlan, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today - 30 * DAY,
        "decision_body": "bureau"})  # fmt: skip
    campaign_transition(
        actor=akim.makat_secretary, campaign=campaign, to=S.REGISTERED, registered_on=akim.today - 20 * DAY
    )
    campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.CAMPAIGNING)
    client.force_login(akim.makat_secretary)
    url = reverse("akim:outcome", args=[campaign.pk])
    data = {"round": "1", "outcome": Outcome.WON, "votes_for_nominee": "900", "votes_total": "800", "turnout": "55.5",
            "decided_on": akim.today.isoformat(), "source": "ТИК шешімі № 3"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The nominee cannot have more votes than were cast." in response.content.decode()
    assert not CampaignOutcome.objects.exists()
    response = client.post(url, data | {"votes_for_nominee": "500"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == S.RESULT


def test_events_are_added_and_attendance_recorded_on_the_page(client: Any, akim: SimpleNamespace) -> None:
    client.force_login(akim.makat_secretary)
    start = timezone.localtime() + DAY
    data = {"kind": "meeting", "title_kk": "Тұрғындармен кездесу", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "place": "Мәдениет үйі"}  # fmt: skip
    response = client.post(reverse("akim:event-create", args=[akim.campaign.pk]), data)
    assert "The event cannot end before it starts." in response.content.decode()
    data["ends_at"] = (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(reverse("akim:event-create", args=[akim.campaign.pk]), data).status_code == 302
    event = CampaignEvent.objects.get()
    response = client.post(reverse("akim:event-edit", args=[event.pk]), data | {"attendance": "50"})
    assert "Attendance is recorded once the event has begun." in response.content.decode()
    client.force_login(akim.inder_secretary)
    assert client.post(reverse("akim:event-delete", args=[event.pk])).status_code == 404
    assert CampaignEvent.objects.filter(pk=event.pk).exists()


def test_the_public_sees_named_nominees_but_no_other_personal_data(client: Any, akim: SimpleNamespace) -> None:
    public_url = reverse("akim:public-detail", args=[akim.campaign.pk])
    assert client.get(public_url).status_code == 404  # still planning: nothing announced
    campaign_choose_nominee(actor=akim.makat_secretary, campaign=akim.campaign, values={
        "nominee": akim.nurlan, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today, "decision_body": "bureau",
        "nominee_bio_ru": "Агроном, 20 лет в Доссоре", "nominee_bio_kk": "Агроном"})  # fmt: skip
    candidate_create(actor=akim.makat_secretary, campaign=akim.campaign, name="Бекұлы Ғани", nominated_by="self")
    start = timezone.now() + DAY
    event_create(actor=akim.makat_secretary, campaign=akim.campaign,
                 values={"kind": "meeting", "starts_at": start, "ends_at": start + DAY, "place": "Мектеп"})  # fmt: skip
    page = client.get(public_url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Нұрланов Арман" in page and "Агроном, 20 лет в Доссоре" in page and "Мектеп" in page
    assert "Бекұлы" not in page and akim.nurlan.card_number not in page
    listing = client.get(reverse("akim:public-list")).content.decode()
    assert "Доссор" in listing
    AkimCampaign.objects.filter(pk=akim.campaign.pk).update(is_public=False)
    assert client.get(public_url).status_code == 404
    assert client.get(reverse("akim:public-detail", args=[10**12])).status_code == 404


def test_a_final_outcome_is_shown_on_the_public_list(client: Any, akim: SimpleNamespace) -> None:
    campaign = akim.campaign
    AkimCampaign.objects.filter(pk=campaign.pk).update(
        election_date=akim.today - DAY, registration_opens_on=None, registration_closes_on=None
    )
    campaign.refresh_from_db()
    campaign_choose_nominee(actor=akim.makat_secretary, campaign=campaign, values={
        "nominee": akim.nurlan, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today - 9 * DAY,
        "decision_body": "bureau"})  # fmt: skip
    campaign_transition(
        actor=akim.makat_secretary, campaign=campaign, to=S.REGISTERED, registered_on=akim.today - 5 * DAY
    )
    campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.CAMPAIGNING)
    outcome_save(actor=akim.makat_secretary, campaign=campaign, values={
        "round": 1, "outcome": Outcome.WON, "votes_for_nominee": 600, "votes_total": 1000, "turnout": "70",
        "decided_on": akim.today, "source": "ТИК"})  # fmt: skip
    page = client.get(reverse("akim:public-list")).content.decode()
    assert "Won" in page and "60.0%" in page


def test_the_campaign_page_offers_the_next_steps_of_each_status(client: Any, akim: SimpleNamespace) -> None:
    campaign = akim.campaign
    AkimCampaign.objects.filter(pk=campaign.pk).update(election_date=akim.today - DAY, registration_opens_on=None,
                                                       registration_closes_on=None)  # fmt: skip
    campaign.refresh_from_db()
    client.force_login(akim.makat_secretary)
    url = reverse("akim:detail", args=[campaign.pk])

    def page() -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    assert "Choose the nominee" in page() and "Nominee registered" not in page()
    campaign_choose_nominee(actor=akim.makat_secretary, campaign=campaign, values={
        "nominee": akim.nurlan, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today - 9 * DAY,
        "decision_body": "bureau", "decision_number": "7/12"})  # fmt: skip
    text = page()
    assert "Nominee registered" in text and "Reconsider the nominee" in text and "№ 7/12" in text
    campaign_transition(
        actor=akim.makat_secretary, campaign=campaign, to=S.REGISTERED, registered_on=akim.today - 5 * DAY
    )
    assert "Start campaigning" in page()
    campaign_transition(actor=akim.makat_secretary, campaign=campaign, to=S.CAMPAIGNING)
    assert "Enter the outcome" in page()
    outcome_save(actor=akim.makat_secretary, campaign=campaign, values={
        "round": 1, "outcome": Outcome.SECOND_ROUND, "votes_for_nominee": 400, "votes_total": 1000,
        "decided_on": akim.today, "source": "ТИК"})  # fmt: skip
    assert "Enter the second round" in page()
    assert "Withdraw" in page()
    client.force_login(akim.auditor)  # sees it all, changes nothing
    text = page()
    assert "Goes to a second round" in text and "Enter the second round" not in text and "Withdraw" not in text


def test_the_lists_cost_the_same_queries_for_one_campaign_or_many(
    client: Any, akim: SimpleNamespace, tree: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amanat.org.tests.factories import add_territory

    def announce(campaign: AkimCampaign, member: Any) -> None:
        campaign_choose_nominee(actor=akim.secretary, campaign=campaign, values={
            "nominee": member, "chosen_by": ChosenBy.DECISION, "decision_on": akim.today, "decision_body": "bureau"})  # fmt: skip

    announce(akim.campaign, akim.nurlan)
    client.force_login(akim.secretary)
    urls = (reverse("akim:list"), reverse("akim:public-list"))
    for url in urls:  # warm the caches (site settings, menus) first
        client.get(url)
    with CaptureQueriesContext(connection) as one:
        for url in urls:
            assert client.get(url).status_code == 200
    for n in range(4):
        okrug = add_territory(tree.makat_t, kato=f"23526{n}100", kind="rural_okrug", name=f"Округ {n}")
        campaign = AkimCampaign.objects.create(org_unit=tree.makat, okrug=okrug, election_date=akim.today + 70 * DAY)
        announce(campaign, add_member(tree.makat_p1, f"Кандидатов{n}"))
    with CaptureQueriesContext(connection) as five:
        for url in urls:
            assert client.get(url).status_code == 200
    assert len(five) == len(one)
