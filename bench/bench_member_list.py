"""Benchmark: the staff member list (/manage/org/members/) at 1,000,000 members, on SQLite and on PostgreSQL.

Each database is fresh (a SQLite file in a temporary folder, or a PostgreSQL database created
for the run and dropped after it) and holds the base demo plus N generated members
(`amanat demo-data --members N`; on PostgreSQL then `VACUUM (ANALYZE)` of people and members, the
state autovacuum keeps a live database in). A child process (`--worker`) then asks for the list's
first page through Django's test Client in-process — the real view, template and middleware,
logged in with `force_login` and a verified second factor (as the roles that see members must
be) — and times each request on the server side, including the end-of-request closing of the
database connection that a server does (on SQLite a new connection for every request).

Cases: the Inder district branch's executive secretary and the regional administrator, each
with a unit filter (Inder's largest primary organisation; the Inder district branch itself) and
a name search (the first 4 letters of the most common surname; a full name held by one member).
Two more cases, the regional administrator with a surname search and no unit and with no filter
at all, are shown for comparison. After 10 warm-up rounds, 200 rounds each ask for every case
once (so that load from elsewhere on the machine falls on all cases alike); p50, p95, max, and the
CPU time of the measuring process. A case whose p95 misses the target is profiled: the queries of
one request with their times, the slowest one's plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE), and
where the Python time goes (cProfile).

    python -m bench member_list                                   # 1,000,000 members, both databases
    python -m bench member_list --members 20000 --databases sqlite --no-write   # a quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench.bench_generate_members import DEFAULT_PG, REPORT, ROOT, amanat, figure, machine
from bench.bench_import_members import fresh_database, load_average, parse_databases, run_worker, say

TARGET_P95_MS = 50.0
SECRETARY = "inder.secretary@amanat.kz"  # executive secretary on the Inder district branch
ADMIN = "regional.admin@amanat.kz"  # regional administrator on the Atyrau regional branch
DISTRICT = "inder"

# (who, unit, search, counts for the target)
CASES: tuple[tuple[str, str | None, str | None, bool], ...] = (
    ("secretary", "primary", "prefix", True),
    ("secretary", "primary", "name", True),
    ("secretary", "district", "prefix", True),
    ("secretary", "district", "name", True),
    ("admin", "primary", "prefix", True),
    ("admin", "primary", "name", True),
    ("admin", "district", "prefix", True),
    ("admin", "district", "name", True),
    ("admin", None, "prefix", False),
    ("admin", None, None, False),
)
WHO = {"secretary": "district executive secretary", "admin": "regional admin"}


# --- measuring (in the worker process) -------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def explain(connection: Any, sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        rows = cursor.fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return "\n".join(lines)


def worker(options: dict[str, Any]) -> dict[str, Any]:
    import cProfile
    import io
    import pstats
    from urllib.parse import urlencode

    import django

    django.setup()
    from django.db import close_old_connections, connection
    from django.db.models import Count
    from django.test import Client, RequestFactory
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from amanat.accounts.models import User
    from amanat.core.lists import COUNT_CAP
    from amanat.org.choices import OrgUnitKind
    from amanat.org.filtersets.people import MemberFilterSet
    from amanat.org.models import Member, OrgUnit, Person
    from amanat.org.permissions import OrgAction
    from amanat.org.selectors.people import member_list_base

    requests, warmup = options["requests"], options["warmup"]
    url = reverse("org:member-list")
    result: dict[str, Any] = {"vendor": connection.vendor, "members": Member.objects.count()}

    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for model in (Person, Member):
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        result["vacuum"] = time.perf_counter() - started
        say(f"  VACUUM (ANALYZE) of people and members: {result['vacuum']:.1f} s")

    # What the cases look for.
    district = OrgUnit.objects.get(code=DISTRICT)
    sizes = (
        Member.objects.filter(org_unit__path__startswith=district.path, org_unit__kind=OrgUnitKind.PRIMARY)
        .values("org_unit")
        .annotate(n=Count("id"))
        .order_by("-n", "org_unit")
    )
    biggest = sizes[0]
    primary = OrgUnit.objects.get(pk=biggest["org_unit"])
    district_members = Member.objects.filter(org_unit__path__startswith=district.path).count()
    surname = Person.objects.values("last_name").annotate(n=Count("id")).order_by("-n", "last_name")[0]
    prefix = surname["last_name"][:4]
    full_name = ""
    for member in Member.objects.filter(org_unit=primary).select_related("person").order_by("id")[:200]:
        if Member.objects.filter(search_name=member.search_name).count() == 1:
            full_name = member.person.full_name
            break
    if not full_name:
        raise RuntimeError(f"no member of {primary.code} has a name of their own")
    result["setup"] = {
        "primary": {"code": primary.code, "name": str(primary.name_en), "members": biggest["n"]},
        "district": {"code": district.code, "name": str(district.name_en), "members": district_members},
        "surname": {"name": surname["last_name"], "people": surname["n"], "prefix": prefix},
        "full_name": full_name,
    }
    say(f"  units: {primary.code} ({biggest['n']:,} members), {district.code} ({district_members:,}); "
        f"prefix {prefix!r} (surname {surname['last_name']} × {surname['n']:,}); name {full_name!r}")  # fmt: skip

    # Logged-in clients with a verified second factor.
    users, clients = {}, {}
    for key, email in (("secretary", SECRETARY), ("admin", ADMIN)):
        user = User.objects.get(email=email)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        users[key], clients[key] = user, client
    close_old_connections()

    def get(client: Client, query: str) -> tuple[float, float, Any]:
        """One request: (server ms, this process's CPU ms, response)."""
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(query)
        close_old_connections()  # what the server does at the end of a request (the test client does not)
        return (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000, response

    cases = []
    for who, unit, search, counted in CASES:
        params: dict[str, str] = {}
        if unit:
            params["unit"] = str((primary if unit == "primary" else district).pk)
        if search:
            params["q"] = prefix if search == "prefix" else full_name
        # How many members the filters give (the page counts up to COUNT_CAP + 1), with the view's own filters.
        request = RequestFactory().get(url, params)
        request.user = users[who]
        filterset = MemberFilterSet(
            params or None, queryset=member_list_base().visible_to(users[who], OrgAction.VIEW_MEMBER), request=request
        )
        if filterset.is_bound and not filterset.is_valid():
            raise RuntimeError(f"{who} {params}: the filters refuse {filterset.errors}")
        found = (filterset.qs if filterset.is_bound else filterset.queryset).order_by()[: COUNT_CAP + 1].count()
        query = f"{url}?{urlencode(params)}" if params else url
        cases.append({"who": who, "unit": unit, "search": search, "target": counted, "query": query, "found": found})

    result["load_before"] = load_average()
    # Rounds that ask for every case once: a burst of load from elsewhere on the machine then
    # falls on all cases alike instead of on whichever case happened to be running.
    times: list[list[float]] = [[] for _ in cases]
    cpu: list[list[float]] = [[] for _ in cases]
    for round_number in range(warmup + requests):
        for index, case in enumerate(cases):
            ms, cpu_ms, response = get(clients[case["who"]], case["query"])
            if response.status_code != 200:
                raise RuntimeError(f"{case['query']}: {response.status_code} {response.get('Location', '')}")
            if round_number == 0 and case["search"] == "name" and full_name not in response.content.decode():
                raise RuntimeError(f"{case['query']}: the page does not show {full_name!r}")
            if round_number >= warmup:
                times[index].append(ms)
                cpu[index].append(cpu_ms)
    result["load_after"] = load_average()

    for case, case_times, case_cpu in zip(cases, times, cpu, strict=True):
        client, query = clients[case["who"]], case["query"]
        # One more request with its queries recorded (not among the timed ones).
        captured: list[tuple[str, Any, float]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                captured.append((sql, params, (time.perf_counter() - started) * 1000))  # noqa: B023

        with connection.execute_wrapper(record):
            traced_ms, _cpu, _response = get(client, query)
        case.update(
            p50=statistics.median(case_times),
            p95=percentile(case_times, 0.95),
            max=max(case_times),
            cpu_p50=statistics.median(case_cpu),
            cpu_p95=percentile(case_cpu, 0.95),
            queries=len(captured),
            sql_ms=sum(ms for _s, _p, ms in captured),
            traced_ms=traced_ms,
        )
        say(f"  {case['who']:9} unit={case['unit'] or '-':8} q={case['search'] or '-':6} found {case['found']:>6,}: "
            f"p50 {case['p50']:.1f} ms, p95 {case['p95']:.1f} ms, max {case['max']:.1f} ms; CPU p50 "
            f"{case['cpu_p50']:.1f} ms, p95 {case['cpu_p95']:.1f} ms; {len(captured)} queries, "
            f"SQL {case['sql_ms']:.1f} of {traced_ms:.1f} ms")  # fmt: skip
        if case["p95"] <= TARGET_P95_MS and not options.get("profile_all"):
            continue
        # Profile: the slowest queries with their plans, and where the Python time goes.
        sql, params, ms = max(captured, key=lambda c: c[2] if c[0].lstrip().upper().startswith("SELECT") else -1)
        case["slowest_query"] = {
            "ms": ms,
            "sql": sql,
            "params": [str(p) for p in (params or ())],
            "plan": explain(connection, sql, params),
        }
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            get(client, query)
        profiler.disable()
        stats = pstats.Stats(profiler)
        case["split"] = time_split(stats)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        say(f"    slowest query {ms:.1f} ms: {sql[:300]}\n      {case['slowest_query']['params'][:8]}\n"
            f"{case['slowest_query']['plan']}\n    split {case['split']}\n{out.getvalue()}")  # fmt: skip
    result["cases"] = cases
    return result


# Parts of a request, each found by a function that wraps it (file suffix, function name).
PARTS = {
    "request": ("django/test/client.py", "request"),
    "template": ("django/template/response.py", "render"),
    "form widgets": ("django/forms/boundfield.py", "as_widget"),
    "results table": ("template_partials/templatetags/partials.py", "render"),
    "pagination": ("amanat/core/lists.py", "paginate_queryset"),
    "SQL": ("django/db/backends/utils.py", "_execute"),
}


def time_split(stats: Any) -> dict[str, float]:
    """Share of the request's (profiled) time in each part: cumulative time of the part's function."""
    spent = dict.fromkeys(PARTS, 0.0)
    for (path, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for part, (suffix, name) in PARTS.items():
            if function == name and path.endswith(suffix):
                spent[part] = max(spent[part], cumulative)
    whole = spent.pop("request") or 1.0
    return {part: round(100 * seconds / whole, 1) for part, seconds in spent.items()}


# --- report ----------------------------------------------------------------------------------


@dataclass
class Result:
    database: str
    members: int
    generation_seconds: float
    vacuum_seconds: float | None
    setup: dict[str, Any]
    load_before: str
    load_after: str
    cases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counted(self) -> list[dict[str, Any]]:
        return [c for c in self.cases if c["target"]]


def case_label(case: dict[str, Any], setup: dict[str, Any]) -> tuple[str, str, str]:
    unit = {"primary": f"primary `{setup['primary']['code']}`", "district": f"district `{setup['district']['code']}`"}
    search = {"prefix": f"`{setup['surname']['prefix']}` (prefix)", "name": "full name"}
    return (
        WHO[case["who"]],
        unit.get(case["unit"], "— (whole scope)"),  # type: ignore[arg-type]
        search.get(case["search"], "—"),  # type: ignore[arg-type]
    )


def report(results: list[Result], requests: int, warmup: int) -> str:
    lines = [
        "",
        f"## Staff member list — {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Machine: {machine()}.",
        "First page of /manage/org/members/ through Django's test Client in-process (real view, template and "
        "middleware; `force_login` with a verified second factor), on a fresh database with the base demo plus "
        "the generated members (PostgreSQL: then `VACUUM (ANALYZE)` of people and members). Server time of each "
        "request, including the end-of-request closing of the database connection; "
        f"{warmup} warm-up rounds, then {requests} rounds that each ask for every case once. "
        "The last two rows have no unit filter and fall outside the target's case. CPU: the CPU time of the "
        "bench process (Django; not the PostgreSQL server) per request — on a busy machine the gap between it "
        "and the server time is time spent waiting for a core. Queries and SQL time: one more request, traced.",
        "",
    ]
    for r in results:
        s = r.setup
        vacuum = f", VACUUM (ANALYZE) {r.vacuum_seconds:.1f} s" if r.vacuum_seconds is not None else ""
        lines += [
            f"{r.database}: {r.members:,} members (generated in {r.generation_seconds / 60:.1f} min{vacuum}); "
            f"load average {r.load_before} before the measuring, {r.load_after} after. "
            f"Units: primary `{s['primary']['code']}` ({s['primary']['name']}, {s['primary']['members']:,} members), "
            f"district `{s['district']['code']}` ({s['district']['members']:,} members). Searches: "
            f"`{s['surname']['prefix']}` (the most common surname, {s['surname']['name']}, is held by "
            f"{s['surname']['people']:,} people) and the full name “{s['full_name']}” (one member).",
            "",
        ]
    lines += [
        "| database | user | unit filter | search | found | p50 | p95 | max | CPU p50 / p95 | queries | SQL (traced) |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for c in r.cases:
            who, unit, search = case_label(c, r.setup)
            found = f"{c['found']:,}" if c["found"] <= 10_000 else "10,000+"
            mark = "" if not c["target"] or c["p95"] <= TARGET_P95_MS else " ✗"
            lines.append(
                f"| {r.database} | {who} | {unit} | {search} | {found} | {c['p50']:.1f} ms | {c['p95']:.1f} ms{mark} "
                f"| {c['max']:.1f} ms | {c['cpu_p50']:.1f} / {c['cpu_p95']:.1f} ms | {c['queries']} "
                f"| {c['sql_ms']:.1f} of {c['traced_ms']:.1f} ms |"
            )
    lines.append("")
    for r in results:
        counted = r.counted
        worst = max(counted, key=lambda c: c["p95"])
        missed = [c for c in counted if c["p95"] > TARGET_P95_MS]
        who, unit, search = case_label(worst, r.setup)
        lines.append(
            f"- {r.database}: p95 ≤ {TARGET_P95_MS:.0f} ms in {len(counted) - len(missed)} of {len(counted)} cases "
            f"(worst p95 {worst['p95']:.1f} ms: {who}, {unit}, {search}) — target "
            + ("met." if not missed else "NOT met.")
        )
    slow = [(r, c) for r in results for c in r.cases if c.get("split")]
    if slow:
        lines += [
            "",
            "Profiled cases (p95 above the target): the traced request's slowest query, and the shares of the "
            "request's time (cProfile, 20 requests) spent rendering the template (of which the filter form's "
            "widgets and the results table), in the paginator (count, ids, rows) and in SQL:",
            "",
        ]
        for r, c in slow:
            who, unit, search = case_label(c, r.setup)
            q, split = c["slowest_query"], c["split"]
            lines.append(
                f"- {r.database}, {who}, {unit}, {search}: SQL {c['sql_ms']:.1f} of {c['traced_ms']:.1f} ms "
                f"(slowest {q['ms']:.1f} ms: `{' '.join(q['sql'].split())[:60]}…`); template {split['template']:.0f}% "
                f"(form widgets {split['form widgets']:.0f}%, results table {split['results table']:.0f}%), "
                f"pagination {split['pagination']:.0f}%, SQL {split['SQL']:.0f}%."
            )
        for r in results:
            profiled = [c for c in r.cases if c.get("split")]
            if not profiled:
                continue
            worst = max(profiled, key=lambda c: c["slowest_query"]["ms"])
            who, unit, search = case_label(worst, r.setup)
            q = worst["slowest_query"]
            sql = " ".join(q["sql"].split())
            lines += [
                "",
                f"{r.database}, the slowest of these queries ({who}, {unit}, {search}; {q['ms']:.1f} ms) and its plan:",
                "",
                "```",
                sql if len(sql) <= 600 else sql[:600] + " …",
                f"-- params: {', '.join(q['params'][:8])}",
                q["plan"],
                "```",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        print(json.dumps(worker(json.loads(argv[1]))))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench member_list", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000, help="Generated members (default 1,000,000).")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per case (default 200).")
    parser.add_argument("--warmup", type=int, default=10, help="Untimed requests first (default 10).")
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="Comma-separated: sqlite, postgres (default both)."
    )
    parser.add_argument("--postgres", default=DEFAULT_PG, help=f"PostgreSQL server URL (default {DEFAULT_PG}).")
    parser.add_argument("--profile-all", action="store_true", help="Trace and profile every case, not only slow ones.")
    parser.add_argument("--no-write", action="store_true", help=f"Print the figures; do not append to {REPORT.name}.")
    options = parser.parse_args(argv)
    if options.members < 1 or options.requests < 2 or options.warmup < 1:
        parser.error("--members and --warmup must be 1 or more, --requests 2 or more")
    wanted = parse_databases(parser, options.databases)
    results = []
    for database in wanted:
        with fresh_database(database, options.postgres.rstrip("/"), "list") as (label, env):
            print(f"[{label}] migrating, loading the demo and generating {options.members:,} members…", flush=True)
            amanat(["migrate", "--noinput", "-v", "0"], env)
            out = amanat(["demo_data", "--members", str(options.members)], env)
            generation = figure(r"Generated \d+ members in ([\d.]+) s", out)
            print(f"[{label}] generated in {generation:.0f} s; measuring…", flush=True)
            figures = run_worker(
                "bench_member_list",
                env,
                {"requests": options.requests, "warmup": options.warmup, "profile_all": options.profile_all},
            )
        results.append(
            Result(
                label,
                figures["members"],
                generation,
                figures.get("vacuum"),
                figures["setup"],
                figures["load_before"],
                figures["load_after"],
                figures["cases"],
            )
        )
    text = report(results, options.requests, options.warmup)
    print(text)
    if not options.no_write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
        print(f"Appended to {REPORT.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
