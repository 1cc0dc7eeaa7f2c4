"""Browser journeys: a real server process on a fresh database with the Atyrau demo data,
driven through Playwright with Debian's Chromium.

When no Chromium is installed the journeys are skipped, and the run says so loudly at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "amanat-demo-2026"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
SKIPPED: list[str] = []


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


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "amanat", *args], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        SKIPPED.append("Chromium not found (apt-get install chromium): browser journeys were NOT run")
        pytest.skip("Chromium is not installed: browser journeys skipped")
    return path


@pytest.fixture(scope="session")
def live_platform(chromium_path: str) -> Iterator[str]:
    """Start `amanat runserver` on a fresh database loaded with the demo data; yield its URL."""
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
    _run(["migrate", "--noinput"], env)
    _run(["demo_data"], env)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "amanat", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/", server)
        yield url
    finally:
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
def page(browser: Any, live_platform: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_platform, locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page: Any, login_name: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(login_name)
    page.locator("input[name=password]").fill(password)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
