"""API intake at volume: a fixed, small number of queries; repeats that cost no number; reference
data read from a per-process copy that follows the admin's changes."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from amanat.accounts.models import ApiToken, RoleGrant
from amanat.appeals.api.serializers import RegisteredSerializer
from amanat.appeals.models import Appeal, AppealEvent, Category, RoutingRule
from amanat.appeals.services import intake, reference
from amanat.appeals.services.routing import category_deactivate
from amanat.appeals.tests.factories import login, post_intake
from amanat.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

APPEALS = "/api/v1/appeals/"


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "appeal_type": "statement",
        "text": "На улице Абая 5 третью неделю нет отопления.",
        "applicant_name": "Серікова Айгүл",
        "applicant_phone": "+77011234567",
        "consent": True,
    }
    data.update(overrides)
    return data


def sequence(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


# --- the cost of one registration --------------------------------------------------------------


def test_a_registration_costs_a_fixed_number_of_queries(tree, staff, cats):
    RoutingRule.objects.create(category=cats.heating, territory=tree.makat_t, org_unit=tree.makat)
    client = login(APIClient(), staff.makat_operator)
    routed = body(category=cats.heating.pk, territory=tree.makat_t.pk)
    assert post_intake(client, routed, key="warm-up").status_code == 201  # fills this process's copy

    with CaptureQueriesContext(connection) as queries:
        response = post_intake(client, routed, key="measured")
    assert response.status_code == 201, response.content
    # (Savepoints left out: the test runs in a transaction, the service in a savepoint of it.)
    done = [statement(q["sql"]) for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    caller: list[str] = []  # the token, its user and grants are kept since the warm-up
    under_lock = ["UPDATE appeals_appealcounter", "INSERT appeals_appeal", "INSERT audit_auditevent"]
    if connection.vendor == "postgresql":
        # The appeal's id comes first (its sequence), so its event is written before the year's
        # counter is locked: under the lock go only the appeal and its audit event.
        assert done == [*caller, "SELECT", "INSERT appeals_appealevent", *under_lock]
    else:
        counter, appeal, audit = under_lock
        assert done == [*caller, counter, appeal, "INSERT appeals_appealevent", audit]


def statement(sql: str) -> str:
    """The kind of statement and its first table, e.g. "INSERT appeals_appeal"."""
    table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
    return f"{sql.split()[0].upper()} {table.group(1)}" if table else sql.split()[0].upper()


def test_the_answer_is_what_the_database_holds(tree, staff, cats):
    client = login(APIClient(), staff.makat_operator)
    response = post_intake(client, body(org_unit=tree.makat.pk, category=cats.heating.pk), key="k")
    assert response.status_code == 201
    stored = Appeal.objects.select_related("org_unit").get(pk=response.json()["id"])
    expected = RegisteredSerializer(stored, context={"pin": response.json()["pin"]}).data
    assert response.json() == expected
    assert stored.events.get().kind == "registered"
    assert AuditEvent.objects.filter(verb="appeal.registered", target_id=str(stored.pk)).count() == 1


# --- repeats -----------------------------------------------------------------------------------


def test_a_repeat_uses_up_no_registration_number(tree, staff):
    client = login(APIClient(), staff.makat_operator)
    first = post_intake(client, body(org_unit=tree.makat.pk), key="bot-1")
    again = post_intake(client, body(org_unit=tree.makat.pk), key="bot-1")
    second = post_intake(client, body(org_unit=tree.makat.pk), key="bot-2")
    assert (first.status_code, again.status_code, second.status_code) == (201, 200, 201)
    assert again.json()["number"] == first.json()["number"]
    assert sequence(second.json()["number"]) == sequence(first.json()["number"]) + 1
    assert AppealEvent.objects.filter(kind="registered").count() == 2


def test_a_repeat_answers_with_the_first_appeal_even_when_its_body_is_refused_now(tree, staff, cats, make_user):
    client = login(APIClient(), staff.makat_operator)
    first = post_intake(client, body(org_unit=tree.makat.pk, category=cats.water.pk), key="bot-7")
    assert first.status_code == 201
    category_deactivate(actor=make_user("regional_admin", tree.regional), category=cats.water)

    again = post_intake(client, body(org_unit=tree.makat.pk, category=cats.water.pk), key="bot-7")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and again.json()["pin"] is None
    # Without the key the same body is refused: the category is out of use at once.
    assert post_intake(client, body(org_unit=tree.makat.pk, category=cats.water.pk)).status_code == 400


def test_a_repeat_answers_with_the_first_appeal_after_the_caller_lost_the_right(tree, staff):
    client = login(APIClient(), staff.makat_operator)
    first = post_intake(client, body(org_unit=tree.makat.pk), key="bot-9")
    for grant in RoleGrant.objects.filter(user=staff.makat_operator):
        grant.revoked_at = timezone.now()
        grant.save()

    again = post_intake(client, body(org_unit=tree.makat.pk), key="bot-9")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert post_intake(client, body(org_unit=tree.makat.pk), key="bot-10").status_code == 403
    assert Appeal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_instant_get_consecutive_numbers_and_repeats_none(tree, staff):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    _token, raw = ApiToken.issue(user=staff.makat_operator, name="tests")
    keys = ["a", "a", "a", "b", "c", "d", "e", "f"]
    barrier = threading.Barrier(len(keys))
    answers: list[Any] = [None] * len(keys)

    def send(i: int) -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            barrier.wait()
            answers[i] = post_intake(client, body(org_unit=tree.makat.pk), key=keys[i])
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 200, 201, 201, 201, 201, 201, 201]
    numbers = sorted(sequence(n) for n in Appeal.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 6))  # six appeals, no number skipped
    first_a = {a.json()["id"] for a, k in zip(answers, keys, strict=True) if k == "a"}
    assert len(first_a) == 1


# --- reference data ------------------------------------------------------------------------


def test_a_new_routing_rule_routes_the_next_registration(tree, staff, cats):
    client = login(APIClient(), staff.regional_secretary)
    routed = body(category=cats.heating.pk, territory=tree.makat_t.pk)
    assert Appeal.objects.get(pk=post_intake(client, routed).json()["id"]).org_unit == tree.regional

    rule = RoutingRule.objects.create(category=cats.heating, territory=tree.makat_t, org_unit=tree.makat)
    assert Appeal.objects.get(pk=post_intake(client, routed).json()["id"]).org_unit == tree.makat

    rule.org_unit = tree.inder
    rule.save()
    assert Appeal.objects.get(pk=post_intake(client, routed).json()["id"]).org_unit == tree.inder
    rule.delete()
    assert Appeal.objects.get(pk=post_intake(client, routed).json()["id"]).org_unit == tree.regional


def test_a_new_category_is_accepted_at_once(tree, staff, cats):
    client = login(APIClient(), staff.makat_operator)
    assert post_intake(client, body(org_unit=tree.makat.pk, category=cats.roads.pk)).status_code == 201
    bridges = Category.objects.add_child(cats.roads, {"code": "bridges", "name_kk": "К", "name_ru": "М"})
    assert post_intake(client, body(org_unit=tree.makat.pk, category=bridges.pk)).status_code == 201


def test_another_workers_change_is_seen_once_the_shared_token_is_gone(tree, staff, cats):
    client = login(APIClient(), staff.makat_operator)
    assert post_intake(client, body(org_unit=tree.makat.pk, category=cats.roads.pk)).status_code == 201
    # Another process takes the category out of use: this process hears no signal of it.
    Category.objects.filter(pk=cats.roads.pk).update(is_active=False)
    assert post_intake(client, body(org_unit=tree.makat.pk, category=cats.roads.pk)).status_code == 201  # the copy
    cache.delete(reference.REFERENCE_KEY)  # what that process's save does to the shared cache
    refused = post_intake(client, body(org_unit=tree.makat.pk, category=cats.roads.pk))
    assert refused.status_code == 400 and "category" in refused.json()["errors"]


def test_a_copy_is_read_again_after_its_time_to_live(tree, staff, cats, monkeypatch):
    client = login(APIClient(), staff.makat_operator)
    assert post_intake(client, body(org_unit=tree.makat.pk, category=cats.roads.pk)).status_code == 201
    Category.objects.filter(pk=cats.roads.pk).update(is_active=False)
    cache.set(reference.REFERENCE_KEY, reference._reference._made_under)  # a local cache that still has it
    later = time.monotonic() + reference.REFERENCE_TTL + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert post_intake(client, body(org_unit=tree.makat.pk, category=cats.roads.pk)).status_code == 400


# --- notices -------------------------------------------------------------------------------

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def queued_registrations() -> list[int]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path="amanat.appeals.tasks.appeal_registered")
    return [row.args_kwargs["kwargs"]["appeal_id"] for row in rows]


def test_with_the_database_queue_the_notices_are_queued_in_the_registrations_transaction(tree, staff):
    client = login(APIClient(), staff.makat_operator)
    with override_settings(TASKS=DATABASE_QUEUE):
        response = post_intake(client, body(org_unit=tree.makat.pk), key="n-1")
        assert response.status_code == 201
        assert queued_registrations() == [response.json()["id"]]

        # A registration rolled back after it queued its notices leaves no task behind.
        with pytest.raises(RuntimeError), transaction.atomic():
            intake.appeal_register(
                actor=staff.makat_operator,
                intake=intake.Intake(
                    appeal_type="statement", channel="phone", text="Нет света.", applicant_name="А", org_unit=tree.makat
                ),
            )
            raise RuntimeError("the request failed after registering")
        assert queued_registrations() == [response.json()["id"]]


def test_with_another_queue_the_notices_are_queued_after_the_commit(tree, staff, django_capture_on_commit_callbacks):
    client = login(APIClient(), staff.makat_operator)
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_intake(client, body(org_unit=tree.makat.pk), key="n-2").status_code == 201
    assert len(callbacks) == 1
    assert not queued_registrations()
