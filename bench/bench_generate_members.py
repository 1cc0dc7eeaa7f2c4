"""Benchmark: generating members with `amanat demo-data --members N`, on SQLite and on PostgreSQL.

Each database is fresh: a SQLite file in a temporary folder, a PostgreSQL database created for
the run and dropped after it. The base demo is loaded first (timed apart), then N members are
generated; the figures go to docs/benchmarks.md with the date and the machine.

    python -m bench generate_members                      # 1,000,000 members, both databases
    python -m bench generate_members --members 20000 --no-write   # a quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"


@dataclass
class Result:
    database: str
    members: int
    base_seconds: float
    seconds: float
    rate: float
    analyze_seconds: float
    size_mb: float


def machine() -> str:
    cpu = "unknown CPU"
    ram = "unknown RAM"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        cpu = match.group(1).strip() if match else cpu
        meminfo = Path("/proc/meminfo").read_text()
        match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
        ram = f"{int(match.group(1)) / 1024 / 1024:.0f} GB RAM" if match else ram
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} CPU ({cpu}), {ram}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def amanat(args: list[str], env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "amanat", *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def figure(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    if not match:
        raise RuntimeError(f"no figure matching {pattern!r} in the output:\n{text}")
    return float(match.group(1))


def measure(name: str, env: dict[str, str], members: int) -> tuple[float, float, float, float]:
    print(f"[{name}] migrating…", flush=True)
    amanat(["migrate", "--noinput", "-v", "0"], env)
    print(f"[{name}] loading the demo and generating {members} members…", flush=True)
    out = amanat(["demo_data", "--members", str(members)], env)
    base = figure(r"Demo data ready in ([\d.]+) s", out)
    seconds = figure(r"Generated \d+ members in ([\d.]+) s", out)
    rate = figure(r"\((\d+) members/s\)", out)
    analyze = figure(r"statistics in ([\d.]+) s", out)
    print(f"[{name}] {members} members in {seconds:.1f} s ({rate:.0f}/s); base demo {base:.1f} s", flush=True)
    return base, seconds, rate, analyze


def run_sqlite(members: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="amanat-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(AMANAT_SQLITE_PATH=str(path), AMANAT_VAR_DIR=folder)
        base, seconds, rate, analyze = measure("sqlite", env, members)
        size = sum(p.stat().st_size for p in Path(folder).glob("bench.sqlite3*")) / 1e6
    return Result(f"SQLite {sqlite3.sqlite_version}", members, base, seconds, rate, analyze, size)


def run_postgres(members: int, server: str) -> Result:
    import psycopg

    name = f"amanat_bench_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": f"{server}/{name}"}
        base, seconds, rate, analyze = measure("postgresql", env, members)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            size = admin.execute("SELECT pg_database_size(%s)", [name]).fetchone()[0] / 1e6  # type: ignore[index]
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return Result(f"PostgreSQL {version.split()[0]}", members, base, seconds, rate, analyze, size)


def report(results: list[Result]) -> str:
    lines = [
        "",
        f"## Generating members — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}.",
        "`amanat demo-data --members N` on a fresh database, after the base demo (3,000 members) is loaded.",
        "",
        "| database | members | base demo | generation | members/s | ANALYZE | database size |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.database} | {r.members:,} | {r.base_seconds:.1f} s | {r.seconds:.1f} s ({r.seconds / 60:.1f} min) "
        f"| {r.rate:,.0f} | {r.analyze_seconds:.1f} s | {r.size_mb:,.0f} MB |"
        for r in results
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench generate_members", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000, help="How many members (default 1,000,000).")
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="Comma-separated: sqlite, postgresql (default both)."
    )
    parser.add_argument("--postgres", default=DEFAULT_PG, help=f"PostgreSQL server URL (default {DEFAULT_PG}).")
    parser.add_argument("--no-write", action="store_true", help=f"Print the figures; do not append to {REPORT.name}.")
    options = parser.parse_args(argv)
    if options.members < 1:
        parser.error("--members must be 1 or more")
    wanted = [d.strip() for d in options.databases.split(",") if d.strip()]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    results = []
    for database in wanted:
        if database == "sqlite":
            results.append(run_sqlite(options.members))
        else:
            results.append(run_postgres(options.members, options.postgres.rstrip("/")))
    text = report(results)
    print(text)
    if not options.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
        print(f"Appended to {REPORT.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
