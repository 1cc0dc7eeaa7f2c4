"""Benchmark: assignments at 100,000 assignments with 1,000,000 execution records.

A fresh database (SQLite file or PostgreSQL database) gets the base demo, 1,000 generated primary
organisations under the Makat district branch, then 100,000 assignments issued by the regional
and the Makat branches: every 500th goes to all 1,000 generated primaries (200 of them), the others
to 8 primaries each — 998,400 executions in all, in every status, some overdue and escalated. Rows go
in with `amanat.demo.fastinsert.RowWriter` (COPY on PostgreSQL, one executemany on SQLite).

Measured in a child process, as the regional executive secretary (who sees all 100,000):
- the issuer's control view (`assignments:detail`) of an assignment with 1,000 recipients: the
  first page, filtered to overdue, to not done, and by a recipient's name: p95 ≤ 100 ms;
- the assignments list (`assignments:list`): the first page, filtered to strict control, by text,
  and to those with overdue recipients: p95 ≤ 100 ms.
Pages are asked through Django's test Client in-process (real view, template and middleware).

    python -m bench assignments                       # both databases
    python -m bench assignments --databases sqlite --assignments 10000 --no-write   # a quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from typing import Any

from bench.bench_generate_members import DEFAULT_PG, REPORT, amanat, machine
from bench.bench_import_members import fresh_database, load_average, parse_databases, run_worker, say
from bench.bench_member_list import percentile

TARGET_MS = 100.0
SECRETARY = "secretary@amanat.kz"
BIG = 1000  # recipients of the big assignments
SMALL = 8
BIG_EVERY = 500
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base36(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = _DIGITS[rest] + out
    return out.rjust(4, "0")


def _primaries(parent: Any, count: int) -> list[int]:
    """`count` primary organisations under parent, their tree paths written directly."""
    from django.utils import timezone

    from amanat.org.models import OrgUnit

    last = OrgUnit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    offset = int(last.path[-4:], 36) if last else 0
    now = timezone.now()
    rows = [
        OrgUnit(
            path=parent.path + _base36(offset + i + 1),
            depth=parent.depth + 1,
            numchild=0,
            kind="primary",
            code=f"bench-p{i:04d}",
            name_kk=f"Бенч №{i} БПҰ",
            name_ru=f"Бенч ППО №{i}",
            name_en=f"Bench primary {i}",
            created_at=now,
            updated_at=now,
        )
        for i in range(count)
    ]
    OrgUnit.objects.bulk_create(rows, batch_size=500)
    OrgUnit.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)
    return list(OrgUnit.objects.filter(code__startswith="bench-p").order_by("code").values_list("pk", flat=True))


def generate(assignments: int) -> dict[str, Any]:
    import random

    from django.db import transaction
    from django.utils import timezone

    from amanat.accounts.models import User
    from amanat.assignments.models import Assignment, Execution
    from amanat.demo.fastinsert import RowWriter
    from amanat.org.models import OrgUnit

    rng = random.Random(2026)
    started = time.perf_counter()
    regional = OrgUnit.objects.get(code="atyrau")
    makat = OrgUnit.objects.get(code="makat")
    issuer = User.objects.get(email=SECRETARY)
    today = timezone.localdate()
    with transaction.atomic():
        units = _primaries(makat, BIG)
    levels = ["regular"] * 6 + ["strict"] * 3 + ["chairman"]
    titles = ["Провести выездные встречи", "Отчёт о работе приёмной", "Организовать субботник", "Проверить объекты",
              "Собрать предложения жителей", "Провести собрание первичной организации"]  # fmt: skip
    a_out = RowWriter(
        Assignment,
        ["org_unit_id", "issued_by_id", "issuer_post", "title", "text_ru", "issued_on", "deadline", "control_level",
         "status", "recipients_total"],
    )  # fmt: skip
    e_out = RowWriter(
        Execution,
        ["assignment_id", "recipient_unit_id", "status", "deadline", "reported_on", "accepted_on", "escalation_level"],
    )
    statuses = ["accepted"] * 5 + ["reported"] * 2 + ["in_progress", "issued", "returned"]
    made = executions = 0
    chunk = 5000
    big_ids: list[int] = []
    while made < assignments:
        n = min(chunk, assignments - made)
        rows, fan = [], []
        for i in range(made, made + n):
            issued_on = today - dt.timedelta(days=rng.randint(0, 900))
            deadline = issued_on + dt.timedelta(days=rng.randint(5, 40))
            big = i % BIG_EVERY == 0
            recipients = units if big else rng.sample(units, SMALL)
            unit = regional.pk if big or i % 3 == 0 else makat.pk
            status = "removed" if rng.random() < 0.03 else "on_control"
            rows.append((unit, issuer.pk, "Бюро", f"{rng.choice(titles)} №{i}", "", issued_on, deadline,
                         rng.choice(levels), status, len(recipients)))  # fmt: skip
            fan.append((recipients, deadline, big))
        with transaction.atomic():
            ids = a_out.write(rows)
            e_rows = []
            for pk, (recipients, deadline, big) in zip(ids, fan, strict=True):
                if big:
                    big_ids.append(pk)
                for unit_id in recipients:
                    st = rng.choice(statuses)
                    late = deadline < today and st in ("issued", "in_progress", "returned")
                    reported = (
                        deadline - dt.timedelta(days=rng.randint(-3, 4)) if st in ("reported", "accepted") else None
                    )
                    e_rows.append((pk, unit_id, st, deadline, reported,
                                   reported + dt.timedelta(days=1) if st == "accepted" else None,
                                   rng.randint(1, 3) if late else 0))  # fmt: skip
            for start in range(0, len(e_rows), 50_000):
                e_out.write(e_rows[start : start + 50_000])
            executions += len(e_rows)
        made += n
        if made % 20_000 == 0:
            say(f"    {made:,} assignments, {executions:,} executions")
    return {"assignments": made, "executions": executions, "generate_s": time.perf_counter() - started,
            "big": big_ids[len(big_ids) // 2]}  # fmt: skip


def worker(options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from amanat.accounts.models import User

    result: dict[str, Any] = {"vendor": connection.vendor}
    result.update(generate(options["assignments"]))
    say(f"  generated {result['assignments']:,} assignments, {result['executions']:,} executions in "
        f"{result['generate_s']:.0f} s")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    user = User.objects.get(email=SECRETARY)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    staff = Client()
    staff.force_login(user)
    session = staff.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    detail = reverse("assignments:detail", args=[result["big"]])
    listing = reverse("assignments:list")
    pages = {
        "control view (1,000 recipients)": detail,
        "control view, overdue": detail + "?state=overdue",
        "control view, not done": detail + "?state=not_done",
        "control view, recipient name": detail + "?q=%D0%91%D0%B5%D0%BD%D1%87+%E2%84%96" + "42",
        "control view, page 5": detail + "?page=5",
        "assignments list": listing,
        "list, strict control": listing + "?control_level=strict",
        "list, text": listing + "?q=%D1%81%D1%83%D0%B1%D0%B1%D0%BE%D1%82%D0%BD%D0%B8%D0%BA",
        "list, with overdue recipients": listing + "?overdue=true",
    }
    result["pages"] = {}
    for name, url in pages.items():
        times = []
        status = None
        for round_number in range(options["requests"] + 3):
            started = time.perf_counter()
            response = staff.get(url)
            close_old_connections()
            ms = (time.perf_counter() - started) * 1000
            status = response.status_code
            if round_number >= 3:
                times.append(ms)
        result["pages"][name] = {"url": url, "status": status, "p50": statistics.median(times),
                                 "p95": percentile(times, 0.95), "target": TARGET_MS}  # fmt: skip
        say(f"  {name}: HTTP {status}, p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms")
    return result


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "",
        f"## Assignments at {args.assignments:,} assignments — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}. A fresh database with the base demo, 1,000 generated primaries under Makat and "
        f"generated assignments (every {BIG_EVERY}th to all 1,000 primaries, the rest to {SMALL}), written in bulk; "
        f"pages as the regional executive secretary through Django's test Client in-process, {args.requests} "
        f"requests after 3 warm-up ones. Target: p95 ≤ {TARGET_MS:.0f} ms.",
        "",
        "| database | assignments | executions | generated s | page | HTTP | p50 ms | p95 ms | target |",
        "|---|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        head = f"| {r['database']} | {r['assignments']:,} | {r['executions']:,} | {r['generate_s']:.0f} |"
        for page, p in r["pages"].items():
            ok = "met" if p["p95"] <= p["target"] and p["status"] == 200 else "**missed**"
            lines.append(f"{head} {page} | {p['status']} | {p['p50']:.1f} | {p['p95']:.1f} | {ok} |")
            head = "| | | | |"
        lines.append(f"| | Load average before/after: {r['load_before']} / {r['load_after']} | | | | | | | |")
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench assignments", description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--databases", type=lambda v: parse_databases(parser, v), default=["sqlite", "postgresql"])
    parser.add_argument("--pg-server", default=DEFAULT_PG)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker)), default=str))
        return 0
    results = []
    for database in args.databases:
        with fresh_database(database, args.pg_server, "assignments") as (label, env):
            say(f"{label}:")
            amanat(["migrate", "-v0"], env)
            amanat(["demo_data", "--base-members", "0", "--demo-appeals", "0"], env)
            before = load_average()
            options = {"assignments": args.assignments, "requests": args.requests}
            result = run_worker("bench_assignments", env, options)
            result.update(database=label, load_before=before, load_after=load_average())
            results.append(result)
    text = report(results, args)
    print(text)
    if not args.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
    missed = [p for r in results for p in r["pages"].values() if p["p95"] > p["target"] or p["status"] != 200]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
