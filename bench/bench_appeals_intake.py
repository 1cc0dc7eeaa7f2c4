"""Benchmark: registering appeals through the API (`POST /api/v1/appeals/`) under gunicorn on PostgreSQL.

A PostgreSQL database (fresh, with the base demo, or `--database-url`) is served by
`amanat serve --gunicorn --workers 2 --no-worker`. An API token is issued to the regional
administrator; then `--threads` client threads (requests, keep-alive) post realistic appeals
(texts from `amanat.demo.appeal_texts`, routed by category and place, so each lands in its
district's inbox) for `--seconds` after a short warm-up. Reported: appeals registered per second
(sustained over the measured window), latency p50/p95, errors. Target: ≥ 200 appeals/s.

    python -m bench appeals_intake                       # fresh database, 30 s, 16 threads
    python -m bench appeals_intake --seconds 10 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from bench.bench_generate_members import DEFAULT_PG, REPORT, ROOT, amanat, machine
from bench.bench_import_members import fresh_database, load_average, say
from bench.bench_member_list import percentile

TARGET_PER_S = 200.0
ACTOR = "regional.admin@amanat.kz"

SETUP = """
import json
from amanat.accounts.models import ApiToken, User
from amanat.appeals.models import Category
from amanat.org.models import Territory
from amanat.demo.appeal_texts import TOWNS
user = User.objects.get(email={actor!r})
_token, raw = ApiToken.issue(user=user, name="bench intake")
categories = dict(Category.objects.filter(depth=2).values_list("code", "pk"))
places = dict(Territory.objects.filter(kato__in=[t.kato for t in TOWNS]).values_list("kato", "pk"))
print(json.dumps({{"token": raw, "categories": categories, "places": places}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bodies(setup: dict[str, Any], count: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from amanat.demo.appeal_texts import TOWNS, sample_appeal

    rng = random.Random(2026)
    out = []
    for n in range(count):
        town = rng.choice(TOWNS)
        sample = sample_appeal(rng, town=town)
        out.append(
            {
                "appeal_type": rng.choice(["statement", "complaint", "proposal", "request"]),
                "channel": "api",
                "language": sample["language"],
                "category": setup["categories"].get(sample["category"]),
                "territory": setup["places"].get(town.kato),
                "subject": sample["subject"],
                "text": sample["text"],
                "applicant_name": f"Bench Applicant {n}",
                "applicant_phone": f"+7705{n % 10_000_000:07d}",
                "answer_channel": "post",
                "consent": True,
            }
        )
    return out


def load(url: str, token: str, payloads: list[dict[str, Any]], threads: int, warmup: float, seconds: float) -> dict:
    import requests

    start = time.perf_counter() + warmup
    stop = start + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    errors: list[str] = []
    index = [0]

    def run() -> None:
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {token}"})
        while True:
            with lock:
                body = payloads[index[0] % len(payloads)]
                index[0] += 1
            began = time.perf_counter()
            if began >= stop:
                return
            try:
                response = session.post(url, json=body, timeout=30)
                good = response.status_code == 201
                problem = "" if good else f"{response.status_code} {response.text[:200]}"
            except requests.RequestException as exc:
                good, problem = False, str(exc)[:200]
            ended = time.perf_counter()
            if start <= began and ended <= stop:
                with lock:
                    counts["ok" if good else "errors"] += 1
                    if good:
                        latencies.append((ended - began) * 1000)
                    elif len(errors) < 5:
                        errors.append(problem)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {
        "ok": counts["ok"],
        "errors": counts["errors"],
        "error_samples": errors,
        "per_s": counts["ok"] / seconds,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p95": percentile(latencies, 0.95) if latencies else 0.0,
    }


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def measure(args: argparse.Namespace, env: dict[str, str], label: str) -> dict[str, Any]:
    setup = json.loads(amanat(["shell", "-c", SETUP.format(actor=ACTOR)], env).strip().splitlines()[-1])
    payloads = bodies(setup, 5000)
    port = free_port()
    server_env = {**env, "AMANAT_2FA_REQUIRED": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    command = [sys.executable, "-m", "amanat", "serve", "--gunicorn", "--no-worker", "--workers", str(args.workers)]
    command += ["--port", str(port)]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter
        command, env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(port)
        before = load_average()
        result = load(
            f"http://127.0.0.1:{port}/api/v1/appeals/", setup["token"], payloads, args.threads, 3, args.seconds
        )
        result.update(database=label, load_before=before, load_after=load_average())
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    say(f"  {result['ok']} appeals in {args.seconds:.0f} s = {result['per_s']:.0f}/s, p50 {result['p50']:.0f} ms, "
        f"p95 {result['p95']:.0f} ms, {result['errors']} errors {result['error_samples'][:2]}")  # fmt: skip
    return result


def report(r: dict[str, Any], args: argparse.Namespace) -> str:
    verdict = "met" if r["per_s"] >= TARGET_PER_S else "**missed**"
    return "\n".join(
        [
            "",
            f"## Appeals: intake through the API — {dt.datetime.now():%Y-%m-%d %H:%M}",
            "",
            f"Machine: {machine()}. {r['database']}; `amanat serve --gunicorn --workers {args.workers}` "
            f"(no task worker; each registration queues its notice task in the database). {args.threads} client "
            f"threads on the same machine (requests, keep-alive, Bearer token of the regional administrator) post "
            f"realistic appeals routed by category and place; 3 s warm-up, then {args.seconds:.0f} s measured. "
            f"Load average before/after: {r['load_before']} / {r['load_after']}.",
            "",
            "| registered | appeals/s | p50 ms | p95 ms | errors | target |",
            "|---:|---:|---:|---:|---:|---|",
            f"| {r['ok']:,} | {r['per_s']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['errors']} | {verdict} "
            f"(≥ {TARGET_PER_S:.0f}/s) |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench appeals_intake", description=__doc__.splitlines()[0])
    parser.add_argument("--pg-server", default=os.environ.get("AMANAT_BENCH_PG", DEFAULT_PG))
    parser.add_argument("--database-url", help="Use this PostgreSQL database (with the demo) instead of a fresh one.")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.database_url:
        env = {k: v for k, v in os.environ.items() if k != "AMANAT_SQLITE_PATH"}
        env["DATABASE_URL"] = args.database_url
        result = measure(args, env, "PostgreSQL (existing database)")
    else:
        with fresh_database("postgresql", args.pg_server, "intake") as (label, env):
            amanat(["migrate", "-v0"], env)
            amanat(["demo_data", "--base-members", "0", "--demo-appeals", "0"], env)
            result = measure(args, env, label)
    text = report(result, args)
    print(text)
    if not args.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
    return 0 if result["per_s"] >= TARGET_PER_S and not result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
