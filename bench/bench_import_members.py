"""Benchmark: importing members from a CSV file with full validation, on SQLite and on PostgreSQL.

Each database is fresh (a SQLite file in a temporary folder, or a PostgreSQL database created
for the run and dropped after it) and holds the base demo (`amanat demo-data`). A CSV of N valid
rows is made for it: new valid IINs (`make_iin`, none held by anyone in the database), primary
organisations of the Atyrau branch, unique card numbers, every column filled so that every check
runs. The regional administrator then imports it into the regional branch through the services
the import page uses:

- validation (the preview): `member_import_start` (upload) + `member_import_validate` (what the
  background task runs for a large file), until the import is ready: p50 of 3 runs;
- validate + commit (the whole import): the preview above, then `member_import_confirm` +
  `member_import_commit` (which checks the file again and writes every row in one transaction).

The measuring runs in a child process (`--worker`) set up for the fresh database; the figures go
to docs/benchmarks.md with the date and the machine.

    python -m bench import_members                                  # 50,000 rows, both databases
    python -m bench import_members --rows 5000 --databases sqlite --no-write   # a quick check
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.bench_generate_members import DEFAULT_PG, REPORT, ROOT, amanat, machine

TARGET_ROWS_PER_S = 5_000
DATABASES = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql", "pg": "postgresql"}
ACTOR = "regional.admin@amanat.kz"  # the demo's regional administrator, on the regional branch
SCOPE = "atyrau"
CARD_PREFIX = "IMP"
SEED = 2026


# --- shared by the benchmarks that measure inside Django (also used by bench_member_list) -----


def parse_databases(parser: argparse.ArgumentParser, value: str) -> list[str]:
    """Turn "sqlite,postgres" into ["sqlite", "postgresql"] (postgres, postgresql and pg are one)."""
    wanted = []
    for item in (d.strip().lower() for d in value.split(",") if d.strip()):
        if item not in DATABASES:
            parser.error(f"unknown database {item!r}: use sqlite, postgres")
        if DATABASES[item] not in wanted:
            wanted.append(DATABASES[item])
    if not wanted:
        parser.error("name at least one database")
    return wanted


@contextlib.contextmanager
def fresh_database(database: str, server: str, tag: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A new empty database and the environment that points the project at it: (label, env).

    SQLite: a file in a temporary folder. PostgreSQL: a database created now and dropped (with
    its connections) on the way out. Uploaded and generated files go to the temporary folder too.
    """
    with tempfile.TemporaryDirectory(prefix=f"amanat-bench-{tag}-") as folder:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "AMANAT_SQLITE_PATH")}
        env.update(AMANAT_VAR_DIR=folder, AMANAT_MEDIA_ROOT=str(Path(folder) / "media"))
        (Path(folder) / "static").mkdir()  # STATIC_ROOT follows the folder; whitenoise warns when it is missing
        if database == "sqlite":
            env["AMANAT_SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
            yield f"SQLite {sqlite3.sqlite_version}", env
            return
        import psycopg

        name = f"amanat_bench_{tag}_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            env["DATABASE_URL"] = f"{server}/{name}"
            yield f"PostgreSQL {version.split()[0]}", env
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_worker(module: str, env: dict[str, str], options: dict[str, Any]) -> dict[str, Any]:
    """Run `python -m bench.<module> --worker JSON` against env; its last stdout line is JSON.

    The child's progress (stderr) is shown as it comes.
    """
    command = [sys.executable, "-m", f"bench.{module}", "--worker", json.dumps(options)]
    child_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, env=child_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} worker failed ({done.returncode}):\n{done.stdout}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_average() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the CSV ---------------------------------------------------------------------------------


def make_csv(rows: int, scope_code: str) -> tuple[bytes, int]:
    """N valid rows for units under scope_code, as Excel on a Russian Windows saves them
    (UTF-8 with a BOM, ";"); returns the file and how many primary organisations it names."""
    import csv
    import io
    import random

    from amanat.core import crypto
    from amanat.core.iin import make_iin
    from amanat.demo.people import LAST_JOINED, PARTY_FOUNDED, YOUTH_BORN_FROM, adult_from, names_for, phone_for
    from amanat.demo.people import random_date as between
    from amanat.org.choices import OrgUnitKind
    from amanat.org.importing import COLUMN_NAMES
    from amanat.org.models import Member, OrgUnit, Person

    scope = OrgUnit.objects.get(code=scope_code)
    units = list(
        OrgUnit.objects.filter(kind=OrgUnitKind.PRIMARY, is_active=True, path__startswith=scope.path)
        .order_by("path")
        .values_list("code", flat=True)
    )
    if not units:
        raise RuntimeError(f"no primary organisations under {scope_code}: is the demo loaded?")
    taken = set(Person.all_objects.exclude(iin_hash=None).values_list("iin_hash", flat=True))
    if Member.all_objects.filter(card_number__startswith=CARD_PREFIX).exists():
        raise RuntimeError(f"card numbers {CARD_PREFIX}… are already used in this database")
    rng = random.Random(SEED)
    first_born, last_born = dt.date(1950, 1, 1), dt.date(2007, 12, 31)
    today = dt.date.today()  # noqa: DTZ011 - a calendar date
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for number in range(1, rows + 1):
        while True:
            born = between(rng, first_born, last_born)
            male = rng.random() < 0.5
            iin = make_iin(born, male=male, serial=rng.randrange(10_000))
            if iin is None:
                continue
            digest = crypto.keyed_hash(iin)
            if digest not in taken:
                taken.add(digest)
                break
        last, first, middle = names_for(rng, male, born)
        joined = between(rng, max(PARTY_FOUNDED, adult_from(born)), min(LAST_JOINED, today))
        values = {
            "last_name": last,
            "first_name": first,
            "middle_name": middle,
            "iin": iin,
            "birth_date": born.strftime("%d.%m.%Y"),
            "sex": "M" if male else "F",
            "phone": phone_for(rng),
            "email": f"member{number}@example.kz" if rng.random() < 0.3 else "",
            "unit_code": rng.choice(units),
            "joined_on": joined.strftime("%d.%m.%Y"),
            "card_number": f"{CARD_PREFIX}{number:08d}",
            "youth_wing": "1" if born >= YOUTH_BORN_FROM and rng.random() < 0.5 else "0",
        }
        writer.writerow([values[c] for c in COLUMN_NAMES])
    return out.getvalue().encode("utf-8-sig"), len(units)


# --- measuring (in the worker process) -------------------------------------------------------


def worker(options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from amanat.accounts.models import User
    from amanat.org.models import Member, MemberImport, OrgUnit
    from amanat.org.services import people as services

    rows, runs = options["rows"], options["runs"]
    actor = User.objects.get(email=ACTOR)
    scope = OrgUnit.objects.get(code=SCOPE)
    started = time.perf_counter()
    data, unit_count = make_csv(rows, SCOPE)
    say(f"  made a CSV of {rows:,} rows ({len(data) / 1e6:.1f} MB, {unit_count} units) in "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    members_before = Member.objects.count()

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile("members.csv", data, content_type="text/csv")

    validation: list[float] = []
    job = None
    for run in range(1, runs + 1):
        started = time.perf_counter()
        job = services.member_import_start(actor=actor, org_unit=scope, upload=upload())
        # A file above IMPORT_SYNC_MAX_ROWS is checked by the background task; it runs this.
        job = services.member_import_validate(import_id=job.pk)
        seconds = time.perf_counter() - started
        if job.status != MemberImport.Status.READY or job.rows_valid != rows:
            raise RuntimeError(f"validation run {run}: {job.status}, {job.error_count} errors: {job.errors[:5]}")
        validation.append(seconds)
        say(f"  validation run {run}: {seconds:.2f} s ({rows / seconds:,.0f} rows/s)")
    assert job is not None
    started = time.perf_counter()
    job = services.member_import_confirm(actor=actor, job=job)
    # Likewise the background task for a large file runs this after the confirmation.
    job = services.member_import_commit(import_id=job.pk)
    commit = time.perf_counter() - started
    if job.status != MemberImport.Status.DONE:
        raise RuntimeError(f"commit: {job.status}: {job.message} {job.errors[:5]}")
    added = Member.objects.count() - members_before
    if added != rows:
        raise RuntimeError(f"commit wrote {added} members, expected {rows}")
    say(f"  confirm + commit: {commit:.2f} s; {added:,} members written")
    return {
        "rows": rows,
        "file_mb": len(data) / 1e6,
        "units": unit_count,
        "validation": validation,
        "last_validation": validation[-1],
        "commit": commit,
        "vendor": connection.vendor,
    }


# --- report ----------------------------------------------------------------------------------


@dataclass
class Result:
    database: str
    rows: int
    file_mb: float
    validation: list[float]
    last_validation: float
    commit: float

    @property
    def validation_p50(self) -> float:
        return statistics.median(self.validation)

    @property
    def whole(self) -> float:
        return self.last_validation + self.commit

    @property
    def validation_rate(self) -> float:
        return self.rows / self.validation_p50

    @property
    def whole_rate(self) -> float:
        return self.rows / self.whole


def report(results: list[Result], load: str) -> str:
    runs = len(results[0].validation) if results else 0
    lines = [
        "",
        f"## Member import — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}. Load average before the run: {load}.",
        "A CSV (UTF-8, `;`) of valid rows, every column filled, into the regional branch, on a fresh database "
        "with the base demo, through the import services the page uses. Validation = upload "
        "(`member_import_start`) + the check (`member_import_validate`) until the preview is ready, "
        f"p50 of {runs} runs; validate + commit = the last of those previews, then `member_import_confirm` + "
        "`member_import_commit` (the file is checked again, then every row written in one transaction).",
        "",
        "| database | rows | file | validation p50 | validation rows/s | runs | confirm + commit "
        "| validate + commit | whole import rows/s |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.database} | {r.rows:,} | {r.file_mb:.1f} MB | {r.validation_p50:.2f} s | {r.validation_rate:,.0f} "
        f"| {' / '.join(f'{s:.2f}' for s in r.validation)} s | {r.commit:.2f} s | {r.whole:.2f} s "
        f"| {r.whole_rate:,.0f} |"
        for r in results
    ]
    lines.append("")
    for r in results:
        verdict = "met" if r.validation_rate >= TARGET_ROWS_PER_S else "NOT met"
        lines.append(
            f"- {r.database}: validation {r.validation_rate:,.0f} rows/s, whole import {r.whole_rate:,.0f} rows/s "
            f"— target ≥ {TARGET_ROWS_PER_S:,} rows/s with full validation: {verdict}"
            + ("" if r.whole_rate >= TARGET_ROWS_PER_S else " (validate + commit is below it)")
            + "."
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        print(json.dumps(worker(json.loads(argv[1]))))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench import_members", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="Rows in the CSV (default 50,000).")
    parser.add_argument("--runs", type=int, default=3, help="Validation runs; the p50 is reported (default 3).")
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="Comma-separated: sqlite, postgres (default both)."
    )
    parser.add_argument("--postgres", default=DEFAULT_PG, help=f"PostgreSQL server URL (default {DEFAULT_PG}).")
    parser.add_argument("--no-write", action="store_true", help=f"Print the figures; do not append to {REPORT.name}.")
    options = parser.parse_args(argv)
    if options.rows < 1 or options.runs < 1:
        parser.error("--rows and --runs must be 1 or more")
    wanted = parse_databases(parser, options.databases)
    load = load_average()
    results = []
    for database in wanted:
        with fresh_database(database, options.postgres.rstrip("/"), "import") as (label, env):
            print(f"[{label}] migrating and loading the base demo…", flush=True)
            amanat(["migrate", "--noinput", "-v", "0"], env)
            amanat(["demo_data"], env)
            print(f"[{label}] importing {options.rows:,} rows…", flush=True)
            figures = run_worker("bench_import_members", env, {"rows": options.rows, "runs": options.runs})
        result = Result(
            label,
            figures["rows"],
            figures["file_mb"],
            figures["validation"],
            figures["last_validation"],
            figures["commit"],
        )
        print(f"[{label}] {asdict(result)}", flush=True)
        results.append(result)
    text = report(results, load)
    print(text)
    if not options.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
        print(f"Appended to {REPORT.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
