"""The browser booth against the Python side: its node tests (which reproduce the shared test
vectors byte for byte) pass; a ballot it makes with fresh randomness is accepted by
votecrypto.ballot.verify_ballot, and a tampered one is refused; the site publishes the hashes of
exactly the files it serves; the page renders the booth's contract."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from votecrypto import ballot as ballots
from votecrypto.elgamal import Ciphertext, decrypt_point, dlog
from votecrypto.encoding import cjson, sha256_hex
from votecrypto.group import N, Point, scalar_from_hex
from votecrypto.tally import lagrange
from votecrypto.testkit import make_credentials, run_ceremony

ROOT = Path(__file__).resolve().parents[2]
BOOTH = ROOT / "tools" / "booth"
NODE = shutil.which("node") or "node"


def node(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [NODE, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


def test_node_booth_tests_pass_and_reproduce_the_vectors() -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in (BOOTH / "test").glob("*.test.mjs"))
    assert "tools/booth/test/vectors.test.mjs" in files
    result = node("--test", *files)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
    assert "# skipped 0" in result.stdout


@pytest.fixture(scope="module")
def election() -> SimpleNamespace:
    """A 2-of-3 approval election (1..2 of 4) with three members' credentials."""
    uid = str(uuid.uuid4())
    ceremony = run_ceremony(uid, 3, 2)
    credentials = make_credentials(uid, 3)
    manifest = {
        "version": 1,
        "election": uid,
        "title": {"kk": "Бастапқы сайлау", "ru": "Праймериз", "en": "Primary"},
        "kind": "primary_maslikhat",
        "unit": "7",
        "candidates": [
            {"id": 10 + i, "name": {"kk": f"Үміткер {i}", "ru": f"Кандидат {i}", "en": f"C {i}"}} for i in range(4)
        ],
        "min_choices": 1,
        "max_choices": 2,
        "opens_at": "2026-12-01T08:00:00+05:00",
        "closes_at": "2026-12-03T20:00:00+05:00",
        "census": {"hash": "0" * 64, "count": 3},
        "credentials": {"hash": sha256_hex(cjson(sorted(p for _, p in credentials))), "count": 3},
        "trustees": [
            {"index": r["index"], "name": f"T{r['index']}", "public": r["public"]} for r in ceremony.registrations
        ],
        "threshold": 2,
        "public_key": ceremony.public_key.hex(),
        "checkpoint_key": "0" * 64,
        "min_unit_voters": 20,
    }
    return SimpleNamespace(
        uuid=uid,
        ceremony=ceremony,
        credentials=credentials,
        manifest=manifest,
        manifest_hash=sha256_hex(cjson(manifest)),
    )


def booth_ballot(election: SimpleNamespace, credential: str, selections: list[int]) -> dict[str, Any]:
    request = {
        "manifest": election.manifest,
        "manifest_hash": election.manifest_hash,
        "credential": credential,
        "selections": selections,
    }
    result = node("tools/booth/make-ballot.mjs", stdin=json.dumps(request, ensure_ascii=False))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def verify(election: SimpleNamespace, ballot: dict[str, Any]) -> None:
    ballots.verify_ballot(
        ballot,
        election=election.uuid,
        manifest_hash=election.manifest_hash,
        public_key=election.ceremony.public_key,
        candidates=4,
        min_choices=1,
        max_choices=2,
        credentials={public for _, public in election.credentials},
    )


def test_a_booth_ballot_is_accepted_by_the_server_check_and_decrypts_to_the_choice(election: SimpleNamespace) -> None:
    credential, public = election.credentials[0]
    made = booth_ballot(election, credential, [0, 1, 0, 1])
    ballot = made["ballot"]

    verify(election, ballot)

    assert ballot["credential"] == public
    assert credential.replace("-", "") not in json.dumps(ballot)
    assert made["tracker"] == ballots.tracker(ballot)
    randomness = [scalar_from_hex(r) for r in made["randomness"]]
    assert ballots.audit_ballot(ballot, randomness, [0, 1, 0, 1], election.ceremony.public_key)
    assert not ballots.audit_ballot(ballot, randomness, [1, 0, 0, 1], election.ceremony.public_key)
    secrets = election.ceremony.secrets
    key = sum(lagrange([1, 3], j) * secrets[j] for j in (1, 3))
    counts = [
        dlog(decrypt_point(key, Ciphertext(Point.from_hex(ct["a"]), Point.from_hex(ct["b"]))), 1)
        for ct in ballot["choices"]
    ]
    assert counts == [0, 1, 0, 1]


def _set_scalar(proof: dict[str, str], key: str) -> None:
    proof[key] = format((int(proof[key], 16) + 1) % N, "064x")


TAMPERINGS = {
    "swapped ciphertexts": (
        lambda b: b.__setitem__("choices", [b["choices"][1], b["choices"][0], *b["choices"][2:]]),
        "proof",
    ),
    "altered proof": (lambda b: _set_scalar(b["proofs"][2][1], "s"), "proof"),
    "altered sum proof": (lambda b: _set_scalar(b["sum_proof"][0], "c"), "sum_proof"),
    "altered signature": (
        lambda b: b.__setitem__("signature", b["signature"][:-2] + ("00" if b["signature"][-2:] != "00" else "01")),
        "signature",
    ),
    "copied from another election": (lambda b: b.__setitem__("election", str(uuid.uuid4())), "election"),
    "credential not on the list": (lambda b: b.__setitem__("credential", "ab" * 32), "credential"),
    "extra key": (lambda b: b.__setitem__("note", "x"), "shape"),
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_a_tampered_booth_ballot_is_refused(election: SimpleNamespace, name: str) -> None:
    made = booth_ballot(election, election.credentials[1][0], [1, 0, 0, 0])
    tampered = copy.deepcopy(made["ballot"])
    change, code = TAMPERINGS[name]
    change(tampered)
    with pytest.raises(ballots.BallotError) as refused:
        verify(election, tampered)
    assert refused.value.code == code


def test_the_booth_refuses_choices_outside_the_rules(election: SimpleNamespace) -> None:
    request = {
        "manifest": election.manifest,
        "manifest_hash": election.manifest_hash,
        "credential": election.credentials[2][0],
        "selections": [1, 1, 1, 0],
    }
    result = node("tools/booth/make-ballot.mjs", stdin=json.dumps(request, ensure_ascii=False))
    assert result.returncode != 0
    assert result.stdout == ""


# --- The published hashes and the page --------------------------------------------------------


def test_booth_assets_publish_the_sha256_of_the_served_files() -> None:
    from amanat.elections.booth import booth_assets

    assets = booth_assets()
    assert [a["path"] for a in assets] == [
        "elections/booth.js",
        "elections/booth-core.js",
        "vendor/noble/noble-secp256k1.js",
    ]
    for asset in assets:
        data = (ROOT / "static" / asset["path"]).read_bytes()
        assert asset["sha256"] == hashlib.sha256(data).hexdigest()
        assert asset["name"] == Path(asset["path"]).name
        assert asset["integrity"].startswith("sha256-")
    # Cached, and a caller changing its copy changes nothing for the next one.
    assets[0]["sha256"] = "changed"
    assert booth_assets()[0]["sha256"] != "changed"


def test_the_vendored_bundle_is_listed_with_its_licence() -> None:
    bundle = (ROOT / "static" / "vendor" / "noble" / "noble-secp256k1.js").read_text()
    assert bundle.startswith("/*! @noble/curves 2.4.0, @noble/hashes 2.4.0")
    assert "fetch(" not in bundle
    assert "MIT License" in (ROOT / "static" / "vendor" / "noble" / "LICENSE").read_text()
    lock = json.loads((BOOTH / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/@noble/curves"]["version"] == "2.4.0"
    assert "| @noble/curves" in (ROOT / "static" / "vendor" / "VERSIONS.md").read_text()


@pytest.mark.parametrize(
    ("low", "high", "kind", "hint"),
    [(1, 1, "radio", "Choose exactly 1 option."), (1, 2, "checkbox", "Choose from 1 to 2 options.")],
)
def test_the_booth_page_renders_the_contract(
    rf: Any, make_user: Any, low: int, high: int, kind: str, hint: str
) -> None:
    from django.template.loader import render_to_string

    from amanat.elections.booth import booth_assets

    request = rf.get("/elections/x/vote/")
    request.user = make_user()
    manifest = {"election": "e", "candidates": [{"id": 1}, {"id": 2}], "min_choices": low, "max_choices": high}
    html = render_to_string(
        "elections/booth.html",
        {
            "election": SimpleNamespace(title="Праймериз <2026>", uuid="e"),
            "candidates": ["Айгүл Серікова", "Boris & Co"],
            "min_choices": low,
            "max_choices": high,
            "manifest": manifest,
            "manifest_hash": "ab" * 32,
            "cast_url": "/elections/e/cast/",
            "tracker_lookup_url": "/elections/tracker/",
            "already_voted": True,
            "booth_assets": booth_assets(),
        },
        request=request,
    )
    for stable_id in ("credential", "encrypt", "audit", "cast", "tracker", "audit-result", "cast-result"):
        assert f'id="{stable_id}"' in html
    inputs = re.findall(r'type="(\w+)"\s+name="choice" value="(\d+)"', html)
    assert inputs == [(kind, "0"), (kind, "1")]
    assert "Boris &amp; Co" in html
    assert "Праймериз &lt;2026&gt;" in html
    assert '<script id="manifest" type="application/json">' in html
    assert hint in html
    assert "only your last ballot counts" in html
    assert 'role="alert"' in html
    assert 'type="module"' in html
    assert f'integrity="{booth_assets()[0]["integrity"]}"' in html
    assert "onclick" not in html
    # The credential field has no name: a form sent without the script would not carry it.
    credential_tag = html[html.index('id="credential"') - 60 : html.index('id="credential"') + 300]
    assert "name=" not in credential_tag


# --- The page in a real browser ---------------------------------------------------------------


@pytest.fixture
def booth_page(rf: Any, make_user: Any, election: SimpleNamespace, tmp_path: Path) -> Iterator[SimpleNamespace]:
    """The booth page rendered for `election` and served with the static files on a local port;
    the cast endpoint is answered by the test (Playwright routes)."""
    from django.template.loader import render_to_string

    from amanat.elections.booth import booth_assets

    request = rf.get("/vote/")
    request.user = make_user()
    html = render_to_string(
        "elections/booth.html",
        {
            "election": SimpleNamespace(title="Primary", uuid=election.uuid),
            "candidates": ["Alpha", "Bravo", "Charlie", "Delta"],
            "min_choices": 1,
            "max_choices": 2,
            "manifest": election.manifest,
            "manifest_hash": election.manifest_hash,
            "cast_url": "/cast/",
            "tracker_lookup_url": "/tracker/",
            "already_voted": False,
            "booth_assets": booth_assets(),
        },
        request=request,
    )
    (tmp_path / "vote").mkdir()
    (tmp_path / "vote" / "index.html").write_text(html)
    (tmp_path / "static").symlink_to(ROOT / "static")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert csrf

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}/vote/", csrf=csrf.group(1))
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_in_a_browser_the_booth_explains_mistakes_audits_and_casts_without_sending_the_credential(
    booth_page: SimpleNamespace, election: SimpleNamespace
) -> None:
    from playwright.sync_api import expect, sync_playwright

    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    assert chromium, "Chromium is needed (apt-get install chromium)"
    credential, public = election.credentials[2]
    posted: list[tuple[dict[str, str], str]] = []
    answer: dict[str, Any] = {}

    def cast_endpoint(route: Any, request: Any) -> None:
        posted.append((request.headers, request.post_data))
        route.fulfill(status=answer["status"], content_type="application/json", body=json.dumps(answer["body"]))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/cast/", cast_endpoint)
        page.goto(booth_page.url)

        # Nothing entered: both mistakes are explained, nothing is encrypted.
        page.locator("#encrypt").click()
        expect(page.locator("#booth-alert")).to_contain_text("20 letters and digits in four groups of five")
        expect(page.locator("#booth-alert")).to_contain_text("Choose from 1 to 2 options.")
        expect(page.locator("#credential")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#ballot-panel")).to_be_hidden()

        # Too many choices.
        page.locator("#credential").fill(credential.replace("-", " "))
        for index in ("0", "1", "3"):
            page.locator(f"input[name=choice][value='{index}']").check()
        page.locator("#encrypt").click()
        expect(page.locator("#choice-error")).to_have_text("Choose from 1 to 2 options.")
        expect(page.locator("#ballot-panel")).to_be_hidden()

        # Encrypt, then audit: the revealed ballot checks out in Python too, and is spent.
        page.locator("input[name=choice][value='0']").uncheck()
        page.locator("#encrypt").click()
        expect(page.locator("#ballot-panel")).to_be_visible()
        audited_tracker = page.locator("#tracker").get_attribute("data-tracker")
        page.locator("#audit").click()
        expect(page.locator("#audit-status")).to_have_text(
            "The ballot matches your choices: this device encrypted them honestly."
        )
        expect(page.locator("#ballot-panel")).to_be_hidden()
        record = json.loads(page.locator("#audit-json").input_value())
        assert record["selections"] == [0, 1, 0, 1]
        assert record["tracker"] == audited_tracker
        verify(election, record["ballot"])
        randomness = [scalar_from_hex(r) for r in record["randomness"]]
        assert ballots.audit_ballot(record["ballot"], randomness, [0, 1, 0, 1], election.ceremony.public_key)

        # Encrypt again and cast: the server refuses once, then accepts.
        page.locator("#encrypt").click()
        expect(page.locator("#ballot-panel")).to_be_visible()
        tracker = page.locator("#tracker").get_attribute("data-tracker")
        assert tracker != audited_tracker
        answer.update(status=409, body={"detail": "Voting has closed.", "code": "closed"})
        page.locator("#cast").click()
        expect(page.locator("#booth-alert")).to_have_text("Voting has closed.")
        expect(page.locator("#booth-alert")).to_have_attribute("role", "alert")
        answer.update(
            status=201, body={"tracker": tracker, "replaced": True, "tracker_url": f"/tracker/?tracker={tracker}"}
        )
        page.locator("#cast").click()
        expect(page.locator("#cast-result")).to_be_visible()
        expect(page.locator("#cast-tracker")).to_have_attribute("data-tracker", tracker)
        expect(page.locator("#cast-replaced")).to_be_visible()
        assert page.locator("#cast-lookup").get_attribute("href").endswith(f"/tracker/?tracker={tracker}")
        expect(page.locator("#credential")).to_have_value("")
        stored = page.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}, document.cookie])")
        browser.close()

    assert errors == []
    assert len(posted) == 2
    for headers, body in posted:
        assert json.loads(body).keys() == {"ballot"}
        assert headers["x-csrftoken"] == booth_page.csrf
        assert credential.replace("-", "")[:10] not in body
        assert credential[:5] not in body
    cast = json.loads(posted[-1][1])["ballot"]
    verify(election, cast)
    assert cast["credential"] == public
    assert ballots.tracker(cast) == tracker
    assert credential[:5] not in stored
