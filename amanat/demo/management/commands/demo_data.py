"""`amanat demo-data`: the Atyrau branch with its structure, people and a login for every role.

Running it again adds nothing (each part says "already loaded"). `--members N` then adds N
generated members for benchmarks (see amanat.demo.bulk); `--appeals N` adds N generated appeals
(see amanat.demo.appeals.generate_appeals).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from amanat.demo import (
    akim,
    appeals,
    assignments,
    bulk,
    councils,
    elections,
    logins,
    meetings,
    population,
    programme,
    programme_control,
    projects,
    receptions,
    structure,
)
from amanat.demo.plan import BASE_MEMBERS, build_plan


class Command(BaseCommand):
    help = (
        "Load the Atyrau demo data (territories, party units, state bodies, members, maslikhats, "
        "logins for every role). Safe to run again: it adds only what is missing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--members", type=int, default=0, metavar="N", help="Then generate N more members (for benchmarks)."
        )
        parser.add_argument(
            "--base-members",
            type=int,
            default=BASE_MEMBERS,
            metavar="N",
            help=f"Members of the base demo (default {BASE_MEMBERS}; fewer for quick test runs).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=10_000, metavar="N", help="Rows per transaction for --members."
        )
        parser.add_argument(
            "--demo-appeals",
            type=int,
            default=appeals.DEMO_APPEALS,
            metavar="N",
            help=f"Appeals of the demo, made through the services (default {appeals.DEMO_APPEALS}).",
        )
        parser.add_argument(
            "--appeals", type=int, default=0, metavar="N", help="Then generate N more appeals (for benchmarks)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        members, base, batch = options["members"], options["base_members"], options["batch_size"]
        self.verbosity = int(options.get("verbosity", 1))
        if members < 0:
            raise CommandError("--members must be 0 or more.")
        if base < 0:
            raise CommandError("--base-members must be 0 or more.")
        if options["appeals"] < 0 or options["demo_appeals"] < 0:
            raise CommandError("--appeals and --demo-appeals must be 0 or more.")
        if not 1 <= batch <= 100_000:
            raise CommandError("--batch-size must be between 1 and 100000.")
        started = time.perf_counter()
        self.say("Loading the Atyrau demo data…")
        plan = build_plan(base)
        self.part("Territories (KATO)", structure.load_territories)
        self.part("Party units", structure.load_units)
        self.part("State bodies", structure.load_state_bodies)
        self.part("Site settings", structure.load_site_settings)
        self.part("People and members", lambda: population.load_people(plan), "{} people and {} memberships added")
        self.part("Party posts", lambda: population.load_positions(plan))
        self.part("Officials", lambda: population.load_officials(plan))
        self.part("Maslikhats, factions and deputies", lambda: population.load_maslikhats(plan))
        self.part("Users and roles", lambda: logins.load_logins(plan))
        self.part(
            "Appeal categories, routing and deadlines",
            appeals.load_reference,
            "{} categories, {} deadline policies and {} routing rules added",
        )
        self.part("Appeals", lambda: appeals.load_demo_appeals(options["demo_appeals"]))
        self.part(
            "Receptions", receptions.seed_receptions, "{} receptions, {} reception hours, {} bookable times added"
        )
        self.part("Category suggestion", self.train_classifier, "trained on {} appeals")
        self.part("Election programme", programme.load_programme, "{} road-map items with reports added")
        self.part("Party control", programme_control.load_control, "{} visits and posts added")
        self.part("Documents and assignments", assignments.load_assignments, "{} assignments added")
        self.part("Meetings", meetings.load_meetings, "{} meetings, issues and decisions added")
        self.part("Public councils", councils.load_councils, "{} councils added")
        self.part("Party projects", projects.load_projects, "{} project events added")
        self.part("Intra-party elections", elections.load_elections, "{} elections added")
        self.part("Rural akim elections", akim.load_akim, "{} akim campaigns added")
        self.say(f"Demo data ready in {time.perf_counter() - started:.1f} s.")
        if members:
            self.generate(members, batch)
        if options["appeals"]:
            self.generate_appeals(options["appeals"], batch)
        self.print_logins()

    def train_classifier(self) -> int:
        """The operator's category suggestion works from the first appeal typed in the demo."""
        from amanat.appeals import classifier

        if classifier.age() is not None:
            return 0
        result = classifier.train()
        return result.size if result is not None else 0

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def part(self, name: str, load: Callable[[], Any], done: str = "{} added") -> None:
        added = load()
        counts = added if isinstance(added, tuple) else (added,)
        self.say(f"  {name}: {done.format(*counts) if any(counts) else 'already loaded'}")

    def generate(self, count: int, batch: int) -> None:
        self.say(f"Generating {count} members on {connection.vendor}…")
        step = max(count // 10, batch)
        shown = [0]

        def progress(done: int, seconds: float) -> None:
            if done - shown[0] >= step or done == count or self.verbosity > 1:
                shown[0] = done
                self.say(f"  {done} members, {seconds:.1f} s")

        started = time.perf_counter()
        try:
            made = bulk.generate_members(count, batch_size=batch, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        rate = made / seconds if seconds else 0.0
        self.say(f"Generated {made} members in {seconds:.1f} s ({rate:.0f} members/s).")
        started = time.perf_counter()
        bulk.analyze()
        self.say(f"Updated the database's statistics in {time.perf_counter() - started:.1f} s.")

    def generate_appeals(self, count: int, batch: int) -> None:
        self.say(f"Generating {count} appeals on {connection.vendor}…")
        step = max(count // 10, batch)
        shown = [0]

        def progress(done: int, seconds: float) -> None:
            if done - shown[0] >= step or done == count or self.verbosity > 1:
                shown[0] = done
                self.say(f"  {done} appeals, {seconds:.1f} s")

        started = time.perf_counter()
        try:
            made = appeals.generate_appeals(count, batch=batch, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        rate = made / seconds if seconds else 0.0
        self.say(f"Generated {made} appeals in {seconds:.1f} s ({rate:.0f} appeals/s).")
        started = time.perf_counter()
        appeals.analyze()
        self.say(f"Updated the database's statistics in {time.perf_counter() - started:.1f} s.")

    def print_logins(self) -> None:
        rows = [("Login", "Password", "Role", "Unit"), *logins.login_table()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.say("")
        self.say("Demo logins:")
        for n, row in enumerate(rows):
            self.say("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.say("  " + "  ".join("-" * width for width in widths))
        for email, credential in elections.DEMO_CREDENTIALS.items():
            self.say("")
            self.say(
                f"Voting credential of {email} in the open demo poll: {credential} (in a real election the "
                "commission's secretary makes credentials offline with `amanat-credentials` and delivers them)."
            )
        if settings.TWO_FACTOR_REQUIRED:
            self.say("")
            self.say(
                "Note: two-factor authentication is required for roles that see personal data, so these "
                "logins will be asked to set up an authenticator app. For the demo, start the server with "
                "AMANAT_2FA_REQUIRED=0 to sign in with the password alone."
            )
