"""Creating and changing an election: the rules, the commission, the trustees and the phase guards."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from amanat.audit.models import AuditEvent
from amanat.elections.choices import CommissionRole, ElectionKind, Method, Phase
from amanat.elections.models import BoardEntry, Election
from amanat.elections.services import elections as svc
from amanat.elections.tests.factories import (
    make_election,
    make_member,
    make_user,
    name_trustees,
    seat,
    system_user,
    to_nominations,
    to_preparation,
)

pytestmark = pytest.mark.django_db


def values(unit: Any, **kw: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "kind": ElectionKind.BRANCH_BODY,
        "unit": unit,
        "title_kk": "Бюро сайлауы",
        "title_ru": "Выборы бюро",
        "joined_before": dt.date(2026, 1, 1),
        "voting_opens_at": now + dt.timedelta(days=2),
        "voting_closes_at": now + dt.timedelta(days=3),
    } | kw


def test_secretary_of_the_district_drafts_an_election_and_the_board_starts(tree: Any, make_user: Any) -> None:
    actor = make_user("executive_secretary", tree.makat)
    election = svc.election_create(actor=actor, values=values(tree.makat))
    assert election.phase == Phase.DRAFT
    assert (election.min_choices, election.max_choices, election.threshold) == (1, 1, 1)
    assert election.min_unit_voters == 20
    entry = BoardEntry.objects.get(election=election)
    assert (entry.seq, entry.type) == (0, "created")
    assert json.loads(entry.payload)["election"] == str(election.uuid)
    assert AuditEvent.objects.filter(verb="elections.election_created", target_id=str(election.pk)).exists()


def test_an_election_in_another_district_is_refused(tree: Any, make_user: Any) -> None:
    actor = make_user("executive_secretary", tree.makat)
    with pytest.raises(ValidationError) as exc:
        svc.election_create(actor=actor, values=values(tree.inder))
    assert "unit" in exc.value.message_dict
    assert not Election.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title_kk": ""}, "title_kk"),
        ({"method": Method.SINGLE, "max_choices": 2}, "max_choices"),
        ({"method": Method.APPROVAL, "seats": 3, "min_choices": 3, "max_choices": 2}, "max_choices"),
        ({"threshold": 0}, "threshold"),
        ({"voting_closes_at": timezone.now()}, "voting_closes_at"),
        ({"joined_before": None}, "joined_before"),
    ],
)
def test_bad_rules_are_refused_field_by_field(tree: Any, make_user: Any, change: dict, field: str) -> None:
    actor = make_user("executive_secretary", tree.makat)
    with pytest.raises(ValidationError) as exc:
        svc.election_create(actor=actor, values=values(tree.makat, **change))
    assert field in exc.value.message_dict
    assert not Election.objects.exists()


def test_approval_takes_up_to_the_number_of_seats_by_default(tree: Any, make_user: Any) -> None:
    actor = make_user("executive_secretary", tree.makat)
    election = svc.election_create(actor=actor, values=values(tree.makat, method=Method.APPROVAL, seats=3))
    assert (election.min_choices, election.max_choices) == (1, 3)


def test_rules_change_in_draft_and_the_change_is_audited(tree: Any) -> None:
    election = make_election(tree.makat)
    svc.election_update(actor=system_user(), election=election, values={"title_ru": "Новое"})
    election.refresh_from_db()
    assert election.title_ru == "Новое"
    event = AuditEvent.objects.get(verb="elections.election_updated")
    assert event.changes["title_ru"][1] == "Новое"


def test_unit_and_cut_off_are_refused_once_the_census_is_frozen(tree: Any) -> None:
    election = make_election(tree.makat)
    to_nominations(election)
    to_preparation(election)
    with pytest.raises(ValidationError) as exc:
        svc.election_update(actor=system_user(), election=election, values={"joined_before": dt.date(2026, 6, 1)})
    assert exc.value.code == "phase"
    election.refresh_from_db()
    assert election.joined_before == dt.date(2026, 1, 1)
    # the texts may still change before the freeze
    svc.election_update(actor=system_user(), election=election, values={"title_en": "Primary"})


def test_every_rule_is_refused_after_the_freeze(tree: Any) -> None:
    election = make_election(tree.makat)
    Election.objects.filter(pk=election.pk).update(phase=Phase.FROZEN)
    for change in ({"title_ru": "x"}, {"max_choices": 1}, {"voting_closes_at": election.voting_closes_at}):
        with pytest.raises(ValidationError) as exc:
            svc.election_update(actor=system_user(), election=election, values=change)
        assert exc.value.code == "phase"
    with pytest.raises(ValidationError):
        seat(election, make_user())
    with pytest.raises(ValidationError):
        name_trustees(election, 1)
    assert not election.commission.exists() and not election.trustees.exists()


def test_a_user_who_does_not_run_the_election_cannot_change_it(tree: Any, make_user: Any) -> None:
    election = make_election(tree.makat)
    outsider = make_user("executive_secretary", tree.inder)
    with pytest.raises(PermissionDenied):
        svc.election_update(actor=outsider, election=election, values={"title_ru": "x"})
    with pytest.raises(PermissionDenied):
        svc.open_nominations(actor=outsider, election=election)


def test_a_commission_member_runs_the_election_an_observer_does_not(tree: Any) -> None:
    election = make_election(tree.makat)
    member, observer = make_user(), make_user()
    seat(election, member, CommissionRole.MEMBER)
    seat(election, observer, CommissionRole.OBSERVER)
    svc.open_nominations(actor=member, election=election)
    with pytest.raises(PermissionDenied):
        svc.close_nominations(actor=observer, election=election)


def test_the_commission_has_one_secretary(tree: Any) -> None:
    election = make_election(tree.makat)
    seat(election, make_user(), CommissionRole.SECRETARY)
    with pytest.raises(ValidationError) as exc:
        seat(election, make_user(), CommissionRole.SECRETARY)
    assert "role" in exc.value.message_dict
    assert election.commission.count() == 1


def test_trustees_are_numbered_and_renumbered(tree: Any) -> None:
    election = make_election(tree.makat)
    trustees = name_trustees(election, 3)
    assert [t.index for t in trustees] == [1, 2, 3]
    svc.trustee_remove(actor=system_user(), trustee=trustees[0])
    assert list(election.trustees.values_list("index", "name")) == [(1, "Trustee 2"), (2, "Trustee 3")]


def test_same_user_cannot_be_trustee_twice(tree: Any) -> None:
    election = make_election(tree.makat)
    user = make_user()
    svc.trustee_add(actor=system_user(), election=election, user=user, name="A")
    with pytest.raises(ValidationError) as exc:
        svc.trustee_add(actor=system_user(), election=election, user=user, name="B")
    assert "user" in exc.value.message_dict


def test_phase_guards(tree: Any) -> None:
    election = make_election(tree.makat)
    actor = system_user()
    with pytest.raises(ValidationError) as exc:
        svc.close_nominations(actor=actor, election=election)
    assert exc.value.code == "phase"
    with pytest.raises(ValidationError) as exc:
        svc.freeze(actor=actor, election=election)
    assert exc.value.code == "phase"
    svc.open_nominations(actor=actor, election=election)
    with pytest.raises(ValidationError) as exc:
        svc.open_nominations(actor=actor, election=election)
    assert exc.value.code == "phase"
    svc.close_nominations(actor=actor, election=election)
    assert Election.objects.get(pk=election.pk).phase == Phase.PREPARATION


def test_a_poll_goes_from_draft_to_preparation(tree: Any) -> None:
    election = make_election(tree.makat, kind=ElectionKind.POLL)
    with pytest.raises(ValidationError):
        svc.open_nominations(actor=system_user(), election=election)
    svc.close_nominations(actor=system_user(), election=election)
    assert Election.objects.get(pk=election.pk).phase == Phase.PREPARATION


def test_freeze_says_what_is_missing_and_changes_nothing(tree: Any) -> None:
    election = make_election(tree.makat)
    make_member(tree.makat)
    to_nominations(election)
    to_preparation(election)
    before = BoardEntry.objects.filter(election=election).count()
    with pytest.raises(ValidationError) as exc:
        svc.freeze(actor=system_user(), election=election)
    text = " ".join(exc.value.messages)
    assert "credentials" in text and "key ceremony" in text and "two" in text
    assert BoardEntry.objects.filter(election=election).count() == before
    assert Election.objects.get(pk=election.pk).phase == Phase.PREPARATION


def test_cancel_before_voting_but_not_after(tree: Any) -> None:
    election = make_election(tree.makat)
    with pytest.raises(ValidationError) as exc:
        svc.cancel(actor=system_user(), election=election, reason="")
    assert "reason" in exc.value.message_dict
    svc.cancel(actor=system_user(), election=election, reason="Шешім өзгерді")
    assert Election.objects.get(pk=election.pk).phase == Phase.CANCELLED
    other = make_election(tree.makat)
    Election.objects.filter(pk=other.pk).update(phase=Phase.VOTING)
    with pytest.raises(ValidationError) as exc:
        svc.cancel(actor=system_user(), election=other, reason="x")
    assert exc.value.code == "phase"


def test_open_voting_waits_for_its_time(tree: Any) -> None:
    election = make_election(tree.makat)
    Election.objects.filter(pk=election.pk).update(phase=Phase.FROZEN)
    assert svc.open_voting(election) is None
    Election.objects.filter(pk=election.pk).update(voting_opens_at=timezone.now() - dt.timedelta(minutes=1))
    assert svc.open_voting(election) is not None
    assert Election.objects.get(pk=election.pk).phase == Phase.VOTING
    assert BoardEntry.objects.filter(election=election, type="open").count() == 1
    assert svc.open_voting(election) is None  # twice is harmless
    assert BoardEntry.objects.filter(election=election, type="open").count() == 1
