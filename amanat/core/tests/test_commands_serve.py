"""`amanat serve`: the web server and the worker as real processes, started and stopped together."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.xdist_group("serve")

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent has not collected it yet.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return not _alive(pid)


@pytest.fixture(scope="module")
def serve_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh migrated SQLite database in a temporary folder, whatever the suite runs on."""
    folder = tmp_path_factory.mktemp("serve")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "AMANAT_TASK_BACKEND"} and not key.startswith("PYTEST_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        AMANAT_SQLITE_PATH=str(folder / "serve.sqlite3"),
        AMANAT_VAR_DIR=str(folder / "var"),
        AMANAT_DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [sys.executable, "-m", "amanat", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=300,
    )
    return env


class Served:
    def __init__(self, process: subprocess.Popen[bytes], log: Path, port: int) -> None:
        self.process, self.log, self.port = process, log, port

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pid_of(self, name: str) -> int:
        match = re.search(rf"Started the {name} \(pid (\d+)\)", self.output())
        assert match, f"no pid for the {name} in:\n{self.output()}"
        return int(match.group(1))

    def wait_for_output(self, text: str, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in self.output():
                return True
            time.sleep(0.1)
        return text in self.output()

    def wait_for_home(self) -> int:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited early:\n{self.output()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as response:
                    return response.status
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise AssertionError(f"the home page never answered:\n{self.output()}")


@pytest.fixture
def served(serve_env: dict[str, str], tmp_path: Path) -> Iterator[Served]:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "amanat", "serve", "--port", str(port)],
            env=serve_env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    result = Served(process, log, port)
    try:
        yield result
    finally:
        # Whatever the test did, leave nothing running: our own process and the children it named.
        if process.poll() is None:
            process.kill()
            process.wait(10)
        for name in ("web server", "worker"):
            match = re.search(rf"Started the {name} \(pid (\d+)\)", result.output())
            if match and _alive(int(match.group(1))):
                os.kill(int(match.group(1)), signal.SIGKILL)


def test_serve_runs_web_server_and_worker_and_ctrl_c_stops_both(served: Served) -> None:
    assert served.wait_for_home() == 200
    web, worker = served.pid_of("web server"), served.pid_of("worker")
    assert _alive(web) and _alive(worker)
    assert served.wait_for_output(f"open http://127.0.0.1:{served.port}/"), served.output()

    served.process.send_signal(signal.SIGINT)

    assert served.process.wait(30) == 0
    assert _wait_gone(web, 10), "the web server outlived serve"
    assert _wait_gone(worker, 10), "the worker outlived serve"
    assert "Stopped." in served.output()


def test_serve_stops_both_on_sigterm(served: Served) -> None:
    served.wait_for_home()
    web, worker = served.pid_of("web server"), served.pid_of("worker")

    served.process.send_signal(signal.SIGTERM)

    assert served.process.wait(30) == 0
    assert _wait_gone(web, 10) and _wait_gone(worker, 10)


def test_when_the_worker_dies_serve_stops_the_web_server_and_fails(served: Served) -> None:
    served.wait_for_home()
    web, worker = served.pid_of("web server"), served.pid_of("worker")

    os.kill(worker, signal.SIGKILL)

    assert served.process.wait(30) != 0
    assert _wait_gone(web, 10), "the web server outlived the worker's death"
    assert "The worker stopped unexpectedly" in served.output()
