"""Benchmark: a unit's month calendar of meetings at 200,000 meetings over five years.

A fresh database (SQLite file or PostgreSQL database) gets the base demo, then generated
meetings in bulk: 200,000 spread over five years (two and a half back, two and a half ahead)
across every unit of the tree, the regional branch and the districts holding more than the
primaries, all kinds, most held, some cancelled, a few public.

Measured in a child process, through Django's test Client in-process (real view, template,
middleware) as the regional executive secretary:
- the regional branch's month calendar (`meetings:calendar`, its whole subtree): p95 ≤ 50 ms;
- a district's month calendar: p95 ≤ 50 ms;
- the regional month filtered by kind (field meetings): p95 ≤ 50 ms;
- a busy day's list of the regional subtree (`meetings:day`), for the record.

    python -m bench calendar                        # both databases
    python -m bench calendar --databases sqlite --meetings 20000 --no-write   # a quick check
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

TARGET_MS = 50.0
SECRETARY = "secretary@amanat.kz"


def generate(count: int) -> dict[str, Any]:
    """The meetings, written in bulk. Returns counts, the time taken and the units measured."""
    import random
    from zoneinfo import ZoneInfo

    from django.db import transaction
    from django.utils import timezone

    from amanat.meetings.choices import MeetingKind, MeetingStatus
    from amanat.meetings.models import Meeting
    from amanat.org.models import OrgUnit

    rng = random.Random(2026)
    zone = ZoneInfo("Asia/Atyrau")
    started = time.perf_counter()
    units = list(OrgUnit.objects.exclude(kind="central").order_by("path"))
    region = next(u for u in units if u.kind == "regional")
    # Busier branches hold more meetings: the region and districts weigh 20, primaries 1.
    weights = [20 if u.kind in ("regional", "city", "district") else 1 for u in units]
    kinds_by_level = {
        "regional": [
            MeetingKind.BUREAU,
            MeetingKind.POLITICAL_COUNCIL,
            MeetingKind.PARTY_ACTIV,
            MeetingKind.PUBLIC_COUNCIL,
        ],
        "primary": [MeetingKind.PRIMARY],
    }
    branch_kinds = [
        MeetingKind.FIELD_MEETING,
        MeetingKind.MOBILE_RECEPTION,
        MeetingKind.FACTION,
        MeetingKind.BUREAU,
        MeetingKind.PARTY_ACTIV,
    ]
    today = timezone.localdate()
    first = today - dt.timedelta(days=365 * 5 // 2)
    span_days = 365 * 5
    rows = []
    for i in range(count):
        unit = rng.choices(units, weights)[0]
        kind = rng.choice(kinds_by_level.get(unit.kind, branch_kinds))
        day = first + dt.timedelta(days=rng.randrange(span_days))
        start = dt.datetime.combine(day, dt.time(rng.randrange(8, 19), rng.choice([0, 30])), tzinfo=zone)
        past = day < today
        status = (
            MeetingStatus.CANCELLED if rng.random() < 0.04
            else (MeetingStatus.PROTOCOL_SIGNED if rng.random() < 0.6 else MeetingStatus.HELD) if past
            else MeetingStatus.PLANNED
        )  # fmt: skip
        rows.append(
            Meeting(
                org_unit=unit, kind=kind, title_kk=f"Кездесу {i}", title_ru=f"Встреча {i}", starts_at=start, local_date=day,
                ends_at=start + dt.timedelta(hours=rng.choice([1, 2, 3])), territory_id=unit.territory_id,
                address="Мәдениет үйі", is_public=kind == MeetingKind.FIELD_MEETING and rng.random() < 0.5,
                status=status,
            )
        )  # fmt: skip
    with transaction.atomic():
        Meeting.objects.bulk_create(rows, batch_size=5000)
    districts = [u for u in units if u.kind == "district"]
    district = (
        max(districts, key=lambda u: sum(1 for r in rows if r.org_unit.path.startswith(u.path)))
        if districts
        else region
    )
    return {
        "meetings": count,
        "units": len(units),
        "generate_s": time.perf_counter() - started,
        "region": region.pk,
        "district": district.pk,
        "district_name": district.name_ru,
        "month": today.strftime("%Y-%m"),
        "busy_day": today.isoformat(),
    }


def worker(options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from amanat.accounts.models import User
    from amanat.meetings.models import Meeting

    result: dict[str, Any] = {"vendor": connection.vendor}
    result.update(generate(options["meetings"]))
    say(f"  generated {result['meetings']:,} meetings over {result['units']} units in {result['generate_s']:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    user = User.objects.get(email=SECRETARY)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    staff = Client()
    staff.force_login(user)
    session = staff.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    calendar, day = reverse("meetings:calendar"), reverse("meetings:day")
    month = result["month"]
    region_month = Meeting.objects.filter(starts_at__year=int(month[:4]), starts_at__month=int(month[5:])).count()
    result["region_month_meetings"] = region_month
    pages = {
        "regional month": f"{calendar}?unit={result['region']}&month={month}",
        "district month": f"{calendar}?unit={result['district']}&month={month}",
        "regional month, field meetings": f"{calendar}?unit={result['region']}&month={month}&kind=field_meeting",
        "regional day list": f"{day}?unit={result['region']}&date={result['busy_day']}",
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
        result["pages"][name] = {
            "url": url, "status": status, "p50": statistics.median(times), "p95": percentile(times, 0.95),
            "target": TARGET_MS if "month" in name else None,
        }  # fmt: skip
        say(
            f"  {name} ({url}): HTTP {status}, p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms"
        )
    return result


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "",
        f"## Meetings calendar at {args.meetings:,} meetings — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}. A fresh database with the base demo and {args.meetings:,} generated meetings "
        "over five years across every unit (bulk inserts); pages through Django's test Client in-process as "
        f"the regional executive secretary, {args.requests} requests after 3 warm-up ones. Target: a unit's "
        f"month calendar p95 ≤ {TARGET_MS:.0f} ms.",
        "",
        "| database | meetings | units | meetings in the regional month | page | HTTP | p50 ms | p95 ms | target |",
        "|---|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        head = f"| {r['database']} | {r['meetings']:,} | {r['units']} | {r['region_month_meetings']:,} |"
        for page, p in r["pages"].items():
            if p["target"] is None:
                ok = "(for the record)"
            else:
                ok = (
                    "met" if p["p95"] <= p["target"] and p["status"] == 200 else "**missed**"
                ) + f" (≤ {p['target']:.0f})"
            name = page if page != "district month" else f"district month ({r['district_name']})"
            lines.append(f"{head} {name} | {p['status']} | {p['p50']:.1f} | {p['p95']:.1f} | {ok} |")
            head = "| | | | |"
        lines.append(f"| | Load average before/after: {r['load_before']} / {r['load_after']} | | | | | | | |")
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench calendar", description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--meetings", type=int, default=200_000)
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
        with fresh_database(database, args.pg_server, "calendar") as (label, env):
            say(f"{label}:")
            amanat(["migrate", "-v0"], env)
            amanat(["demo_data", "--base-members", "0", "--demo-appeals", "0"], env)
            before = load_average()
            result = run_worker("bench_calendar", env, {"meetings": args.meetings, "requests": args.requests})
            result.update(database=label, load_before=before, load_after=load_average())
            results.append(result)
    text = report(results, args)
    print(text)
    if not args.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
    missed = [
        p
        for r in results
        for p in r["pages"].values()
        if p["target"] and (p["p95"] > p["target"] or p["status"] != 200)
    ]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
