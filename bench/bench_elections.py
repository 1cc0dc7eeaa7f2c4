"""Benchmark: an election of 100,000 members end to end, and the aggregation of 1,000,000 ballots.

1. A fresh PostgreSQL database gets 100,000 members (each with a login and an API token) in ten
   district branches and an election with 5 candidates, taken by the real services through
   nominations, the frozen census, credentials (made as amanat-credentials makes them), a 3-of-5
   key ceremony (votecrypto.testkit) and the freeze, then opened.
2. Every member's 1-of-5 ballot is made (proofs and signature, as the booth makes them) on both
   cores, then cast through the API — real HTTP: `amanat serve --gunicorn --workers N` and
   `--clients` client processes, each member with their own Bearer token. Each cast is verified
   by the server (proofs, signature, credential) and committed before its 201.
3. The vote is closed, the commission's tally computed (aggregation read from the database in
   chunks), three trustees make their decryption shares and the server checks and combines them.
4. The board is downloaded over HTTP and `amanat-verify --jobs 2` checks all of it.
5. Aggregation alone of 1,000,000 1-of-5 ballots (10 tally units, pooling rule): blobs of valid
   encryptions without proofs (a pool of distinct ones repeated: addition costs the same).

With `--cast seed` step 2 writes the made ballots straight to the board and the ballot table
(credentials bound, chain and checkpoints as the server makes them) instead of casting them: the
server's checks are skipped, the verifier still checks every ballot. On this machine the API
casts a few dozen ballots a second, so 100,000 through it take most of an hour.

    python -m bench elections                          # 100,000 through the API, 1,000,000 aggregated
    python -m bench elections --cast seed              # 100,000 seeded: tally, decryption, verifier
    python -m bench elections --ballots 20000 --aggregate 0
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.bench_appeals_intake import free_port, wait_booted, wait_ready
from bench.bench_generate_members import DEFAULT_PG, REPORT, ROOT, amanat, machine
from bench.bench_import_members import fresh_database, load_average, run_worker, say

CANDIDATES = 5
WEIGHTS = [35, 25, 20, 15, 5]
DISTRICTS = 10
AGGREGATE_POOL = 10_000
TARGET_AGGREGATE_S = 90.0


def one_hot(i: int) -> list[int]:
    return [1 if j == i else 0 for j in range(CANDIDATES)]


# --- inside Django (a worker process) ---------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup_election(options: dict[str, Any]) -> dict[str, Any]:
    """Members, users, tokens and an election opened for voting; writes voters.jsonl (token and
    credential per member: the secretary's letters) into the folder."""
    _django()
    import datetime as dt
    import secrets

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from amanat.accounts.models import ApiToken, User, hash_token
    from amanat.elections.choices import ElectionKind
    from amanat.elections.models import CensusEntry, Election
    from amanat.elections.services.census import credentials_upload
    from amanat.elections.services.elections import freeze, open_voting
    from amanat.elections.services.nominations import poll_answer_add
    from amanat.elections.tests.factories import (
        make_election,
        run_key_ceremony,
        secretary_of,
        system_user,
        to_preparation,
    )
    from amanat.org.choices import OrgUnitKind
    from amanat.org.models import Member, Person
    from amanat.org.tests.factories import add_unit
    from votecrypto.testkit import make_credentials

    count = options["ballots"]
    folder = Path(options["folder"])
    started = time.perf_counter()
    central = add_unit(None, code="bench-central", kind=OrgUnitKind.CENTRAL, name="AMANAT")
    region = add_unit(central, code="bench-region", kind=OrgUnitKind.REGIONAL, name="Атырау облыстық филиалы")
    districts = [
        add_unit(region, code=f"bench-d{i}", kind=OrgUnitKind.DISTRICT, name=f"Аудандық филиал {i}")
        for i in range(DISTRICTS)
    ]
    people = Person.objects.bulk_create(
        [Person(last_name=f"Сайлаушы{i}", first_name="Арман", org_unit=districts[i % DISTRICTS]) for i in range(count)],
        batch_size=5000,
    )
    Member.objects.bulk_create(
        [
            Member(person=p, org_unit=p.org_unit, joined_on=dt.date(2020, 1, 1), card_number=f"B{i:07d}")
            for i, p in enumerate(people)
        ],
        batch_size=5000,
    )
    unusable = make_password(None)  # members cast with their tokens here; no password hashing
    users = User.objects.bulk_create(
        [
            User(email=f"voter{i}@bench.kz", full_name=f"Voter {i}", person=p, password=unusable)
            for i, p in enumerate(people)
        ],
        batch_size=5000,
    )
    raws = ["amt_" + secrets.token_urlsafe(32) for _ in users]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, name="bench", prefix=raw[:12], key_hash=hash_token(raw))
            for u, raw in zip(users, raws, strict=True)
        ],
        batch_size=5000,
    )
    say(f"  {count:,} members with logins and tokens in {time.perf_counter() - started:.0f} s")

    now = timezone.now()
    election = make_election(
        region,
        kind=ElectionKind.POLL,
        threshold=3,
        voting_opens_at=now + dt.timedelta(days=1),
        voting_closes_at=now + dt.timedelta(days=2),
    )
    for i in range(CANDIDATES):
        poll_answer_add(
            actor=system_user(),
            election=election,
            values={"label_kk": f"Үміткер {i + 1}", "label_ru": f"Кандидат {i + 1}", "label_en": f"Candidate {i + 1}"},
        )
    step = time.perf_counter()
    to_preparation(election)
    election.refresh_from_db()
    say(f"  census of {election.census_count:,} frozen in {time.perf_counter() - step:.1f} s")
    kit = run_key_ceremony(election, 5)
    step = time.perf_counter()
    pairs = make_credentials(str(election.uuid), election.census_count)
    credentials_upload(
        actor=secretary_of(election),
        election=election,
        raw={"election": str(election.uuid), "credentials": sorted(p for _c, p in pairs)},
    )
    say(f"  {len(pairs):,} credentials made and published in {time.perf_counter() - step:.1f} s")
    freeze(actor=system_user(), election=election)
    Election.objects.filter(pk=election.pk).update(voting_opens_at=now - dt.timedelta(minutes=1))
    election.refresh_from_db()
    open_voting(election)
    election.refresh_from_db()

    census = {
        person: (member, unit)
        for person, member, unit in CensusEntry.objects.filter(election=election).values_list(
            "member__person_id", "member_id", "tally_unit_id"
        )
    }
    rng = random.Random(2026)
    with (folder / "voters.jsonl").open("w") as out:
        for n, (person, raw) in enumerate(zip(people, raws, strict=True)):
            member, unit = census[person.pk]
            choice = rng.choices(range(CANDIDATES), WEIGHTS)[0]
            voter = {"token": raw, "credential": pairs[n][0], "choice": choice, "member": member, "unit": unit}
            out.write(json.dumps(voter) + "\n")
    (folder / "trustees.json").write_text(json.dumps({str(j): hex(x) for j, x in kit.secrets.items()}))
    return {
        "uuid": str(election.uuid),
        "pk": election.pk,
        "manifest": json.loads(election.manifest),
        "manifest_hash": election.manifest_hash,
        "census": election.census_count,
        "setup_s": time.perf_counter() - started,
    }


def seed_ballots(options: dict[str, Any]) -> dict[str, Any]:
    """Put the made ballots on the board and in the ballot table directly, as cast_ballot would
    have (credential bound, board chained, a checkpoint every 1,000 entries) but without the
    server's checks: for timing the tally and the verifier at sizes the API cannot reach here.
    The verifier still checks every ballot."""
    _django()
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from amanat.elections.models import Ballot, BoardEntry, Credential, Election
    from amanat.elections.services import board
    from votecrypto.ballot import ciphertext_blob, tracker
    from votecrypto.encoding import cjson

    folder = Path(options["folder"])
    election = Election.objects.get(pk=options["pk"])
    voters = [json.loads(line) for line in (folder / "voters.jsonl").read_text().splitlines()]
    credentials = dict(Credential.objects.filter(election=election).values_list("public", "pk"))
    started = time.perf_counter()
    with transaction.atomic():
        board.locked(election)
        last = board.head(election)
        seq, prev = last.seq + 1, last.hash
        entries, ballots, bound = [], [], []
        now = timezone.now()
        for line, voter in zip((folder / "ballots.jsonl").read_text().splitlines(), voters, strict=True):
            ballot = json.loads(line)["body"]["ballot"]
            payload = json.loads(cjson({"ballot": ballot, "unit": str(voter["unit"])}))
            at = board.now_iso()
            digest = board.entry_hash(seq, prev, "ballot", at, payload)
            entries.append(
                BoardEntry(
                    election=election,
                    seq=seq,
                    type="ballot",
                    at=at,
                    prev=prev,
                    hash=digest,
                    payload=cjson(payload).decode(),
                )
            )
            credential = credentials[ballot["credential"]]
            ballots.append(
                Ballot(
                    election=election,
                    credential_id=credential,
                    tracker=tracker(ballot),
                    body=cjson(ballot).decode(),
                    ciphertexts=ciphertext_blob(ballot),
                    tally_unit_id=voter["unit"],
                    board_seq=seq,
                    cast_at=now,
                )
            )
            bound.append(
                Credential(
                    pk=credential,
                    voter_id=voter["member"],
                    tally_unit_id=voter["unit"],
                    first_cast_at=now,
                    last_cast_at=now,
                    ballots_cast=1,
                )
            )
            seq, prev = seq + 1, digest
        BoardEntry.objects.bulk_create(entries, batch_size=2000)
        Ballot.objects.bulk_create(ballots, batch_size=2000)
        Credential.objects.bulk_update(
            bound, ["voter", "tally_unit", "first_cast_at", "last_cast_at", "ballots_cast"], batch_size=2000
        )
        every = settings.ELECTIONS_CHECKPOINT_EVERY
        for entry in entries:
            if (entry.seq + 1) % every == 0:
                board.sign_checkpoint(election, entry)
    return {"seeded": len(entries), "seconds": time.perf_counter() - started}


def finish_election(options: dict[str, Any]) -> dict[str, Any]:
    """Close, tally, three trustees' shares, the result: each step timed."""
    _django()
    from amanat.elections.models import Election
    from amanat.elections.services.tally import accept_share, compute_tally, tally_payload
    from amanat.elections.services.voting import close_voting
    from amanat.elections.tests.factories import system_user
    from votecrypto.tally import decryption_share

    election = Election.objects.get(pk=options["pk"])
    secrets = {
        int(j): int(x, 16) for j, x in json.loads((Path(options["folder"]) / "trustees.json").read_text()).items()
    }
    step = time.perf_counter()
    close_voting(election, actor=system_user())
    close_s = time.perf_counter() - step
    step = time.perf_counter()
    compute_tally(election, actor=system_user())
    tally_s = time.perf_counter() - step
    tally = tally_payload(election)
    h_e = bytes.fromhex(election.manifest_hash)
    trustees = {t.index: t for t in election.trustees.all()}
    share_s, accept_s = [], []
    for index in (1, 3, 5):
        step = time.perf_counter()
        share = decryption_share(h_e, index, secrets[index], tally)
        share_s.append(time.perf_counter() - step)
        step = time.perf_counter()
        accept_share(election, trustees[index], json.loads(json.dumps(share)), actor=trustees[index].user)
        accept_s.append(time.perf_counter() - step)
    election.refresh_from_db()
    return {
        "close_s": close_s,
        "tally_s": tally_s,
        "share_s": share_s,
        "accept_s": accept_s,
        "phase": election.phase,
        "result": {k: election.result[k] for k in ("counts", "counted", "census", "turnout")},
        "units": sorted(tally["units"]),
    }


# --- ballots ----------------------------------------------------------------------------------


def _make(job: tuple[dict[str, Any], str, list[dict[str, Any]]]) -> list[str]:
    from votecrypto.ballot import make_ballot

    manifest, manifest_hash, voters = job
    lines = []
    for voter in voters:
        ballot, _r = make_ballot(manifest, manifest_hash, voter["credential"], one_hot(voter["choice"]))
        lines.append(json.dumps({"token": voter["token"], "body": {"ballot": ballot}}) + "\n")
    return lines


def make_ballots(folder: Path, setup: dict[str, Any], processes: int) -> float:
    voters = [json.loads(line) for line in (folder / "voters.jsonl").open()]
    jobs = [(setup["manifest"], setup["manifest_hash"], voters[i : i + 500]) for i in range(0, len(voters), 500)]
    started = time.perf_counter()
    with multiprocessing.Pool(processes) as pool, (folder / "ballots.jsonl").open("w") as out:
        for lines in pool.imap(_make, jobs):
            out.writelines(lines)
    return time.perf_counter() - started


def _client(args: tuple[str, str, int, int, int]) -> dict[str, Any]:
    """One client process: `threads` keep-alive sessions posting every `step`-th ballot."""
    import requests

    path, url, first, step, threads = args
    lines = [line for n, line in enumerate(Path(path).read_text().splitlines()) if n % step == first]
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0}
    samples: list[str] = []
    index = [0]

    def run() -> None:
        session = requests.Session()
        while True:
            with lock:
                n = index[0]
                index[0] += 1
            if n >= len(lines):
                return
            item = json.loads(lines[n])
            try:
                answer = session.post(
                    url, json=item["body"], headers={"Authorization": f"Bearer {item['token']}"}, timeout=60
                )
                good, problem = answer.status_code == 201, f"{answer.status_code} {answer.text[:200]}"
            except requests.RequestException as exc:
                good, problem = False, str(exc)[:200]
            with lock:
                counts["ok" if good else "errors"] += 1
                if not good and len(samples) < 3:
                    samples.append(problem)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {**counts, "samples": samples}


def cast_all(folder: Path, setup: dict[str, Any], env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    server_env = {**env, "AMANAT_2FA_REQUIRED": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    command = [sys.executable, "-m", "amanat", "serve", "--gunicorn", "--no-worker", "--workers", str(args.workers)]
    command += ["--port", str(port)]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter
        command, env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/api/v1/elections/{setup['uuid']}/ballots/"
    try:
        wait_ready(port)
        wait_booted(server.pid)
        started = time.perf_counter()
        jobs = [(str(folder / "ballots.jsonl"), url, i, args.clients, args.threads) for i in range(args.clients)]
        with multiprocessing.Pool(args.clients) as pool:
            parts = pool.map(_client, jobs)
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    ok = sum(p["ok"] for p in parts)
    errors = sum(p["errors"] for p in parts)
    return {
        "ok": ok,
        "errors": errors,
        "samples": [s for p in parts for s in p["samples"]][:3],
        "seconds": seconds,
        "per_s": ok / seconds,
    }


def download_board(folder: Path, setup: dict[str, Any], env: dict[str, str]) -> float:
    """The whole board, result included, streamed over HTTP into board.json."""
    port = free_port()
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings"}
    command = [sys.executable, "-m", "amanat", "serve", "--gunicorn", "--no-worker", "--workers", "1"]
    command += ["--port", str(port)]
    server = subprocess.Popen(  # noqa: S603
        command, env=server_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    import requests

    try:
        wait_ready(port)
        started = time.perf_counter()
        with requests.get(
            f"http://127.0.0.1:{port}/elections/{setup['uuid']}/board/download/", stream=True, timeout=600
        ) as got:
            got.raise_for_status()
            with (folder / "board.json").open("wb") as out:
                for chunk in got.iter_content(1 << 20):
                    out.write(chunk)
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=20)


def verify(folder: Path, jobs: int) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and the project's verifier
        [sys.executable, "-m", "votecrypto.verify", str(folder / "board.json"), "--jobs", str(jobs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, done.returncode, (done.stdout + done.stderr)[-1500:]


# --- aggregation alone ------------------------------------------------------------------------


def aggregation(count: int) -> dict[str, Any]:
    """build_tally over `count` rows of 1-of-5 blobs in 10 units (a pool of distinct encryptions)."""
    from votecrypto.elgamal import encrypt
    from votecrypto.group import base_mul, random_scalar
    from votecrypto.tally import aggregate_parallel, build_tally

    key = base_mul(random_scalar())
    rng = random.Random(7)
    started = time.perf_counter()
    pool = []
    for _ in range(min(AGGREGATE_POOL, count)):
        choice = rng.choices(range(CANDIDATES), WEIGHTS)[0]
        pool.append(b"".join(encrypt(key, v)[0].to_bytes() for v in one_hot(choice)))
    made_s = time.perf_counter() - started
    rows = ((str(1 + n % DISTRICTS), pool[n % len(pool)]) for n in range(count))
    started = time.perf_counter()
    tally = build_tally(rows, CANDIDATES, 20)
    seconds = time.perf_counter() - started
    assert tally["counted"] == count
    started = time.perf_counter()
    aggregate_parallel((pool[n % len(pool)] for n in range(count)), CANDIDATES, workers=2)
    parallel_s = time.perf_counter() - started
    return {
        "count": count,
        "seconds": seconds,
        "parallel_s": parallel_s,
        "pool": len(pool),
        "pool_s": made_s,
        "units": len(tally["units"]),
    }


# --- report -----------------------------------------------------------------------------------


def report(figures: dict[str, Any], args: argparse.Namespace) -> str:
    cast, fin, agg = figures.get("cast"), figures.get("finish"), figures.get("aggregate")
    lines = ["", f"## Elections: {args.ballots:,} ballots end to end, {args.aggregate:,} aggregated", ""]
    lines.append(
        f"Machine: {machine()}. {figures.get('database', '')}. Load average before/after: "
        f"{figures.get('load_before')} / {figures.get('load_after')}."
    )
    lines.append("")
    lines.append("| step | figure |")
    lines.append("|---|---:|")
    if "setup" in figures:
        lines.append(
            f"| setup: members, census, credentials, 3-of-5 ceremony, freeze | {figures['setup']['setup_s']:.0f} s |"
        )
        lines.append(
            f"| ballots made (proofs, signature), {args.make_processes} processes | {figures['make_s']:.0f} s |"
        )
    if cast:
        lines.append(
            f"| cast through the API: gunicorn {args.workers} workers, {args.clients} client processes × "
            f"{args.threads} threads, same machine | {cast['ok']:,} in {cast['seconds']:.0f} s = "
            f"**{cast['per_s']:.0f} casts/s**, {cast['errors']} errors |"
        )
    if "seed" in figures:
        lines.append(
            f"| ballots written straight to the board and table (`--cast seed`, no server checks) | "
            f"{figures['seed']['seeded']:,} in {figures['seed']['seconds']:.0f} s |"
        )
    if fin:
        lines.append(f"| close (count, checkpoint) | {fin['close_s']:.1f} s |")
        lines.append(
            f"| tally: aggregation read from the database, {len(fin['units'])} unit groups | **{fin['tally_s']:.1f} s** |"
        )
        lines.append(
            "| a trustee's decryption share (offline, each) | " + ", ".join(f"{s:.2f}" for s in fin["share_s"]) + " s |"
        )
        lines.append(
            "| server: share checked and stored; the last one combined and published | "
            + ", ".join(f"{s:.2f}" for s in fin["accept_s"])
            + " s |"
        )
        lines.append(f"| result | counts {fin['result']['counts']}, turnout {fin['result']['turnout']}% |")
    if "verify_s" in figures:
        lines.append(f"| board download over HTTP (streamed) | {figures['download_s']:.1f} s |")
        lines.append(
            f"| `amanat-verify --jobs {args.verify_jobs}` over the whole board | **{figures['verify_s']:.0f} s** "
            f"(exit {figures['verify_code']}) |"
        )
    if agg:
        verdict = "met" if agg["seconds"] <= TARGET_AGGREGATE_S else "**missed**"
        lines.append(
            f"| aggregation alone of {agg['count']:,} ballots ({agg['units']} unit groups) | **{agg['seconds']:.1f} s** "
            f"({verdict}, ≤ {TARGET_AGGREGATE_S:.0f} s) |"
        )
        lines.append(f"| the total alone, `aggregate_parallel` on 2 processes | **{agg['parallel_s']:.1f} s** |")
    return "\n".join([*lines, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench elections", description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--pg-server", default=os.environ.get("AMANAT_BENCH_PG", DEFAULT_PG))
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--aggregate", type=int, default=1_000_000, help="Ballots for the aggregation alone (0: skip).")
    parser.add_argument(
        "--cast",
        choices=["api", "seed"],
        default="api",
        help="api: every ballot through the API over HTTP; seed: written straight to the board and table "
        "(no server-side checks; the verifier still checks them) to time tally and verifier at sizes beyond the API.",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument("--clients", type=int, default=2, help="Client processes.")
    parser.add_argument("--threads", type=int, default=4, help="Threads per client process.")
    parser.add_argument("--make-processes", type=int, default=2)
    parser.add_argument("--verify-jobs", type=int, default=2)
    parser.add_argument("--write", action="store_true", help=f"Append the figures to {REPORT.name}.")
    args = parser.parse_args(argv)
    if args.worker:
        options = json.loads(args.worker)
        step = {"setup": setup_election, "seed": seed_ballots, "finish": finish_election}[options["step"]]
        print(json.dumps(step(options)))
        return 0

    figures: dict[str, Any] = {"load_before": load_average()}
    code = 0
    if args.ballots:
        with (
            fresh_database("postgresql", args.pg_server, "elections") as (label, env),
            tempfile.TemporaryDirectory(prefix="amanat-bench-elections-") as tmp,
        ):
            folder = Path(tmp)
            figures["database"] = label
            amanat(["migrate", "--noinput", "-v", "0"], env)
            say(f"setting up an election of {args.ballots:,} members…")
            setup = run_worker("bench_elections", env, {"step": "setup", "ballots": args.ballots, "folder": tmp})
            figures["setup"] = {"setup_s": setup["setup_s"], "census": setup["census"]}
            say(f"  set up in {setup['setup_s']:.0f} s; making {args.ballots:,} ballots…")
            figures["make_s"] = make_ballots(folder, setup, args.make_processes)
            say(f"  made in {figures['make_s']:.0f} s; casting ({args.cast})…")
            if args.cast == "api":
                figures["cast"] = cast_all(folder, setup, env, args)
                say(f"  {figures['cast']}")
            else:
                figures["seed"] = run_worker("bench_elections", env, {"step": "seed", "pk": setup["pk"], "folder": tmp})
                say(f"  {figures['seed']}")
            say("closing, tallying, decrypting…")
            figures["finish"] = run_worker("bench_elections", env, {"step": "finish", "pk": setup["pk"], "folder": tmp})
            say(f"  {figures['finish']}")
            figures["download_s"] = download_board(folder, setup, env)
            say(f"verifying the board ({(folder / 'board.json').stat().st_size / 1e6:.0f} MB)…")
            figures["verify_s"], figures["verify_code"], tail = verify(folder, args.verify_jobs)
            say(tail)
            failed_casts = figures["cast"]["errors"] if "cast" in figures else 0
            if figures["verify_code"] != 0 or failed_casts or figures["finish"]["phase"] != "published":
                code = 1
    if args.aggregate:
        say(f"aggregating {args.aggregate:,} ballots…")
        figures["aggregate"] = aggregation(args.aggregate)
        if figures["aggregate"]["seconds"] > TARGET_AGGREGATE_S:
            code = 1
    figures["load_after"] = load_average()
    text = report(figures, args)
    print(text)
    if args.write:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(text)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
