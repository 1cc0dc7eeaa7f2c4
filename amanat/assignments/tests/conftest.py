"""Makat district with three primaries, Inder with one; secretaries at each level, a deputy."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine

from amanat.org.choices import OrgUnitKind
from amanat.org.tests.factories import add_unit

# A Wednesday; the working-day arithmetic below depends on it.
TODAY = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def org(tree: SimpleNamespace, make_user: Any, clock: Any) -> SimpleNamespace:
    makat_p2 = add_unit(tree.makat, code="makat-p2", kind=OrgUnitKind.PRIMARY, name="Мақат №2 БПҰ")
    makat_p3 = add_unit(tree.makat, code="makat-p3", kind=OrgUnitKind.PRIMARY, name="Мақат №3 БПҰ")
    return SimpleNamespace(
        tree=tree,
        makat_p2=makat_p2,
        makat_p3=makat_p3,
        region_secretary=make_user("executive_secretary", tree.regional, full_name="Region Secretary"),
        makat_secretary=make_user("executive_secretary", tree.makat, full_name="Makat Secretary"),
        inder_secretary=make_user("executive_secretary", tree.inder, full_name="Inder Secretary"),
        p1_secretary=make_user("primary_secretary", tree.makat_p1, full_name="P1 Secretary"),
        p2_secretary=make_user("primary_secretary", makat_p2, full_name="P2 Secretary"),
        inder_p1_secretary=make_user("primary_secretary", tree.inder_p1, full_name="Inder P1 Secretary"),
        deputy=make_user("deputy", tree.makat, full_name="Deputy One"),
        auditor=make_user("auditor", tree.regional),
    )


@pytest.fixture
def issued(org: SimpleNamespace) -> Any:
    """The Makat branch's assignment to all three of its primaries and a deputy, in 5 working days."""
    from amanat.assignments.services import assignment_issue

    return assignment_issue(
        actor=org.makat_secretary,
        org_unit=org.tree.makat,
        title="Hold field meetings in every village",
        text="Organise field meetings with the population.",
        deadline_days=5,
        control_level="strict",
        unit_recipients=[org.tree.makat_p1, org.makat_p2, org.makat_p3],
        user_recipients=[org.deputy],
        issuer_post="Bureau",
    )


def execution_of(assignment: Any, unit: Any = None, user: Any = None) -> Any:
    from amanat.assignments.models import Execution

    if unit is not None:
        return Execution.objects.get(assignment=assignment, recipient_unit=unit)
    return Execution.objects.get(assignment=assignment, recipient_user=user)
