"""Reading a board download (protocol §8): the chain of entries and the signed checkpoints.

A download is `{"format": "amanat-board/1", "election", "checkpoint_key", "entries", "checkpoints"}`.
Every entry's hash covers `{"seq", "prev", "type", "at", "payload"}` exactly as the server hashed it,
so a change anywhere in an entry, or a removed, inserted or reordered entry, breaks the chain where it
happened; a chain rewritten and re-hashed from some point on no longer matches the signed checkpoints.
"""

from __future__ import annotations

import gettext as gettext_module
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from votecrypto.encoding import cjson

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
FORMAT = "amanat-board/1"
GENESIS = "0" * 64
HEX = frozenset("0123456789abcdef")


@cache
def translation() -> gettext_module.NullTranslations:
    """The tools' own catalogue (votecrypto/locale, domain "votecrypto") in the user's language
    (AMANAT_LANG, else LANGUAGE/LC_ALL/LANG); English when there is none. The package carries it so
    that observers who install only votecrypto read the tools in Kazakh or Russian."""
    chosen = os.environ.get("AMANAT_LANG")
    return gettext_module.translation(
        "votecrypto", localedir=str(LOCALE_DIR), languages=[chosen] if chosen else None, fallback=True
    )


def _(message: str) -> str:
    return translation().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translation().ngettext(singular, plural, count)


class BoardError(ValueError):
    """The file is not a board download at all (unreadable, not JSON, wrong shape)."""


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold, and where: "entry 1042 (ballot)", "checkpoint at seq 2000"."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "what": self.what}


def is_hex(value: Any, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and set(value) <= HEX


def where(entry: Any, position: int | None = None) -> str:
    """How a problem names an entry: its sequence number and type."""
    if isinstance(entry, dict):
        seq = entry.get("seq")
        label = seq if isinstance(seq, int) and not isinstance(seq, bool) else f"#{position}"
        kind = entry.get("type")
        return (
            _("entry %(seq)s (%(type)s)") % {"seq": label, "type": kind}
            if isinstance(kind, str)
            else _("entry %(seq)s") % {"seq": label}
        )
    return _("entry %(seq)s") % {"seq": f"#{position}"}


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash the server gave the entry: SHA-256 over the canonical JSON of its five fields."""
    return hashlib.sha256(cjson({key: entry[key] for key in ("seq", "prev", "type", "at", "payload")})).hexdigest()


def load(source: str | Path | IO[bytes] | IO[str]) -> dict[str, Any]:
    """The download as a dict; BoardError if it cannot be read or is not a board download."""
    try:
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:
                data = json.load(handle)
        else:
            data = json.load(source)
    except OSError as error:
        raise BoardError(_("cannot read the file: %(error)s") % {"error": error.strerror or error}) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BoardError(_("the file is not JSON: %(error)s") % {"error": error}) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BoardError(_("not a board download (format %(format)s expected)") % {"format": FORMAT})
    if not isinstance(data.get("election"), str):
        raise BoardError(_("the download names no election"))
    if not isinstance(data.get("entries"), list) or not isinstance(data.get("checkpoints"), list):
        raise BoardError(_("the download has no list of entries or of checkpoints"))
    return data


def verify_chain(entries: Sequence[Any]) -> list[Problem]:
    """Sequence numbers contiguous from 0, each `prev` the previous entry's hash, each hash right."""
    problems: list[Problem] = []
    previous_seq, previous_hash = -1, GENESIS
    for position, entry in enumerate(entries):
        place = where(entry, position)
        if not isinstance(entry, dict) or not {"seq", "prev", "type", "at", "payload", "hash"} <= entry.keys():
            problems.append(Problem(place, _("not a board entry (seq, prev, type, at, payload and hash expected)")))
            previous_seq, previous_hash = previous_seq + 1, None
            continue
        seq = entry["seq"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq != previous_seq + 1:
            problems.append(
                Problem(
                    place,
                    _("sequence number %(seq)s where %(expected)s was expected")
                    % {"seq": seq, "expected": previous_seq + 1},
                )
            )
        if previous_hash is not None and entry["prev"] != previous_hash:
            problems.append(Problem(place, _("does not link to the entry before it (prev is not its hash)")))
        try:
            recomputed = entry_hash(entry)
        except (TypeError, ValueError):
            recomputed = None
        if recomputed != entry["hash"]:
            problems.append(Problem(place, _("its hash does not match its contents")))
        previous_seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else previous_seq + 1
        previous_hash = entry["hash"] if isinstance(entry["hash"], str) else None
    return problems


def checkpoint_statement(checkpoint: dict[str, Any]) -> bytes:
    """The bytes the server signed: the canonical JSON of election, seq, head and time."""
    return cjson({key: checkpoint[key] for key in ("election", "seq", "head", "at")})


def verify_checkpoints(
    election: str, key_hex: str, checkpoints: Iterable[Any], entries: Sequence[Any]
) -> list[Problem]:
    """Each checkpoint is signed with the key, names this election, and its head is the entry at its seq."""
    problems: list[Problem] = []
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex)) if is_hex(key_hex, 64) else None
    except ValueError:
        key = None
    if key is None:
        return [Problem(_("checkpoint key"), _("%(key)s is not an Ed25519 public key") % {"key": repr(key_hex)})]
    by_seq = {e["seq"]: e for e in entries if isinstance(e, dict) and isinstance(e.get("seq"), int)}
    for position, checkpoint in enumerate(checkpoints):
        if not isinstance(checkpoint, dict) or not {"election", "seq", "head", "at", "signature"} <= checkpoint.keys():
            problems.append(Problem(_("checkpoint %(seq)s") % {"seq": f"#{position}"}, _("not a checkpoint")))
            continue
        place = _("checkpoint at seq %(seq)s") % {"seq": checkpoint["seq"]}
        try:
            signature = bytes.fromhex(checkpoint["signature"]) if is_hex(checkpoint["signature"], 128) else b""
            key.verify(signature, checkpoint_statement(checkpoint))
        except (InvalidSignature, TypeError, ValueError):
            problems.append(Problem(place, _("the signature does not verify under the checkpoint key")))
        if checkpoint["election"] != election:
            problems.append(
                Problem(place, _("signed for another election (%(election)s)") % {"election": checkpoint["election"]})
            )
        entry = by_seq.get(checkpoint["seq"])
        if entry is None:
            problems.append(Problem(place, _("there is no entry with that sequence number")))
        elif entry.get("hash") != checkpoint["head"]:
            problems.append(
                Problem(place, _("the signed head is not the hash of entry %(seq)s") % {"seq": checkpoint["seq"]})
            )
    return problems
