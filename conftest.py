"""Fixtures every app's tests share: a small Atyrau tree, users with roles, the scope matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from amanat.accounts.models import Role, RoleGrant, User
from amanat.accounts.services import sync_builtin_roles
from amanat.org.choices import OrgUnitKind, TerritoryKind
from amanat.org.tests.factories import add_territory, add_unit


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Site settings and calendar overrides are cached in memory, which survives the database
    rollback between tests: start and end every test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the settings' language: a page rendered in Kazakh by an earlier test
    in the same worker must not leave its language active for code called outside a request."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def tree(db: Any) -> SimpleNamespace:
    """central → Atyrau regional → (Atyrau city, Makat district, Inder district) → primaries."""
    region = add_territory(None, kato="230000000", kind=TerritoryKind.REGION, name="Атырау облысы")
    makat_t = add_territory(region, kato="235200000", kind=TerritoryKind.DISTRICT, name="Мақат ауданы")
    inder_t = add_territory(region, kato="234000000", kind=TerritoryKind.DISTRICT, name="Индер ауданы")
    city_t = add_territory(region, kato="231000000", kind=TerritoryKind.CITY, name="Атырау қаласы")
    central = add_unit(None, code="central", kind=OrgUnitKind.CENTRAL, name="AMANAT")
    regional = add_unit(
        central, code="atyrau", kind=OrgUnitKind.REGIONAL, name="Атырау облыстық филиалы", territory=region
    )
    city = add_unit(
        regional, code="atyrau-city", kind=OrgUnitKind.CITY, name="Атырау қалалық филиалы", territory=city_t
    )
    makat = add_unit(
        regional, code="makat", kind=OrgUnitKind.DISTRICT, name="Мақат аудандық филиалы", territory=makat_t
    )
    inder = add_unit(
        regional, code="inder", kind=OrgUnitKind.DISTRICT, name="Индер аудандық филиалы", territory=inder_t
    )
    makat_p1 = add_unit(makat, code="makat-p1", kind=OrgUnitKind.PRIMARY, name="Мақат №1 БПҰ", territory=makat_t)
    inder_p1 = add_unit(inder, code="inder-p1", kind=OrgUnitKind.PRIMARY, name="Индер №1 БПҰ", territory=inder_t)
    return SimpleNamespace(
        region=region,
        makat_t=makat_t,
        inder_t=inder_t,
        city_t=city_t,
        central=central,
        regional=regional,
        city=city,
        makat=makat,
        inder=inder,
        makat_p1=makat_p1,
        inder_p1=inder_p1,
    )


@pytest.fixture
def roles(db: Any) -> dict[str, Role]:
    sync_builtin_roles()
    return {r.code: r for r in Role.objects.all()}


_user_seq = iter(range(1, 10**9))


@pytest.fixture
def make_user(db: Any, roles: dict[str, Role]) -> Callable[..., User]:
    """make_user("executive_secretary", unit) -> a user holding that role on unit (and subtree)."""

    def make(role: str | None = None, unit: Any = None, *, language: str = "en", **extra: Any) -> User:
        n = next(_user_seq)
        user = User.objects.create_user(
            f"user{n}@example.kz",
            "correct-horse-battery",
            full_name=extra.pop("full_name", f"User {n}"),
            language=language,
            **extra,
        )
        if role:
            RoleGrant.objects.create(user=user, role=roles[role], org_unit=unit, valid_from=dt.date(2000, 1, 1))
        return user

    return make


def scope_matrix(
    client: Any,
    make_user: Callable[..., User],
    tree: SimpleNamespace,
    *,
    url: str,
    role: str,
    unit_attr: str = "makat",
    parent_attr: str = "regional",
    sibling_attr: str = "inder",
    ok: int = 200,
    api: bool = False,
) -> dict[str, int]:
    """Fetch url as anonymous, no role, role on the unit, on its parent, on a sibling district.

    Asserts the platform's rule: anonymous is sent to log in (pages) or gets 401 (API), a user
    without the role or on a sibling gets 404, the unit and its parent get `ok`.
    """
    results: dict[str, int] = {}
    client.logout()
    response = client.get(url)
    results["anonymous"] = response.status_code
    if api:
        assert response.status_code == 401, f"anonymous {url}: {response.status_code}"
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
            f"anonymous {url}: {response.status_code}"
        )
    cases = {
        "no_role": (None, None, 404),
        "on_unit": (role, getattr(tree, unit_attr), ok),
        "on_parent": (role, getattr(tree, parent_attr), ok),
        "on_sibling": (role, getattr(tree, sibling_attr), 404),
    }
    for name, (case_role, unit, expected) in cases.items():
        user = make_user(case_role, unit)
        client.force_login(user)
        response = client.get(url)
        results[name] = response.status_code
        assert response.status_code == expected, f"{name} {url}: got {response.status_code}, expected {expected}"
        client.logout()
    return results
