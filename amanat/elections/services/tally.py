"""The tally: homomorphic aggregation of the counted ballots, the trustees' decryption shares, the
result (protocol §7).

    compute_tally(election, *, actor=None) -> BoardEntry        closed → tallied
    accept_share(election, trustee, payload, *, actor) -> DecryptionShare
        tallied; with `threshold` shares: → published, with the result

The server never decrypts anything itself: it sums ciphertexts and combines the trustees' shares,
each checked against its Chaum–Pedersen proof before it is stored. The result on the board holds
exactly what the verifier recomputes; `Election.result` adds what the pages show (candidates'
names, percentages, seats won, ties).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amanat.audit.services import record
from amanat.elections.choices import Phase
from amanat.elections.models import Ballot, BoardEntry, DecryptionShare, Election, Trustee
from amanat.elections.services import board
from amanat.notifications.services import notify
from votecrypto.group import Point
from votecrypto.tally import build_tally, decrypt_tally, verify_share

CHUNK = 5_000
SHARE_KEYS = ("index", "total", "units")
NOTIFY_KIND = "elections.result"


# --- reading ---------------------------------------------------------------------------------


def tally_entry(election: Election) -> BoardEntry | None:
    """The board's `tally` entry (one per election), or None before the tally."""
    return BoardEntry.objects.filter(election=election, type="tally").order_by("seq").first()


def tally_payload(election: Election) -> dict[str, Any] | None:
    entry = tally_entry(election)
    return json.loads(entry.payload) if entry else None


def candidate_count(election: Election) -> int:
    return len(json.loads(election.manifest)["candidates"])


def counted_rows(election: Election) -> Iterator[tuple[str, bytes]]:
    """(tally unit id, ciphertext blob) of every counted ballot, read in chunks from the database."""
    rows = (
        Ballot.objects.filter(election=election, replaced=False)
        .order_by("pk")
        .values_list("tally_unit_id", "ciphertexts")
        .iterator(chunk_size=CHUNK)
    )
    for unit_id, blob in rows:
        yield str(unit_id), bytes(blob)


def turnout(counted: int, census: int) -> str:
    """Counted ballots per hundred members of the census, two decimals, halves rounded up."""
    if census <= 0:
        return "0.00"
    return str((Decimal(counted) * 100 / Decimal(census)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> str:
    return turnout(part, whole)


# --- compute_tally ---------------------------------------------------------------------------


def compute_tally(election: Election, *, actor: Any = None) -> BoardEntry:
    """Sum the counted ballots per candidate (and per tally unit where the pooling rule allows) and
    put the encrypted tally on the board; the election moves to `tallied`.

    Only a closed election is tallied; a second call finds the tally already made and changes
    nothing (the sweep and a person pressing the button may both try)."""
    with transaction.atomic():
        current = board.locked(election)
        if current.phase in (Phase.TALLIED, Phase.PUBLISHED):
            existing = tally_entry(current)
            if existing is not None:
                return existing
        if current.phase != Phase.CLOSED:
            raise ValidationError(
                _("Only a closed election can be tallied: this one is “%(phase)s”.")
                % {"phase": current.get_phase_display()},
                code="phase",
            )
        payload = build_tally(counted_rows(current), candidate_count(current), current.min_unit_voters)
        entry = board.append(current, "tally", payload, checkpoint=True)
        current.phase = Phase.TALLIED
        current.save(update_fields=["phase", "updated_at"])
        record(
            actor=actor,
            verb="elections.tallied",
            target=current,
            org_unit=current.unit,
            data={"counted": payload["counted"], "units": sorted(payload["units"]), "seq": entry.seq},
        )
    election.phase = current.phase
    return entry


# --- accept_share ----------------------------------------------------------------------------


def _share_valid(election: Election, trustee: Trustee, tally: dict[str, Any], payload: dict[str, Any]) -> bool:
    try:
        key = Point.from_hex(trustee.verification_key)
        return bool(verify_share(bytes.fromhex(election.manifest_hash), trustee.index, key, tally, payload))
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return False


def _refused(code: str, message: str) -> ValidationError:
    """A refusal of the uploaded share, shown beside the upload field."""
    return ValidationError({"share": ValidationError(message, code=code)})


def _check_shape(trustee: Trustee, payload: Any) -> None:
    if not isinstance(payload, dict) or not set(SHARE_KEYS) <= set(payload):
        raise _refused(
            "shape", _("This is not a decryption share: upload the share.json that amanat-trustee decrypt wrote.")
        )
    if payload["index"] != trustee.index:
        raise _refused(
            "index",
            _("This share was made by trustee %(made)s, but you are trustee %(you)s.")
            % {"made": payload["index"], "you": trustee.index},
        )


def accept_share(election: Election, trustee: Trustee, payload: dict[str, Any], *, actor: Any) -> Any:
    """Store a trustee's decryption share once its proofs hold; with `threshold` shares combine
    them, publish the result and tell the commission.

    Refused, changing nothing: a share from anyone but the trustee themselves, outside the
    `tallied` phase, a second share of the same trustee (code "conflict"), a malformed share or
    one whose proof fails against the trustee's verification key and the board's tally."""
    if trustee.user_id != getattr(actor, "pk", None) or trustee.election_id != election.pk:
        raise PermissionDenied
    with transaction.atomic():
        current = board.locked(election)
        if current.phase != Phase.TALLIED:
            message = (
                _("The result is already published: no more shares are needed.")
                if current.phase == Phase.PUBLISHED
                else _("Shares are accepted only once the tally is made; the election is “%(phase)s”.")
                % {"phase": current.get_phase_display()}
            )
            raise ValidationError(message, code="conflict")
        if DecryptionShare.objects.filter(election=current, trustee=trustee).exists():
            raise ValidationError(_("Your decryption share is already accepted."), code="conflict")
        _check_shape(trustee, payload)
        payload = {key: payload[key] for key in SHARE_KEYS}  # nothing else goes on the board
        tally = tally_payload(current)
        if tally is None or not _share_valid(current, trustee, tally, payload):
            raise _refused(
                "proof",
                _(
                    "The share's proofs do not hold for this election's tally and your key: nothing was "
                    "stored. Download the board again and run amanat-trustee decrypt with your own key file."
                ),
            )
        try:
            with transaction.atomic():
                share = DecryptionShare.objects.create(election=current, trustee=trustee, payload=payload)
        except IntegrityError:
            raise ValidationError(_("Your decryption share is already accepted."), code="conflict") from None
        entry = board.append(current, "share", payload)
        record(
            actor=actor,
            verb="elections.share_accepted",
            target=current,
            org_unit=current.unit,
            data={"trustee": trustee.index, "seq": entry.seq},
        )
        shares = {s.trustee.index: s.payload for s in current.shares.select_related("trustee")}
        if len(shares) >= current.threshold:
            publish(current, tally, shares, actor=actor)
    election.phase, election.result = current.phase, current.result
    return share


# --- the result ------------------------------------------------------------------------------


def _names(election: Election) -> list[dict[str, Any]]:
    return json.loads(election.manifest)["candidates"]


def winners(counts: list[int], seats: int) -> tuple[list[int], list[int]]:
    """(elected positions, positions tied for the last seat). Candidates with no votes win nothing;
    when the last seat's count is shared beyond the seats, those tied are not elected but flagged."""
    order = sorted(range(len(counts)), key=lambda i: (-counts[i], i))
    if seats <= 0 or not counts:
        return [], []
    boundary = counts[order[min(seats, len(order)) - 1]]
    above = [i for i in order if counts[i] > boundary]
    at = [i for i in order if counts[i] == boundary]
    if boundary == 0:
        return above, []
    if len(above) + len(at) <= seats:
        return above + at, []
    return above, at


def result_view(election: Election, board_result: dict[str, Any]) -> dict[str, Any]:
    """What the pages and the PDF show, built from the board's result: counts with names,
    percentages of ballots counted, seats won and ties."""
    counts = board_result["counts"]
    counted = board_result["counted"]
    elected, tied = winners(counts, election.seats)
    candidates = [
        {
            "id": c["id"],
            "name": c["name"],
            "votes": counts[i],
            "percent": percent(counts[i], counted),
            "elected": i in elected,
            "tied": i in tied,
        }
        for i, c in enumerate(_names(election))
    ]
    return {
        **board_result,
        "seats": election.seats,
        "candidates": candidates,
        "elected": [candidates[i]["id"] for i in elected],
        "tie": bool(tied),
    }


def publish(election: Election, tally: dict[str, Any], shares: dict[int, dict[str, Any]], *, actor: Any) -> None:
    """Combine the shares, put the result on the board (with a checkpoint) and publish it."""
    decrypted = decrypt_tally(tally, shares, election.threshold)
    board_result = {
        "counts": decrypted["counts"],
        "units": decrypted["units"],
        "counted": decrypted["counted"],
        "census": election.census_count,
        "turnout": turnout(decrypted["counted"], election.census_count),
    }
    board.append(election, "result", board_result, checkpoint=True)
    election.result = result_view(election, board_result)
    election.phase = Phase.PUBLISHED
    election.save(update_fields=["result", "phase", "updated_at"])
    record(
        actor=actor,
        verb="elections.result_published",
        target=election,
        org_unit=election.unit,
        data={"counts": board_result["counts"], "counted": board_result["counted"], "trustees": sorted(shares)},
    )
    election_pk = election.pk
    transaction.on_commit(lambda: _tell_commission(election_pk))


def _tell_commission(election_pk: int) -> None:
    election = Election.objects.get(pk=election_pk)
    users = [m.user for m in election.commission.select_related("user").order_by("role", "pk")]
    notify(
        recipients=users,
        kind=NOTIFY_KIND,
        title=gettext_lazy("The result of “{election}” is published"),
        body=gettext_lazy("The trustees' shares are in and the result is on the board. Turnout: {turnout}%."),
        url=reverse("elections:results", args=[election.uuid]),
        target=election,
        context={"election": str(election), "turnout": election.result["turnout"]},
    )
