"""`amanat scheduler`: run `amanat sweep` every few minutes until stopped.

For a machine without cron or systemd timers. Several schedulers may run at once (one per
machine, say): the sweep's lock lets only one of them work at a time.
"""

from __future__ import annotations

import contextlib
import signal
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections


class Command(BaseCommand):
    help = "Run `amanat sweep` every --interval seconds until Ctrl-C or SIGTERM."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=int, default=300, help="Seconds between sweeps (default 300).")
        parser.add_argument(
            "--max-runs", type=int, default=0, help="Stop after this many sweeps (default 0: run until stopped)."
        )

    def handle(self, *args: Any, interval: int, max_runs: int, **options: Any) -> None:
        if interval < 1:
            raise CommandError("--interval must be at least 1 second.")
        if max_runs < 0:
            raise CommandError("--max-runs must not be negative.")
        self.stopping = False
        previous = self._install_signal_handlers()
        runs = 0
        try:
            self.stdout.write(f"Scheduler started: a sweep every {interval} s. Press Ctrl-C to stop.")
            while not self.stopping:
                self._sweep_once()
                runs += 1
                if max_runs and runs >= max_runs:
                    break
                self._sleep(interval)
        finally:
            self._restore_signal_handlers(previous)
        self.stdout.write(f"Scheduler stopped after {runs} sweep(s).")

    def _sweep_once(self) -> None:
        # A database restarted between two sweeps must not kill the scheduler.
        close_old_connections()
        try:
            call_command("sweep", stdout=self.stdout, stderr=self.stderr)
        except CommandError as exc:
            self.stderr.write(f"Sweep failed: {exc}")
        except Exception as exc:
            self.stderr.write(f"Sweep crashed: {type(exc).__name__}: {exc}")
        finally:
            close_old_connections()

    def _sleep(self, seconds: int) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            raise KeyboardInterrupt  # a second Ctrl-C stops even a long sweep
        self.stopping = True
        self.stdout.write(f"{signal.strsignal(signum)}: stopping after the current sweep.")

    def _install_signal_handlers(self) -> dict[int, Any]:
        previous: dict[int, Any] = {}
        for signum in (signal.SIGINT, signal.SIGTERM):
            # Outside the main thread (called from code, not the shell) signals stay as they are.
            with contextlib.suppress(ValueError):
                previous[signum] = signal.signal(signum, self._on_signal)
        return previous

    def _restore_signal_handlers(self, previous: dict[int, Any]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
