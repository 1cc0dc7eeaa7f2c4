"""The trustees' key ceremony (protocol §6): register → deal → check → election key.

Each trustee runs `amanat-trustee` offline and uploads what it writes; the server checks every
proof before anything goes on the board, so a bad upload changes nothing. A complaint about a
share restarts the ceremony: every trustee's data is cleared (audited) and they begin again; the
old entries stay on the board, and only those after the last `complaint` count.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amanat.audit import services as audit
from amanat.elections.choices import Phase, TrusteeStatus
from amanat.elections.models import Election, Trustee
from amanat.elections.services import board
from amanat.elections.services.elections import locked, need_phase

# Phases in which the ceremony may run: the key must exist before the freeze, and the trustees read
# each other's uploads from the board download, which is public from the nominations on.
CEREMONY_PHASES = (Phase.NOMINATIONS, Phase.PREPARATION)


class Step:
    REGISTER = "register"
    DEAL = "deal"
    CHECK = "check"
    DONE = "done"


STEP_LABELS = {
    Step.REGISTER: gettext_lazy("Trustees register their keys"),
    Step.DEAL: gettext_lazy("Trustees deal their shares"),
    Step.CHECK: gettext_lazy("Trustees check the shares they received"),
    Step.DONE: gettext_lazy("The election key is ready"),
}


def step(election: Election) -> str:
    """Where the ceremony stands: the step every trustee still has to take."""
    if election.public_key:
        return Step.DONE
    statuses = list(election.trustees.values_list("status", flat=True))
    if not statuses or any(s == TrusteeStatus.NAMED for s in statuses):
        return Step.REGISTER
    if any(s == TrusteeStatus.REGISTERED for s in statuses):
        return Step.DEAL
    return Step.CHECK


def trustee_step(trustee: Trustee) -> str | None:
    """What this trustee has to do now (None: wait for the others, or nothing left)."""
    if trustee.election.phase not in CEREMONY_PHASES:
        return None
    current = step(trustee.election)
    wanted = {
        Step.REGISTER: TrusteeStatus.NAMED,
        Step.DEAL: TrusteeStatus.REGISTERED,
        Step.CHECK: TrusteeStatus.DEALT,
    }.get(current)
    return current if wanted == trustee.status else None


def _json(raw: Any, field: str) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        data = json.loads(raw)
    except (TypeError, ValueError, UnicodeDecodeError):
        raise ValidationError({field: [_("The file is not JSON: upload the file amanat-trustee wrote.")]}) from None
    if not isinstance(data, dict):
        raise ValidationError({field: [_("The file is not what amanat-trustee writes.")]})
    return data


def _locked_trustee(actor: Any, trustee: Trustee) -> tuple[Election, Trustee]:
    election = locked(trustee.election)
    trustee = Trustee.objects.select_for_update().get(pk=trustee.pk)
    if getattr(actor, "pk", None) != trustee.user_id:
        raise PermissionDenied
    need_phase(election, *CEREMONY_PHASES)
    return election, trustee


def _wrong_step(message: str) -> ValidationError:
    return ValidationError(message, code="phase")


def _context(election: Election) -> bytes:
    from votecrypto import dkg

    return dkg.ceremony_context(str(election.uuid))


def _record(actor: Any, election: Election, what: str, trustee: Trustee, **data: Any) -> None:
    audit.record(
        actor=actor,
        verb="elections.key_ceremony",
        target=election,
        org_unit=election.unit,
        data={"step": what, "index": trustee.index, **data},
    )


@transaction.atomic
def trustee_register(*, actor: Any, trustee: Trustee, raw: Any) -> Trustee:
    """Accept a trustee's registration (their public key for receiving shares, with its proof)."""
    from votecrypto import dkg

    election, trustee = _locked_trustee(actor, trustee)
    count = election.trustees.count()
    if election.threshold > count:
        raise _wrong_step(
            _("The election needs %(t)s trustees to decrypt but only %(n)s are named.")
            % {"t": election.threshold, "n": count}
        )
    if trustee.status != TrusteeStatus.NAMED:
        raise _wrong_step(_("You have already registered your key."))
    reg = _json(raw, "file")
    if reg.get("index") != trustee.index:
        raise ValidationError({"file": [_("The file is for trustee number %(i)s.") % {"i": reg.get("index")}]})
    try:
        valid = dkg.verify_registration(_context(election), reg)
    except (KeyError, TypeError, ValueError):
        valid = False
    if not valid:
        raise ValidationError({"file": [_("The proof in the registration does not verify: nothing was saved.")]})
    public = {"index": trustee.index, "public": reg["public"], "pok": reg["pok"]}
    trustee.registration = public
    trustee.public = reg["public"]
    trustee.status = TrusteeStatus.REGISTERED
    trustee.save(update_fields=["registration", "public", "status", "updated_at"])
    board.append(
        election, "trustee", {**public, "name": trustee.name, "threshold": election.threshold, "trustees": count}
    )
    _record(actor, election, "register", trustee)
    return trustee


@transaction.atomic
def trustee_deal(*, actor: Any, trustee: Trustee, raw: Any) -> Trustee:
    """Accept a trustee's deal: commitments, a proof, and a share encrypted to every trustee."""
    from votecrypto import dkg

    election, trustee = _locked_trustee(actor, trustee)
    if step(election) != Step.DEAL or trustee.status != TrusteeStatus.REGISTERED:
        if trustee.status == TrusteeStatus.NAMED or step(election) == Step.REGISTER:
            raise _wrong_step(_("Wait until every trustee has registered."))
        raise _wrong_step(_("You have already dealt your shares."))
    deal = _json(raw, "file")
    if deal.get("index") != trustee.index:
        raise ValidationError({"file": [_("The file is for trustee number %(i)s.") % {"i": deal.get("index")}]})
    indices = list(election.trustees.order_by("index").values_list("index", flat=True))
    try:
        valid = dkg.verify_deal(_context(election), deal, election.threshold, indices)
    except (KeyError, TypeError, ValueError):
        valid = False
    if not valid:
        raise ValidationError({"file": [_("The deal does not verify: nothing was saved.")]})
    trustee.deal = deal
    trustee.status = TrusteeStatus.DEALT
    trustee.save(update_fields=["deal", "status", "updated_at"])
    board.append(election, "deal", deal)
    _record(actor, election, "deal", trustee)
    return trustee


def _restart(actor: Any, election: Election, trustee: Trustee, complaint: dict[str, Any]) -> None:
    board.append(election, "complaint", complaint)
    election.trustees.update(
        status=TrusteeStatus.NAMED,
        public="",
        registration=None,
        deal=None,
        shares_check=None,
        verification_key="",
    )
    _record(actor, election, "complaint", trustee, against=complaint["against"], restarted=True)


@transaction.atomic
def trustee_check(*, actor: Any, trustee: Trustee, raw: Any) -> Trustee:
    """Accept a trustee's check of the shares it received, or its complaint (which restarts the
    ceremony). When every trustee has checked, the election key goes on the board."""
    from votecrypto import dkg

    election, trustee = _locked_trustee(actor, trustee)
    if step(election) != Step.CHECK or trustee.status != TrusteeStatus.DEALT:
        if trustee.status in (TrusteeStatus.READY,):
            raise _wrong_step(_("You have already checked your shares."))
        raise _wrong_step(_("Wait until every trustee has dealt their shares."))
    check = _json(raw, "file")
    if check.get("index") != trustee.index:
        raise ValidationError({"file": [_("The file is for trustee number %(i)s.") % {"i": check.get("index")}]})
    trustees = list(election.trustees.order_by("index"))
    indices = [t.index for t in trustees]
    if "against" in check:
        if set(check) != {"index", "against"} or check["against"] not in indices or check["against"] == trustee.index:
            raise ValidationError({"file": [_("The complaint names no other trustee of this election.")]})
        _restart(actor, election, trustee, {"index": trustee.index, "against": check["against"]})
        trustee.refresh_from_db()
        return trustee
    deals = [t.deal for t in trustees]
    try:
        valid = dkg.verify_check(_context(election), check, deals, election.threshold)
    except (KeyError, TypeError, ValueError):
        valid = False
    if not valid:
        raise ValidationError({"file": [_("The check does not verify against the dealt commitments: nothing saved.")]})
    trustee.shares_check = check
    trustee.verification_key = check["verification_key"]
    trustee.status = TrusteeStatus.READY
    trustee.save(update_fields=["shares_check", "verification_key", "status", "updated_at"])
    board.append(election, "check", check)
    _record(actor, election, "check", trustee)
    if all(t.pk == trustee.pk or t.status == TrusteeStatus.READY for t in trustees):
        _finish(actor, election, deals)
    return trustee


def _finish(actor: Any, election: Election, deals: list[dict[str, Any]]) -> None:
    from votecrypto import dkg

    key = dkg.election_key(deals).hex()
    keys = {str(t.index): t.verification_key for t in election.trustees.order_by("index")}
    election.public_key = key
    election.save(update_fields=["public_key", "updated_at"])
    board.append(election, "election_key", {"public_key": key, "verification_keys": keys}, checkpoint=True)
    audit.record(
        actor=actor,
        verb="elections.key_ceremony",
        target=election,
        org_unit=election.unit,
        data={"step": "election_key", "public_key": key},
    )
