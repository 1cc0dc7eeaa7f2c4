"""Fixtures for the accounts tests: a user who logs in by phone, TOTP devices, an API client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from amanat.accounts.models import User
from amanat.accounts.tests.helpers import PASSWORD


@pytest.fixture
def phone_user(db: Any) -> User:
    return User.objects.create_user("+77011234567", PASSWORD, full_name="Phone User", language="en")


@pytest.fixture
def add_device() -> Callable[[User], TOTPDevice]:
    def make(user: User) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, tolerance=1)

    return make


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
