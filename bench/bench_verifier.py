"""Benchmark: `amanat-verify` over the board of an election with 100,000 1-of-5 ballots.

The board is generated the way the server writes it (tests/votecrypto/boards.py: ceremony of 3 of 5
trustees, census and credentials, ballots from 98,000 members of whom 2,000 vote twice, 10 tally
units, a checkpoint every 1,000 entries, close, tally, three shares, result) and cached under
var/bench/ because making 100,000 ballots takes a minute or two. Then it is verified as an observer
would: read the file, check the chain and checkpoints, the manifest and ceremony, every ballot in
`--jobs` processes, the aggregation, the shares and the result. Target (issue 6): ≥ 700 ballots/s
with two worker processes.

    python -m bench verifier                    # 100,000 ballots, 2 processes
    python -m bench verifier --ballots 5000     # a quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
TARGET = 700.0
CANDIDATES, UNITS = 5, tuple(str(100 + u) for u in range(10))

_MAKE: tuple[dict[str, Any], str, list[Any]] | None = None


def _make(positions: list[int]) -> list[tuple[int, dict[str, Any]]]:
    from votecrypto.ballot import make_ballot

    assert _MAKE is not None
    manifest, manifest_hash, voters = _MAKE
    made = []
    for i in positions:
        selection = [0] * CANDIDATES
        selection[(i * 7 + i // 3) % CANDIDATES] = 1
        made.append((i, make_ballot(manifest, manifest_hash, voters[i].credential, selection)[0]))
    return made


def generate(path: Path, ballots: int, jobs: int) -> None:
    """The board download with `ballots` ballot entries (2% of them revotes), written to `path`."""
    global _MAKE
    from tests.votecrypto.boards import build_board

    revotes = max(1, ballots // 50)
    voters = ballots - revotes

    def cast(manifest: dict[str, Any], manifest_hash: str, people: list[Any]) -> list[tuple[int, dict[str, Any]]]:
        global _MAKE
        _MAKE = (manifest, manifest_hash, people)
        order = list(range(voters)) + list(range(0, revotes * 37, 37))  # the revoters vote again at the end
        order = [i % voters for i in order]
        chunks = [order[k : k + 500] for k in range(0, len(order), 500)]
        started, made = time.perf_counter(), []
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part in pool.imap(_make, chunks):
                made.extend(part)
                if len(made) % 10000 < 500:
                    print(f"  {len(made):,} ballots made ({time.perf_counter() - started:.0f} s)", flush=True)
        return made

    started = time.perf_counter()
    # 2% of the census abstains; every unit is well above the minimum, so results per unit are kept.
    census = voters + voters // 49
    built = build_board(
        voters=census,
        abstaining=census - voters,
        candidates=CANDIDATES,
        units=UNITS,
        min_unit_voters=20,
        every=1000,
        cast=cast,
    )
    _MAKE = None
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        json.dump(built.data, out, separators=(",", ":"))
    temporary.replace(path)
    print(f"Board generated in {time.perf_counter() - started:.0f} s: {path} ({path.stat().st_size / 1e6:.0f} MB)")


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the ballot workers): on a shared
    machine this, not the wall clock, shows what the verifier costs."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(path: Path, jobs: int, sample: int) -> dict[str, Any]:
    from votecrypto.board import load
    from votecrypto.verify import Verifier, verify_ballots

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    data = load(path)
    figures["load_s"] = time.perf_counter() - started

    marks: list[tuple[str, float]] = []
    verifier = Verifier(data, jobs=jobs, progress=lambda message: marks.append((message, time.perf_counter())))
    started = time.perf_counter()
    cpu_before = cpu_seconds()
    report = verifier.run()
    figures["verify_cpu_s"] = cpu_seconds() - cpu_before
    figures["verify_s"] = time.perf_counter() - started
    marks.append(("end", time.perf_counter()))
    stages = {}
    for (message, at), (_next, until) in itertools.pairwise(marks):
        stages[message.split(" ")[0].lower()] = until - at
    figures["stages"] = stages
    figures["ok"] = report.ok
    figures["problems"] = [str(p) for p in report.problems[:5]]
    figures["ballots"] = report.ballots_on_board
    figures["counted"] = report.counted
    figures["result"] = report.result["counts"] if report.result else None

    # The ballot checks alone, as timed inside that run; and a sample again on one core.
    figures["ballots_jobs_s"] = report.ballot_seconds
    rules = verifier.rules
    items = [e["payload"]["ballot"] for e in data["entries"] if e["type"] == "ballot"][:sample]
    started, cpu_before = time.perf_counter(), cpu_seconds()
    failures, _digests = verify_ballots(rules, items, 1)
    figures["ballot_one_core_ms"] = (time.perf_counter() - started) / max(1, len(items)) * 1000
    figures["ballot_one_core_cpu_ms"] = (cpu_seconds() - cpu_before) / max(1, len(items)) * 1000
    figures["ballot_failures"] = len(failures)
    figures["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench verifier", description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for ballots (and for generating)")
    parser.add_argument("--sample", type=int, default=5000, help="ballots timed on one core")
    parser.add_argument("--regenerate", action="store_true", help="make a new board even if one is cached")
    parser.add_argument("--write", action="store_true", help="append the figures to docs/benchmarks.md")
    options = parser.parse_args(argv)
    path = CACHE / f"verifier-board-{options.ballots}.json"
    if options.regenerate or not path.exists():
        print(f"Generating a board of {options.ballots:,} ballots (cached at {path})…", flush=True)
        generate(path, options.ballots, options.jobs)
    figures = measure(path, options.jobs, options.sample)
    rate = figures["ballots"] / figures["ballots_jobs_s"]
    lines = [
        f"### Verifier over {figures['ballots']:,} 1-of-5 ballots ({dt.datetime.now(dt.UTC).date().isoformat()}, {options.jobs} processes)",
        "",
        f"- board file: {path.stat().st_size / 1e6:.0f} MB, read and parsed in {figures['load_s']:.1f} s",
        f"- whole verification (chain, checkpoints, manifest, ceremony, ballots, tally, shares, result): "
        f"{figures['verify_s']:.1f} s; verdict: {'all checks hold' if figures['ok'] else figures['problems']}",
        "- stages: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in figures["stages"].items()),
        f"- ballot checks alone: {rate:,.0f} ballots/s with {options.jobs} processes "
        f"(target ≥ {TARGET:.0f}: {'met' if rate >= TARGET else 'NOT met'}); "
        f"{figures['ballot_one_core_ms']:.2f} ms per ballot on one core "
        f"({figures['ballot_one_core_cpu_ms']:.2f} ms of CPU time)",
        f"- CPU time of the whole verification: {figures['verify_cpu_s']:.0f} s "
        f"({figures['verify_cpu_s'] / figures['ballots'] * 1000:.2f} ms per ballot); on {options.jobs} cores of "
        f"its own that is {figures['ballots'] * options.jobs / figures['verify_cpu_s']:,.0f} ballots/s",
        f"- counted {figures['counted']:,} (last ballot per credential); result {figures['result']}",
        f"- load average during the run: {figures['load']}",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if options.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as out:
            out.write("\n" + text)
    return 0 if figures["ok"] and figures["ballot_failures"] == 0 and rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
