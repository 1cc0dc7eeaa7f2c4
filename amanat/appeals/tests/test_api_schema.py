"""Schemathesis over the appeals operations only, with appeals in the database: no 5xx, and every
answer matches the documented status codes and schemas (tests/test_api_fuzz.py checks no 5xx
over the whole API, on an empty database)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from amanat.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tree: Any, staff: Any, cats: Any, appeal_factory: Any) -> str:
    admin = User.objects.create_superuser("fuzz-appeals@example.kz", "fuzz-password-1234", full_name="Fuzz Admin")
    for i in range(3):
        appeal_factory(actor=staff.makat_operator, category=cats.heating, text=f"Нет отопления в доме {i}")
    _token, raw = ApiToken.issue(user=admin, name="fuzz")
    return raw


@pytest.fixture
def appeals_schema(seeded: str) -> Iterator[Any]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", WSGIHandler(), headers={"Authorization": f"Bearer {seeded}"}
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.xdist_group("fuzz")
def test_appeals_operations_answer_as_documented(appeals_schema: Any, seeded: str) -> None:
    headers = {"Authorization": f"Bearer {seeded}"}
    operations = [
        result.ok()
        for result in appeals_schema.get_all_operations()
        if result.ok().path.startswith(("/api/v1/appeals", "/api/v1/appeal-categories"))
    ]
    assert len(operations) >= 10, [op.path for op in operations]
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def call(case: Any) -> None:
            case.call_and_validate(
                headers=headers,
                checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
            )

        try:
            call()
        except Exception as exc:  # collect every failing operation, report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
