"""Nominations: who may propose whom, the candidate's answer, the commission's decision, the
board entries (public fields only) and the notifications."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from amanat.accounts.models import RoleGrant
from amanat.elections.choices import CandidateStatus, ElectionKind, NominatedBy, Phase
from amanat.elections.models import BoardEntry, Candidate, CandidateDocument, Election
from amanat.elections.services import nominations as nom
from amanat.elections.tests.factories import (
    add_candidate,
    make_election,
    make_member,
    system_user,
    to_nominations,
    to_preparation,
    user_of,
)
from amanat.notifications.models import Notification
from amanat.org.choices import MemberStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def nominations_open(tree: Any, **kw: Any) -> Election:
    election = make_election(tree.makat, **kw)
    to_nominations(election)
    return election


def nomination_entries(election: Election) -> list[dict]:
    return [
        json.loads(p)
        for p in BoardEntry.objects.filter(election=election, type="nomination").values_list("payload", flat=True)
    ]


def test_a_member_in_good_standing_stands_with_documents(tree: Any) -> None:
    election = nominations_open(tree)
    member = make_member(tree.makat_p1)
    doc = SimpleUploadedFile("application.pdf", PDF, content_type="application/pdf")
    candidate = nom.nominate_self(
        actor=user_of(member),
        election=election,
        values={"biography_kk": "Өмірбаян", "programme_ru": "Программа"},
        documents=[("Өтініш", doc)],
    )
    assert (candidate.status, candidate.nominated_by) == (CandidateStatus.ACCEPTED, NominatedBy.SELF)
    assert candidate.biography_kk == "Өмірбаян"
    assert CandidateDocument.objects.get(candidate=candidate).content_type == "application/pdf"
    entry = nomination_entries(election)[0]
    assert entry == {
        "candidate": candidate.pk,
        "event": "proposed",
        "status": "accepted",
        "nominated_by": "self",
        "name": {"kk": member.person.full_name, "ru": member.person.full_name, "en": member.person.full_name},
    }
    assert "phone" not in json.dumps(entry) and member.person.phone not in json.dumps(entry)


def test_a_bad_document_refuses_the_whole_nomination(tree: Any) -> None:
    election = nominations_open(tree)
    member = make_member(tree.makat_p1)
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        nom.nominate_self(actor=user_of(member), election=election, documents=[("x", bad)])
    assert "documents" in exc.value.message_dict
    assert not Candidate.objects.exists()
    assert not nomination_entries(election)


@pytest.mark.parametrize(
    "kind",
    ["suspended", "late", "other_district"],
)
def test_who_may_not_stand(tree: Any, kind: str) -> None:
    election = nominations_open(tree)
    member = {
        "suspended": lambda: make_member(tree.makat_p1, status=MemberStatus.SUSPENDED),
        "late": lambda: make_member(tree.makat_p1, joined_on=dt.date(2026, 2, 1)),
        "other_district": lambda: make_member(tree.inder_p1),
    }[kind]()
    with pytest.raises(ValidationError):
        nom.nominate_self(actor=user_of(member), election=election)
    assert not Candidate.objects.exists()


def test_one_open_nomination_per_member(tree: Any) -> None:
    election = nominations_open(tree)
    member = make_member(tree.makat_p1)
    nom.nominate_self(actor=user_of(member), election=election)
    with pytest.raises(ValidationError):
        nom.nominate_self(actor=user_of(member), election=election)
    assert Candidate.objects.count() == 1


def test_nominations_only_while_open(tree: Any) -> None:
    election = make_election(tree.makat)
    member = make_member(tree.makat_p1)
    with pytest.raises(ValidationError) as exc:
        nom.nominate_self(actor=user_of(member), election=election)
    assert exc.value.code == "phase"


def test_primary_secretary_nominates_a_member_of_their_primary_who_accepts(tree: Any, make_user: Any) -> None:
    election = nominations_open(tree)
    secretary = make_user("primary_secretary", tree.makat_p1)
    member = make_member(tree.makat_p1)
    candidate = nom.nominate_by_primary(actor=secretary, election=election, member=member)
    assert (candidate.status, candidate.nominating_unit_id) == (CandidateStatus.PROPOSED, tree.makat_p1.pk)
    note = Notification.objects.get(user=user_of(member))
    assert any(t in note.title for t in (election.title_kk, election.title_ru, election.title_en))
    candidate = nom.candidate_respond(actor=user_of(member), candidate=candidate, accept=True)
    assert candidate.status == CandidateStatus.ACCEPTED
    assert [e["event"] for e in nomination_entries(election)] == ["proposed", "accepted"]


def test_primary_secretary_cannot_nominate_a_member_of_another_primary(tree: Any, make_user: Any) -> None:
    election = make_election(tree.regional)
    to_nominations(election)
    secretary = make_user("primary_secretary", tree.makat_p1)
    member = make_member(tree.inder_p1)
    with pytest.raises(ValidationError) as exc:
        nom.nominate_by_primary(actor=secretary, election=election, member=member)
    assert "member" in exc.value.message_dict
    RoleGrant.objects.filter(user=secretary).delete()


def test_only_the_candidate_answers_and_only_once(tree: Any) -> None:
    election = nominations_open(tree)
    member = make_member(tree.makat)
    candidate = nom.nominate_by_commission(actor=system_user(), election=election, member=member)
    with pytest.raises(PermissionDenied):
        nom.candidate_respond(actor=user_of(make_member(tree.makat)), candidate=candidate, accept=True)
    nom.candidate_respond(actor=user_of(member), candidate=candidate, accept=False)
    with pytest.raises(ValidationError):
        nom.candidate_respond(actor=user_of(member), candidate=candidate, accept=True)
    assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.DECLINED


def test_commission_registers_or_refuses_with_a_reason(tree: Any) -> None:
    election = nominations_open(tree)
    ok = add_candidate(election)
    assert ok.status == CandidateStatus.VALIDATED
    other = add_candidate(election, validate=False)
    with pytest.raises(ValidationError) as exc:
        nom.candidate_decide(actor=system_user(), candidate=other, validate=False, reason=" ")
    assert "reason" in exc.value.message_dict
    nom.candidate_decide(actor=system_user(), candidate=other, validate=False, reason="Құжаттар толық емес")
    other.refresh_from_db()
    assert (other.status, other.reason) == (CandidateStatus.REJECTED, "Құжаттар толық емес")
    assert nomination_entries(election)[-1]["reason"] == "Құжаттар толық емес"
    assert Notification.objects.filter(user=user_of(other.member), title__contains="refused").exists()


def test_a_proposed_candidate_cannot_be_registered_before_accepting(tree: Any) -> None:
    election = nominations_open(tree)
    candidate = nom.nominate_by_commission(actor=system_user(), election=election, member=make_member(tree.makat))
    with pytest.raises(ValidationError):
        nom.candidate_decide(actor=system_user(), candidate=candidate, validate=True)


def test_outsider_cannot_decide(tree: Any, make_user: Any) -> None:
    election = nominations_open(tree)
    candidate = add_candidate(election, validate=False)
    with pytest.raises(PermissionDenied):
        nom.candidate_decide(actor=make_user("executive_secretary", tree.inder), candidate=candidate, validate=True)


def test_withdrawal_and_profile_until_the_freeze(tree: Any) -> None:
    election = nominations_open(tree)
    candidate = add_candidate(election)
    me = user_of(candidate.member)
    nom.candidate_profile_update(actor=me, candidate=candidate, values={"programme_en": "Roads", "phone": "x"})
    assert Candidate.objects.get(pk=candidate.pk).programme_en == "Roads"
    Election.objects.filter(pk=election.pk).update(phase=Phase.FROZEN)
    with pytest.raises(ValidationError) as exc:
        nom.candidate_profile_update(actor=me, candidate=candidate, values={"programme_en": "More roads"})
    assert exc.value.code == "phase"
    with pytest.raises(ValidationError):
        nom.candidate_withdraw(actor=me, candidate=candidate)
    Election.objects.filter(pk=election.pk).update(phase=Phase.PREPARATION)
    nom.candidate_withdraw(actor=me, candidate=candidate)
    assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.WITHDRAWN
    assert Candidate.objects.get(pk=candidate.pk).programme_en == "Roads"


def test_a_withdrawn_member_may_be_nominated_again(tree: Any) -> None:
    election = nominations_open(tree)
    candidate = add_candidate(election)
    nom.candidate_withdraw(actor=system_user(), candidate=candidate)
    again = nom.nominate_by_commission(actor=system_user(), election=election, member=candidate.member)
    assert again.status == CandidateStatus.PROPOSED


def test_poll_answers_by_the_commission(tree: Any) -> None:
    election = make_election(tree.makat, kind=ElectionKind.POLL)
    answers = nom.poll_answers_standard(actor=system_user(), election=election)
    assert [a.label_ru for a in answers] == ["Да", "Нет", "Воздерживаюсь"]
    assert all(a.status == CandidateStatus.VALIDATED for a in answers)
    with pytest.raises(ValidationError) as exc:
        nom.poll_answer_add(actor=system_user(), election=election, values={"label_kk": "Иә"})
    assert "label_ru" in exc.value.message_dict
    Election.objects.filter(pk=election.pk).update(phase=Phase.FROZEN)
    with pytest.raises(ValidationError):
        nom.poll_answer_add(actor=system_user(), election=election, values={"label_kk": "A", "label_ru": "B"})
    assert election.candidates.count() == 3


def test_a_candidate_nominated_before_the_census_is_in_it(tree: Any) -> None:
    election = nominations_open(tree)
    candidate = add_candidate(election)
    to_preparation(election)
    assert election.census.filter(member=candidate.member).exists()
