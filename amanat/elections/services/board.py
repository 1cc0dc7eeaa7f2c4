"""The bulletin board: one append-only, hash-chained log per election (protocol §8).

Every entry is appended under a lock on the election's row, so the chain stays linear however many
ballots arrive at once; the entry is committed in the caller's transaction, before anyone is told
it was accepted. Checkpoints sign the head with the server's Ed25519 key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amanat.elections.models import BoardEntry, Checkpoint, Election
from votecrypto.encoding import cjson

GENESIS = "0" * 64


def now_iso() -> str:
    return timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(seq: int, prev: str, type_: str, at: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(cjson({"seq": seq, "prev": prev, "type": type_, "at": at, "payload": payload})).hexdigest()


def checkpoint_private_key() -> Ed25519PrivateKey:
    seed = settings.ELECTIONS_CHECKPOINT_KEY
    raw = bytes.fromhex(seed) if seed else hashlib.sha256(b"amanat/checkpoint/" + settings.SECRET_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(raw)


def checkpoint_public_key() -> str:
    return checkpoint_private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def locked(election: Election) -> Election:
    """The election's row, locked until the end of the current transaction."""
    return Election.objects.select_for_update().get(pk=election.pk)


def head(election: Election) -> BoardEntry | None:
    return BoardEntry.objects.filter(election=election).order_by("-seq").first()


def append(election: Election, type_: str, payload: dict[str, Any], *, checkpoint: bool = False) -> BoardEntry:
    """Append one entry (and sign a checkpoint every ELECTIONS_CHECKPOINT_EVERY entries or when asked)."""
    with transaction.atomic():
        locked(election)
        last = head(election)
        seq = 0 if last is None else last.seq + 1
        prev = GENESIS if last is None else last.hash
        at = now_iso()
        canonical = json.loads(cjson(payload))  # what is hashed is exactly what is stored
        entry = BoardEntry.objects.create(
            election=election,
            seq=seq,
            type=type_,
            at=at,
            prev=prev,
            hash=entry_hash(seq, prev, type_, at, canonical),
            payload=cjson(canonical).decode(),
        )
        if checkpoint or (seq + 1) % settings.ELECTIONS_CHECKPOINT_EVERY == 0:
            sign_checkpoint(election, entry)
    return entry


def sign_checkpoint(election: Election, entry: BoardEntry | None = None) -> Checkpoint | None:
    """Sign the head (or the given entry); once per sequence number."""
    entry = entry or head(election)
    if entry is None:
        return None
    existing = Checkpoint.objects.filter(election=election, seq=entry.seq).first()
    if existing:
        return existing
    at = now_iso()
    statement = {"election": str(election.uuid), "seq": entry.seq, "head": entry.hash, "at": at}
    signature = checkpoint_private_key().sign(cjson(statement)).hex()
    return Checkpoint.objects.create(election=election, seq=entry.seq, head=entry.hash, at=at, signature=signature)


def entry_json(entry: BoardEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "prev": entry.prev,
        "type": entry.type,
        "at": entry.at,
        "payload": json.loads(entry.payload),
        "hash": entry.hash,
    }


def checkpoint_json(election: Election, cp: Checkpoint) -> dict[str, Any]:
    return {"election": str(election.uuid), "seq": cp.seq, "head": cp.head, "at": cp.at, "signature": cp.signature}
