"""Public pages: each council with its members (names in roles, no contacts), sessions and the
fate of each recommendation; filters by status and addressee; kk/ru/en; drafts stay hidden."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from amanat.councils.choices import ResponseKind, VoteChoice
from amanat.councils.services import councils as cs
from amanat.councils.services import recommendations as rs
from amanat.org.choices import StateBodyKind
from amanat.org.models import StateBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def fates(cc: SimpleNamespace, draft: Any) -> SimpleNamespace:
    rs.votes_record(actor=cc.secretary, recommendation=draft, votes=dict.fromkeys(cc.members, VoteChoice.FOR))
    rs.recommendation_decide(actor=cc.secretary, recommendation=draft)
    rs.recommendation_send(actor=cc.secretary, recommendation=draft)
    rejected = rs.recommendation_respond(
        actor=cc.secretary, recommendation=draft, kind=ResponseKind.REJECTED, reasons="Не предусмотрено бюджетом"
    )
    health = StateBody.objects.add_root(
        instance=StateBody(
            kind=StateBodyKind.DEPARTMENT, name_kk="Денсаулық басқармасы", name_ru="Управление здравоохранения"
        )
    )
    hidden = rs.recommendation_draft(
        actor=cc.secretary, session=cc.session, text="Секретный черновик", addressee_body=health
    )
    return SimpleNamespace(rejected=rejected, hidden=hidden, health=health)


def test_public_list_shows_councils(client: Any, cc: SimpleNamespace) -> None:
    response = client.get(reverse("councils:public-list"))
    assert response.status_code == 200
    assert "Makat Public Council" in response.content.decode()


def test_public_page_shows_the_fate_and_no_contacts(client: Any, cc: SimpleNamespace, fates: Any) -> None:
    page = client.get(reverse("councils:public-detail", args=[cc.council.pk])).content.decode()
    assert "Серікова Айгүл" in page and "Chair" in page
    assert "Бекова" not in page  # her term has ended
    assert "Repair the road to the clinic." in page
    assert "Не предусмотрено бюджетом" in page and "Rejected" in page
    assert "for 5, against 0, abstained 0, of 5 present" in page
    assert "Секретный черновик" not in page
    assert cc.chair_person.phone not in page and cc.chair_person.email not in page
    assert "+7701" not in page and "@example.kz" not in page


def test_filter_by_status_and_addressee(client: Any, cc: SimpleNamespace, fates: Any) -> None:
    url = reverse("councils:public-detail", args=[cc.council.pk])
    page = client.get(url, {"status": "answered"}).content.decode()
    assert "Repair the road" in page
    page = client.get(url, {"status": "sent"}).content.decode()
    assert "Repair the road" not in page
    page = client.get(url, {"addressee": cc.akimat.pk}).content.decode()
    assert "Repair the road" in page
    partial = client.get(url, {"status": "answered"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Repair the road" in partial and "<html" not in partial


@pytest.mark.parametrize(("lang", "title"), [("kk", "Мақат қоғамдық кеңесі"), ("ru", "Общественный совет Макатского района"),
                                            ("en", "Makat Public Council")])  # fmt: skip
def test_three_languages(client: Any, cc: SimpleNamespace, lang: str, title: str) -> None:
    client.cookies["amanat_language"] = lang
    response = client.get(reverse("councils:public-detail", args=[cc.council.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in page and title in page


def test_a_council_not_public_is_404(client: Any, cc: SimpleNamespace) -> None:
    cs.council_update(actor=cc.secretary, council=cc.council, values={"is_public": False})
    assert client.get(reverse("councils:public-detail", args=[cc.council.pk])).status_code == 404
