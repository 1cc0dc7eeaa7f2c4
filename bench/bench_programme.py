"""Benchmark: programme control at 20,000 items, 100,000 indicator values, 200,000 reports.

A fresh database (SQLite file or PostgreSQL database) gets the base demo, then a generated
programme: 10 directions × 10 commitments × 200 road-map items (20,000 road-map items, 20,110
in all), ~27,500 indicators with four quarters of values each (~110,000), and ten quarters of
reports per road-map item (200,000), some confirmed, some partly, some not. Rows go in with bulk inserts (tree paths are
written directly); `recompute_all` then sets every item's progress and status.

Measured in a child process:
- recomputing progress up the tree after one report (`recompute_up` of a road-map item: the item,
  its commitment, its direction): p95 ≤ 50 ms;
- the staff analysis page (`programme:analysis`) as the regional secretary: p95 ≤ 150 ms, both
  computed afresh (the kept figures dropped before each request, as a report does) and kept;
- the public tracker's list (`programme:tracker`), first page and a filtered one: p95 ≤ 50 ms.
Pages are asked through Django's test Client in-process (real view, template and middleware).

    python -m bench programme                       # both databases
    python -m bench programme --databases sqlite --items 2000 --no-write   # a quick check
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

RECOMPUTE_MS, ANALYSIS_MS, TRACKER_MS = 50.0, 150.0, 50.0
AFTER_CHANGE = "analysis, first view after a change"
SECRETARY = "secretary@amanat.kz"


def generate(items: int) -> dict[str, Any]:
    """The programme, written in bulk. Returns counts and the time taken."""
    import random
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from amanat.accounts.models import User
    from amanat.org.models import OrgUnit, StateBody, Territory
    from amanat.programme.choices import ItemKind, ReportState
    from amanat.programme.models import Indicator, IndicatorValue, Item, Programme, Report
    from amanat.programme.services.progress import recompute_all

    rng = random.Random(2026)
    started = time.perf_counter()
    region = OrgUnit.objects.filter(kind="regional").order_by("path").first()
    districts = list(OrgUnit.objects.filter(kind__in=["district", "city"]).order_by("path")) or [region]
    places = list(Territory.objects.filter(depth=2).order_by("path")) or [None]
    bodies = list(StateBody.objects.order_by("path")) or [None]
    reporter = User.objects.filter(is_active=True).order_by("pk").first()
    verifier = User.objects.filter(email=SECRETARY).first() or reporter
    programme = Programme.objects.create(
        code="bench", title_kk="Бенчмарк", title_ru="Бенчмарк", first_year=2023, last_year=2027,
        org_unit=region, is_published=True,
    )  # fmt: skip

    def path(*steps: int) -> str:
        return "".join(_base36(step + 1) for step in steps)

    per_commitment = max(-(-items // 100), 1)  # road-map items: at least `items` of them
    rows: list[Item] = []
    root = Item.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    offset = int(root[:4], 36) if root else 0
    for d in range(10):
        rows.append(
            Item(
                programme=programme, kind=ItemKind.DIRECTION, code=str(d + 1), title_kk=f"Бағыт {d + 1}",
                title_ru=f"Направление {d + 1}", org_unit=region, path=path(offset + d), depth=1, numchild=10,
            )
        )  # fmt: skip
        for c in range(10):
            rows.append(
                Item(
                    programme=programme, kind=ItemKind.COMMITMENT, code=f"{d + 1}.{c + 1}", title_kk=f"Міндет {c}",
                    title_ru=f"Обязательство {d + 1}.{c + 1}", org_unit=region, path=path(offset + d, c), depth=2,
                    numchild=per_commitment,
                )
            )  # fmt: skip
            for n in range(per_commitment):
                unit = districts[(c + n) % len(districts)]
                start = dt.date(2023 + n % 3, 1 + n % 12, 1)
                rows.append(
                    Item(
                        programme=programme, kind=ItemKind.ROADMAP, code=f"{d + 1}.{c + 1}.{n + 1}",
                        title_kk=f"Тармақ {n}", title_ru=f"Пункт дорожной карты {d + 1}.{c + 1}.{n + 1}",
                        org_unit=unit, territory=places[n % len(places)], responsible_body=bodies[n % len(bodies)],
                        planned_start=start, planned_end=start + dt.timedelta(days=365 + n % 700),
                        path=path(offset + d, c, n), depth=3, numchild=0,
                    )
                )  # fmt: skip
    with transaction.atomic():
        Item.objects.bulk_create(rows, batch_size=2000)
        leaves = list(Item.objects.filter(programme=programme, depth=3).order_by("pk"))
        indicators = []
        for i, leaf in enumerate(leaves):
            for k in range(1 + (i % 4 == 0) + (i % 8 == 0)):  # 25,000 for 20,000 items
                more = (i + k) % 3 != 0
                base, target = (Decimal(0), Decimal(100)) if more else (Decimal(50), Decimal(10))
                indicators.append(
                    Indicator(
                        item=leaf, name_kk=f"Көрсеткіш {k}", name_ru=f"Показатель {k}", unit="%", baseline=base,
                        target=target, direction="more" if more else "less",
                    )
                )  # fmt: skip
        Indicator.objects.bulk_create(indicators, batch_size=2000)
        now = timezone.now()
        reports = []
        quarters = [(2023 + q // 4, q % 4 + 1) for q in range(10)]
        states = [ReportState.CONFIRMED] * 6 + [ReportState.PARTLY, ReportState.NOT_CONFIRMED, ReportState.CLAIMED]
        for leaf in leaves:
            for year, quarter in quarters:
                state = rng.choice(states)
                reports.append(
                    Report(
                        item=leaf, year=year, quarter=quarter, narrative="Выполнены работы по графику.",
                        submitted_by=reporter, submitted_at=now, state=state, is_late=rng.random() < 0.1,
                        verdict_by=None if state == ReportState.CLAIMED else verifier,
                        verdict_at=None if state == ReportState.CLAIMED else now,
                        verdict_comment="" if state == ReportState.CONFIRMED else "Проверено на месте.",
                    )
                )  # fmt: skip
        Report.objects.bulk_create(reports, batch_size=5000)
        report_of = {
            (r.item_id, r.year, r.quarter): r.pk
            for r in Report.objects.filter(item__programme=programme).only("pk", "item_id", "year", "quarter")
        }
        values = []
        for ind in Indicator.objects.filter(item__programme=programme).order_by("pk"):
            for q, (year, quarter) in enumerate(quarters[-4:]):
                gain = (ind.target - ind.baseline) * Decimal(q + 1) / Decimal(5)
                values.append(
                    IndicatorValue(
                        indicator=ind, year=year, quarter=quarter, planned=ind.baseline + gain,
                        actual=ind.baseline + gain * Decimal(rng.choice([0.5, 0.8, 1, 1.1])),
                        report_id=report_of.get((ind.item_id, year, quarter)),
                    )
                )  # fmt: skip
        IndicatorValue.objects.bulk_create(values, batch_size=5000)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    recompute_all(Item.objects.filter(programme=programme).select_related("programme").order_by("path"))
    return {
        "items": len(rows),
        "indicators": len(indicators),
        "values": len(values),
        "reports": len(reports),
        "generate_s": generated,
        "recompute_all_s": time.perf_counter() - started,
        "programme": programme.pk,
    }


_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base36(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = _DIGITS[rest] + out
    return out.rjust(4, "0")


def worker(options: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from amanat.accounts.models import User
    from amanat.programme.figures_cache import data_changed
    from amanat.programme.models import Item
    from amanat.programme.services.progress import recompute_up

    result: dict[str, Any] = {"vendor": connection.vendor}
    result.update(generate(options["items"]))
    say(f"  generated {result['items']:,} items, {result['values']:,} values, {result['reports']:,} reports in "
        f"{result['generate_s']:.0f} s; recompute_all {result['recompute_all_s']:.1f} s")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics for the planner after the bulk inserts (both databases)

    leaves = list(Item.objects.filter(programme_id=result["programme"], depth=3).order_by("?")[:60])
    spent = []
    for leaf in leaves:
        started = time.perf_counter()
        recompute_up(leaf)
        spent.append((time.perf_counter() - started) * 1000)
    result["recompute"] = {"p50": statistics.median(spent[10:]), "p95": percentile(spent[10:], 0.95)}
    say(
        f"  recompute_up after one report: p50 {result['recompute']['p50']:.1f} ms, p95 {result['recompute']['p95']:.1f} ms"
    )

    user = User.objects.get(email=SECRETARY)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    staff = Client()
    staff.force_login(user)
    session = staff.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    public = Client()
    commitment = (
        Item.objects.filter(programme_id=result["programme"], depth=2).order_by("path").values_list("pk", flat=True)[0]
    )
    pages: dict[str, tuple[Client, str, float]] = {}
    for name, client, url_name, query, target in (
        (AFTER_CHANGE, staff, "programme:analysis", "", ANALYSIS_MS),
        ("analysis", staff, "programme:analysis", "", ANALYSIS_MS),
        ("tracker", public, "programme:tracker", "", TRACKER_MS),
        ("tracker, status at risk", public, "programme:tracker", "?status=at_risk", TRACKER_MS),
        ("tracker, one commitment", public, "programme:tracker", f"?direction={commitment}", TRACKER_MS),
    ):
        try:
            pages[name] = (client, reverse(url_name) + query, target)
        except NoReverseMatch:
            say(f"  {name}: no such page yet")
    result["pages"] = {}
    for name, (client, url, target) in pages.items():
        times = []
        status = None
        for round_number in range(options["requests"] + 3):
            if name == AFTER_CHANGE:
                data_changed()  # as after a report: the kept figures are stale, computed afresh
            started = time.perf_counter()
            response = client.get(url)
            close_old_connections()
            ms = (time.perf_counter() - started) * 1000
            status = response.status_code
            if round_number >= 3:
                times.append(ms)
        result["pages"][name] = {
            "url": url, "status": status, "p50": statistics.median(times), "p95": percentile(times, 0.95),
            "target": target,
        }  # fmt: skip
        say(
            f"  {name} ({url}): HTTP {status}, p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms"
        )
    return result


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "",
        f"## Programme control at {args.items:,} items — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}. A fresh database with the base demo and a generated programme (bulk inserts, "
        "then `recompute_all`); pages through Django's test Client in-process, "
        f"{args.requests} requests after 3 warm-up ones. Targets: recompute after one report p95 ≤ "
        f"{RECOMPUTE_MS:.0f} ms, analysis page p95 ≤ {ANALYSIS_MS:.0f} ms, public tracker list p95 ≤ "
        f"{TRACKER_MS:.0f} ms.",
        "",
        "| database | items | values | reports | generated s | recompute_all s | recompute_up p95 ms | page | HTTP | p50 ms | p95 ms | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "met" if r["recompute"]["p95"] <= RECOMPUTE_MS else "**missed**"
        head = (
            f"| {r['database']} | {r['items']:,} | {r['values']:,} | {r['reports']:,} | {r['generate_s']:.0f} | "
            f"{r['recompute_all_s']:.1f} | {r['recompute']['p95']:.1f} ({verdict}) |"
        )
        if not r["pages"]:
            lines.append(head + " — | | | | |")
        for page, p in r["pages"].items():
            ok = "met" if p["p95"] <= p["target"] and p["status"] == 200 else "**missed**"
            lines.append(
                f"{head} {page} | {p['status']} | {p['p50']:.1f} | {p['p95']:.1f} | {ok} (≤ {p['target']:.0f}) |"
            )
            head = "| | | | | | | |"
        lines.append(f"| | Load average before/after: {r['load_before']} / {r['load_after']} | | | | | | | | | | |")
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench programme", description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--items", type=int, default=20_000)
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
        with fresh_database(database, args.pg_server, "programme") as (label, env):
            say(f"{label}:")
            amanat(["migrate", "-v0"], env)
            amanat(["demo_data", "--base-members", "0", "--demo-appeals", "0"], env)
            before = load_average()
            result = run_worker("bench_programme", env, {"items": args.items, "requests": args.requests})
            result.update(database=label, load_before=before, load_after=load_average())
            results.append(result)
    text = report(results, args)
    print(text)
    if not args.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
    missed = [r for r in results if r["recompute"]["p95"] > RECOMPUTE_MS]
    missed += [p for r in results for p in r["pages"].values() if p["p95"] > p["target"] or p["status"] != 200]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
