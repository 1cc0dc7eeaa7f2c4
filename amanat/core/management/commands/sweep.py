"""`amanat sweep`: run every registered periodic job once (see amanat.core.sweep)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amanat.core.sweep import registered_jobs, run_jobs, sweep_lock


class Command(BaseCommand):
    help = (
        "Run every registered periodic job once. Safe to start while another sweep runs: "
        "the second one notices the lock and exits without doing anything."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--job", action="append", dest="jobs", metavar="NAME", help="Run only this job (may be repeated)."
        )
        parser.add_argument("--list", action="store_true", dest="list_jobs", help="List the registered jobs and exit.")

    def handle(self, *args: Any, jobs: list[str] | None = None, list_jobs: bool = False, **options: Any) -> None:
        known = registered_jobs()
        if list_jobs:
            for name in sorted(known):
                self.stdout.write(name)
            return
        unknown = sorted(set(jobs or ()) - set(known))
        if unknown:
            raise CommandError(f"Unknown job(s): {', '.join(unknown)}. Known: {', '.join(sorted(known)) or 'none'}.")
        with sweep_lock() as acquired:
            if not acquired:
                self.stdout.write("Another sweep is running; this one did nothing.")
                return
            results = run_jobs(jobs)
        for result in results:
            write = self.stdout.write if result.ok else self.stderr.write
            write(result.summary())
        failed = [r.name for r in results if not r.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} job(s) failed: {', '.join(failed)}")
