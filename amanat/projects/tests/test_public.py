"""The public site: projects with results, upcoming events with free places, the ranking, the
sign-up form with its refusals, and no personal data anywhere."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from amanat.projects.choices import SignUpStatus
from amanat.projects.models import Shift, SignUp
from amanat.projects.services.signups import signup_create, signup_transition
from amanat.projects.tests.conftest import sign, volunteer

pytestmark = pytest.mark.django_db

FORM = {"name": "Айгерім Серікова", "phone": "+7 701 999 11 22", "email": "aigerim@example.kz", "birth_year": "2004",
        "age_group": "", "consent": "on", "website": ""}  # fmt: skip


def post(client: Any, proj: SimpleNamespace, **changes: Any) -> Any:
    data = {"shift": proj.morning.pk, **FORM, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("projects:public-event", args=[proj.upcoming.pk]), data)


def test_public_pages_show_projects_results_places_and_ranking_but_no_personal_data(
    client: Any, proj: SimpleNamespace, tree: SimpleNamespace
) -> None:
    came = signup_create(
        shift_id=proj.past_shift.pk, volunteer=volunteer(1, name="Жасұлан Секретов"),
        now=proj.past.starts_at - dt.timedelta(days=1),
    )  # fmt: skip
    signup_transition(actor=proj.secretary, signup=came, to=SignUpStatus.ATTENDED, hours=2)
    sign(proj.morning, 2, name="Мәдина Құпиябекова")
    pages = [
        reverse("projects:public-list"),
        reverse("projects:public-detail", args=["taza-like"]),
        reverse("projects:public-event", args=[proj.upcoming.pk]),
        reverse("projects:public-event", args=[proj.past.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in ("Секретов", "Құпиябекова", "+7701555000", "example.kz"):
            assert secret not in html, (url, secret)
    listing = client.get(pages[0]).content.decode()
    assert "Таза like" in listing and "Көктемгі сенбілік" in listing
    assert str(tree.makat.name) in listing  # ranked
    event_page = client.get(pages[2]).content.decode()
    assert "1 free place" in event_page  # the morning shift: 2 places, 1 taken
    past_page = client.get(pages[3]).content.decode()
    assert "1 volunteer came" in past_page


def test_internal_projects_and_their_events_are_not_public(client: Any, proj: SimpleNamespace) -> None:
    proj.project.is_public = False
    proj.project.save()
    assert client.get(reverse("projects:public-detail", args=["taza-like"])).status_code == 404
    assert client.get(reverse("projects:public-event", args=[proj.upcoming.pk])).status_code == 404
    assert client.get(reverse("projects:public-event", args=[2**40])).status_code == 404
    assert "Таза like" not in client.get(reverse("projects:public-list")).content.decode()


def test_a_volunteer_signs_up_on_the_site_and_can_cancel(
    client: Any, proj: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, proj)
    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert (signup.name, signup.phone, signup.age_group) == ("Айгерім Серікова", "+77019991122", "youth")
    done = client.get(response["Location"]).content.decode()
    assert "You are signed up" in done
    assert len(mail.outbox) == 1
    cancel = reverse("projects:public-cancel", args=[signup.cancel_token])
    assert "Cancel my sign-up" in client.get(cancel).content.decode()
    assert "is cancelled" in client.post(cancel).content.decode()
    assert Shift.objects.get(pk=proj.morning.pk).taken == 0
    assert client.get(reverse("projects:public-cancel", args=["forged"])).status_code == 404


def test_signing_up_twice_or_for_a_full_shift_is_explained_on_the_page(client: Any, proj: SimpleNamespace) -> None:
    post(client, proj)
    response = post(client, proj, phone="87019991122")
    assert response.status_code == 200
    assert "You are already signed up for this shift." in response.content.decode()
    post(client, proj, phone="+77019991133", email="")
    response = post(client, proj, phone="+77019991144", email="")
    assert "This shift is full: choose another shift." in response.content.decode()
    assert SignUp.objects.count() == 2


def test_missing_consent_and_contacts_are_explained_beside_the_fields(client: Any, proj: SimpleNamespace) -> None:
    response = post(client, proj, consent=None, phone="", email="")
    html = response.content.decode()
    assert "Without consent to the processing of personal data" in html
    assert "Give a phone number or an e-mail" in html
    assert not SignUp.objects.exists()


def test_the_honeypot_and_the_hourly_limit_keep_robots_out(client: Any, proj: SimpleNamespace) -> None:
    response = post(client, proj, website="http://spam.example")
    assert response.status_code == 200
    assert not SignUp.objects.exists()
    with override_settings(PROJECT_SIGNUPS_PER_HOUR=2):
        post(client, proj, phone="+77010000001", email="")
        post(client, proj, shift=proj.afternoon.pk, phone="+77010000002", email="")
        response = post(client, proj, shift=proj.afternoon.pk, phone="+77010000003", email="")
    assert response.status_code == 429
    assert SignUp.objects.count() == 2


def test_a_logged_in_member_signs_up_with_one_click(client: Any, proj: SimpleNamespace, make_user: Any) -> None:
    member = make_user("member", proj.upcoming.org_unit, full_name="Бауыржан Мүше")
    client.force_login(member)
    page = client.get(reverse("projects:public-event", args=[proj.upcoming.pk])).content.decode()
    assert "Sign me up" in page
    url = reverse("projects:public-event", args=[proj.upcoming.pk])
    assert client.post(url, {"shift": proj.afternoon.pk, "one_click": "1"}).status_code == 302
    signup = SignUp.objects.get()
    assert (signup.user, signup.name, signup.email) == (member, "Бауыржан Мүше", member.email)
    again = client.post(url, {"shift": proj.afternoon.pk, "one_click": "1"})
    assert "You are already signed up for this shift." in again.content.decode()
