"""Benchmark: registering appeals through the API (`POST /api/v1/appeals/`) under gunicorn on PostgreSQL.

A PostgreSQL database (fresh, with the base demo, or `--database-url`) is served by
`amanat serve --gunicorn --workers N --no-worker` for each N of `--workers`. An API token is
issued to the regional administrator; then `--clients` concurrent clients post realistic appeals
(texts from `amanat.demo.appeal_texts`, routed by category and place, so each lands in its
district's inbox), each with its own Idempotency-Key, for `--seconds` after a short warm-up.

The load comes from `wrk` when it is installed (a Lua script gives each request its own body and
key; one thread takes a few per cent of a core), else from Python threads (requests, keep-alive),
which take about half of a 2-core machine themselves. Reported: appeals registered per second
(sustained over the measured window), latency p50/p95, errors, and the CPU the gunicorn workers
and the database's backends spent per registration (from /proc). Target: ≥ 200 appeals/s.

    python -m bench appeals_intake                       # fresh database, 30 s, 2 workers
    python -m bench appeals_intake --workers 2,3,4 --seconds 20 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.bench_generate_members import DEFAULT_PG, REPORT, ROOT, amanat, machine
from bench.bench_import_members import fresh_database, load_average, say
from bench.bench_member_list import percentile

TARGET_PER_S = 200.0
# A CI server may run without autovacuum: GIN indexes then merge their pending lists inside the
# inserts (under the counter's lock), which a production server's autovacuum does in the background.
SERVER_SETTINGS = ("autovacuum", "shared_buffers", "synchronous_commit", "fsync")
ACTOR = "regional.admin@amanat.kz"
WARMUP_SECONDS = 5.0

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

# Each wrk thread posts the bodies in turn (one JSON document a line in the file given), every
# request with a key of its own; `done` prints one JSON line the benchmark reads.
WRK_SCRIPT = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  token, run = args[2], args[3]
  counter, created, failed, sample = 0, 0, 0, ""
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = run .. "-" .. id .. "-" .. counter,
  }
  return wrk.format("POST", nil, headers, bodies[(counter + id * 997) % #bodies + 1])
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    failed = failed + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 200) end
  end
end

function done(summary, latency, requests)
  local created_all, failed_all, sample_all = 0, 0, ""
  for _, thread in ipairs(threads) do
    created_all = created_all + thread:get("created")
    failed_all = failed_all + thread:get("failed")
    if sample_all == "" then sample_all = thread:get("sample") end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"created": %d, "failed": %d, "socket_errors": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d}\n',
    created_all, failed_all, errors, summary.duration, latency:percentile(50), latency:percentile(95)))
  io.write("SAMPLE " .. string.gsub(sample_all, "\n", " ") .. "\n")
end
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


def load_wrk(url: str, token: str, payloads: list[dict[str, Any]], clients: int, seconds: float) -> dict:
    """Post for `seconds` with wrk (one thread, `clients` connections); the figures wrk measured."""
    with tempfile.TemporaryDirectory(prefix="amanat-bench-wrk-") as folder:
        script = Path(folder) / "intake.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        lines = Path(folder) / "bodies.jsonl"
        lines.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in payloads), encoding="utf-8")
        run = f"bench-{os.getpid()}-{time.time_ns()}"
        command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "30s", "-s", str(script), url]
        command += ["--", str(lines), token, run]
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - fixed arguments
    figures = next(json.loads(line) for line in done.stdout.splitlines() if line.startswith("{"))
    sample = next((line[7:] for line in done.stdout.splitlines() if line.startswith("SAMPLE ")), "")
    duration = figures["duration_us"] / 1e6
    return {
        "ok": figures["created"],
        "errors": figures["failed"] + figures["socket_errors"],
        "error_samples": [sample] if sample.strip() else [],
        "per_s": figures["created"] / duration,
        "p50": figures["p50_us"] / 1000,
        "p95": figures["p95_us"] / 1000,
    }


def load_threads(url: str, token: str, payloads: list[dict[str, Any]], clients: int, seconds: float) -> dict:
    """Post for `seconds` from `clients` Python threads (the fallback without wrk)."""
    import requests

    start = time.perf_counter()
    stop = start + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    errors: list[str] = []
    index = [0]
    run = f"bench-{os.getpid()}-{time.time_ns()}"

    def run_client() -> None:
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {token}"})
        while True:
            with lock:
                n = index[0]
                index[0] += 1
            body = payloads[n % len(payloads)]
            began = time.perf_counter()
            if began >= stop:
                return
            try:
                response = session.post(url, json=body, headers={"Idempotency-Key": f"{run}-{n}"}, timeout=30)
                good = response.status_code == 201
                problem = "" if good else f"{response.status_code} {response.text[:200]}"
            except requests.RequestException as exc:
                good, problem = False, str(exc)[:200]
            ended = time.perf_counter()
            if ended <= stop:
                with lock:
                    counts["ok" if good else "errors"] += 1
                    if good:
                        latencies.append((ended - began) * 1000)
                    elif len(errors) < 5:
                        errors.append(problem)

    workers = [threading.Thread(target=run_client) for _ in range(clients)]
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


def wait_booted(root: int, timeout: float = 120) -> None:
    """Wait until the server's processes are idle: gunicorn listens before its workers have
    imported the project, and a worker booting in the measured window would count as load."""
    deadline = time.time() + timeout
    used = sum(cpu_by_process(process_tree(root)).values())
    while time.time() < deadline:
        time.sleep(0.5)
        now = sum(cpu_by_process(process_tree(root)).values())
        if now - used < 0.05:
            return
        used = now


def cpu_by_process(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (Linux /proc; gone ones left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU the processes used in between: those alive at the end, from 0 for the ones started since
    (a process that ended in between, such as an autovacuum worker, is left out)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores, everything: /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (the serve command, gunicorn's master and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def database_backends(database_url: str) -> list[int]:
    """The server processes of the benchmark's database (same machine: their CPU is in /proc)."""
    import psycopg

    server, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [row[0] for row in rows]


def measure(args: argparse.Namespace, env: dict[str, str], label: str, workers: int, setup: dict) -> dict[str, Any]:
    payloads = bodies(setup, 5000)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/appeals/"
    use_wrk = args.loader == "wrk" or (args.loader == "auto" and shutil.which("wrk") is not None)
    load = load_wrk if use_wrk else load_threads
    server_env = {**env, "AMANAT_2FA_REQUIRED": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    command = [sys.executable, "-m", "amanat", "serve", "--gunicorn", "--no-worker", "--workers", str(workers)]
    command += ["--threads", str(args.threads)]
    command += ["--port", str(port)]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter
        command, env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(port)
        wait_booted(server.pid)
        load(url, setup["token"], payloads, args.clients, WARMUP_SECONDS)
        before = load_average()
        server_cpu = cpu_by_process(process_tree(server.pid))
        db_cpu = cpu_by_process(database_backends(env["DATABASE_URL"]))
        busy = machine_busy()
        result = load(url, setup["token"], payloads, args.clients, args.seconds)
        busy = machine_busy() - busy
        server_cpu = cpu_spent(server_cpu, cpu_by_process(process_tree(server.pid)))
        db_cpu = cpu_spent(db_cpu, cpu_by_process(database_backends(env["DATABASE_URL"])))
        done = max(result["ok"], 1)
        result.update(
            database=label,
            workers=workers,
            loader="wrk" if use_wrk else "Python threads",
            server_cpu_ms=server_cpu * 1000 / done,
            db_cpu_ms=db_cpu * 1000 / done,
            machine_cpu_ms=busy * 1000 / done,
            load_before=before,
            load_after=load_average(),
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    say(f"  {workers} workers ({result['loader']}): {result['ok']} appeals in {args.seconds:.0f} s = "
        f"{result['per_s']:.0f}/s, p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, CPU per appeal: "
        f"gunicorn {result['server_cpu_ms']:.1f} ms, PostgreSQL {result['db_cpu_ms']:.1f} ms, "
        f"whole machine {result['machine_cpu_ms']:.1f} ms; "
        f"{result['errors']} errors {result['error_samples'][:2]}")  # fmt: skip
    return result


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    first = results[0]
    lines = [
        "",
        f"## Appeals: intake through the API — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}. {first['database']}; `amanat serve --gunicorn --workers N` (sync workers, no "
        f"task worker: each registration queues its notice task in the database). {first['loader']} on the same "
        f"machine, {args.clients} concurrent clients, each request with its own Idempotency-Key (Bearer token of "
        f"the regional administrator), post realistic appeals routed by category and place; "
        f"{WARMUP_SECONDS:.0f} s warm-up, then {args.seconds:.0f} s measured. CPU per appeal: gunicorn's "
        f"processes and the database's backends alive at the end, from /proc; the whole machine's busy time "
        f"(the load generator and autovacuum included) from /proc/stat. Load average before/after: "
        + "; ".join(f"{r['load_before']} / {r['load_after']}" for r in results)
        + ".",
        "",
        "| workers | registered | appeals/s | p50 ms | p95 ms | errors | gunicorn CPU ms | PostgreSQL CPU ms "
        "| machine CPU ms | target |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "met" if r["per_s"] >= TARGET_PER_S and not r["errors"] else "**missed**"
        lines.append(
            f"| {r['workers']} | {r['ok']:,} | {r['per_s']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['errors']} | "
            f"{r['server_cpu_ms']:.1f} | {r['db_cpu_ms']:.1f} | {r['machine_cpu_ms']:.1f} | "
            f"{verdict} (≥ {TARGET_PER_S:.0f}/s) |"
        )
    return "\n".join([*lines, ""])


def run_all(args: argparse.Namespace, env: dict[str, str], label: str) -> list[dict[str, Any]]:
    setup = json.loads(amanat(["shell", "-c", SETUP.format(actor=ACTOR)], env).strip().splitlines()[-1])
    label = f"{label}, {database_state(env['DATABASE_URL'])}"
    return [measure(args, env, label, workers, setup) for workers in args.workers]


def database_state(database_url: str) -> str:
    """How many appeals the database holds and the server settings that change the figures."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        appeals = conn.execute("SELECT count(*) FROM appeals_appeal").fetchone()[0]  # type: ignore[index]
        shown = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in SERVER_SETTINGS}  # type: ignore[index]
    return f"{appeals:,} appeals before the run; server: " + ", ".join(f"{k} {v}" for k, v in shown.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench appeals_intake", description=__doc__.splitlines()[0])
    parser.add_argument("--pg-server", default=os.environ.get("AMANAT_BENCH_PG", DEFAULT_PG))
    parser.add_argument("--database-url", help="Use this PostgreSQL database (with the demo) instead of a fresh one.")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16, help="Concurrent connections (wrk) or threads.")
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[2],
        help="gunicorn worker counts to try, e.g. 2,3,4 (default 2).",
    )
    parser.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--threads", type=int, default=1, help="gunicorn threads per worker (more than 1: gthread, kept connections)."
    )
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.database_url:
        env = {k: v for k, v in os.environ.items() if k != "AMANAT_SQLITE_PATH"}
        env["DATABASE_URL"] = args.database_url
        results = run_all(args, env, "PostgreSQL (existing database)")
    else:
        with fresh_database("postgresql", args.pg_server, "intake") as (label, env):
            amanat(["migrate", "-v0"], env)
            amanat(["demo_data", "--base-members", "0", "--demo-appeals", "0"], env)
            results = run_all(args, env, label)
    text = report(results, args)
    print(text)
    if not args.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
    best = max(results, key=lambda r: r["per_s"])
    return 0 if best["per_s"] >= TARGET_PER_S and not best["errors"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
