"""`amanat-verify board.json [--jobs 2] [--json]`: check a downloaded election board end to end.

Anyone can run it on the board download of an election, without the server and without Django. It
checks the chain and the signed checkpoints, the manifest against the census, the credentials and
the key ceremony, every ballot (proofs, signature, credential, election, timing), that the last ballot
per credential counts, that the encrypted tally is the sum of the counted ballots, every trustee's
decryption share and the published result, and prints the result it recomputed. Exit status: 0 when
everything holds, 1 with the list of problems (each saying where), 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from votecrypto import ballot as ballots
from votecrypto import dkg, tally
from votecrypto.board import (
    BoardError,
    Problem,
    _,
    is_hex,
    load,
    ngettext,
    verify_chain,
    verify_checkpoints,
    where,
)
from votecrypto.encoding import cjson
from votecrypto.group import Point

CHUNK = 500
MAX_PRINTED = 200


def ballot_messages() -> dict[str, str]:
    """What each BallotError code means to the person reading the report."""
    return {
        "json": _("the ballot is not valid JSON"),
        "shape": _("the ballot is malformed"),
        "election": _("the ballot belongs to another election (copied from elsewhere)"),
        "manifest": _("the ballot was made for another manifest"),
        "credential": _("the ballot's credential is not on the published list"),
        "point": _("a ciphertext in the ballot is not a valid point"),
        "proof": _("a choice's proof does not verify"),
        "sum_proof": _("the proof of the number of choices does not verify"),
        "signature": _("the credential's signature does not verify"),
    }


@dataclass
class Rules:
    """What a ballot is checked against, fixed by the manifest."""

    election: str
    manifest_hash: str
    public_key: Point
    candidates: int
    min_choices: int
    max_choices: int
    credentials: frozenset[str]


@dataclass
class Report:
    """Everything the verifier found: problems (with places), notes, figures and the recomputed result."""

    election: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    entries: int = 0
    head: str | None = None
    checkpoints: int = 0
    ballots_on_board: int = 0
    counted: int | None = None
    census: int | None = None
    turnout: str | None = None
    result: dict[str, Any] | None = None
    tally: dict[str, Any] | None = None
    tally_entry: dict[str, Any] | None = None
    manifest_hash: str | None = None
    ballot_seconds: float = 0.0
    verification_keys: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, place: str, what: str) -> None:
        self.problems.append(Problem(place, what))


# Ballot checks run in worker processes forked after these are set, so nothing big is pickled.
_RULES: Rules | None = None
_BALLOTS: list[Any] = []


Failure = tuple[int, str, str]  # (position, BallotError code, detail)
Digest = tuple[int, str, bytes]  # (position, tracker, ciphertext blob) of a valid ballot


def _check_range(bounds: tuple[int, int]) -> tuple[list[Failure], list[Digest]]:
    """Verify the ballots in [start, stop): the failures, and the tracker and blob of each valid one
    (computed here too, so that the parent process does no per-ballot work)."""
    rules = _RULES
    assert rules is not None  # noqa: S101 - set before any worker starts
    failures, digests = [], []
    for position in range(*bounds):
        ballot = _BALLOTS[position]
        try:
            ballots.verify_ballot(
                ballot,
                election=rules.election,
                manifest_hash=rules.manifest_hash,
                public_key=rules.public_key,
                candidates=rules.candidates,
                min_choices=rules.min_choices,
                max_choices=rules.max_choices,
                credentials=rules.credentials,
            )
        except ballots.BallotError as error:
            failures.append((position, error.code, str(error)))
            continue
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            failures.append((position, "shape", str(error)))
            continue
        digests.append((position, ballots.tracker(ballot), ballots.ciphertext_blob(ballot)))
    return failures, digests


def verify_ballots(
    rules: Rules, items: list[Any], jobs: int = 1
) -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, bytes]]]:
    """Every ballot verified in `jobs` processes: {position: (code, detail)} for those that fail and
    {position: (tracker, blob)} for those that hold."""
    global _RULES, _BALLOTS  # shared with the forked workers
    _RULES, _BALLOTS = rules, items
    size = max(1, min(CHUNK, -(-len(items) // (jobs * 4))))  # small enough that every process keeps busy
    ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    failures: dict[int, tuple[str, str]] = {}
    digests: dict[int, tuple[str, bytes]] = {}
    try:
        if jobs <= 1 or len(ranges) <= 1:
            parts = map(_check_range, ranges)
            for bad, good in parts:
                failures.update((p, (code, detail)) for p, code, detail in bad)
                digests.update((p, (tracker, blob)) for p, tracker, blob in good)
        else:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for bad, good in pool.imap_unordered(_check_range, ranges):
                    failures.update((p, (code, detail)) for p, code, detail in bad)
                    digests.update((p, (tracker, blob)) for p, tracker, blob in good)
    finally:
        _RULES, _BALLOTS = None, []
    return failures, digests


def turnouts(counted: int, census: int) -> set[str]:
    """The turnout in percent with two decimals; either usual rounding of the last digit is accepted."""
    if census <= 0:
        return {"0.00"}
    exact = Decimal(counted * 100) / Decimal(census)
    return {str(exact.quantize(Decimal("0.01"), rounding=mode)) for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)}


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Verifier:
    """One pass over a board download. `run()` fills and returns the report."""

    def __init__(self, data: dict[str, Any], *, jobs: int = 1, progress: Callable[[str], None] | None = None):
        self.data = data
        self.jobs = max(1, jobs)
        self.progress = progress or (lambda message: None)
        self.report = Report(election=data["election"])
        self.entries: list[dict[str, Any]] = [
            e
            for e in data["entries"]
            if isinstance(e, dict)
            and {"seq", "type", "payload"} <= e.keys()
            and _int(e["seq"])
            and isinstance(e["type"], str)
            and isinstance(e["payload"], dict)
        ]
        self.rules: Rules | None = None
        self.threshold = 0
        self.min_unit_voters = 0
        self.verification_keys: dict[int, Point] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["type"] == kind]

    def one(self, kind: str) -> dict[str, Any] | None:
        found = self.of_type(kind)
        for extra in found[1:]:
            self.report.add(where(extra), _("a second %(type)s entry; there must be only one") % {"type": kind})
        return found[0] if found else None

    # -- the checks ------------------------------------------------------------------------------
    def run(self, *, through_tally: bool = False) -> Report:
        """All the checks; with `through_tally`, stop after the encrypted tally (what a trustee needs)."""
        report = self.report
        entries = self.data["entries"]
        report.entries = len(entries)
        report.head = entries[-1].get("hash") if entries and isinstance(entries[-1], dict) else None
        report.checkpoints = len(self.data["checkpoints"])
        self.progress(_("Checking the chain of %(count)s entries…") % {"count": len(entries)})
        report.problems.extend(verify_chain(entries))
        manifest_entry = self.one("manifest")
        self.check_checkpoints(manifest_entry)
        if manifest_entry is None:
            if any(e["type"] in ("open", "ballot", "close", "tally", "share", "result") for e in self.entries):
                report.add(_("board"), _("there is no manifest, yet the board has voting entries"))
            else:
                report.notes.append(_("The election is not frozen yet: only the chain and checkpoints were checked."))
            return report
        if not self.check_manifest(manifest_entry):
            return report
        counted = self.check_ballots(manifest_entry)
        tally_entry = self.check_tally(counted)
        if through_tally or tally_entry is None:
            return report
        self.check_shares_and_result(tally_entry)
        return report

    def check_checkpoints(self, manifest_entry: dict[str, Any] | None) -> None:
        report = self.report
        key = self.data.get("checkpoint_key")
        if manifest_entry is not None:
            manifest = manifest_entry["payload"].get("manifest")
            signed_key = manifest.get("checkpoint_key") if isinstance(manifest, dict) else None
            if signed_key != key:
                report.add(
                    _("checkpoint key"),
                    _("the download's checkpoint key is not the one fixed in the manifest"),
                )
                key = signed_key
        checkpoints = self.data["checkpoints"]
        if not checkpoints:
            report.add(_("checkpoints"), _("the board has no signed checkpoint"))
            return
        report.problems.extend(verify_checkpoints(self.data["election"], str(key), checkpoints, self.data["entries"]))
        seqs = [c["seq"] for c in checkpoints if isinstance(c, dict) and _int(c.get("seq"))]
        last = self.data["entries"][-1] if self.data["entries"] else None
        last_seq = last.get("seq") if isinstance(last, dict) else None
        if seqs and _int(last_seq) and max(seqs) < last_seq:
            report.notes.append(
                _("Entries after seq %(seq)s are not yet covered by a signed checkpoint.") % {"seq": max(seqs)}
            )

    def check_manifest(self, manifest_entry: dict[str, Any]) -> bool:
        """The manifest against the census, the credentials and the key ceremony before it.
        False when it is too broken to check ballots against."""
        report = self.report
        place = where(manifest_entry)
        payload = manifest_entry["payload"]
        manifest = payload.get("manifest")
        if not isinstance(manifest, dict):
            report.add(place, _("the manifest is missing"))
            return False
        report.manifest = manifest
        try:
            manifest_hash = hashlib.sha256(cjson(manifest)).hexdigest()
        except (TypeError, ValueError):
            report.add(place, _("the manifest is not canonical JSON"))
            return False
        if payload.get("hash") != manifest_hash:
            report.add(place, _("the manifest hash does not match the manifest"))
        if manifest.get("election") != self.data["election"]:
            report.add(place, _("the manifest is for another election"))
        try:
            candidates = len(manifest["candidates"])
            min_choices, max_choices = int(manifest["min_choices"]), int(manifest["max_choices"])
            self.threshold = int(manifest["threshold"])
            public_key = Point.from_hex(manifest["public_key"])
            census_count = int(manifest["census"]["count"])
            self.min_unit_voters = int(manifest["min_unit_voters"])
            if not isinstance(manifest["credentials"]["hash"], str) or not isinstance(manifest["census"]["hash"], str):
                raise TypeError
        except (AttributeError, KeyError, TypeError, ValueError):
            report.add(place, _("the manifest lacks a field or has a malformed one"))
            return False
        if not 0 <= min_choices <= max_choices <= candidates:
            report.add(place, _("the numbers of choices do not fit the candidates"))
        report.census = census_count
        report.manifest_hash = manifest_hash
        before = [e for e in self.entries if e["seq"] < manifest_entry["seq"]]
        credentials = self.check_census_and_credentials(manifest, place, before)
        self.check_ceremony(manifest, place, before, public_key)
        self.rules = Rules(
            election=self.data["election"],
            manifest_hash=manifest_hash,
            public_key=public_key,
            candidates=candidates,
            min_choices=min_choices,
            max_choices=max_choices,
            credentials=credentials,
        )
        return True

    def check_census_and_credentials(
        self, manifest: dict[str, Any], place: str, before: list[dict[str, Any]]
    ) -> frozenset[str]:
        report = self.report
        census = [e for e in before if e["type"] == "census"]
        if not census:
            report.add(place, _("no census entry precedes the manifest"))
        else:
            entry = census[-1]
            payload = entry["payload"]
            if payload.get("hash") != manifest["census"]["hash"] or payload.get("count") != manifest["census"]["count"]:
                report.add(where(entry), _("the census hash or count differs from the manifest's"))
            units = payload.get("units")
            if isinstance(units, dict) and sum(v for v in units.values() if _int(v)) != payload.get("count"):
                report.add(where(entry), _("the census counts per unit do not add up to the census count"))
        published = [e for e in before if e["type"] == "credentials"]
        if not published:
            report.add(place, _("no credentials entry precedes the manifest"))
            return frozenset()
        entry = published[-1]
        listed = entry["payload"].get("list")
        if not isinstance(listed, list) or not all(is_hex(c, 64) for c in listed):
            report.add(where(entry), _("the list of public credentials is malformed"))
            return frozenset()
        if listed != sorted(listed):
            report.add(where(entry), _("the list of public credentials is not sorted"))
        if len(set(listed)) != len(listed):
            report.add(where(entry), _("the list of public credentials has duplicates"))
        if hashlib.sha256(cjson(sorted(listed))).hexdigest() != manifest["credentials"]["hash"]:
            report.add(place, _("the credentials hash differs from the published list"))
        if manifest["credentials"].get("count") != len(listed):
            report.add(place, _("the credentials count differs from the published list"))
        if len(listed) != manifest["census"]["count"]:
            report.add(place, _("there are not as many credentials as members in the census"))
        return frozenset(listed)

    def check_ceremony(
        self, manifest: dict[str, Any], place: str, before: list[dict[str, Any]], public_key: Point
    ) -> None:
        """Registrations with valid proofs, valid deals, checks whose verification keys equal those
        computed from the commitments, and the election key = Σ C_i0. After a complaint the ceremony
        restarted: deals and checks before the last complaint no longer count."""
        report = self.report
        ctx = dkg.ceremony_context(self.data["election"])
        threshold = self.threshold
        restarted = max((e["seq"] for e in before if e["type"] == "complaint"), default=-1)
        registrations: dict[int, dict[str, Any]] = {}
        for entry in (e for e in before if e["type"] == "trustee"):
            # Only the registration's own fields: the server may note more (such as the threshold) beside them.
            reg = {key: entry["payload"].get(key) for key in ("index", "public", "pok")}
            try:
                valid = dkg.verify_registration(ctx, reg)
            except (AttributeError, KeyError, TypeError, ValueError):
                valid = False
            if not valid:
                report.add(where(entry), _("the trustee's registration proof does not verify"))
            elif _int(reg.get("index")):
                registrations[reg["index"]] = reg
        trustees = manifest.get("trustees")
        listed = (
            {t.get("index"): t.get("public") for t in trustees if isinstance(t, dict)}
            if isinstance(trustees, list)
            else {}
        )
        if listed != {j: reg.get("public") for j, reg in registrations.items()}:
            report.add(place, _("the manifest's trustees are not the registered trustees"))
        indices = sorted(registrations)
        if not 1 <= threshold <= len(indices):
            report.add(place, _("the threshold does not fit the number of trustees"))
            return
        deals: dict[int, dict[str, Any]] = {}
        for entry in (e for e in before if e["type"] == "deal" and e["seq"] > restarted):
            deal = {key: entry["payload"].get(key) for key in ("index", "commitments", "pok", "shares")}
            try:
                valid = dkg.verify_deal(ctx, deal, threshold, indices)
            except (AttributeError, KeyError, TypeError, ValueError):
                valid = False
            if not valid:
                report.add(where(entry), _("the trustee's deal does not verify"))
            elif deal.get("index") in deals:
                report.add(where(entry), _("a second deal from the same trustee"))
            else:
                deals[deal["index"]] = deal
        if sorted(deals) != indices:
            report.add(place, _("not every registered trustee dealt shares"))
            return
        deal_list = [deals[j] for j in indices]
        try:
            computed = dkg.election_key(deal_list)
        except (AttributeError, KeyError, TypeError, ValueError):
            report.add(place, _("the election key cannot be computed from the deals"))
            return
        if computed != public_key:
            report.add(place, _("the election public key is not the sum of the trustees' commitments"))
        expected = {j: dkg.verification_key(deal_list, j, threshold) for j in indices}
        checked: set[int] = set()
        for entry in (e for e in before if e["type"] == "check" and e["seq"] > restarted):
            check = {key: entry["payload"].get(key) for key in ("index", "verification_key", "pok")}
            try:
                valid = dkg.verify_check(ctx, check, deal_list, threshold)
            except (AttributeError, KeyError, TypeError, ValueError):
                valid = False
            if not valid:
                report.add(where(entry), _("the trustee's check does not verify against the commitments"))
            else:
                checked.add(check["index"])
        if checked != set(indices):
            report.add(place, _("not every trustee confirmed their share"))
        keys = [e for e in before if e["type"] == "election_key"]
        if keys:
            payload = keys[-1]["payload"]
            if payload.get("public_key") != manifest.get("public_key"):
                report.add(where(keys[-1]), _("the published election key differs from the manifest's"))
            published = payload.get("verification_keys")
            if not isinstance(published, dict) or {str(j): expected[j].hex() for j in indices} != {
                str(j): v for j, v in published.items()
            }:
                report.add(where(keys[-1]), _("the verification keys differ from those computed from the commitments"))
        self.verification_keys = expected
        self.report.verification_keys = {j: point.hex() for j, point in expected.items()}

    def check_ballots(self, manifest_entry: dict[str, Any]) -> list[tuple[str, bytes]]:
        """Every ballot; the counted ones (the last valid ballot per credential) as (unit, blob) rows."""
        report = self.report
        rules = self.rules
        assert rules is not None  # noqa: S101 - set by check_manifest
        opened, closed = self.one("open"), self.one("close")
        if opened is not None and opened["seq"] < manifest_entry["seq"]:
            report.add(where(opened), _("voting opened before the manifest was frozen"))
        entries = self.of_type("ballot")
        report.ballots_on_board = len(entries)
        items = [e["payload"].get("ballot") for e in entries]
        self.progress(
            ngettext(
                "Verifying %(count)s ballots in %(jobs)s process…",
                "Verifying %(count)s ballots in %(jobs)s processes…",
                self.jobs,
            )
            % {"count": len(items), "jobs": self.jobs}
        )
        started = time.perf_counter()
        failures, digests = verify_ballots(rules, items, self.jobs)
        report.ballot_seconds = time.perf_counter() - started
        messages = ballot_messages()
        last: dict[str, tuple[str, bytes]] = {}
        trackers: set[str] = set()
        for position, entry in enumerate(entries):
            place = where(entry)
            if opened is None or entry["seq"] < opened["seq"]:
                report.add(place, _("cast before voting opened"))
                continue
            if closed is not None and entry["seq"] > closed["seq"]:
                report.add(place, _("cast after voting closed"))
                continue
            if position in failures:
                code, detail = failures[position]
                text = messages.get(code, messages["shape"])
                technical = code in ("json", "shape") and detail
                report.add(place, f"{text} ({detail})" if technical else text)
                continue
            tracker, blob = digests[position]
            if tracker in trackers:
                report.add(place, _("the same ballot appears twice on the board"))
                continue
            trackers.add(tracker)
            last[items[position]["credential"]] = (str(entry["payload"].get("unit")), blob)
        counted = list(last.values())
        report.counted = len(counted)
        self.check_units_against_census(counted, closed or (entries[-1] if entries else None))
        if closed is not None and closed["payload"].get("ballots") != len(counted):
            report.add(
                where(closed),
                _("the close entry states %(stated)s counted ballots; the board has %(counted)s")
                % {"stated": closed["payload"].get("ballots"), "counted": len(counted)},
            )
        if report.census:
            report.turnout = min(turnouts(len(counted), report.census))
        return counted

    def check_units_against_census(self, counted: list[tuple[str, bytes]], place: dict[str, Any] | None) -> None:
        """No unit counts more ballots than it has members in the census. (Which unit a credential
        belongs to is the server's binding at the first cast; this bounds what it can claim.)"""
        census = self.one("census")
        allowed = census["payload"].get("units") if census is not None else None
        if not isinstance(allowed, dict) or place is None:
            return
        per_unit = Counter(unit for unit, _blob in counted)
        for unit, n in sorted(per_unit.items()):
            members = allowed.get(unit)
            members = members if _int(members) else 0
            if n > members:
                self.report.add(
                    where(place),
                    _("unit %(unit)s: more ballots counted (%(counted)s) than members in the census (%(census)s)")
                    % {"unit": unit, "counted": n, "census": members},
                )

    def check_tally(self, counted: list[tuple[str, bytes]]) -> dict[str, Any] | None:
        """The encrypted tally equals the aggregation recomputed from the counted ballots."""
        report = self.report
        rules = self.rules
        assert rules is not None and report.manifest is not None  # noqa: S101
        entry = self.one("tally")
        self.progress(_("Recomputing the encrypted tally…"))
        recomputed = tally.build_tally(counted, rules.candidates, self.min_unit_voters)
        report.tally = recomputed
        if entry is None:
            return None
        place = where(entry)
        closed = self.of_type("close")
        if not closed or entry["seq"] < closed[0]["seq"]:
            report.add(place, _("the tally was made before voting closed"))
        published = entry["payload"]
        report.tally_entry = published
        if cjson(published) == cjson(recomputed):
            return entry
        found = len(report.problems)
        if published.get("counted") != recomputed["counted"]:
            report.add(
                place,
                _("it counts %(stated)s ballots; the board has %(counted)s counted ballots")
                % {"stated": published.get("counted"), "counted": recomputed["counted"]},
            )
        total = published.get("total")
        for k in range(rules.candidates):
            if not isinstance(total, list) or k >= len(total) or total[k] != recomputed["total"][k]:
                report.add(
                    place,
                    _("the total for candidate %(number)s is not the sum of the counted ballots") % {"number": k + 1},
                )
        units = published.get("units")
        units = units if isinstance(units, dict) else {}
        for key in sorted(set(units) | set(recomputed["units"])):
            if units.get(key) != recomputed["units"].get(key):
                report.add(
                    place,
                    _("the tally of unit %(unit)s is not the sum of that unit's counted ballots (pooling rule)")
                    % {"unit": key},
                )
        if len(report.problems) == found:
            report.add(place, _("the tally differs from the aggregation of the counted ballots"))
        return entry

    def check_shares_and_result(self, tally_entry: dict[str, Any]) -> None:
        """Every share verifies under its trustee's verification key; with at least t of them the
        published result equals the decryption recomputed."""
        report = self.report
        rules = self.rules
        assert rules is not None and report.manifest is not None  # noqa: S101
        published = tally_entry["payload"]
        h_e = bytes.fromhex(rules.manifest_hash)
        valid: dict[int, dict[str, Any]] = {}
        for entry in self.of_type("share"):
            place = where(entry)
            share = entry["payload"]
            index = share.get("index")
            if entry["seq"] < tally_entry["seq"]:
                report.add(place, _("a decryption share before the tally"))
            if index not in self.verification_keys:
                report.add(place, _("the share is from no trustee of this election"))
                continue
            try:
                good = tally.verify_share(h_e, index, self.verification_keys[index], published, share)
            except (AttributeError, KeyError, TypeError, ValueError):
                good = False
            if not good:
                report.add(place, _("trustee %(index)s's decryption proof does not verify") % {"index": index})
            elif index in valid:
                report.add(place, _("a second share from trustee %(index)s") % {"index": index})
            else:
                valid[index] = share
        result_entry = self.one("result")
        if len(valid) < self.threshold:
            if result_entry is None:  # the trustees are still decrypting
                report.notes.append(
                    _("%(count)s of the %(threshold)s decryption shares needed are on the board so far.")
                    % {"count": len(valid), "threshold": self.threshold}
                )
                return
            report.add(
                where(tally_entry),
                _("only %(count)s valid decryption shares; %(threshold)s are needed")
                % {"count": len(valid), "threshold": self.threshold},
            )
            report.add(where(result_entry), _("a result was published without enough decryption shares"))
            return
        self.progress(_("Decrypting the tally from %(count)s shares…") % {"count": len(valid)})
        try:
            recomputed = tally.decrypt_tally(published, valid, self.threshold)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            report.add(where(tally_entry), _("the tally cannot be decrypted: %(error)s") % {"error": error})
            return
        report.result = recomputed
        if result_entry is None:
            return
        place = where(result_entry)
        stated = result_entry["payload"]
        if stated.get("counts") != recomputed["counts"]:
            report.add(place, _("the published counts are not the decryption of the tally"))
        if stated.get("units", {}) != recomputed.get("units", {}):
            report.add(place, _("the published per-unit counts are not the decryption of the tally"))
        if stated.get("counted") != recomputed["counted"]:
            report.add(place, _("the published number of counted ballots is wrong"))
        if stated.get("census") != report.census:
            report.add(place, _("the published census count is not the manifest's"))
        if report.census and stated.get("turnout") not in turnouts(recomputed["counted"], report.census):
            report.add(place, _("the published turnout is wrong"))


def verify_board(
    data: dict[str, Any],
    *,
    jobs: int = 1,
    through_tally: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check a loaded board download; the report lists every problem found, each with its place."""
    return Verifier(data, jobs=jobs, progress=progress).run(through_tally=through_tally)


# -- output ---------------------------------------------------------------------------------------


def language() -> str:
    for name in ("AMANAT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value[:2] in ("kk", "ru", "en"):
            return value[:2]
    return "en"


def localised(names: Any) -> str:
    if not isinstance(names, dict):
        return str(names)
    lang = language()
    for code in (lang, "en", "ru", "kk"):
        if names.get(code):
            return str(names[code])
    return ""


def candidate_names(report: Report) -> list[str]:
    candidates = (report.manifest or {}).get("candidates") or []
    return [localised(c.get("name")) if isinstance(c, dict) else str(c) for c in candidates]


def summary_lines(report: Report) -> list[str]:
    manifest = report.manifest or {}
    lines = [
        _("Election: %(title)s (%(election)s)")
        % {"title": localised(manifest.get("title")), "election": report.election},
        _("Board: %(entries)s entries, head %(head)s, %(checkpoints)s signed checkpoints")
        % {"entries": report.entries, "head": report.head, "checkpoints": report.checkpoints},
        _("Ballots on the board: %(ballots)s; counted (the last per credential): %(counted)s")
        % {"ballots": report.ballots_on_board, "counted": report.counted},
    ]
    if report.census is not None:
        lines.append(
            _("Census: %(census)s members; turnout %(turnout)s%%")
            % {"census": report.census, "turnout": report.turnout}
        )
    names = candidate_names(report)
    result = report.result
    if result is None:
        lines.append(_("No result could be recomputed yet (no tally, or too few decryption shares)."))
        return lines
    lines.append(_("Result recomputed from the board (%(counted)s ballots):") % {"counted": result["counted"]})
    lines.extend(f"  {name}: {count}" for name, count in zip(names, result["counts"], strict=False))
    units = (report.tally or {}).get("units", {})
    for key, counts in sorted(result.get("units", {}).items()):
        label = _("Other units, pooled") if key == "other" else _("Unit %(unit)s") % {"unit": key}
        counted = units.get(key, {}).get("counted", "?")
        lines.append(
            f"{label} ({ngettext('%(count)s ballot', '%(count)s ballots', counted if isinstance(counted, int) else 2) % {'count': counted}}):"
        )
        lines.extend(f"  {name}: {count}" for name, count in zip(names, counts, strict=False))
    return lines


def report_json(report: Report) -> dict[str, Any]:
    return {
        "election": report.election,
        "ok": report.ok,
        "problems": [p.to_json() for p in report.problems],
        "notes": report.notes,
        "entries": report.entries,
        "head": report.head,
        "checkpoints": report.checkpoints,
        "ballots_on_board": report.ballots_on_board,
        "counted": report.counted,
        "census": report.census,
        "turnout": report.turnout,
        "candidates": candidate_names(report),
        "result": report.result,
    }


def print_report(report: Report, out: Any = None) -> None:
    out = out or sys.stdout
    for line in summary_lines(report):
        print(line, file=out)
    for note in report.notes:
        print(note, file=out)
    if report.ok:
        print(_("All checks hold."), file=out)
        return
    count = len(report.problems)
    print(ngettext("%(count)s problem found:", "%(count)s problems found:", count) % {"count": count}, file=out)
    for problem in report.problems[:MAX_PRINTED]:
        print(f"  {problem}", file=out)
    if count > MAX_PRINTED:
        print(_("  … and %(more)s more (use --json for all)") % {"more": count - MAX_PRINTED}, file=out)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="amanat-verify", description=_("Check a downloaded election board and recompute the result.")
    )
    p.add_argument("board", help=_("the board download (JSON)"))
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help=_("processes for checking ballots"))
    p.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        data = load(args.board)
    except BoardError as error:
        print(_("amanat-verify: %(error)s") % {"error": error}, file=sys.stderr)
        return 2
    progress = None if args.json else (lambda message: print(message, file=sys.stderr, flush=True))
    report = verify_board(data, jobs=args.jobs, progress=progress)
    if args.json:
        json.dump(report_json(report), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
