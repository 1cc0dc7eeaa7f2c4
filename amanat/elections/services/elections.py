"""Writes of an election's rules, commission, trustees and phases.

Every write checks the phase first (as Helios guards its admin views with "frozen or not"): the
rules stop changing at the freeze, the electorate (unit, cut-off) at the census. A refusal of the
phase is a ValidationError with code "phase" (the API answers 409); nothing is changed then.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.elections.choices import CandidateStatus, CommissionRole, ElectionKind, Method, Phase
from amanat.elections.models import Candidate, CommissionMember, Election, Trustee
from amanat.elections.permissions import ElectionAction
from amanat.elections.services import board
from votecrypto.encoding import cjson

PHASES = [
    Phase.DRAFT,
    Phase.NOMINATIONS,
    Phase.PREPARATION,
    Phase.FROZEN,
    Phase.VOTING,
    Phase.CLOSED,
    Phase.TALLIED,
    Phase.PUBLISHED,
]
TEXT_FIELDS = (*("title_kk", "title_ru", "title_en", "description_kk", "description_ru", "description_en"),)
RULE_FIELDS = (
    *("kind", "method", "seats", "min_choices", "max_choices", "min_unit_voters", "threshold"),
    *("nominations_open_at", "nominations_close_at", "voting_opens_at", "voting_closes_at"),
)
ELECTORATE_FIELDS = ("unit", "joined_before")
ELECTION_FIELDS = (*TEXT_FIELDS, *RULE_FIELDS, *ELECTORATE_FIELDS)
# Who runs the election besides staff holding elections.manage on its unit.
RUNNING_ROLES = (CommissionRole.CHAIR, CommissionRole.SECRETARY, CommissionRole.MEMBER)


def phase_at_least(election: Election, phase: str) -> bool:
    if election.phase == Phase.CANCELLED:
        return True
    return PHASES.index(Phase(election.phase)) >= PHASES.index(Phase(phase))


def phase_error(message: str) -> ValidationError:
    return ValidationError(message, code="phase")


def need_phase(election: Election, *phases: str) -> None:
    """Refuse (code "phase") unless the election is in one of phases."""
    if election.phase not in phases:
        raise phase_error(
            _("This cannot be done while the election is in the phase “%(phase)s”.")
            % {"phase": election.get_phase_display()}
        )


def not_frozen(election: Election) -> None:
    if phase_at_least(election, Phase.FROZEN):
        raise phase_error(_("The election's rules are frozen: nothing about them can change any more."))


def runs(actor: Any, election: Election) -> bool:
    """Whether actor may administer the election: staff with elections.manage on its unit, or a
    running member of its commission (observers watch, they do not act)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if has_action(actor, ElectionAction.MANAGE, election.unit):
        return True
    return CommissionMember.objects.filter(election=election, user=actor, role__in=RUNNING_ROLES).exists()


def need_runs(actor: Any, election: Election) -> None:
    if not runs(actor, election):
        raise PermissionDenied


def locked(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("unit").get(pk=election.pk)


def _changes(obj: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before if before is not None else ""), str(value if value is not None else "")]
    return changes


def _election_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (values.get("title_kk") or "").strip():
        add("title_kk", _("Give the title in Kazakh."))
    if not (values.get("title_ru") or "").strip():
        add("title_ru", _("Give the title in Russian."))
    if values.get("kind") not in ElectionKind.values:
        add("kind", _("Choose the kind of election."))
    if values.get("unit") is None:
        add("unit", _("Choose the organising unit."))
    if values.get("joined_before") is None:
        add("joined_before", _("Give the cut-off date: members who joined before it vote."))
    method = values.get("method")
    if method not in Method.values:
        add("method", _("Choose how members vote."))
    seats = values.get("seats") or 0
    low, high = values.get("min_choices"), values.get("max_choices")
    if seats < 1:
        add("seats", _("There must be at least one seat."))
    if method == Method.SINGLE and (low, high) != (1, 1):
        add("max_choices", _("With one choice, a ballot has exactly one mark."))
    if method == Method.APPROVAL and (low is None or high is None or low < 1 or high < low):
        add("max_choices", _("The most choices must be at least the fewest, and the fewest at least 1."))
    threshold = values.get("threshold")
    if threshold is None or threshold < 1:
        add("threshold", _("At least one trustee must be needed to decrypt."))
    if (values.get("min_unit_voters") or 0) < 1:
        add("min_unit_voters", _("The fewest voters for a unit's own result must be at least 1."))
    opens, closes = values.get("voting_opens_at"), values.get("voting_closes_at")
    if opens is None:
        add("voting_opens_at", _("Give the time voting opens."))
    if closes is None:
        add("voting_closes_at", _("Give the time voting closes."))
    if opens and closes and closes <= opens:
        add("voting_closes_at", _("Voting must close after it opens."))
    n_open, n_close = values.get("nominations_open_at"), values.get("nominations_close_at")
    if n_open and n_close and n_close <= n_open:
        add("nominations_close_at", _("Nominations must close after they open."))
    if n_close and opens and n_close > opens:
        add("nominations_close_at", _("Nominations must close before voting opens."))
    return errors


def _defaults(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {name: values[name] for name in ELECTION_FIELDS if name in values}
    for name in ("method", "seats", "min_choices", "max_choices", "threshold", "min_unit_voters"):
        if out.get(name) in (None, ""):
            out.pop(name, None)  # left blank on a form: the default applies
    out.setdefault("method", Method.SINGLE)
    out.setdefault("seats", 1)
    if out["method"] == Method.SINGLE:
        out.setdefault("min_choices", 1)
        out.setdefault("max_choices", 1)
    else:
        out.setdefault("min_choices", 1)
        out.setdefault("max_choices", out["seats"])
    out.setdefault("threshold", 1)
    if out.get("min_unit_voters") is None:
        out["min_unit_voters"] = settings.ELECTIONS_MIN_UNIT_VOTERS
    for name in TEXT_FIELDS:
        if out.get(name) is None:
            out[name] = ""
    return out


@transaction.atomic
def election_create(*, actor: Any, values: Mapping[str, Any]) -> Election:
    """Draft an election of a unit the actor runs elections in; the board starts with `created`."""
    values = _defaults(values)
    unit = values.get("unit")
    if unit is not None and not has_action(actor, ElectionAction.MANAGE, unit):
        raise ValidationError({"unit": [_("You do not run elections in this unit.")]})
    if errors := _election_errors(values):
        raise ValidationError(errors)
    election = Election.objects.create(**values, created_by=actor if getattr(actor, "pk", None) else None)
    board.append(
        election,
        "created",
        {
            "election": str(election.uuid),
            "kind": election.kind,
            "unit": str(election.unit_id),
            "title": {"kk": election.title_kk, "ru": election.title_ru, "en": election.title_en},
        },
    )
    audit.record(
        actor=actor,
        verb="elections.election_created",
        target=election,
        org_unit=election.unit,
        data={"uuid": str(election.uuid), "kind": election.kind},
    )
    return election


@transaction.atomic
def election_update(*, actor: Any, election: Election, values: Mapping[str, Any]) -> Election:
    """Change an election's texts, rules or timetable: refused once frozen; the unit and the
    cut-off date are refused once the census is frozen."""
    election = locked(election)
    need_runs(actor, election)
    values = {name: values[name] for name in ELECTION_FIELDS if name in values}
    not_frozen(election)
    changes = _changes(election, values)
    if any(name in changes for name in ELECTORATE_FIELDS) and phase_at_least(election, Phase.PREPARATION):
        raise phase_error(_("The census is frozen: the unit and the cut-off date cannot change any more."))
    if "threshold" in changes and election.trustees.exclude(status="named").exists():
        raise phase_error(_("The key ceremony has begun: the number of trustees needed cannot change."))
    if "unit" in changes and not has_action(actor, ElectionAction.MANAGE, values["unit"]):
        raise ValidationError({"unit": [_("You do not run elections in this unit.")]})
    merged = {name: getattr(election, name) for name in ELECTION_FIELDS} | values
    if merged.get("method") == Method.SINGLE:
        merged.setdefault("min_choices", 1)
    if errors := _election_errors(merged):
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(election, name, value)
    election.save()
    if changes:
        audit.record(
            actor=actor, verb="elections.election_updated", target=election, org_unit=election.unit, changes=changes
        )
    return election


# --- commission and trustees ----------------------------------------------------------------


@transaction.atomic
def commission_set(*, actor: Any, election: Election, user: Any, role: str) -> CommissionMember:
    """Seat a user on the commission (or change their role); there is one secretary."""
    election = locked(election)
    need_runs(actor, election)
    not_frozen(election)
    if role not in CommissionRole.values:
        raise ValidationError({"role": [_("Choose a role on the commission.")]})
    if user is None:
        raise ValidationError({"user": [_("Choose a user.")]})
    other_secretary = election.commission.filter(role=CommissionRole.SECRETARY).exclude(user=user)
    if role == CommissionRole.SECRETARY and other_secretary.exists():
        raise ValidationError({"role": [_("The commission already has a secretary: remove them first.")]})
    if role == CommissionRole.SECRETARY and election.credentials.exists():
        raise phase_error(_("The credentials are published: the secretary cannot change."))
    seat, created = CommissionMember.objects.update_or_create(election=election, user=user, defaults={"role": role})
    audit.record(
        actor=actor,
        verb="elections.commission_changed",
        target=election,
        org_unit=election.unit,
        data={"user": user.pk, "role": role, "added": created},
    )
    return seat


@transaction.atomic
def commission_remove(*, actor: Any, seat: CommissionMember) -> None:
    election = locked(seat.election)
    need_runs(actor, election)
    not_frozen(election)
    if seat.role == CommissionRole.SECRETARY and election.credentials.exists():
        raise phase_error(_("The credentials are published: the secretary cannot change."))
    audit.record(
        actor=actor,
        verb="elections.commission_changed",
        target=election,
        org_unit=election.unit,
        data={"user": seat.user_id, "role": seat.role, "removed": True},
    )
    seat.delete()


def _ceremony_started(election: Election) -> bool:
    return election.trustees.exclude(status="named").exists() or bool(election.public_key)


@transaction.atomic
def trustee_add(*, actor: Any, election: Election, user: Any, name: str) -> Trustee:
    """Name a trustee; they get the next number. Refused once the key ceremony has begun."""
    election = locked(election)
    need_runs(actor, election)
    not_frozen(election)
    if _ceremony_started(election):
        raise phase_error(_("The key ceremony has begun: trustees cannot change."))
    errors: dict[str, list[str]] = {}
    if user is None:
        errors["user"] = [_("Choose a user.")]
    elif election.trustees.filter(user=user).exists():
        errors["user"] = [_("This user is already a trustee of the election.")]
    name = (name or "").strip() or (str(getattr(user, "full_name", "") or "") if user else "")
    if not name:
        errors["name"] = [_("Give the name to publish.")]
    if errors:
        raise ValidationError(errors)
    index = (election.trustees.order_by("-index").values_list("index", flat=True).first() or 0) + 1
    trustee = Trustee.objects.create(election=election, user=user, name=name[:200], index=index)
    audit.record(
        actor=actor,
        verb="elections.trustee_named",
        target=election,
        org_unit=election.unit,
        data={"index": index, "user": user.pk, "name": trustee.name},
    )
    return trustee


@transaction.atomic
def trustee_remove(*, actor: Any, trustee: Trustee) -> None:
    """Remove a trustee before the ceremony; the others are renumbered 1..n."""
    election = locked(trustee.election)
    need_runs(actor, election)
    not_frozen(election)
    if _ceremony_started(election):
        raise phase_error(_("The key ceremony has begun: trustees cannot change."))
    audit.record(
        actor=actor,
        verb="elections.trustee_named",
        target=election,
        org_unit=election.unit,
        data={"index": trustee.index, "user": trustee.user_id, "removed": True},
    )
    trustee.delete()
    # Renumber in two passes so the unique (election, index) never collides.
    rest = list(election.trustees.order_by("index"))
    for t in rest:
        Trustee.objects.filter(pk=t.pk).update(index=t.index + 1000)
    for number, t in enumerate(rest, start=1):
        Trustee.objects.filter(pk=t.pk).update(index=number)


# --- phases ---------------------------------------------------------------------------------


def _move(actor: Any, election: Election, to: str, **data: Any) -> Election:
    before = election.phase
    election.phase = to
    election.save(update_fields=["phase", "updated_at"])
    audit.record(
        actor=actor,
        verb="elections.phase_changed",
        target=election,
        org_unit=election.unit,
        changes={"phase": [before, to]},
        data=data,
    )
    return election


@transaction.atomic
def open_nominations(*, actor: Any, election: Election) -> Election:
    """draft → nominations: members may propose candidates."""
    election = locked(election)
    need_runs(actor, election)
    need_phase(election, Phase.DRAFT)
    if election.kind == ElectionKind.POLL:
        raise ValidationError(_("A poll has no nominations: add its answers and close the draft instead."))
    return _move(actor, election, Phase.NOMINATIONS)


@transaction.atomic
def close_nominations(*, actor: Any, election: Election) -> Election:
    """nominations (or a draft poll) → preparation: freezes the census (board `census`)."""
    from amanat.elections.services.census import census_freeze

    election = locked(election)
    need_runs(actor, election)
    need_phase(election, Phase.NOMINATIONS, Phase.DRAFT)
    if election.phase == Phase.DRAFT and election.kind != ElectionKind.POLL:
        raise phase_error(_("Open the nominations first."))
    census_freeze(election, actor=actor)
    election.refresh_from_db()
    return _move(actor, election, Phase.PREPARATION, census=election.census_count)


def ballot_options(election: Election) -> list[Candidate]:
    """What stands on the ballot, in order: validated candidates or the poll's answers."""
    return list(
        Candidate.objects.filter(election=election, status=CandidateStatus.VALIDATED)
        .select_related("member__person")
        .order_by("position", "pk")
    )


def option_name(candidate: Candidate) -> dict[str, str]:
    if candidate.member_id:
        name = candidate.member.person.full_name
        return {"kk": name, "ru": name, "en": name}
    return {"kk": candidate.label_kk, "ru": candidate.label_ru, "en": candidate.label_en or candidate.label_ru}


def _iso(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def build_manifest(election: Election, options: list[Candidate]) -> dict[str, Any]:
    """The manifest of protocol §2, from the election as it stands."""
    trustees = list(election.trustees.order_by("index"))
    return {
        "version": 1,
        "election": str(election.uuid),
        "title": {"kk": election.title_kk, "ru": election.title_ru, "en": election.title_en},
        "kind": election.kind,
        "unit": str(election.unit_id),
        "candidates": [{"id": c.pk, "name": option_name(c)} for c in options],
        "min_choices": election.min_choices,
        "max_choices": election.max_choices,
        "opens_at": _iso(election.voting_opens_at),
        "closes_at": _iso(election.voting_closes_at),
        "census": {"hash": election.census_hash, "count": election.census_count},
        "credentials": {"hash": election.credentials_hash, "count": election.credentials.count()},
        "trustees": [{"index": t.index, "name": t.name, "public": t.public} for t in trustees],
        "threshold": election.threshold,
        "public_key": election.public_key,
        "checkpoint_key": board.checkpoint_public_key(),
        "min_unit_voters": election.min_unit_voters,
    }


def freeze_problems(election: Election, options: list[Candidate]) -> list[str]:
    """What still stands between the election and its freeze (empty when it may be frozen)."""
    problems = []
    if not election.census_hash:
        problems.append(_("The census is not frozen."))
    if not election.credentials_hash:
        problems.append(_("The public credentials are not uploaded."))
    if not election.public_key:
        problems.append(_("The trustees' key ceremony is not finished."))
    if len(options) < 2:
        problems.append(_("At least two registered candidates or answers are needed."))
    if options and election.max_choices > len(options):
        problems.append(_("A ballot may not allow more choices than there are candidates."))
    if election.voting_closes_at <= timezone.now():
        problems.append(_("The voting period is already over: change the timetable."))
    if election.candidates.filter(status__in=[CandidateStatus.PROPOSED, CandidateStatus.ACCEPTED]).exists():
        problems.append(_("Some nominations are still undecided."))
    return problems


@transaction.atomic
def freeze(*, actor: Any, election: Election) -> Election:
    """preparation → frozen: the manifest (rules, candidates, census, credentials, keys) is fixed
    and published on the board with a checkpoint."""
    election = locked(election)
    need_runs(actor, election)
    need_phase(election, Phase.PREPARATION)
    options = ballot_options(election)
    if problems := freeze_problems(election, options):
        raise ValidationError(
            _("The election cannot be frozen yet: %(problems)s") % {"problems": " ".join(problems)}, code="not_ready"
        )
    for number, option in enumerate(options):
        if option.position != number:
            Candidate.objects.filter(pk=option.pk).update(position=number)
    manifest = build_manifest(election, options)
    canonical = cjson(manifest)
    election.manifest = canonical.decode()
    election.manifest_hash = hashlib.sha256(canonical).hexdigest()
    election.save(update_fields=["manifest", "manifest_hash", "updated_at"])
    board.append(election, "manifest", {"manifest": manifest, "hash": election.manifest_hash}, checkpoint=True)
    audit.record(
        actor=actor,
        verb="elections.manifest_frozen",
        target=election,
        org_unit=election.unit,
        data={"manifest_hash": election.manifest_hash, "candidates": len(options)},
    )
    return _move(actor, election, Phase.FROZEN)


@transaction.atomic
def open_voting(election: Election, *, actor: Any = None) -> Election | None:
    """frozen → voting once the opening time has come (board `open`, checkpoint). Does nothing
    to an election already open or not yet due (the sweep may run twice)."""
    election = locked(election)
    if election.phase != Phase.FROZEN or timezone.now() < election.voting_opens_at:
        return None
    board.append(election, "open", {"manifest": election.manifest_hash}, checkpoint=True)
    return _move(actor, election, Phase.VOTING)


@transaction.atomic
def cancel(*, actor: Any, election: Election, reason: str) -> Election:
    """Cancel an election before voting opens, with the reason (kept in the audit log)."""
    election = locked(election)
    need_runs(actor, election)
    if phase_at_least(election, Phase.VOTING):
        raise phase_error(_("Voting has begun: the election can no longer be cancelled."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the election is cancelled.")]})
    return _move(actor, election, Phase.CANCELLED, reason=reason.strip()[:500])


def manifest_of(election: Election) -> dict[str, Any] | None:
    return json.loads(election.manifest) if election.manifest else None
