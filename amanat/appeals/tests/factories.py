"""Building appeals for tests through the real intake service (never by hand-set fields)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from rest_framework.test import APIClient

from amanat.accounts.models import ApiToken
from amanat.appeals.choices import AppealType, Channel
from amanat.appeals.models import Appeal, Category
from amanat.appeals.services.intake import Intake, appeal_register


def make_categories() -> SimpleNamespace:
    housing = Category.objects.add_root(
        {
            "code": "housing",
            "name_kk": "Тұрғын үй-коммуналдық шаруашылық",
            "name_ru": "ЖКХ",
            "name_en": "Housing and utilities",
        }
    )
    heating = Category.objects.add_child(
        housing, {"code": "heating", "name_kk": "Жылу", "name_ru": "Отопление", "name_en": "Heating"}
    )
    water = Category.objects.add_child(
        housing, {"code": "water", "name_kk": "Су", "name_ru": "Водоснабжение", "name_en": "Water supply"}
    )
    roads = Category.objects.add_root({"code": "roads", "name_kk": "Жолдар", "name_ru": "Дороги", "name_en": "Roads"})
    social = Category.objects.add_root(
        {"code": "social", "name_kk": "Әлеуметтік көмек", "name_ru": "Социальная помощь", "name_en": "Social aid"}
    )
    return SimpleNamespace(housing=housing, heating=heating, water=water, roads=roads, social=social)


def make_appeal(
    *,
    org_unit: Any,
    actor: Any = None,
    received_at: dt.datetime | None = None,
    text: str = "В доме по улице Абая 5 третью неделю нет отопления.",
    appeal_type: str = AppealType.STATEMENT,
    channel: str = Channel.VISIT,
    **fields: Any,
) -> Appeal:
    """A registered appeal on org_unit (registered by the system unless an actor is given)."""
    fields.setdefault("applicant_name", "Серікова Айгүл")
    fields.setdefault("applicant_phone", "+77011234567")
    fields.setdefault("applicant_email", "aigul@example.kz")
    intake = Intake(
        appeal_type=appeal_type,
        channel=channel,
        text=text,
        org_unit=org_unit,
        received_at=received_at or timezone.now(),
        consent=True,
        **fields,
    )
    return appeal_register(actor=actor, intake=intake).appeal


APPEALS_API = "/api/v1/appeals/"


def login(api: APIClient, user: Any) -> APIClient:
    """The API client with a fresh bearer token of user."""
    _token, raw = ApiToken.issue(user=user, name="tests")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def post_intake(api: APIClient, body: dict[str, Any], key: str | None = None) -> Any:
    """POST an appeal to the API, with an Idempotency-Key when given."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post(APPEALS_API, body, format="json", **headers)
