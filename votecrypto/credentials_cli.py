"""`amanat-credentials`: the credential authority's offline tool (protocol §3).

The commission's secretary runs it on their own computer, away from the server:

    amanat-credentials generate --election UUID --census census.json --out DIR
    amanat-credentials check --public DIR/public.json

`generate` makes one credential per member of the census, writes DIR/public.json (the sorted public
credentials — the only thing uploaded to the server) and DIR/letters.csv (number, name, phone, email,
credential — for delivery to each member by a separate channel, then deletion). The secrets exist
nowhere else: not in public.json, not on the server, not in this program's output.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coincurve.keys import PublicKeyXOnly

from votecrypto import credentials as creds
from votecrypto.board import _, is_hex, ngettext

OK, PROBLEMS, UNUSABLE = 0, 1, 2


class RefusedError(Exception):
    """A clear reason to stop without writing anything."""


def fail(message: str, code: int = UNUSABLE) -> int:
    print(_("amanat-credentials: %(error)s") % {"error": message}, file=sys.stderr)
    return code


def read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise RefusedError(_("cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from error
    except ValueError as error:
        raise RefusedError(_("%(path)s is not JSON: %(error)s") % {"path": path, "error": error}) from error


def election_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as error:
        raise RefusedError(_("%(value)s is not an election identifier (UUID)") % {"value": value}) from error


def read_census(path: str, election: str) -> list[dict[str, str]]:
    """The members from the server's census download, checked: this election, distinct numbers."""
    census = read_json(path)
    if not isinstance(census, dict) or not isinstance(census.get("members"), list):
        raise RefusedError(_("%(path)s is not a census download (election and members expected)") % {"path": path})
    if str(census.get("election")) != election:
        raise RefusedError(_("the census is for another election (%(other)s)") % {"other": census.get("election")})
    members, seen = [], set()
    for position, member in enumerate(census["members"], start=1):
        number = member.get("number") if isinstance(member, dict) else None
        if not isinstance(number, str) or not number:
            raise RefusedError(_("member %(position)s in the census has no number") % {"position": position})
        if number in seen:
            raise RefusedError(_("member number %(number)s appears twice in the census") % {"number": number})
        seen.add(number)
        members.append({key: str(member.get(key) or "") for key in ("number", "name", "phone", "email")})
    if not members:
        raise RefusedError(_("the census has no members"))
    return members


def draw(election: str, taken: set[str]) -> tuple[str, str]:
    """A fresh credential and its public key; drawn again on the (negligible) zero or repeat."""
    while True:
        credential = creds.new_credential()
        secret = creds.credential_secret(election, credential)
        if secret == 0:
            continue
        public = creds.public_credential(secret)
        if public not in taken:
            taken.add(public)
            return credential, public


def open_new(path: Path, mode: int) -> Any:
    """Open a file that must not exist yet, readable by its owner only when `mode` says so."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "w", encoding="utf-8", newline="")


def generate(args: argparse.Namespace) -> int:
    election = election_id(args.election)
    members = read_census(args.census, election)
    out = Path(args.out)
    public_path, letters_path = out / "public.json", out / "letters.csv"
    for path in (public_path, letters_path):
        if path.exists():
            raise RefusedError(_("%(path)s already exists; nothing was written") % {"path": path})
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    taken: set[str] = set()
    issued = [(member, *draw(election, taken)) for member in members]
    with open_new(letters_path, 0o600) as handle:
        writer = csv.writer(handle)
        writer.writerow(["number", "name", "phone", "email", "credential"])
        for member, credential, _public in issued:
            writer.writerow([member["number"], member["name"], member["phone"], member["email"], credential])
    with open_new(public_path, 0o644) as handle:
        json.dump({"election": election, "credentials": sorted(taken)}, handle, indent=1)
        handle.write("\n")
    count = len(issued)
    print(
        ngettext(
            "%(count)s credential made for election %(election)s.",
            "%(count)s credentials made for election %(election)s.",
            count,
        )
        % {"count": count, "election": election}
    )
    print(_("Upload %(path)s to the server.") % {"path": public_path})
    print(
        _(
            "WARNING: %(path)s holds every member's secret credential. Deliver each letter by a separate "
            "channel (not through the server), then delete the file and any copies."
        )
        % {"path": letters_path},
        file=sys.stderr,
    )
    return OK


def check_public(data: Any) -> list[str]:
    """What is wrong with a public.json: format, malformed keys, duplicates, order."""
    if not isinstance(data, dict) or not isinstance(data.get("credentials"), list):
        return [_("not a public credentials file (election and credentials expected)")]
    problems = []
    try:
        uuid.UUID(str(data.get("election")))
    except ValueError:
        problems.append(_("the election identifier is missing or malformed"))
    listed = data["credentials"]
    for position, public in enumerate(listed, start=1):
        if not is_hex(public, 64):
            problems.append(_("credential %(position)s is not 64 lowercase hex digits") % {"position": position})
            continue
        try:
            PublicKeyXOnly(bytes.fromhex(public))
        except ValueError:
            problems.append(_("credential %(position)s is not a valid public key") % {"position": position})
    strings = [p for p in listed if isinstance(p, str)]
    duplicates = len(strings) - len(set(strings))
    if duplicates:
        problems.append(
            ngettext("%(count)s duplicate credential", "%(count)s duplicate credentials", duplicates)
            % {"count": duplicates}
        )
    if strings == listed and listed != sorted(listed):
        problems.append(_("the list is not sorted (sorting hides the order members were listed in)"))
    if not listed:
        problems.append(_("the list is empty"))
    return problems


def check(args: argparse.Namespace) -> int:
    data = read_json(args.public)
    problems = check_public(data)
    if problems:
        for problem in problems:
            print(f"{args.public}: {problem}")
        return PROBLEMS
    count = len(data["credentials"])
    print(
        ngettext(
            "%(count)s public credential for election %(election)s; the file is in order.",
            "%(count)s public credentials for election %(election)s; the file is in order.",
            count,
        )
        % {"count": count, "election": data["election"]}
    )
    return OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="amanat-credentials", description=_("The credential authority's offline tool."))
    commands = p.add_subparsers(dest="command", required=True)
    g = commands.add_parser("generate", help=_("make one credential per member of the census"))
    g.add_argument("--election", required=True, help=_("the election's identifier (UUID)"))
    g.add_argument("--census", required=True, help=_("the census downloaded from the server (JSON)"))
    g.add_argument("--out", required=True, help=_("the directory for public.json and letters.csv"))
    c = commands.add_parser("check", help=_("check a public credentials file before uploading it"))
    c.add_argument("--public", required=True, help=_("the public credentials file (public.json)"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return generate(args) if args.command == "generate" else check(args)
    except RefusedError as error:
        return fail(str(error))


if __name__ == "__main__":
    sys.exit(main())
