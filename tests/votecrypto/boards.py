"""Complete board downloads for tests and benchmarks, made without Django.

`BoardWriter` mirrors amanat/elections/services/board.py exactly (entry hash over seq, prev, type,
at and the canonical payload; Ed25519 checkpoints over the canonical {election, seq, head, at};
a checkpoint every `every` entries and when asked), and `build_board` runs a whole election
through it the way the server does: created, census, credentials, the trustees' ceremony,
manifest, open, ballots (with a revote), close, tally, decryption shares and the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from votecrypto import ballot as ballots
from votecrypto import tally, testkit
from votecrypto.encoding import cjson

GENESIS = "0" * 64
CHECKPOINT_SEED = bytes(range(32))  # a fixed test key: the verifier must not care which key, only that it matches


def entry_hash(seq: int, prev: str, type_: str, at: str, payload: dict[str, Any]) -> str:
    return hashlib.sha256(cjson({"seq": seq, "prev": prev, "type": type_, "at": at, "payload": payload})).hexdigest()


class Clock:
    """Board times, one millisecond apart, in the server's format."""

    def __init__(self, start: dt.datetime | None = None):
        self.now = start or dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)

    def __call__(self) -> str:
        self.now += dt.timedelta(milliseconds=1)
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class BoardWriter:
    """An election's board as the server keeps it, in memory."""

    def __init__(self, election: str, key: Ed25519PrivateKey | None = None, every: int = 1000):
        self.election = election
        self.key = key or Ed25519PrivateKey.from_private_bytes(CHECKPOINT_SEED)
        self.every = every
        self.clock = Clock()
        self.entries: list[dict[str, Any]] = []
        self.checkpoints: list[dict[str, Any]] = []

    @property
    def public_key(self) -> str:
        return self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()

    def append(self, type_: str, payload: dict[str, Any], *, checkpoint: bool = False) -> dict[str, Any]:
        seq = len(self.entries)
        prev = self.entries[-1]["hash"] if self.entries else GENESIS
        at = self.clock()
        canonical = json.loads(cjson(payload))
        entry = {"seq": seq, "prev": prev, "type": type_, "at": at, "payload": canonical}
        entry["hash"] = entry_hash(seq, prev, type_, at, canonical)
        self.entries.append(entry)
        if checkpoint or (seq + 1) % self.every == 0:
            self.checkpoint(entry)
        return entry

    def checkpoint(self, entry: dict[str, Any] | None = None) -> dict[str, Any] | None:
        entry = entry or (self.entries[-1] if self.entries else None)
        if entry is None:
            return None
        for existing in self.checkpoints:
            if existing["seq"] == entry["seq"]:
                return existing
        statement = {"election": self.election, "seq": entry["seq"], "head": entry["hash"], "at": self.clock()}
        signed = {**statement, "signature": self.key.sign(cjson(statement)).hex()}
        self.checkpoints.append(signed)
        return signed

    def download(self) -> dict[str, Any]:
        return {
            "format": "amanat-board/1",
            "election": self.election,
            "checkpoint_key": self.public_key,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
        }


def census_hash(rows: Iterable[tuple[str, str]]) -> str:
    return hashlib.sha256(cjson(sorted([list(r) for r in rows]))).hexdigest()


def turnout(counted: int, census: int) -> str:
    return str((Decimal(counted * 100) / Decimal(census)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass
class Voter:
    number: str
    unit: str
    credential: str
    public: str


@dataclass
class Built:
    """A built board and what a test needs to tamper with it or to predict its result."""

    election: str
    writer: BoardWriter
    manifest: dict[str, Any]
    manifest_hash: str
    ceremony: Any
    voters: list[Voter]
    counts: list[int] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        return self.writer.download()

    def index_of(self, type_: str, nth: int = 0) -> int:
        return [i for i, e in enumerate(self.writer.entries) if e["type"] == type_][nth]


def make_manifest(
    election: str,
    *,
    candidates: int,
    min_choices: int,
    max_choices: int,
    census: tuple[str, int],
    credentials: tuple[str, int],
    ceremony: Any,
    checkpoint_key: str,
    min_unit_voters: int,
) -> dict[str, Any]:
    return {
        "version": 1,
        "election": election,
        "title": {"kk": "Сынақ сайлауы", "ru": "Тестовые выборы", "en": "Test election"},
        "kind": "primary_maslikhat",
        "unit": "1",
        "candidates": [
            {"id": 100 + k, "name": {"kk": f"Үміткер {k + 1}", "ru": f"Кандидат {k + 1}", "en": f"Candidate {k + 1}"}}
            for k in range(candidates)
        ],
        "min_choices": min_choices,
        "max_choices": max_choices,
        "opens_at": "2026-12-01T08:00:00+05:00",
        "closes_at": "2026-12-03T20:00:00+05:00",
        "census": {"hash": census[0], "count": census[1]},
        "credentials": {"hash": credentials[0], "count": credentials[1]},
        "trustees": [
            {"index": reg["index"], "name": f"Trustee {reg['index']}", "public": reg["public"]}
            for reg in ceremony.registrations
        ],
        "threshold": ceremony.t,
        "public_key": ceremony.public_key.hex(),
        "checkpoint_key": checkpoint_key,
        "min_unit_voters": min_unit_voters,
    }


def default_choice(position: int, candidates: int) -> list[int]:
    selection = [0] * candidates
    selection[position % candidates] = 1
    return selection


def build_board(
    *,
    voters: int = 8,
    candidates: int = 3,
    trustees: int = 5,
    threshold: int = 3,
    units: Sequence[str] = ("11", "12", "13"),
    min_unit_voters: int = 3,
    min_choices: int = 1,
    max_choices: int = 1,
    choose: Callable[[int, int], list[int]] = default_choice,
    abstaining: int = 1,
    revote: bool = True,
    decrypting: Sequence[int] = (1, 2, 3),
    every: int = 1000,
    through: str = "result",
    cast: Callable[[dict[str, Any], str, list[Voter]], Iterable[tuple[int, dict[str, Any]]]] | None = None,
    election: str | None = None,
    complaint: bool = False,
) -> Built:
    """An election's whole board. Voter i (in unit units[i % len(units)]) chooses `choose(i, k)`;
    the last `abstaining` voters do not vote; voter 0 first votes otherwise, then revotes.
    With `complaint`, a first ceremony ends in a complaint and is run again, as the server restarts it.
    `through` stops after that step ("ceremony", "open", "close", "tally", "shares", "result").
    `cast(manifest, manifest_hash, voters)` replaces making the ballots: it gives (voter position,
    ballot) in board order (for benchmarks, which make them in several processes)."""
    election = election or str(uuid.uuid4())
    writer = BoardWriter(election, every=every)
    writer.append(
        "created",
        {"election": election, "kind": "primary_maslikhat", "unit": "1", "title": {"kk": "", "ru": "", "en": ""}},
    )
    made = testkit.make_credentials(election, voters)
    people = [
        Voter(number=f"{10000 + i}", unit=units[i % len(units)], credential=cred, public=public)
        for i, (cred, public) in enumerate(made)
    ]
    rows = [(v.number, v.unit) for v in people]
    per_unit: dict[str, int] = {}
    for v in people:
        per_unit[v.unit] = per_unit.get(v.unit, 0) + 1
    census = (census_hash(rows), len(rows))
    writer.append("census", {"hash": census[0], "count": census[1], "units": per_unit})
    publics = sorted(v.public for v in people)
    writer.append("credentials", {"list": publics})
    if complaint:
        failed = testkit.run_ceremony(election, trustees, threshold)
        for reg in failed.registrations:
            writer.append(
                "trustee", {**reg, "name": f"Trustee {reg['index']}", "threshold": threshold, "trustees": trustees}
            )
        for deal in failed.deals:
            writer.append("deal", deal)
        writer.append("complaint", {"index": 2, "against": 1})
    ceremony = testkit.run_ceremony(election, trustees, threshold)
    for reg in ceremony.registrations:
        # The server notes the trustee's name and the threshold beside the registration.
        writer.append(
            "trustee", {**reg, "name": f"Trustee {reg['index']}", "threshold": threshold, "trustees": trustees}
        )
    for deal in ceremony.deals:
        writer.append("deal", deal)
    for check in ceremony.checks:
        writer.append("check", check)
    writer.append(
        "election_key",
        {
            "public_key": ceremony.public_key.hex(),
            "verification_keys": {str(j): key.hex() for j, key in sorted(ceremony.verification_keys.items())},
        },
    )
    manifest = make_manifest(
        election,
        candidates=candidates,
        min_choices=min_choices,
        max_choices=max_choices,
        census=census,
        credentials=(hashlib.sha256(cjson(publics)).hexdigest(), len(publics)),
        ceremony=ceremony,
        checkpoint_key=writer.public_key,
        min_unit_voters=min_unit_voters,
    )
    manifest_hash = hashlib.sha256(cjson(manifest)).hexdigest()
    writer.append("manifest", {"manifest": manifest, "hash": manifest_hash}, checkpoint=True)
    built = Built(election, writer, manifest, manifest_hash, ceremony, people)
    if through == "ceremony":
        return built
    writer.append("open", {"manifest": manifest_hash}, checkpoint=True)
    if through == "open":
        return built
    counted: dict[str, tuple[str, list[int], dict[str, Any]]] = {}
    if cast is None:
        casts = []
        voting = people[: len(people) - abstaining]
        if revote and voting:
            first = choose(1, candidates)
            casts.append((0, first, ballots.make_ballot(manifest, manifest_hash, voting[0].credential, first)[0]))
        for i, voter in enumerate(voting):
            selection = choose(i, candidates)
            casts.append((i, selection, ballots.make_ballot(manifest, manifest_hash, voter.credential, selection)[0]))
    else:
        casts = [(i, [], ballot) for i, ballot in cast(manifest, manifest_hash, people)]
    for i, selection, ballot in casts:
        writer.append("ballot", {"ballot": ballot, "unit": people[i].unit})
        counted[ballot["credential"]] = (people[i].unit, selection, ballot)
    writer.append("close", {"ballots": len(counted)}, checkpoint=True)
    if cast is None:
        built.counts = [sum(s[k] for _u, s, _b in counted.values()) for k in range(candidates)]
    if through == "close":
        return built
    encrypted = tally.build_tally(
        ((unit, ballots.ciphertext_blob(b)) for unit, _s, b in counted.values()), candidates, min_unit_voters
    )
    writer.append("tally", encrypted, checkpoint=True)
    if through == "tally":
        return built
    h_e = bytes.fromhex(manifest_hash)
    shares = {}
    for j in decrypting:
        shares[j] = tally.decryption_share(h_e, j, ceremony.secrets[j], encrypted)
        writer.append("share", shares[j])
    if through == "shares":
        return built
    result = tally.decrypt_tally(encrypted, shares, threshold)
    writer.append(
        "result",
        {
            "counts": result["counts"],
            "units": result["units"],
            "counted": result["counted"],
            "census": len(people),
            "turnout": turnout(result["counted"], len(people)),
        },
        checkpoint=True,
    )
    return built


def rehash(entries: list[dict[str, Any]], start: int = 0) -> None:
    """Recompute every hash and link from `start` on, as someone rewriting the chain would."""
    for position in range(start, len(entries)):
        entry = entries[position]
        entry["prev"] = entries[position - 1]["hash"] if position else GENESIS
        entry["hash"] = entry_hash(entry["seq"], entry["prev"], entry["type"], entry["at"], entry["payload"])


def renumber(entries: list[dict[str, Any]]) -> None:
    """Sequence numbers made contiguous again and the chain re-hashed (a careful forger)."""
    for position, entry in enumerate(entries):
        entry["seq"] = position
    rehash(entries)
