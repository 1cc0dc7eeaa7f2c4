"""Schemathesis against the project's own OpenAPI schema: no operation answers 5xx.

Every operation of /api/schema/ is called with generated data — valid and invalid bodies,
odd query strings, unknown ids — as a system administrator holding an API token, in-process
through the WSGI application on the test database.
"""

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

from amanat.accounts.models import ApiToken, User


@pytest.fixture
def api_token(db: Any, tree: Any) -> str:
    admin = User.objects.create_superuser("fuzz-admin@example.kz", "fuzz-password-1234", full_name="Fuzz Admin")
    _token, raw = ApiToken.issue(user=admin, name="fuzz")
    return raw


@pytest.fixture
def api_schema(db: Any, api_token: str) -> Iterator[Any]:
    # Like Django's test client: keep the test's transaction open across in-process requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", WSGIHandler(), headers={"Authorization": f"Bearer {api_token}"}
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.xdist_group("fuzz")
def test_no_operation_answers_5xx(api_schema: Any, api_token: str) -> None:
    headers = {"Authorization": f"Bearer {api_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 10, "the API schema lists the platform's operations"
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def call(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            call()
        except Exception as exc:  # collect every failing operation, report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
