"""`amanat elections_demo_open --keys FILE`: open a demo poll of the Makat branch for a member.

For demos and the browser journey only: the trustees' key is made in this process (testkit) and
their secrets are written to FILE, so `elections_demo_finish` can decrypt later. Prints JSON:
{"uuid": ..., "credential": ..., "voter": ...}.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from amanat.accounts.models import User
from amanat.demo.elections import COMMISSION, DEMO_CREDENTIALS, VOTER, open_poll
from amanat.org.models import OrgUnit


class Command(BaseCommand):
    help = "Open a demo poll in the voting phase (testkit keys written to --keys; demos and tests only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--keys", required=True, help="File to write the trustees' secrets to (mode 0600).")
        parser.add_argument("--voter", default=VOTER, help="E-mail of the member who gets --credential.")
        parser.add_argument("--credential", default=DEMO_CREDENTIALS[VOTER], help="The member's credential.")
        parser.add_argument("--others", type=int, default=12, help="How many other members have voted already.")

    def handle(self, *args: Any, **options: Any) -> None:
        keys_path = Path(options["keys"])
        if keys_path.exists():
            raise CommandError(f"{keys_path} exists: not overwriting it.")
        actor = User.objects.filter(email=COMMISSION).first()
        if actor is None or not OrgUnit.objects.filter(code="makat").exists():
            raise CommandError("Load the demo data first (amanat demo-data).")
        voter = User.objects.filter(email=options["voter"]).first()
        if voter is None or not voter.person_id:
            raise CommandError(f"{options['voter']} is not a member's login.")
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        title = (f"Демо сауалнама {stamp}", f"Демо-опрос {stamp}", f"Demo poll {stamp}")
        with transaction.atomic():
            election, ceremony = open_poll(
                actor, title=title, credentials={options["voter"]: options["credential"]}, others=options["others"]
            )
        if not election.census.filter(member__person_id=voter.person_id).exists():
            raise CommandError(f"{options['voter']} is not in the census of the Makat branch.")
        fd = os.open(keys_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(
                {"election": str(election.uuid), "secrets": {str(j): hex(x) for j, x in ceremony.secrets.items()}}, out
            )
        self.stdout.write(
            json.dumps({"uuid": str(election.uuid), "credential": options["credential"], "voter": options["voter"]})
        )
