"""/api/v1/appeals/ and /api/v1/appeal-categories/: intake, scope, work, tracking."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from amanat.accounts.models import ApiToken
from amanat.appeals.choices import AppealStatus, Language
from amanat.appeals.models import Appeal, AppealLink, Category, RoutingRule
from amanat.appeals.services.intake import Intake, appeal_register
from amanat.appeals.services.transitions import appeal_transition
from amanat.appeals.tests.factories import login, post_intake
from amanat.appeals.workflow import Transition
from amanat.org.tests.factories import valid_iin
from conftest import scope_matrix

pytestmark = pytest.mark.django_db

BASE = "/api/v1/"
APPEALS = f"{BASE}appeals/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def intake_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "appeal_type": "statement",
        "text": "На улице Абая 5 третью неделю нет отопления.",
        "applicant_name": "Серікова Айгүл",
        "applicant_phone": "8 701 123 45 67",
        "applicant_email": "aigul@example.kz",
        "consent": True,
    }
    body.update(overrides)
    return body


# --- intake --------------------------------------------------------------------------------


def test_intake_registers_once_and_a_repeat_returns_the_first_appeal(api, tree, staff, cats):
    login(api, staff.makat_operator)
    body = intake_body(org_unit=tree.makat.pk, category=cats.heating.pk, applicant_iin=valid_iin())

    first = post_intake(api, body, key="bot-msg-42")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["number"].startswith("АТР-")
    assert len(data["pin"]) == 6 and data["pin"].isdigit()
    assert data["tracking_code"] and data["deadline"] and data["status"] == "registered"
    assert "Idempotent-Replayed" not in first

    again = post_intake(api, body, key="bot-msg-42")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == data["id"] and again.json()["number"] == data["number"]
    assert again.json()["pin"] is None  # the PIN is given once
    appeal = Appeal.objects.get()
    assert appeal.channel == "api"  # the default channel
    assert appeal.idempotency_key == f"{staff.makat_operator.pk}:bot-msg-42"
    assert appeal.applicant_phone == "+77011234567"
    assert appeal.accepted_by == staff.makat_operator


def test_same_key_from_another_user_is_another_appeal(api, tree, staff):
    login(api, staff.makat_operator)
    assert post_intake(api, intake_body(org_unit=tree.makat.pk), key="k-1").status_code == 201
    login(api, staff.makat_deputy)
    assert post_intake(api, intake_body(org_unit=tree.makat.pk), key="k-1").status_code == 201
    assert Appeal.objects.count() == 2


def test_without_a_key_each_request_is_a_new_appeal(api, tree, staff):
    login(api, staff.makat_operator)
    assert post_intake(api, intake_body(org_unit=tree.makat.pk)).status_code == 201
    assert post_intake(api, intake_body(org_unit=tree.makat.pk)).status_code == 201
    assert Appeal.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 101, "ключ", "tab\there"])
def test_a_bad_idempotency_key_is_refused(api, tree, staff, key):
    login(api, staff.makat_operator)
    response = post_intake(api, intake_body(org_unit=tree.makat.pk), key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "я" * 100_000}, "text"),
        ({"applicant_iin": "123456789012"}, "applicant_iin"),
        ({"applicant_iin": "abc"}, "applicant_iin"),
        ({"signatories": "many"}, "signatories"),
        ({"signatories": 0}, "signatories"),
        ({"is_collective": "perhaps"}, "is_collective"),
        ({"category": 999_999}, "category"),
        ({"category": "heating"}, "category"),
        ({"category": "99999999999999999999"}, "category"),
        ({"territory": -1}, "territory"),
        ({"appeal_type": "petition"}, "appeal_type"),
        ({"channel": "pigeon"}, "channel"),
        ({"applicant_phone": "12"}, "applicant_phone"),
        ({"applicant_email": "not-an-email"}, "applicant_email"),
        ({"applicant_name": ""}, "applicant_name"),  # not anonymous: a name is needed (the service)
        ({"is_collective": True, "signatories": 1}, "signatories"),  # the service's rule
        ({"consent": False}, "consent"),  # the api channel: the applicant's own consent
    ],
)
def test_bad_input_answers_400_field_by_field_and_creates_nothing(api, tree, staff, changes, field):
    login(api, staff.makat_operator)
    response = post_intake(api, intake_body(org_unit=tree.makat.pk, **changes), key="same-key")
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "invalid"
    assert field in data["errors"], data
    assert not Appeal.objects.exists()


def test_consent_is_needed_only_where_no_operator_took_it(api, tree, staff):
    login(api, staff.makat_operator)
    by_phone = post_intake(api, intake_body(org_unit=tree.makat.pk, channel="phone", consent=False))
    assert by_phone.status_code == 201
    anonymous = post_intake(
        api, intake_body(org_unit=tree.makat.pk, is_anonymous=True, applicant_name="", consent=False)
    )
    assert anonymous.status_code == 201
    assert Appeal.objects.get(pk=by_phone.json()["id"]).consent_at is None


def test_a_body_that_is_not_an_object_is_refused(api, tree, staff):
    login(api, staff.makat_operator)
    response = api.post(APPEALS, json.dumps([1, 2]), content_type="application/json")
    assert response.status_code == 400
    response = api.post(APPEALS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_intake_needs_register_on_the_target_unit(api, tree, staff, cats):
    login(api, staff.makat_operator)
    refused = post_intake(api, intake_body(org_unit=tree.inder.pk))
    assert refused.status_code == 403
    # No org_unit and no rule: the regional branch, where a Makat operator may not register.
    routed_away = post_intake(api, intake_body())
    assert routed_away.status_code == 403
    assert "org_unit" in routed_away.json()["detail"]
    # A rule sends heating in Makat to Makat: routing decides, the operator may register there.
    RoutingRule.objects.create(category=cats.heating, territory=tree.makat_t, org_unit=tree.makat)
    routed = post_intake(api, intake_body(category=cats.heating.pk, territory=tree.makat_t.pk))
    assert routed.status_code == 201
    assert Appeal.objects.get().org_unit == tree.makat

    login(api, staff.auditor)
    assert post_intake(api, intake_body(org_unit=tree.makat.pk)).status_code == 403
    assert Appeal.objects.count() == 1


def test_anonymous_caller_cannot_register(api, tree):
    assert post_intake(api, intake_body(org_unit=tree.makat.pk)).status_code == 401
    assert not Appeal.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_identical_requests_at_the_same_instant_make_one_appeal(tree, staff):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    import threading

    _token, raw = ApiToken.issue(user=staff.makat_operator, name="tests")
    body = intake_body(org_unit=tree.makat.pk)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def send() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            barrier.wait()
            results.append(post_intake(client, body, key="same-instant").status_code)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 200, 200, 201]
    assert Appeal.objects.filter(idempotency_key__endswith=":same-instant").count() == 1


# --- attachments ---------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_and_scoped(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    url = f"{APPEALS}{appeal.pk}/attachments/"
    login(api, staff.makat_operator)
    ok = api.post(url, {"file": SimpleUploadedFile("act.pdf", PDF, content_type="application/pdf")})
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "application/pdf"
    fake = api.post(url, {"file": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00binary", content_type="image/jpeg")})
    assert fake.status_code == 400 and "file" in fake.json()["errors"]
    assert appeal.attachments.count() == 1

    login(api, staff.inder_operator)
    other = api.post(url, {"file": SimpleUploadedFile("act.pdf", PDF, content_type="application/pdf")})
    assert other.status_code == 404
    login(api, staff.auditor)  # sees it, may not add to it
    assert api.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    assert appeal.attachments.count() == 1


@override_settings(APPEAL_ATTACHMENT_MAX_BYTES=1024)
def test_a_too_large_file_is_refused(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    login(api, staff.makat_operator)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 4096, content_type="application/pdf")
    response = api.post(f"{APPEALS}{appeal.pk}/attachments/", {"file": big})
    assert response.status_code == 400
    assert "too large" in response.json()["errors"]["file"][0]
    assert not appeal.attachments.exists()


# --- reading and scope ---------------------------------------------------------------------


def test_detail_follows_the_scope_matrix(client, make_user, tree, appeal_factory):
    appeal = appeal_factory()
    scope_matrix(client, make_user, tree, url=f"{APPEALS}{appeal.pk}/", role="reception_operator", api=True)


def test_a_makat_token_can_neither_read_nor_act_on_an_inder_appeal(api, tree, staff, appeal_factory):
    inder = appeal_factory(org_unit=tree.inder, actor=staff.inder_operator)
    makat = appeal_factory(org_unit=tree.makat, actor=staff.makat_operator)
    login(api, staff.makat_operator)
    listed = api.get(APPEALS).json()
    assert [row["id"] for row in listed["results"]] == [makat.pk]
    url = f"{APPEALS}{inder.pk}/"
    assert api.get(url).status_code == 404
    assert api.get(f"{url}events/").status_code == 404
    assert api.get(f"{url}answers/").status_code == 404
    take = api.post(f"{url}transitions/", {"transition": "take", "version": inder.version}, format="json")
    assert take.status_code == 404
    assign = api.post(f"{url}assign/", {"executor": staff.makat_deputy.pk, "version": 1}, format="json")
    assert assign.status_code == 404
    link = api.post(f"{url}links/", {"other": makat.pk, "kind": "related"}, format="json")
    assert link.status_code == 404
    # Nor link a Makat appeal to the Inder one: the id is unknown to this caller.
    link = api.post(f"{APPEALS}{makat.pk}/links/", {"other": inder.pk, "kind": "related"}, format="json")
    assert link.status_code == 400 and "other" in link.json()["errors"]
    inder.refresh_from_db()
    assert inder.status == AppealStatus.REGISTERED and inder.version == 1
    assert not AppealLink.objects.exists()


def test_applicant_data_only_with_view_applicant_and_never_the_full_iin(api, tree, staff, appeal_factory):
    iin = valid_iin()
    appeal = appeal_factory(actor=staff.makat_operator, applicant_iin=iin)
    login(api, staff.makat_operator)
    row = api.get(APPEALS).json()["results"][0]
    assert row["applicant"]["name"] == "Серікова Айгүл"
    assert row["applicant"]["phone"] == "+77011234567"
    assert row["applicant"]["iin_masked"].endswith(iin[-4:])
    detail = api.get(f"{APPEALS}{appeal.pk}/")
    assert detail.json()["applicant"]["email"] == "aigul@example.kz"
    assert iin not in detail.content.decode() and iin not in api.get(APPEALS).content.decode()

    login(api, staff.auditor)  # appeals.view only
    row = api.get(APPEALS).json()["results"][0]
    assert row["id"] == appeal.pk and row["applicant"] is None
    detail = api.get(f"{APPEALS}{appeal.pk}/").content.decode()
    assert "Серікова" not in detail and "+77011234567" not in detail and iin[-4:] not in detail


def test_list_filters_and_pages_with_a_fixed_number_of_queries(api, tree, staff, appeal_factory, cats):
    for i in range(3):
        appeal_factory(actor=staff.makat_operator, category=cats.heating, text=f"Нет отопления {i}")
    roads = appeal_factory(actor=staff.makat_operator, category=cats.roads, text="Яма на дороге")
    appeal_transition(appeal=roads, transition=Transition.TAKE, actor=staff.makat_operator)
    login(api, staff.makat_operator)
    api.get(APPEALS)  # warm the per-user caches
    with CaptureQueriesContext(connection) as few:
        small = api.get(APPEALS, {"page_size": 1})
    with CaptureQueriesContext(connection) as many:
        big = api.get(APPEALS, {"page_size": 50})
    assert small.json()["count"] == 4 and len(small.json()["results"]) == 1
    assert len(big.json()["results"]) == 4
    assert len(many.captured_queries) == len(few.captured_queries)

    in_work = api.get(APPEALS, {"status": "in_work"}).json()
    assert [r["id"] for r in in_work["results"]] == [roads.pk]
    housing = api.get(APPEALS, {"category": cats.housing.pk}).json()  # the subtree
    assert housing["count"] == 3
    assert api.get(APPEALS, {"status": "nonsense"}).status_code == 400
    assert api.get(APPEALS, {"q": "%' OR 1=1 --\x00"}).status_code in (200, 400)


def test_events_and_answers(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    appeal = appeal_transition(
        appeal=appeal,
        transition=Transition.ANSWER,
        actor=staff.makat_deputy,
        text="Отопление восстановлено.",
        language=Language.RU,
        is_positive=True,
    )
    login(api, staff.makat_operator)
    events = api.get(f"{APPEALS}{appeal.pk}/events/").json()
    assert [e["kind"] for e in events] == ["registered", "answer"]
    assert events[1]["actor_name"] == "Makat Deputy" and events[1]["to_status"] == "answered"
    answers = api.get(f"{APPEALS}{appeal.pk}/answers/").json()
    assert answers[0]["text"] == "Отопление восстановлено." and answers[0]["feedback"] is None


# --- work ----------------------------------------------------------------------------------


def transition(api: APIClient, appeal: Appeal, **body: Any) -> Any:
    return api.post(f"{APPEALS}{appeal.pk}/transitions/", body, format="json")


def test_a_transition_moves_the_appeal_and_bumps_its_version(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    login(api, staff.makat_operator)
    response = transition(api, appeal, transition="take", version=appeal.version)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "in_work" and data["version"] == appeal.version + 1
    assert "answer" in data["actions"] and "take" not in data["actions"]
    assert data["remaining_days"] is not None


def test_a_step_not_allowed_from_the_status_answers_409(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    login(api, staff.makat_secretary)
    response = transition(api, appeal, transition="close", version=appeal.version)
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED and appeal.version == 1


def test_a_stale_version_answers_409_conflict(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    seen = appeal.version
    appeal_transition(appeal=appeal, transition=Transition.TAKE, actor=staff.makat_deputy)  # someone else
    login(api, staff.makat_operator)
    response = transition(api, appeal, transition="pause", reason="Ждём документы", version=seen)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_WORK


def test_an_extension_beyond_the_maximum_answers_400(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    appeal = appeal_transition(appeal=appeal, transition=Transition.TAKE, actor=staff.makat_operator)
    login(api, staff.makat_secretary)
    too_far = appeal.registered_on + dt.timedelta(days=365)
    response = transition(
        api, appeal, transition="extend", reason="Нужна экспертиза", version=appeal.version, extended_to=str(too_far)
    )
    assert response.status_code == 400
    assert "extended_to" in response.json()["errors"]
    appeal.refresh_from_db()
    assert appeal.extension_count == 0
    # Within the maximum it passes.
    ok = transition(
        api,
        appeal,
        transition="extend",
        reason="Нужна экспертиза",
        version=appeal.version,
        extended_to=str(appeal.deadline + dt.timedelta(days=14)),
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["extension_count"] == 1


def test_missing_details_and_bad_types_answer_400(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    login(api, staff.makat_operator)
    assert "reason" in transition(api, appeal, transition="pause", version=1).json()["errors"]
    assert "text" in transition(api, appeal, transition="answer", version=1, language="ru").json()["errors"]
    assert "version" in transition(api, appeal, transition="take").json()["errors"]
    assert "transition" in transition(api, appeal, transition="fly", version=1).json()["errors"]
    assert "version" in transition(api, appeal, transition="take", version="one").json()["errors"]
    assert "into" in transition(api, appeal, transition="merge", reason="x", version=1, into=10**12).json()["errors"]
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED and appeal.version == 1


def test_seeing_but_not_acting_answers_403(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    login(api, staff.auditor)
    assert transition(api, appeal, transition="take", version=1).status_code == 403
    assign = api.post(f"{APPEALS}{appeal.pk}/assign/", {"executor": staff.makat_deputy.pk, "version": 1}, format="json")
    assert assign.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REGISTERED and appeal.executor is None


def test_assign_and_link(api, tree, staff, appeal_factory):
    appeal = appeal_factory(actor=staff.makat_operator)
    earlier = appeal_factory(actor=staff.makat_operator)
    login(api, staff.makat_operator)
    url = f"{APPEALS}{appeal.pk}/"
    wrong = api.post(f"{url}assign/", {"executor": staff.inder_deputy.pk, "version": 1}, format="json")
    assert wrong.status_code == 400 and "executor" in wrong.json()["errors"]
    ok = api.post(f"{url}assign/", {"executor": staff.makat_deputy.pk, "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["executor"] == staff.makat_deputy.pk
    stale = api.post(f"{url}assign/", {"executor": staff.makat_deputy.pk, "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"

    link = api.post(f"{url}links/", {"other": earlier.pk, "kind": "repeat"}, format="json")
    assert link.status_code == 201 and link.json() == {
        "appeal": earlier.pk,
        "number": earlier.number,
        "kind": "repeat",
        "direction": "out",
    }
    assert api.post(f"{url}links/", {"other": appeal.pk, "kind": "repeat"}, format="json").status_code == 400
    assert api.get(url).json()["links"][0]["appeal"] == earlier.pk

    # The executor sees applicant data of the appeal given to them even without a grant on its unit.
    outsider = staff.inder_deputy
    appeal_inder = appeal_factory(org_unit=tree.inder, actor=staff.inder_operator)
    login(api, staff.inder_operator)
    api.post(f"{APPEALS}{appeal_inder.pk}/assign/", {"executor": outsider.pk, "version": 1}, format="json")
    login(api, outsider)
    assert api.get(f"{APPEALS}{appeal_inder.pk}/").json()["applicant"]["name"] == "Серікова Айгүл"


# --- the public side -----------------------------------------------------------------------


def register_public() -> tuple[Appeal, str]:
    registered = appeal_register(
        actor=None,
        public=True,
        intake=Intake(
            appeal_type="complaint",
            channel="web",
            text="Во дворе не вывозят мусор.",
            applicant_name="Асқаров Ержан",
            applicant_phone="+77017654321",
            applicant_email="erzhan@example.kz",
            consent=True,
        ),
    )
    return registered.appeal, registered.pin


def track(api: APIClient, code: str, pin: str, ip: str = "10.0.0.1") -> Any:
    return api.post(f"{APPEALS}track/", {"code": code, "pin": pin}, format="json", REMOTE_ADDR=ip)


def test_tracking_by_code_and_pin_shows_progress_and_no_personal_data(api, tree, staff):
    appeal, pin = register_public()
    appeal_transition(
        appeal=appeal,
        transition=Transition.ANSWER,
        actor=staff.regional_secretary,
        text="Вывоз мусора налажен.",
        language=Language.RU,
        is_positive=True,
    )
    response = track(api, appeal.tracking_code.lower(), pin)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "answered" and data["number"] == appeal.number
    assert data["answers"][0]["text"] == "Вывоз мусора налажен."
    assert [e["kind"] for e in data["events"]] == ["registered", "answer"]
    text = response.content.decode()
    for private in ("Асқаров", "+77017654321", "erzhan@", "Regional Secretary", "мусор."):
        if private == "мусор.":
            assert "Во дворе" not in text  # not even the applicant's own text
        else:
            assert private not in text


def test_a_wrong_pin_looks_like_an_unknown_code(api, tree):
    appeal, pin = register_public()
    wrong = track(api, appeal.tracking_code, "000000" if pin != "000000" else "111111")
    unknown = track(api, "NOSUCHCODE", pin)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


@override_settings(APPEAL_PIN_ATTEMPTS=3)
def test_many_wrong_pins_are_throttled_even_before_the_right_one(api, tree):
    appeal, pin = register_public()
    wrong = "000000" if pin != "000000" else "111111"
    for i in range(3):
        assert track(api, appeal.tracking_code, wrong, ip=f"10.0.1.{i}").status_code == 404
    blocked = track(api, appeal.tracking_code, pin, ip="10.0.9.9")  # per code, whatever the address
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "throttled"
    # One address guessing many codes is stopped too.
    for i in range(3):
        track(api, f"GUESS{i}", "123456", ip="10.0.2.1")
    other, other_pin = register_public()
    assert track(api, other.tracking_code, other_pin, ip="10.0.2.1").status_code == 429
    assert track(api, other.tracking_code, other_pin, ip="10.0.3.1").status_code == 200


def test_tracking_input_is_checked(api, tree):
    assert api.post(f"{APPEALS}track/", {"code": "X"}, format="json").status_code == 400
    assert api.post(f"{APPEALS}track/", {"code": "X" * 500, "pin": "1"}, format="json").status_code == 400


def test_categories_are_public_with_parents_and_only_active(api, tree, cats):
    cats.water.is_active = False
    cats.water.save()
    cats.roads.is_active = False
    cats.roads.save()
    Category.objects.add_child(
        cats.roads, {"code": "potholes", "name_kk": "Шұңқыр", "name_ru": "Ямы", "name_en": "Potholes"}
    )
    response = api.get(f"{BASE}appeal-categories/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert set(rows) == {"housing", "heating", "social"}  # no inactive one, nor under an inactive one
    assert rows["heating"]["parent"] == cats.housing.pk
    assert rows["housing"]["parent"] is None
    assert rows["heating"]["name_kk"] == "Жылу" and rows["heating"]["name_en"] == "Heating"
