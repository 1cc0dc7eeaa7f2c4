"""`amanat serve`: the web server and the background worker together, stopped together.

Both run as child processes of this one, each in its own session so that a Ctrl-C in the
terminal reaches only this supervisor, which then stops them in order. If either child dies,
the other is stopped and the command exits non-zero; if the supervisor itself is killed, Linux
sends the children SIGTERM (PR_SET_PDEATHSIG), so nothing is left running.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.2


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _manage(*args: str) -> list[str]:
    return [sys.executable, "-m", "amanat", *args]


def worker_command() -> list[str] | None:
    """The worker for the configured task backend, or None when tasks run in the web process."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db."):
        return _manage("db_worker", "--queue-name", "*", "--no-reload", "--no-startup-delay")
    if backend.startswith("django_tasks_rq."):
        return _manage("rqworker", *settings.TASKS["default"].get("QUEUES", ["default"]))
    return None


def _addrport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _browser_host(host: str) -> str:
    if host in ("", "0.0.0.0"):  # noqa: S104 - only naming where to point the browser
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


class Command(BaseCommand):
    help = "Run the web server and the background worker together; Ctrl-C (or SIGTERM) stops both."
    requires_system_checks: list[str] = []  # the children run their own checks

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--no-worker", action="store_true", help="Run the web server only.")
        parser.add_argument("--gunicorn", action="store_true", help="Serve with gunicorn instead of runserver.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2).")
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="gunicorn threads per worker (default 1); more than 1 also keeps client connections open.",
        )
        parser.add_argument(
            "--grace", type=float, default=10.0, help="Seconds to wait for a clean stop before killing (default 10)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535.")
        commands = {"web server": self._web_command(host, port, options)}
        if not options["no_worker"]:
            worker = worker_command()
            if worker is None:
                self.stdout.write("Tasks run inside the web process (immediate backend): no worker to start.")
            else:
                commands["worker"] = worker

        # WhiteNoise warns on every start when STATIC_ROOT is missing (static files come from the
        # finders until `collectstatic` fills it).
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        self.signalled: int | None = None
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        children: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name, command in commands.items():
                children[name] = self._start(command)
                self._say(f"Started the {name} (pid {children[name].pid}).")
            failure = self._supervise(children, host, port)
        finally:
            self._stop_all(children, options["grace"])
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if failure is not None:
            name, code = failure
            raise CommandError(f"The {name} stopped unexpectedly (exit code {code}); stopped everything else too.")
        self._say("Stopped.")

    def _web_command(self, host: str, port: int, options: dict[str, Any]) -> list[str]:
        if options["gunicorn"]:
            return [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                _addrport(host, port),
                "--workers",
                str(max(1, options["workers"])),
                "--threads",
                str(max(1, options["threads"])),
                "--access-logfile",
                "-",
            ]
        return _manage("runserver", _addrport(host, port), "--noreload")

    def _start(self, command: list[str]) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"))
        return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command,
            env=env,
            cwd=settings.BASE_DIR,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def _supervise(self, children: dict[str, subprocess.Popen[bytes]], host: str, port: int) -> tuple[str, int] | None:
        """Wait for a signal (None) or for a child to die (its name and exit code)."""
        announced = False
        while self.signalled is None:
            for name, child in children.items():
                code = child.poll()
                if code is not None:
                    return name, code
            if not announced and self._listening(host, port):
                announced = True
                url = f"http://{_addrport(_browser_host(host), port)}/"
                self._say(f"The platform is running: open {url} (staff workspace: {url}manage/). Ctrl-C stops it.")
            time.sleep(POLL_SECONDS)
        self._say(f"{signal.strsignal(self.signalled)}: stopping…")
        return None

    def _listening(self, host: str, port: int) -> bool:
        try:
            with socket.create_connection((_browser_host(host), port), timeout=POLL_SECONDS):
                return True
        except OSError:
            return False

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signalled = signum

    def _stop_all(self, children: dict[str, subprocess.Popen[bytes]], grace: float) -> None:
        """SIGTERM to each child's process group (gunicorn's workers too), then SIGKILL after grace."""
        for child in children.values():
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._say(f"The {name} did not stop in {grace:g} s; killing it.")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
