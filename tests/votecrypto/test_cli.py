"""The offline tools, run as the people who use them would: as separate processes, through files.

The secretary makes credentials from the census, five trustees run the ceremony with
`amanat-trustee`, members vote, three of the five trustees decrypt, and `amanat-verify` agrees with
the result; the board here is written the way the server writes it (tests/votecrypto/boards.py).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.votecrypto.boards import BoardWriter, build_board, census_hash, make_manifest, turnout
from votecrypto import ballot as ballots
from votecrypto import tally
from votecrypto.encoding import cjson
from votecrypto.group import Point

ROOT = Path(__file__).resolve().parents[2]


def run(module: str, *args: Any, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMANAT_LANG": "en", "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # noqa: S603 - our own tools, fixed arguments
        [sys.executable, "-m", f"votecrypto.{module}", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def save(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# -- amanat-credentials ------------------------------------------------------------------------


def census_file(tmp_path: Path, election: str, count: int) -> Path:
    members = [
        {"number": f"A{100 + i}", "name": f"Member {i}", "phone": f"+7701000{i:04d}", "email": f"m{i}@example.kz"}
        for i in range(count)
    ]
    return save(tmp_path / "census.json", {"election": election, "members": members})


def test_credentials_are_made_for_every_member_and_only_publics_go_to_the_server(tmp_path: Path) -> None:
    election = str(uuid.uuid4())
    census = census_file(tmp_path, election, 6)

    done = run("credentials_cli", "generate", "--election", election, "--census", census, "--out", tmp_path / "out")

    assert done.returncode == 0, done.stderr
    assert "delete" in done.stderr  # the warning about letters.csv
    public = read(tmp_path / "out" / "public.json")
    assert public["election"] == election
    assert len(public["credentials"]) == 6 and public["credentials"] == sorted(set(public["credentials"]))
    with open(tmp_path / "out" / "letters.csv", encoding="utf-8") as handle:
        letters = list(csv.DictReader(handle))
    assert [row["number"] for row in letters] == [f"A{100 + i}" for i in range(6)]
    assert stat.S_IMODE((tmp_path / "out" / "letters.csv").stat().st_mode) == 0o600
    # Each letter's credential gives one of the published keys, and no secret is in public.json.
    from votecrypto.credentials import credential_secret, public_credential

    assert sorted(public_credential(credential_secret(election, row["credential"])) for row in letters) == sorted(
        public["credentials"]
    )
    assert not any(row["credential"] in (tmp_path / "out" / "public.json").read_text() for row in letters)
    checked = run("credentials_cli", "check", "--public", tmp_path / "out" / "public.json")
    assert checked.returncode == 0 and "6 public credentials" in checked.stdout


def test_credentials_are_never_written_over(tmp_path: Path) -> None:
    election = str(uuid.uuid4())
    census = census_file(tmp_path, election, 2)
    assert (
        run("credentials_cli", "generate", "--election", election, "--census", census, "--out", tmp_path).returncode
        == 0
    )
    before = (tmp_path / "letters.csv").read_text()

    again = run("credentials_cli", "generate", "--election", election, "--census", census, "--out", tmp_path)

    assert again.returncode == 2 and "already exists" in again.stderr
    assert (tmp_path / "letters.csv").read_text() == before


def test_a_census_of_another_election_is_refused(tmp_path: Path) -> None:
    census = census_file(tmp_path, str(uuid.uuid4()), 2)

    done = run(
        "credentials_cli", "generate", "--election", str(uuid.uuid4()), "--census", census, "--out", tmp_path / "o"
    )

    assert done.returncode == 2 and "another election" in done.stderr
    assert not (tmp_path / "o").exists()


def test_check_finds_duplicates_and_malformed_keys(tmp_path: Path) -> None:
    good = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    path = save(tmp_path / "public.json", {"election": str(uuid.uuid4()), "credentials": [good, good, "xyz", "f" * 64]})

    done = run("credentials_cli", "check", "--public", path)

    assert done.returncode == 1
    assert "1 duplicate credential" in done.stdout
    assert "credential 3 is not 64 lowercase hex digits" in done.stdout
    assert "credential 4 is not a valid public key" in done.stdout


# -- amanat-trustee and amanat-verify, end to end -----------------------------------------------------


class Server:
    """The server's side of the election, writing the board as amanat.elections does."""

    def __init__(self, election: str, tmp_path: Path):
        self.election = election
        self.writer = BoardWriter(election)
        self.tmp_path = tmp_path
        self.downloads = 0

    def download(self) -> Path:
        self.downloads += 1
        return save(self.tmp_path / f"board-{self.downloads}.json", self.writer.download())


@pytest.fixture(scope="module")
def election_run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """A whole election through the tools: five trustees (3 needed), six members, five vote."""
    tmp = tmp_path_factory.mktemp("election")
    election = str(uuid.uuid4())
    server = Server(election, tmp)
    server.writer.append("created", {"election": election, "kind": "internal_poll", "unit": "1", "title": {}})
    census = census_file(tmp, election, 6)
    members = read(census)["members"]
    units = {m["number"]: ("21" if i % 2 else "22") for i, m in enumerate(members)}
    server.writer.append(
        "census",
        {"hash": census_hash(units.items()), "count": 6, "units": {"21": 3, "22": 3}},
    )
    made = run("credentials_cli", "generate", "--election", election, "--census", census, "--out", tmp / "secretary")
    assert made.returncode == 0, made.stderr
    publics = read(tmp / "secretary" / "public.json")["credentials"]
    server.writer.append("credentials", {"list": publics})

    keys = {j: tmp / f"trustee-{j}.key" for j in range(1, 6)}
    for j, key in keys.items():
        done = run(
            "trustee_cli", "init", "--election", election, "--index", j, "--key", key, "--out", tmp / f"reg-{j}.json"
        )
        assert done.returncode == 0, done.stderr
        # As the server does: the registration, with the trustee's name and the threshold beside it.
        server.writer.append("trustee", {**read(tmp / f"reg-{j}.json"), "name": f"T{j}", "threshold": 3, "trustees": 5})
    board = server.download()
    for j, key in keys.items():
        done = run("trustee_cli", "deal", "--key", key, "--board", board, "--out", tmp / f"deal-{j}.json")
        assert done.returncode == 0, done.stderr
        server.writer.append("deal", read(tmp / f"deal-{j}.json"))
    board = server.download()
    for j, key in keys.items():
        done = run("trustee_cli", "check", "--key", key, "--board", board, "--out", tmp / f"check-{j}.json")
        assert done.returncode == 0, done.stderr
        server.writer.append("check", read(tmp / f"check-{j}.json"))
    deals = [read(tmp / f"deal-{j}.json") for j in keys]
    from votecrypto import dkg

    public_key = dkg.election_key(deals)
    server.writer.append(
        "election_key",
        {
            "public_key": public_key.hex(),
            "verification_keys": {str(j): read(tmp / f"check-{j}.json")["verification_key"] for j in keys},
        },
    )
    ceremony = SimpleNamespace(registrations=[read(tmp / f"reg-{j}.json") for j in keys], t=3, public_key=public_key)
    manifest = make_manifest(
        election,
        candidates=3,
        min_choices=1,
        max_choices=1,
        census=(census_hash(units.items()), 6),
        credentials=(hashlib.sha256(cjson(publics)).hexdigest(), 6),
        ceremony=ceremony,
        checkpoint_key=server.writer.public_key,
        min_unit_voters=2,
    )
    manifest_hash = hashlib.sha256(cjson(manifest)).hexdigest()
    server.writer.append("manifest", {"manifest": manifest, "hash": manifest_hash}, checkpoint=True)
    server.writer.append("open", {"manifest": manifest_hash}, checkpoint=True)

    with open(tmp / "secretary" / "letters.csv", encoding="utf-8") as handle:
        letters = list(csv.DictReader(handle))
    choices = [0, 1, 0, 2, 0]  # the sixth member does not vote
    counted = []
    for letter, choice in zip(letters, choices, strict=False):
        selection = [int(k == choice) for k in range(3)]
        ballot, _ = ballots.make_ballot(manifest, manifest_hash, letter["credential"], selection)
        server.writer.append("ballot", {"ballot": ballot, "unit": units[letter["number"]]})
        counted.append((units[letter["number"]], ballots.ciphertext_blob(ballot)))
    server.writer.append("close", {"ballots": len(counted)}, checkpoint=True)
    encrypted = tally.build_tally(counted, 3, 2)
    server.writer.append("tally", encrypted, checkpoint=True)
    board = server.download()
    shares = {}
    for j in (1, 3, 5):
        done = run("trustee_cli", "decrypt", "--key", keys[j], "--board", board, "--out", tmp / f"share-{j}.json")
        assert done.returncode == 0, done.stderr
        shares[j] = read(tmp / f"share-{j}.json")
        assert tally.verify_share(
            bytes.fromhex(manifest_hash),
            j,
            Point.from_hex(read(tmp / f"check-{j}.json")["verification_key"]),
            encrypted,
            shares[j],
        )
        server.writer.append("share", shares[j])
    result = tally.decrypt_tally(encrypted, shares, 3)
    server.writer.append(
        "result",
        {**result, "census": 6, "turnout": turnout(result["counted"], 6)},
        checkpoint=True,
    )
    return SimpleNamespace(tmp=tmp, server=server, keys=keys, board=server.download(), tally_board=board, result=result)


def test_three_of_five_trustees_decrypt_and_the_verifier_agrees(election_run: SimpleNamespace) -> None:
    done = run("verify", election_run.board, "--jobs", "2")

    assert done.returncode == 0, done.stdout + done.stderr
    assert election_run.result["counts"] == [3, 1, 1]
    assert "Candidate 1: 3" in done.stdout and "Candidate 2: 1" in done.stdout and "Candidate 3: 1" in done.stdout
    assert "turnout 83.33%" in done.stdout
    assert "All checks hold." in done.stdout


def test_the_verifier_reports_json(election_run: SimpleNamespace) -> None:
    done = run("verify", election_run.board, "--json")

    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["ok"] is True
    assert report["result"]["counts"] == [3, 1, 1]
    assert report["candidates"] == ["Candidate 1", "Candidate 2", "Candidate 3"]


def test_a_tampered_download_fails_and_says_where(election_run: SimpleNamespace, tmp_path: Path) -> None:
    data = read(election_run.board)
    at = next(i for i, e in enumerate(data["entries"]) if e["type"] == "result")
    data["entries"][at]["payload"]["counts"] = [1, 3, 1]

    done = run("verify", save(tmp_path / "tampered.json", data))

    assert done.returncode == 1
    assert f"entry {at} (result): its hash does not match its contents" in done.stdout
    assert f"entry {at} (result): the published counts are not the decryption of the tally" in done.stdout


def test_an_unreadable_file_exits_with_2(tmp_path: Path) -> None:
    (tmp_path / "board.json").write_text("<html>not a board</html>")

    done = run("verify", tmp_path / "board.json")

    assert done.returncode == 2 and "not JSON" in done.stderr


def test_the_trustee_key_file_is_private_and_never_overwritten(election_run: SimpleNamespace) -> None:
    key = election_run.keys[1]
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "share" in read(key)  # x_j kept by `check`
    before = key.read_text()

    done = run("trustee_cli", "init", "--election", read(key)["election"], "--index", 1, "--key", key)

    assert done.returncode == 2 and "already exists" in done.stderr
    assert key.read_text() == before


def test_a_trustee_refuses_to_decrypt_a_tampered_board(election_run: SimpleNamespace, tmp_path: Path) -> None:
    data = read(election_run.tally_board)
    at = [i for i, e in enumerate(data["entries"]) if e["type"] == "ballot"][1]
    data["entries"][at]["payload"]["unit"] = "22" if data["entries"][at]["payload"]["unit"] == "21" else "21"

    done = run(
        "trustee_cli",
        "decrypt",
        "--key",
        election_run.keys[2],
        "--board",
        save(tmp_path / "b.json", data),
        "--out",
        tmp_path / "share.json",
    )

    assert done.returncode == 1
    assert f"entry {at} (ballot): its hash does not match its contents" in done.stderr
    assert not (tmp_path / "share.json").exists()


def test_a_trustee_refuses_to_decrypt_anything_but_the_sum_of_the_ballots(
    election_run: SimpleNamespace, tmp_path: Path
) -> None:
    """A server that re-signs a 'tally' made of one member's ballot would learn that vote: refused."""
    server = Server(election_run.server.election, tmp_path)
    original = read(election_run.tally_board)
    for entry in original["entries"]:
        payload = entry["payload"]
        if entry["type"] == "tally":
            one = next(e for e in original["entries"] if e["type"] == "ballot")["payload"]
            payload = tally.build_tally([(one["unit"], ballots.ciphertext_blob(one["ballot"]))], 3, 2)
        server.writer.entries.append(entry)
        server.writer.entries[-1] = {**entry, "payload": payload}
    from tests.votecrypto.boards import rehash

    rehash(server.writer.entries)
    for entry in server.writer.entries:
        if entry["type"] in ("manifest", "open", "close", "tally"):
            server.writer.checkpoint(entry)

    done = run(
        "trustee_cli",
        "decrypt",
        "--key",
        election_run.keys[4],
        "--board",
        server.download(),
        "--out",
        tmp_path / "share.json",
    )

    assert done.returncode == 1
    assert "(tally): it counts 1 ballots; the board has 5 counted ballots" in done.stderr
    assert not (tmp_path / "share.json").exists()


def test_a_board_of_another_election_is_refused_by_the_trustee_tool(
    election_run: SimpleNamespace, tmp_path: Path
) -> None:
    other = build_board(voters=2, abstaining=0, revote=False, through="open")

    done = run(
        "trustee_cli",
        "decrypt",
        "--key",
        election_run.keys[1],
        "--board",
        save(tmp_path / "o.json", other.data),
        "--out",
        tmp_path / "share.json",
    )

    assert done.returncode == 2 and "the board is for election" in done.stderr


def test_a_wrong_share_gives_a_complaint_and_no_key_share(tmp_path: Path) -> None:
    from votecrypto import dkg

    election = str(uuid.uuid4())
    server = Server(election, tmp_path)
    keys = {j: tmp_path / f"t{j}.key" for j in (1, 2, 3)}
    for j, key in keys.items():
        assert run("trustee_cli", "init", "--election", election, "--index", j, "--key", key).returncode == 0
        server.writer.append("trustee", {**read(key)["registration"], "name": f"T{j}", "threshold": 2, "trustees": 3})
    ctx = dkg.ceremony_context(election)
    recipients = {j: read(key)["registration"]["public"] for j, key in keys.items()}
    deals = [dkg.deal(ctx, j, 2, recipients) for j in keys]
    deals[0]["shares"][1]["ct"], deals[0]["shares"][2]["ct"] = deals[0]["shares"][2]["ct"], deals[0]["shares"][1]["ct"]
    for deal in deals:
        server.writer.append("deal", deal)

    done = run("trustee_cli", "check", "--key", keys[2], "--board", server.download(), "--out", tmp_path / "c.json")

    assert done.returncode == 1 and "trustee 1 is wrong" in done.stderr
    assert read(tmp_path / "c.json") == {"index": 2, "against": 1}
    assert "share" not in read(keys[2])


def test_dealing_needs_your_registration_on_the_board(tmp_path: Path) -> None:
    election = str(uuid.uuid4())
    server = Server(election, tmp_path)
    key = tmp_path / "t1.key"
    assert run("trustee_cli", "init", "--election", election, "--index", 1, "--key", key).returncode == 0

    done = run("trustee_cli", "deal", "--key", key, "--board", server.download(), "--out", tmp_path / "d.json")

    assert done.returncode == 2 and "your registration is not on the board" in done.stderr
    assert not (tmp_path / "d.json").exists()
