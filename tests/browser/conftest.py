"""Browser journeys: a real server process on a fresh database with the Atyrau demo data,
driven through Playwright with Debian's Chromium.

When no Chromium is installed the journeys are skipped, and the run says so loudly at the end.

Helpers for the journeys:
- `login(page, login_name)` logs in through the real form (and checks that it worked);
- `t(page, msgid)` is the platform's own translation of an English source string in the page's
  language, so a journey asserts what a person reads without copying the catalogues (which are
  still being edited) into the tests;
- `found_count(page)` reads the "N found" line of a list page;
- `shot(page, name)` saves a screenshot to look at after a run (see SHOTS);
- the `platform` fixture runs `amanat <command>` against the server's database (used only to
  clean up after the lockout journey).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "amanat-demo-2026"  # amanat/demo/logins.py prints it for the demo
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
SKIPPED: list[str] = []
LOGIN_PATH = "/accounts/login/"
# Screenshots the journeys take, to look at after a run (AMANAT_BROWSER_SHOTS to put them elsewhere).
SHOTS = Path(os.environ.get("AMANAT_BROWSER_SHOTS") or Path(tempfile.gettempdir()) / "amanat-browser-shots")


def find_chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "amanat", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"amanat {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early with code {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class Platform:
    """The running platform: its URL, and `amanat` commands against its database."""

    url: str
    env: dict[str, str]
    log: Path
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def amanat(self, *args: str) -> str:
        return _run(list(args), self.env)

    def server_log(self) -> str:
        return _tail(self.log)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        SKIPPED.append("Chromium not found (apt-get install chromium): browser journeys were NOT run")
        pytest.skip("Chromium is not installed: browser journeys skipped")
    return path


@pytest.fixture(scope="session")
def platform(chromium_path: str) -> Iterator[Platform]:
    """Start `amanat runserver` on a fresh database loaded with the demo data."""
    workdir = Path(tempfile.mkdtemp(prefix="amanat-browser-"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        AMANAT_VAR_DIR=str(workdir),
        AMANAT_2FA_REQUIRED="0",
        AMANAT_DEBUG="0",
        AMANAT_TASK_BACKEND="immediate",
        PYTHONUNBUFFERED="1",
    )
    pg_url = os.environ.get("DATABASE_URL", "")
    pg_db = None
    if pg_url.startswith("postgres"):
        import psycopg

        base = pg_url.rsplit("/", 1)[0]
        pg_db = f"amanat_browser_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_db}"')
        env["DATABASE_URL"] = f"{base}/{pg_db}"
    else:
        env.pop("DATABASE_URL", None)
        env["AMANAT_SQLITE_PATH"] = str(workdir / "browser.sqlite3")
    server = None
    log = workdir / "server.log"
    try:
        _run(["migrate", "--noinput"], env)
        _run(["demo_data"], env)
        port = _free_port()
        with log.open("wb") as out:
            server = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "amanat", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        _wait_for(url + "/", server, log)
        running = Platform(url=url, env=env, log=log)
        yield running
        for cleanup in running.cleanups:
            cleanup()
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if pg_db:
            import psycopg

            with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def live_platform(platform: Platform) -> str:
    """The URL of the running platform."""
    return platform.url


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any, live_platform: str) -> Iterator[Callable[..., Any]]:
    """new_page(**context_options) -> a page in a fresh browser context (its own cookies).

    Every page records uncaught JavaScript errors; a journey fails if any page had one.
    """
    contexts: list[Any] = []
    errors: list[str] = []

    def make(**options: Any) -> Any:
        settings = {"base_url": live_platform, "locale": "ru-RU", "accept_downloads": True, **options}
        context = browser.new_context(**settings)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors in the pages:\n" + "\n".join(errors)


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A Playwright page (its own cookies) with base_url set and the browser's locale ru-RU."""
    return new_page()


# --- helpers the journeys share -----------------------------------------------------------


def login_form(page: Any) -> Any:
    """The login form itself (the page header holds another form: the language switch)."""
    return page.locator("main form").filter(has=page.locator("input[type=password]"))


def submit_login(page: Any, login_name: str, password: str) -> None:
    page.goto(LOGIN_PATH)
    form = login_form(page)
    form.get_by_label(t(page, "E-mail or phone")).fill(login_name)
    form.get_by_label(t(page, "Password")).fill(password)
    form.get_by_role("button", name=t(page, "Log in")).click()
    page.wait_for_load_state()


def login(page: Any, login_name: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form; fail at once if the platform does not let us in."""
    submit_login(page, login_name, password)
    if page.url.split("?")[0].endswith(LOGIN_PATH):
        errors = page.locator("main .alert, main .invalid-feedback").all_inner_texts()
        raise AssertionError(f"could not log in as {login_name}: {errors}")


def page_lang(page: Any) -> str:
    """The page's language; a locator waits while a navigation has no document yet."""
    return page.locator("html").get_attribute("lang") or ""


def tr(lang: str, msgid: str, plural: str | None = None, n: int | None = None) -> str:
    """The platform's translation of an English source string (from its own catalogues)."""
    from django.utils import translation

    with translation.override(lang):
        if plural is None:
            return translation.gettext(msgid)
        return translation.ngettext(msgid, plural, n or 0)


def t(page: Any, msgid: str, plural: str | None = None, n: int | None = None) -> str:
    """tr() in the language the page is shown in."""
    return tr(page_lang(page), msgid, plural, n)


def shot(page: Any, name: str, *, full_page: bool = False) -> Path:
    """A screenshot of the page into SHOTS/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def found_count(page: Any) -> int:
    """The number in a list's "N found" line (below the results)."""
    text = page.locator("#results .text-muted.small").first.inner_text()
    digits = re.sub(r"\D", "", text)
    assert digits, f"no count in {text!r}"
    return int(digits)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
