"""Nominations: a member proposes themselves, a primary organisation's secretary proposes one of
its members, or the commission enters a candidate; the candidate accepts or declines; the
commission registers or refuses with a reason; a candidate may withdraw. Poll answers are added by
the commission. Every step goes on the board with public fields only, and the candidate is told.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amanat.accounts.models import RoleGrant
from amanat.audit import services as audit
from amanat.core.uploads import check_upload
from amanat.elections.choices import CandidateStatus, ElectionKind, NominatedBy, Phase
from amanat.elections.models import Candidate, CandidateDocument, Election
from amanat.elections.services import board
from amanat.elections.services.census import eligible_members
from amanat.elections.services.elections import locked, need_phase, need_runs, not_frozen, option_name, runs
from amanat.org.models import Member

NOTIFY_KIND = "elections.nomination"
PROFILE_FIELDS = tuple(f"{f}_{lang}" for f in ("biography", "programme") for lang in ("kk", "ru", "en"))
LABEL_FIELDS = ("label_kk", "label_ru", "label_en")
DOCUMENT_LIMIT = getattr(settings, "UPLOAD_MAX_BYTES", 10 * 2**20)
OPEN = (CandidateStatus.PROPOSED, CandidateStatus.ACCEPTED, CandidateStatus.VALIDATED)


def _post(election: Election, candidate: Candidate, event: str) -> None:
    """The board's `nomination` entry: public fields only (no documents, no reason text of
    a member's private matters beyond what the commission publishes)."""
    payload: dict[str, Any] = {
        "candidate": candidate.pk,
        "event": event,
        "status": candidate.status,
        "nominated_by": candidate.nominated_by,
        "name": option_name(candidate),
    }
    if candidate.nominating_unit_id:
        payload["nominating_unit"] = str(candidate.nominating_unit_id)
    if event == "rejected" and candidate.reason:
        payload["reason"] = candidate.reason
    board.append(election, "nomination", payload)


def _audit(actor: Any, verb: str, candidate: Candidate, **data: Any) -> None:
    audit.record(
        actor=actor,
        verb=verb,
        target=candidate,
        org_unit=candidate.election.unit,
        data={"election": candidate.election_id, "status": candidate.status, **data},
    )


def _tell(candidate: Candidate, title: Any, body: Any = "", **context: Any) -> None:
    from django.urls import reverse

    from amanat.notifications.services import notify

    user = getattr(candidate.member.person, "user", None) if candidate.member_id else None
    if user is None:
        return
    notify(
        recipients=[user],
        kind=NOTIFY_KIND,
        title=title,
        body=body,
        url=reverse("elections:my"),
        target=candidate,
        context={"election": lambda: str(candidate.election.title), **context},
    )


def _check_member(election: Election, member: Member | None, field: str = "member") -> Member:
    if member is None:
        raise ValidationError({field: [_("Choose a member.")]})
    if not eligible_members(election).filter(pk=member.pk).exists():
        raise ValidationError(
            {field: [_("Only an active member of the election's units who joined before the cut-off may stand.")]}
        )
    if Candidate.objects.filter(election=election, member=member, status__in=OPEN).exists():
        raise ValidationError({field: [_("This member is already nominated in this election.")]})
    return member


Checked = list[tuple[str, UploadedFile, str]]  # title, file, content type found by check_upload


def _documents(candidate: Candidate, documents: Checked, actor: Any) -> None:
    for title, upload, content_type in documents:
        CandidateDocument.objects.create(
            candidate=candidate,
            title=(title or upload.name or "")[:300],
            file=upload,
            file_name=(upload.name or "")[:255],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor,
        )


def _check_documents(documents: Iterable[tuple[str, UploadedFile]]) -> Checked:
    """Every file checked once, by content and size, before anything is stored."""
    checked: Checked = []
    errors = []
    for title, upload in documents:
        try:
            checked.append((title, upload, check_upload(upload, limit=DOCUMENT_LIMIT)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"documents": errors})
    return checked


def _candidate_election(election: Election) -> Election:
    election = locked(election)
    need_phase(election, Phase.NOMINATIONS)
    if election.kind == ElectionKind.POLL:
        raise ValidationError(_("A poll has answers, not candidates."))
    return election


def _new(election: Election, member: Member, by: str, actor: Any, status: str, **extra: Any) -> Candidate:
    position = election.candidates.count()
    return Candidate.objects.create(
        election=election,
        member=member,
        nominated_by=by,
        status=status,
        proposed_by=actor,
        position=position,
        **extra,
    )


@transaction.atomic
def nominate_self(
    *,
    actor: Any,
    election: Election,
    values: Mapping[str, Any] | None = None,
    documents: Iterable[tuple[str, UploadedFile]] = (),
) -> Candidate:
    """A member in good standing of the election's units stands; standing is their consent."""
    election = _candidate_election(election)
    member = Member.objects.filter(person_id=getattr(actor, "person_id", None)).first()
    if member is None:
        raise ValidationError(_("Your account is not linked to a party member."))
    _check_member(election, member, field="__all__")
    documents = _check_documents(documents)
    profile = {k: (v or "") for k, v in (values or {}).items() if k in PROFILE_FIELDS}
    candidate = _new(election, member, NominatedBy.SELF, actor, CandidateStatus.ACCEPTED, **profile)
    _documents(candidate, documents, actor)
    _post(election, candidate, "proposed")
    _audit(actor, "elections.candidate_proposed", candidate, by=NominatedBy.SELF)
    return candidate


def is_primary_secretary(user: Any, member: Member) -> bool:
    return (
        RoleGrant.objects.active()
        .filter(user=user, role__code="primary_secretary", org_unit_id=member.org_unit_id)
        .exists()
    )


@transaction.atomic
def nominate_by_primary(
    *, actor: Any, election: Election, member: Member | None, documents: Iterable[tuple[str, UploadedFile]] = ()
) -> Candidate:
    """A primary organisation's secretary proposes one of its members; the member must accept."""
    election = _candidate_election(election)
    if member is None:
        raise ValidationError({"member": [_("Choose a member.")]})
    if not is_primary_secretary(actor, member):
        raise ValidationError({"member": [_("You may only nominate members of your own primary organisation.")]})
    _check_member(election, member)
    documents = _check_documents(documents)
    candidate = _new(
        election, member, NominatedBy.PRIMARY, actor, CandidateStatus.PROPOSED, nominating_unit_id=member.org_unit_id
    )
    _documents(candidate, documents, actor)
    _post(election, candidate, "proposed")
    _audit(actor, "elections.candidate_proposed", candidate, by=NominatedBy.PRIMARY)
    _tell(
        candidate,
        gettext_lazy("You are nominated in “{election}”"),
        gettext_lazy("Your primary organisation has nominated you. Accept or decline on your elections page."),
    )
    return candidate


@transaction.atomic
def nominate_by_commission(*, actor: Any, election: Election, member: Member | None) -> Candidate:
    """The commission enters a candidate; the member must accept."""
    election = _candidate_election(election)
    need_runs(actor, election)
    _check_member(election, member)
    candidate = _new(election, member, NominatedBy.COMMISSION, actor, CandidateStatus.PROPOSED)
    _post(election, candidate, "proposed")
    _audit(actor, "elections.candidate_proposed", candidate, by=NominatedBy.COMMISSION)
    _tell(
        candidate,
        gettext_lazy("You are nominated in “{election}”"),
        gettext_lazy(
            "The election commission has entered you as a candidate. Accept or decline on your elections page."
        ),
    )
    return candidate


def is_candidate(user: Any, candidate: Candidate) -> bool:
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and candidate.member_id is not None and candidate.member.person_id == person_id


def _locked_candidate(candidate: Candidate) -> tuple[Election, Candidate]:
    election = locked(candidate.election)
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("member__person").get(pk=candidate.pk)
    candidate.election = election
    return election, candidate


@transaction.atomic
def candidate_respond(*, actor: Any, candidate: Candidate, accept: bool) -> Candidate:
    """The nominated member accepts or declines."""
    election, candidate = _locked_candidate(candidate)
    if not is_candidate(actor, candidate):
        raise PermissionDenied
    need_phase(election, Phase.NOMINATIONS)
    if candidate.status != CandidateStatus.PROPOSED:
        raise ValidationError(_("This nomination is no longer waiting for your answer."), code="phase")
    candidate.status = CandidateStatus.ACCEPTED if accept else CandidateStatus.DECLINED
    candidate.save(update_fields=["status", "updated_at"])
    _post(election, candidate, "accepted" if accept else "declined")
    _audit(actor, "elections.candidate_decided", candidate)
    return candidate


@transaction.atomic
def candidate_decide(*, actor: Any, candidate: Candidate, validate: bool, reason: str = "") -> Candidate:
    """The commission registers an accepted candidate, or refuses them with a reason."""
    election, candidate = _locked_candidate(candidate)
    need_runs(actor, election)
    need_phase(election, Phase.NOMINATIONS, Phase.PREPARATION)
    reason = (reason or "").strip()
    if candidate.status != CandidateStatus.ACCEPTED:
        raise ValidationError(_("Only a nomination the candidate has accepted can be decided."), code="phase")
    if not validate and not reason:
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    candidate.status = CandidateStatus.VALIDATED if validate else CandidateStatus.REJECTED
    candidate.reason = reason[:500]
    candidate.save(update_fields=["status", "reason", "updated_at"])
    _post(election, candidate, "validated" if validate else "rejected")
    _audit(actor, "elections.candidate_decided", candidate, reason=candidate.reason)
    if validate:
        _tell(candidate, gettext_lazy("You are registered as a candidate in “{election}”"))
    else:
        _tell(
            candidate,
            gettext_lazy("Your nomination in “{election}” was refused"),
            gettext_lazy("Reason: {reason}"),
            reason=candidate.reason,
        )
    return candidate


@transaction.atomic
def candidate_withdraw(*, actor: Any, candidate: Candidate, reason: str = "") -> Candidate:
    """The candidate (or the commission) withdraws a nomination before the freeze."""
    election, candidate = _locked_candidate(candidate)
    if not (is_candidate(actor, candidate) or runs(actor, election)):
        raise PermissionDenied
    not_frozen(election)
    if candidate.status not in OPEN:
        raise ValidationError(_("This nomination is already closed."), code="phase")
    candidate.status = CandidateStatus.WITHDRAWN
    candidate.reason = (reason or "").strip()[:500]
    candidate.save(update_fields=["status", "reason", "updated_at"])
    _post(election, candidate, "withdrawn")
    _audit(actor, "elections.candidate_decided", candidate, reason=candidate.reason)
    if not is_candidate(actor, candidate):
        _tell(candidate, gettext_lazy("Your nomination in “{election}” was withdrawn"))
    return candidate


@transaction.atomic
def candidate_profile_update(*, actor: Any, candidate: Candidate, values: Mapping[str, Any]) -> Candidate:
    """The candidate edits their biography and programme (kk/ru/en) until the freeze."""
    election, candidate = _locked_candidate(candidate)
    if not (is_candidate(actor, candidate) or runs(actor, election)):
        raise PermissionDenied
    not_frozen(election)
    values = {k: (v or "").strip() for k, v in values.items() if k in PROFILE_FIELDS}
    changed = [k for k, v in values.items() if getattr(candidate, k) != v]
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.save()
    if changed:
        _audit(actor, "elections.candidate_profile_changed", candidate, fields=changed)
    return candidate


STANDARD_ANSWERS = [
    (gettext_lazy("Yes"), "Иә", "Да", "Yes"),
    (gettext_lazy("No"), "Жоқ", "Нет", "No"),
    (gettext_lazy("Abstain"), "Қалыс қаламын", "Воздерживаюсь", "Abstain"),
]


@transaction.atomic
def poll_answer_add(*, actor: Any, election: Election, values: Mapping[str, Any]) -> Candidate:
    """The commission adds an answer to a poll (registered at once); refused after the freeze."""
    election = locked(election)
    need_runs(actor, election)
    if election.kind != ElectionKind.POLL:
        raise ValidationError(_("Only a poll has answers: this election has candidates."))
    not_frozen(election)
    labels = {k: (values.get(k) or "").strip() for k in LABEL_FIELDS}
    errors = {}
    if not labels["label_kk"]:
        errors["label_kk"] = [_("Give the answer in Kazakh.")]
    if not labels["label_ru"]:
        errors["label_ru"] = [_("Give the answer in Russian.")]
    if errors:
        raise ValidationError(errors)
    candidate = Candidate.objects.create(
        election=election,
        nominated_by=NominatedBy.COMMISSION,
        status=CandidateStatus.VALIDATED,
        proposed_by=actor,
        position=election.candidates.count(),
        **labels,
    )
    _post(election, candidate, "validated")
    _audit(actor, "elections.candidate_proposed", candidate, answer=True)
    return candidate


def poll_answers_standard(*, actor: Any, election: Election) -> list[Candidate]:
    """Yes / No / Abstain."""
    return [
        poll_answer_add(actor=actor, election=election, values={"label_kk": kk, "label_ru": ru, "label_en": en})
        for _label, kk, ru, en in STANDARD_ANSWERS
    ]
