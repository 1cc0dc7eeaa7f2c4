"""Units ranked by contribution: events held, volunteer hours, results; a primary counts for its
district branch; internal projects stay off the public ranking."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from amanat.projects.choices import SignUpStatus
from amanat.projects.selectors import project_totals, ranking
from amanat.projects.services.events import result_save
from amanat.projects.services.signups import signup_create, signup_transition
from amanat.projects.tests.conftest import add_event, add_shift, volunteer

pytestmark = pytest.mark.django_db


def held(proj: SimpleNamespace, unit: object, *, people: int, hours: int = 2, days_ago: int = 2) -> object:
    event = add_event(proj.project, unit, proj.now - dt.timedelta(days=days_ago))
    shift = add_shift(event, capacity=10, hours=hours)
    for n in range(people):
        signup = signup_create(shift_id=shift.pk, volunteer=volunteer(n), now=event.starts_at - dt.timedelta(days=1))
        signup_transition(actor=proj.secretary, signup=signup, to=SignUpStatus.ATTENDED, hours=hours)
    return event


def test_units_are_ranked_by_events_then_hours_and_primaries_count_for_their_district(
    proj: SimpleNamespace, tree: SimpleNamespace
) -> None:
    held(proj, tree.inder, people=3)
    held(proj, tree.inder_p1, people=1)
    event = held(proj, tree.makat_p1, people=2)
    result_save(actor=proj.secretary, event=event, kpi=proj.tonnes, value=4)
    result_save(actor=proj.secretary, event=proj.past, kpi=proj.tonnes, value=1)
    rows = ranking(project=proj.project)
    assert [(r.rank, r.unit, r.events, r.hours, r.volunteers) for r in rows] == [
        (1, tree.inder, 2, 8, 4),
        (2, tree.makat, 2, 4, 2),  # the fixture's past event (nobody confirmed) and the primary's
    ]
    assert rows[1].results == {proj.tonnes.pk: 5}


def test_internal_projects_stay_off_the_public_ranking(proj: SimpleNamespace, tree: SimpleNamespace) -> None:
    held(proj, tree.inder, people=1)
    proj.project.is_public = False
    proj.project.save()
    assert ranking() == []
    assert [r.unit for r in ranking(public=False)] == [tree.inder, tree.makat]


def test_project_totals_sum_results_per_year(proj: SimpleNamespace, tree: SimpleNamespace) -> None:
    event = held(proj, tree.inder, people=2, hours=3)
    result_save(actor=proj.secretary, event=event, kpi=proj.tonnes, value="2.5")
    result_save(actor=proj.secretary, event=proj.past, kpi=proj.tonnes, value=1)
    totals = project_totals(proj.project)
    tonnes = totals["kpis"][0]
    year = event.starts_at.year
    assert tonnes.by_year[year] == 3.5 or sum(tonnes.by_year.values()) == 3.5
    assert (totals["events_held"], totals["volunteers"], totals["hours"]) == (2, 2, 6)
