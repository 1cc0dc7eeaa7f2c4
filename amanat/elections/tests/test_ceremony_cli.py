"""The key ceremony with the real offline tool: what `amanat-trustee` writes, the server accepts,
and what the server publishes, `amanat-trustee` reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from amanat.elections.services import ceremony
from amanat.elections.tests.factories import make_election, name_trustees, to_nominations

pytestmark = pytest.mark.django_db

UPLOAD = {"init": ceremony.trustee_register, "deal": ceremony.trustee_deal, "check": ceremony.trustee_check}


def trustee_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "votecrypto.trustee_cli", *args], capture_output=True, text=True, check=False
    )


def download(client: Any, election: Any, path: Path) -> str:
    response = client.get(reverse("elections:board-download", args=[election.uuid]))
    path.write_bytes(b"".join(response.streaming_content))
    return str(path)


def test_trustees_run_the_ceremony_with_amanat_trustee(client: Any, tree: Any, tmp_path: Path) -> None:
    election = make_election(tree.makat, threshold=2)
    trustees = name_trustees(election, 3)
    to_nominations(election)
    for t in trustees:
        out = tmp_path / f"reg{t.index}.json"
        done = trustee_tool("init", "--election", str(election.uuid), "--index", str(t.index),
                            "--key", str(tmp_path / f"t{t.index}.key"), "--out", str(out))  # fmt: skip
        assert done.returncode == 0, done.stderr
        ceremony.trustee_register(actor=t.user, trustee=t, raw=out.read_bytes())
    for step in ("deal", "check"):
        board = download(client, election, tmp_path / f"board-{step}.json")
        for t in trustees:
            out = tmp_path / f"{step}{t.index}.json"
            done = trustee_tool(step, "--key", str(tmp_path / f"t{t.index}.key"), "--board", board, "--out", str(out))
            assert done.returncode == 0, done.stdout + done.stderr
            UPLOAD[step](actor=t.user, trustee=t, raw=out.read_bytes())
    election.refresh_from_db()
    assert election.public_key
    assert json.loads(election.board.get(type="election_key").payload)["public_key"] == election.public_key
