"""Journey: a member votes in a secret, verifiable poll. The commission has opened a poll of the
Makat branch (`amanat elections_demo_open`); member@amanat.kz logs in, opens the booth, mistypes
the credential and is told, enters it, chooses, encrypts, audits the ballot (the audit shows it
matches), encrypts again, casts, sees the tracker and finds it on the public tracker page. Then the
trustees decrypt (`amanat elections_demo_finish`), the board is downloaded from its public page
and `amanat-verify` agrees with the published result.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import ROOT, login, shot, t


def plain(tracker: str) -> str:
    return re.sub(r"\s", "", tracker)


def test_a_member_votes_audits_casts_finds_the_tracker_and_the_verifier_agrees(
    new_page: Any, platform: Any, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.json"
    opened = json.loads(platform.amanat("elections_demo_open", "--keys", str(keys)).strip().splitlines()[-1])
    election, credential = opened["uuid"], opened["credential"]

    page = new_page()
    login(page, "member@amanat.kz")
    page.goto(f"/elections/{election}/vote/")

    page.locator("#credential").fill("not-a-credential")
    page.locator("input[name=choice][value='0']").check()
    page.locator("#encrypt").click()
    expect(page.locator("#credential-error")).to_be_visible()
    expect(page.locator("#ballot-panel")).to_be_hidden()

    page.locator("#credential").fill(credential)
    page.locator("#encrypt").click()
    expect(page.locator("#ballot-panel")).to_be_visible()
    audited = plain(page.locator("#tracker").inner_text())
    assert re.fullmatch(r"[0-9a-f]{64}", audited), audited

    page.locator("#audit").click()
    expect(page.locator("#audit-result")).to_be_visible()
    expect(page.locator("#audit-status")).to_have_text(
        t(page, "The ballot matches your choices: this device encrypted them honestly.")
    )
    shot(page, "election-audit")

    page.locator("#encrypt").click()
    expect(page.locator("#tracker")).not_to_have_text(re.compile(audited[:8]))
    tracker = plain(page.locator("#tracker").inner_text())
    assert re.fullmatch(r"[0-9a-f]{64}", tracker) and tracker != audited
    page.locator("#cast").click()
    expect(page.locator("#cast-result")).to_be_visible()
    assert plain(page.locator("#cast-tracker").inner_text()) == tracker
    shot(page, "election-cast")

    page.locator("#cast-lookup").click()
    expect(page.locator("#tracker-found")).to_be_visible()
    expect(page.locator("#tracker-found")).to_contain_text(t(page, "This ballot is on the board."))
    expect(page.locator("#tracker-counted")).to_contain_text(
        t(page, "Yes: this is the last ballot under its credential.")
    )

    # The audited ballot was never cast: the public page does not know its tracker.
    page.goto(f"/elections/tracker/?tracker={audited}")
    expect(page.locator("#tracker-missing")).to_be_visible()

    result = json.loads(
        platform.amanat("elections_demo_finish", election, "--keys", str(keys)).strip().splitlines()[-1]
    )
    assert result["counted"] == 13  # twelve members had voted before, and this one

    page.goto(f"/elections/{election}/board/")
    with page.expect_download() as info:
        page.get_by_role("link", name=t(page, "Download the whole board (JSON)")).click()
    board = tmp_path / "board.json"
    info.value.save_as(board)
    done = subprocess.run(  # noqa: S603 - our own verifier on our own download
        [sys.executable, "-m", "votecrypto.verify", str(board), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["counted"] == result["counted"]
    assert report["result"]["counts"] == result["counts"]

    # Tampering with the download is caught, and the verifier says where.
    data = json.loads(board.read_text())
    ballot = next(e for e in data["entries"] if e["type"] == "ballot")
    ballot["payload"]["unit"] = "0"
    board.write_text(json.dumps(data))
    tampered = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "votecrypto.verify", str(board), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tampered.returncode == 1
    assert any(str(ballot["seq"]) in p["where"] for p in json.loads(tampered.stdout)["problems"])
