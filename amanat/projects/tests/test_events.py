"""Events, shifts and results: times in order, units that take part, results never negative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.projects.models import Event, EventResult, Project
from amanat.projects.services.events import event_create, event_update, result_save, shift_create, shift_update
from amanat.projects.services.projects import kpi_create, project_create
from amanat.projects.tests.conftest import sign

pytestmark = pytest.mark.django_db


def values(proj: SimpleNamespace, unit: object, **changes: object) -> dict:
    start = proj.now + dt.timedelta(days=10)
    base = {"org_unit": unit, "title_kk": "Ағаш отырғызу", "kind": "planting", "starts_at": start,
            "ends_at": start + dt.timedelta(hours=3), "address": "Мақат"}  # fmt: skip
    return base | changes


def test_a_primary_secretary_adds_an_event_of_their_own_unit(proj: SimpleNamespace, tree: SimpleNamespace) -> None:
    event = event_create(actor=proj.primary, project=proj.project, values=values(proj, tree.makat_p1))
    assert event.org_unit == tree.makat_p1
    with pytest.raises(PermissionDenied):
        event_create(actor=proj.primary, project=proj.project, values=values(proj, tree.makat))


def test_an_event_ending_before_it_starts_is_refused(proj: SimpleNamespace, tree: SimpleNamespace) -> None:
    bad = values(proj, tree.makat)
    bad["ends_at"] = bad["starts_at"] - dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        event_create(actor=proj.makat_secretary, project=proj.project, values=bad)
    assert exc.value.message_dict == {"ends_at": ["The event cannot end before it starts."]}
    assert Event.objects.count() == 2
    with pytest.raises(ValidationError, match="cannot end before"):
        event_update(actor=proj.makat_secretary, event=proj.past, values={"ends_at": proj.past.starts_at})


def test_a_unit_outside_the_project_cannot_hold_its_events(proj: SimpleNamespace, tree: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="does not take part"):
        event_create(actor=proj.secretary, project=proj.project, values=values(proj, tree.city))
    local = Project.objects.create(code="inder-only", title_kk="И", title_ru="И", org_unit=tree.inder)
    with pytest.raises(ValidationError, match="does not take part"):
        event_create(actor=proj.secretary, project=local, values=values(proj, tree.makat))


def test_shifts_lie_within_the_event_and_keep_their_volunteers_places(proj: SimpleNamespace) -> None:
    event = proj.upcoming
    with pytest.raises(ValidationError, match="within the event"):
        shift_create(actor=proj.primary, event=event, starts_at=event.starts_at - dt.timedelta(hours=1),
                     ends_at=event.starts_at + dt.timedelta(hours=1), capacity=3)  # fmt: skip
    with pytest.raises(ValidationError, match="cannot end before"):
        shift_create(actor=proj.primary, event=event, starts_at=event.ends_at, ends_at=event.starts_at, capacity=3)
    with pytest.raises(ValidationError, match="at least one place"):
        shift_create(actor=proj.primary, event=event, starts_at=event.starts_at, ends_at=event.ends_at, capacity=0)
    sign(proj.morning, 1)
    sign(proj.morning, 2)
    with pytest.raises(ValidationError, match="cannot have fewer places"):
        shift_update(actor=proj.primary, shift=proj.morning, starts_at=proj.morning.starts_at,
                     ends_at=proj.morning.ends_at, capacity=1)  # fmt: skip
    with pytest.raises(ValidationError, match="fall outside"):
        event_update(actor=proj.primary, event=event, values={"starts_at": event.starts_at + dt.timedelta(hours=3)})


def test_results_are_saved_corrected_and_never_negative(proj: SimpleNamespace) -> None:
    result = result_save(actor=proj.makat_secretary, event=proj.past, kpi=proj.tonnes, value="2.5")
    assert result.value == Decimal("2.5")
    result_save(actor=proj.makat_secretary, event=proj.past, kpi=proj.tonnes, value=3)
    assert EventResult.objects.get().value == Decimal(3)
    for bad, message in ((-1, "cannot be negative"), ("abc", "as a number"), (None, "as a number")):
        with pytest.raises(ValidationError, match=message):
            result_save(actor=proj.makat_secretary, event=proj.past, kpi=proj.tonnes, value=bad)
    assert EventResult.objects.get().value == Decimal(3)
    with pytest.raises(ValidationError, match="once the event has begun"):
        result_save(actor=proj.secretary, event=proj.upcoming, kpi=proj.tonnes, value=1)
    with pytest.raises(PermissionDenied):
        result_save(actor=proj.inder_secretary, event=proj.past, kpi=proj.tonnes, value=1)


def test_projects_and_kpis_check_their_input(proj: SimpleNamespace, tree: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as exc:
        project_create(actor=proj.secretary, values={"code": "taza-like", "title_kk": "", "org_unit": tree.regional})
    assert set(exc.value.message_dict) == {"code", "title_kk", "title_ru"}
    with pytest.raises(PermissionDenied):
        project_create(actor=proj.makat_secretary, values={"code": "x", "title_kk": "x", "title_ru": "x",
                                                           "org_unit": tree.regional})  # fmt: skip
    with pytest.raises(ValidationError, match="cannot be negative"):
        kpi_create(actor=proj.secretary, project=proj.project, values={
            "name_kk": "a", "name_ru": "a", "measure_kk": "т", "measure_ru": "т", "yearly_target": Decimal(-1),
        })  # fmt: skip
