"""Fixtures shared by the appeals tests: categories, routing, people on the tree, appeals."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from amanat.appeals.tests.factories import make_appeal, make_categories


@pytest.fixture
def cats(db: Any) -> SimpleNamespace:
    return make_categories()


@pytest.fixture
def staff(tree: SimpleNamespace, make_user: Any) -> SimpleNamespace:
    """Operators, deputies and heads on Makat and Inder, plus regional roles."""
    return SimpleNamespace(
        makat_operator=make_user("reception_operator", tree.makat, full_name="Makat Operator"),
        inder_operator=make_user("reception_operator", tree.inder, full_name="Inder Operator"),
        makat_deputy=make_user("deputy", tree.makat, full_name="Makat Deputy"),
        inder_deputy=make_user("deputy", tree.inder, full_name="Inder Deputy"),
        makat_secretary=make_user("executive_secretary", tree.makat, full_name="Makat Secretary"),
        regional_secretary=make_user("executive_secretary", tree.regional, full_name="Regional Secretary"),
        control=make_user("party_control", tree.regional, full_name="Control Member"),
        auditor=make_user("auditor", tree.regional, full_name="Auditor"),
    )


@pytest.fixture
def appeal_factory(tree: SimpleNamespace) -> Any:
    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("org_unit", tree.makat)
        return make_appeal(**kwargs)

    return make
