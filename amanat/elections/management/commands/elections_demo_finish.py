"""`amanat elections_demo_finish UUID --keys FILE`: close a demo poll, tally it, and have the
trustees (their secrets in FILE, from `elections_demo_open`) decrypt and publish the result.
For demos and the browser journey only. Prints the published result as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from amanat.accounts.models import User
from amanat.demo.elections import COMMISSION, finish
from amanat.elections.models import Election


class Command(BaseCommand):
    help = "Close, tally and decrypt a demo poll opened by elections_demo_open (demos and tests only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("uuid", help="The election's public identifier.")
        parser.add_argument("--keys", required=True, help="The secrets file written by elections_demo_open.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            keys = json.loads(Path(options["keys"]).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {options['keys']}: {exc}") from exc
        election = Election.objects.filter(uuid=options["uuid"]).first() if _is_uuid(options["uuid"]) else None
        if election is None or keys.get("election") != str(election.uuid):
            raise CommandError("No such election, or the keys file is for another one.")
        actor = User.objects.get(email=COMMISSION)
        secrets = {int(j): int(x, 16) for j, x in keys["secrets"].items()}
        try:
            with transaction.atomic():
                result = finish(election, secrets, actor=actor)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
