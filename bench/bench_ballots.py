"""Benchmark: the cryptography of a vote (votecrypto), 1-of-5 ballots, no database.

Measured:
- verifying one ballot (every proof and the signature, `verify_ballot`) on one core: ≤ 2.5 ms;
- verifying with two worker processes: ≥ 700 ballots/s;
- aggregating 1,000,000 stored ballots on one core (`aggregate`): ≤ 90 s; also with two workers
  (`aggregate_parallel`); the sums are then decrypted by 3 of 5 trustees and checked against the
  selections;
- for scale: making a ballot (what the booth does, here in Python), a 3-of-5 key ceremony.

Targets are judged on CPU time (the machine is shared; wall-clock figures are printed beside).
Aggregation reads 10,000 distinct stored ballots (as `ciphertext_blob` stores them) repeated: each
point is parsed and added anew, so the cost is that of distinct ballots.

    python -m bench ballots                        # the full run (~3 minutes), figures appended to docs/benchmarks.md
    python -m bench ballots --aggregate 100000 --no-write   # a quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from bench.bench_generate_members import REPORT, machine
from bench.bench_import_members import load_average, say

VERIFY_MS, VERIFY_RATE, AGGREGATE_S = 2.5, 700.0, 90.0
ELECTION = "b1e55ed0-0000-4000-8000-00000000be9c"
CANDIDATES, DISTINCT_BLOBS = 5, 10_000

_RULES: dict[str, Any] = {}


def manifest(public_key: str) -> dict[str, Any]:
    return {
        "version": 1,
        "election": ELECTION,
        "candidates": [{"id": i + 1, "name": {"en": f"Candidate {i + 1}"}} for i in range(CANDIDATES)],
        "min_choices": 1,
        "max_choices": 1,
        "public_key": public_key,
    }


def rules(m: dict[str, Any], manifest_hash: str, credentials: set[str]) -> dict[str, Any]:
    return {
        "election": ELECTION,
        "manifest_hash": manifest_hash,
        "public_key": m["public_key"],
        "candidates": CANDIDATES,
        "min_choices": 1,
        "max_choices": 1,
        "credentials": credentials,
    }


def _init_worker(values: dict[str, Any]) -> None:
    from votecrypto.group import Point

    _RULES.clear()
    _RULES.update(values, public_key=Point.from_hex(values["public_key"]))


def _verify_batch(ballots: list[dict[str, Any]]) -> tuple[int, float]:
    """(ballots verified, CPU seconds this worker spent on them)."""
    from votecrypto.ballot import verify_ballot

    started = time.process_time()
    for ballot in ballots:
        verify_ballot(ballot, **_RULES)
    return len(ballots), time.process_time() - started


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(options: argparse.Namespace) -> dict[str, Any]:
    from votecrypto.ballot import make_ballot, verify_ballot
    from votecrypto.elgamal import encrypt
    from votecrypto.encoding import cjson, sha256_hex
    from votecrypto.tally import aggregate, aggregate_parallel, build_tally, decrypt_tally, decryption_share
    from votecrypto.testkit import make_credentials, run_ceremony

    out: dict[str, Any] = {}
    started = time.perf_counter()
    kit = run_ceremony(ELECTION, 5, 3)
    out["ceremony_s"] = time.perf_counter() - started
    assert kit.public_key is not None
    m = manifest(kit.public_key.hex())
    m_hash = sha256_hex(cjson(m))
    rng = random.Random(2026)

    say(f"making {options.ballots} ballots…")
    credentials = make_credentials(ELECTION, options.ballots)
    ballots, make_ms = [], []
    for credential, _public in credentials:
        selections = [0] * CANDIDATES
        selections[rng.randrange(CANDIDATES)] = 1
        t0 = time.perf_counter()
        ballot, _ = make_ballot(m, m_hash, credential, selections)
        make_ms.append((time.perf_counter() - t0) * 1000)
        ballots.append(ballot)
    out["make_ms"] = statistics.mean(make_ms)

    values = rules(m, m_hash, {public for _, public in credentials})
    one_core = dict(values, public_key=kit.public_key)
    say("verifying on one core…")
    for ballot in ballots[:50]:  # warm up
        verify_ballot(ballot, **one_core)
    verify_ms, verify_cpu_ms = [], []
    for ballot in ballots:
        t0, c0 = time.perf_counter(), time.process_time()
        verify_ballot(ballot, **one_core)
        verify_cpu_ms.append((time.process_time() - c0) * 1000)
        verify_ms.append((time.perf_counter() - t0) * 1000)
    out["verify_mean_ms"] = statistics.mean(verify_ms)
    out["verify_median_ms"] = statistics.median(verify_ms)
    out["verify_p95_ms"] = percentile(verify_ms, 95)
    out["verify_cpu_ms"] = statistics.mean(verify_cpu_ms)

    say(f"verifying {options.ballots * options.rounds} ballots with {options.workers} worker processes…")
    batches = [ballots[i : i + 250] for i in range(0, len(ballots), 250)] * options.rounds
    with ProcessPoolExecutor(options.workers, get_context("fork"), _init_worker, (values,)) as pool:
        list(pool.map(_verify_batch, [ballots[:100]] * options.workers))  # start and warm the workers
        t0 = time.perf_counter()
        done = list(pool.map(_verify_batch, batches))
        elapsed = time.perf_counter() - t0
    verified = sum(n for n, _ in done)
    out["parallel_rate"] = verified / elapsed
    out["parallel_cpu_rate"] = verified / (sum(cpu for _, cpu in done) / options.workers)
    out["parallel_ballots"] = verified

    say(f"aggregating {options.aggregate} stored ballots…")
    distinct, choices = [], []
    for _ in range(min(DISTINCT_BLOBS, options.aggregate)):
        choice = rng.randrange(CANDIDATES)
        choices.append(choice)
        distinct.append(b"".join(encrypt(kit.public_key, int(i == choice))[0].to_bytes() for i in range(CANDIDATES)))
    repeats, rest = divmod(options.aggregate, len(distinct))
    blobs = distinct * repeats + distinct[:rest]
    expected = [choices.count(i) * repeats + choices[:rest].count(i) for i in range(CANDIDATES)]
    load = load_average()
    t0, c0 = time.perf_counter(), time.process_time()
    sums = aggregate(blobs, CANDIDATES)
    out["aggregate_s"], out["aggregate_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), cpu_seconds()
    parallel = aggregate_parallel(blobs, CANDIDATES, workers=options.workers)
    out["aggregate_parallel_s"], out["aggregate_parallel_cpu_s"] = time.perf_counter() - t0, cpu_seconds() - c0
    assert parallel == sums, "the parallel aggregation differs"

    tally = {"counted": len(blobs), "total": [ct.to_json() for ct in sums], "units": {}}
    h_e = bytes.fromhex(m_hash)
    t0 = time.perf_counter()
    shares = {j: decryption_share(h_e, j, kit.secrets[j], tally) for j in (1, 3, 5)}
    result = decrypt_tally(tally, shares, 3)
    out["decrypt_s"] = time.perf_counter() - t0
    assert result["counts"] == expected, (result["counts"], expected)
    out["counts"] = result["counts"]

    small = [(str(i % 50), blob) for i, blob in enumerate(distinct)]
    t0 = time.perf_counter()
    build_tally(small, CANDIDATES, 20)
    out["build_tally_10k_s"] = time.perf_counter() - t0
    out["load"] = f"{load} before aggregation, {load_average()} after"
    return out


def verdicts(out: dict[str, Any], options: argparse.Namespace) -> dict[str, bool]:
    """Targets met, judged on CPU time: wall-clock figures depend on what else the machine runs."""
    per_million = 1_000_000 / options.aggregate
    return {
        "verify": out["verify_cpu_ms"] <= VERIFY_MS,
        "parallel": out["parallel_cpu_rate"] >= VERIFY_RATE,
        "aggregate": out["aggregate_cpu_s"] * per_million <= AGGREGATE_S,
    }


def report(out: dict[str, Any], options: argparse.Namespace) -> str:
    ok = {k: "✔" if v else "✘" for k, v in verdicts(out, options).items()}
    per_million = 1_000_000 / options.aggregate
    workers = options.workers
    lines = [
        f"\n## Ballots: votecrypto ({dt.datetime.now(dt.UTC).date().isoformat()})\n",
        f"Machine: {machine()}; load {out['load']}. Targets are judged on CPU time; wall-clock",
        "figures are shown as measured and grow with whatever else the machine runs.\n",
        "| measure | CPU time | wall clock | target |",
        "| --- | --- | --- | --- |",
        f"| verify one 1-of-5 ballot, one core ({options.ballots} ballots; wall mean / median / p95) | "
        f"{out['verify_cpu_ms']:.2f} ms | {out['verify_mean_ms']:.2f} / {out['verify_median_ms']:.2f} / "
        f"{out['verify_p95_ms']:.2f} ms | ≤ {VERIFY_MS} ms {ok['verify']} |",
        f"| verify with {workers} worker processes ({out['parallel_ballots']} ballots) | "
        f"{out['parallel_cpu_rate']:.0f} ballots/s | {out['parallel_rate']:.0f} ballots/s | "
        f"≥ {VERIFY_RATE:.0f} ballots/s {ok['parallel']} |",
        f"| aggregate {options.aggregate:,} stored ballots, one core | {out['aggregate_cpu_s']:.1f} s "
        f"({out['aggregate_cpu_s'] * per_million:.0f} s per million) | {out['aggregate_s']:.1f} s | "
        f"≤ {AGGREGATE_S:.0f} s per million {ok['aggregate']} |",
        f"| aggregate {options.aggregate:,} stored ballots, {workers} workers | "
        f"{out['aggregate_parallel_cpu_s']:.1f} s (all processes) | {out['aggregate_parallel_s']:.1f} s "
        f"({out['aggregate_parallel_s'] * per_million:.0f} s per million) | |",
        f"| decrypt the total: 3 of 5 trustees' shares with proofs, discrete logs | | {out['decrypt_s']:.2f} s | |",
        f"| encrypted tally of 10,000 ballots in 50 units (`build_tally`) | | {out['build_tally_10k_s']:.2f} s | |",
        f"| make one ballot in Python (the booth does this in the browser) | | {out['make_ms']:.2f} ms | |",
        f"| 3-of-5 key ceremony (all trustees in one process) | | {out['ceremony_s']:.2f} s | |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ballots", description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1000, help="distinct ballots made and verified")
    parser.add_argument("--rounds", type=int, default=4, help="times the workers verify the ballots")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--aggregate", type=int, default=1_000_000, help="stored ballots aggregated")
    parser.add_argument("--no-write", action="store_true", help=f"Print the figures; do not append to {REPORT.name}.")
    options = parser.parse_args(argv)
    if options.ballots < 100 or options.rounds < 1 or options.workers < 1 or options.aggregate < 1:
        parser.error("--ballots must be 100 or more; --rounds, --workers and --aggregate 1 or more")
    out = measure(options)
    text = report(out, options)
    print(text)
    if not options.no_write:
        with REPORT.open("a", encoding="utf-8") as stream:
            stream.write(text)
    return 0 if all(verdicts(out, options).values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
