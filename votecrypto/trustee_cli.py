"""`amanat-trustee`: a trustee's offline tool for the key ceremony and the decryption (protocol §6, §7).

    amanat-trustee init --election UUID --index I --key trustee.key [--out registration.json]
    amanat-trustee deal --key trustee.key --board board.json --out deal.json [--threshold T]
    amanat-trustee check --key trustee.key --board board.json --out check.json
    amanat-trustee decrypt --key trustee.key --board board.json --out share.json

The key file holds the trustee's secrets (readable by its owner only) and never leaves their
computer; what the commands write to --out is public and is uploaded to the server. Every command
that reads a board download checks its chain and signed checkpoints first; `decrypt` verifies the
whole board — every ballot and the aggregation — so a trustee never decrypts anything but the sum
of the counted ballots.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from votecrypto import dkg, tally
from votecrypto.board import (
    BoardError,
    Problem,
    _,
    load,
    ngettext,
    verify_chain,
    verify_checkpoints,
)
from votecrypto.group import base_mul, scalar_from_hex, scalar_hex
from votecrypto.verify import verify_board

OK, PROBLEMS, UNUSABLE = 0, 1, 2
KEY_FORMAT = "amanat-trustee-key/1"


class RefusedError(Exception):
    """A clear reason to stop without writing anything; `code` is the exit status."""

    def __init__(self, message: str, code: int = UNUSABLE):
        super().__init__(message)
        self.code = code


# -- files -------------------------------------------------------------------------------------


def write_new(path: str | Path, data: Any, mode: int = 0o644) -> None:
    """Write JSON to a file that must not exist yet."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as error:
        raise RefusedError(_("%(path)s already exists; nothing was written") % {"path": path}) from error
    except OSError as error:
        raise RefusedError(_("cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from error
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def replace_key(path: str | Path, key: dict[str, Any]) -> None:
    """Rewrite the key file in place, atomically, still readable by its owner only."""
    folder = Path(path).resolve().parent
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".trustee-key-")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(key, handle, indent=1)
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_key(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            key = json.load(handle)
    except OSError as error:
        raise RefusedError(
            _("cannot read the key file %(path)s: %(error)s") % {"path": path, "error": error.strerror}
        ) from error
    except ValueError as error:
        raise RefusedError(_("%(path)s is not a trustee key file") % {"path": path}) from error
    if not isinstance(key, dict) or key.get("format") != KEY_FORMAT or not isinstance(key.get("private"), dict):
        raise RefusedError(_("%(path)s is not a trustee key file") % {"path": path})
    return key


def receiving_secret(key: dict[str, Any]) -> int:
    """e_i, the secret the dealt shares are encrypted to (as dkg.register keeps it)."""
    private = key["private"]
    for name in ("secret", "e", "private", "key"):
        if isinstance(private.get(name), str):
            return scalar_from_hex(private[name])
    raise RefusedError(_("the key file holds no receiving key"))


# -- the board -----------------------------------------------------------------------------------


def read_board(path: str, key: dict[str, Any]) -> dict[str, Any]:
    """The download, refused unless it is this election's and its chain and checkpoints hold."""
    try:
        data = load(path)
    except BoardError as error:
        raise RefusedError(str(error)) from error
    if data["election"] != key["election"]:
        raise RefusedError(
            _("the board is for election %(board)s; your key is for %(key)s")
            % {"board": data["election"], "key": key["election"]}
        )
    entries = data["entries"]
    problems = verify_chain(entries)
    manifests = [e for e in entries if isinstance(e, dict) and e.get("type") == "manifest"]
    signing_key = data.get("checkpoint_key")
    if manifests and isinstance(manifests[0].get("payload"), dict):
        signing_key = (manifests[0]["payload"].get("manifest") or {}).get("checkpoint_key", signing_key)
    problems += verify_checkpoints(data["election"], str(signing_key), data["checkpoints"], entries)
    if problems:
        refuse_with(problems, _("the board fails its chain or checkpoint checks; download it again"))
    return data


def refuse_with(problems: list[Problem], message: str) -> None:
    for problem in problems[:50]:
        print(f"  {problem}", file=sys.stderr)
    raise RefusedError(message, PROBLEMS)


def payloads(data: dict[str, Any], kind: str) -> list[tuple[int, dict[str, Any]]]:
    return [
        (e["seq"], e["payload"])
        for e in data["entries"]
        if isinstance(e, dict) and e.get("type") == kind and isinstance(e.get("payload"), dict)
    ]


def since_restart(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The latest payload per trustee index of `kind`, after the last complaint (which restarts)."""
    restarted = max((seq for seq, _payload in payloads(data, "complaint")), default=-1)
    latest: dict[int, dict[str, Any]] = {}
    for seq, payload in payloads(data, kind):
        if seq > restarted and isinstance(payload.get("index"), int):
            latest[payload["index"]] = payload
    return [latest[j] for j in sorted(latest)]


def registrations(data: dict[str, Any], key: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The trustees' registrations on the board (latest per index), each proof checked; ours among them."""
    ctx = dkg.ceremony_context(key["election"])
    found: dict[int, dict[str, Any]] = {}
    for _seq, payload in payloads(data, "trustee"):
        reg = {key: payload.get(key) for key in ("index", "public", "pok")}
        if not isinstance(reg.get("index"), int):
            continue
        if not dkg.verify_registration(ctx, reg):
            raise RefusedError(
                _("the registration of trustee %(index)s on the board does not verify") % {"index": reg["index"]},
                PROBLEMS,
            )
        found[reg["index"]] = reg
    mine = found.get(key["index"])
    if mine is None or mine.get("public") != key["registration"]["public"]:
        raise RefusedError(_("your registration is not on the board (or differs from your key file); upload it first"))
    return found


def threshold_of(data: dict[str, Any], given: int | None) -> int:
    """The threshold stated on the board (the `created` or `trustee` entries), else --threshold."""
    stated = None
    for kind in ("manifest", "created", "trustee"):
        for _seq, payload in payloads(data, kind):
            source = payload.get("manifest") if kind == "manifest" else payload
            if isinstance(source, dict) and isinstance(source.get("threshold"), int):
                stated = source["threshold"]
        if stated is not None:
            break
    if stated is not None and given is not None and stated != given:
        raise RefusedError(
            _("the board states a threshold of %(stated)s, not %(given)s") % {"stated": stated, "given": given}
        )
    if stated is None and given is None:
        raise RefusedError(_("the board does not state the threshold; give it with --threshold"))
    return stated if stated is not None else int(given)  # type: ignore[arg-type]


# -- commands ------------------------------------------------------------------------------------


def init(args: argparse.Namespace) -> int:
    try:
        election = str(uuid.UUID(args.election))
    except ValueError as error:
        raise RefusedError(_("%(value)s is not an election identifier (UUID)") % {"value": args.election}) from error
    if args.index < 1:
        raise RefusedError(_("the trustee number must be 1 or more"))
    if Path(args.key).exists():
        raise RefusedError(_("%(path)s already exists; nothing was written") % {"path": args.key})
    if args.out and Path(args.out).exists():
        raise RefusedError(_("%(path)s already exists; nothing was written") % {"path": args.out})
    private, public = dkg.register(dkg.ceremony_context(election), args.index)
    key = {"format": KEY_FORMAT, "election": election, "index": args.index, "private": private, "registration": public}
    write_new(args.key, key, 0o600)
    if args.out:
        write_new(args.out, public)
        print(_("Registration written to %(path)s: upload it on your trustee page.") % {"path": args.out})
    else:
        print(json.dumps(public, indent=1))
    print(
        _("Your private key is in %(path)s. Keep it safe and offline: it is needed until the tally is decrypted.")
        % {"path": args.key},
        file=sys.stderr,
    )
    return OK


def deal(args: argparse.Namespace) -> int:
    key = read_key(args.key)
    if Path(args.out).exists():
        raise RefusedError(_("%(path)s already exists; nothing was written") % {"path": args.out})
    data = read_board(args.board, key)
    found = registrations(data, key)
    threshold = threshold_of(data, args.threshold)
    if not 1 <= threshold <= len(found):
        raise RefusedError(
            _("a threshold of %(threshold)s does not fit %(count)s registered trustees")
            % {"threshold": threshold, "count": len(found)}
        )
    ctx = dkg.ceremony_context(key["election"])
    dealt = dkg.deal(ctx, key["index"], threshold, {j: reg["public"] for j, reg in found.items()})
    write_new(args.out, dealt)
    print(
        ngettext(
            "Deal for %(count)s trustee (threshold %(threshold)s) written to %(path)s: upload it.",
            "Deal for %(count)s trustees (threshold %(threshold)s) written to %(path)s: upload it.",
            len(found),
        )
        % {"count": len(found), "threshold": threshold, "path": args.out}
    )
    return OK


def check(args: argparse.Namespace) -> int:
    key = read_key(args.key)
    if Path(args.out).exists():
        raise RefusedError(_("%(path)s already exists; nothing was written") % {"path": args.out})
    data = read_board(args.board, key)
    found = registrations(data, key)
    threshold = threshold_of(data, args.threshold)
    deals = since_restart(data, "deal")
    if sorted(d["index"] for d in deals) != sorted(found):
        raise RefusedError(
            _("%(dealt)s of %(count)s trustees have dealt so far; check again when all have")
            % {"dealt": len(deals), "count": len(found)}
        )
    ctx = dkg.ceremony_context(key["election"])
    x_j, statement = dkg.receive(ctx, key["index"], receiving_secret(key), deals, threshold)
    if x_j is None:
        write_new(args.out, statement)
        print(
            _(
                "The share dealt to you by trustee %(against)s is wrong. A complaint was written to %(path)s: "
                "upload it; the ceremony will start again."
            )
            % {"against": statement.get("against"), "path": args.out},
            file=sys.stderr,
        )
        return PROBLEMS
    write_new(args.out, statement)
    key["share"] = scalar_hex(x_j)
    key["verification_key"] = statement["verification_key"]
    key["threshold"] = threshold
    replace_key(args.key, key)
    print(_("Every share you were dealt is correct. Your check is in %(path)s: upload it.") % {"path": args.out})
    print(_("Your key share was added to %(path)s.") % {"path": args.key}, file=sys.stderr)
    return OK


def decrypt(args: argparse.Namespace) -> int:
    key = read_key(args.key)
    if Path(args.out).exists():
        raise RefusedError(_("%(path)s already exists; nothing was written") % {"path": args.out})
    if not isinstance(key.get("share"), str):
        raise RefusedError(_("the key file holds no key share: run `amanat-trustee check` during the ceremony first"))
    x_j = scalar_from_hex(key["share"])
    data = read_board(args.board, key)
    print(_("Verifying the whole board before decrypting…"), file=sys.stderr)
    report = verify_board(data, jobs=args.jobs, through_tally=True)
    if report.problems:
        refuse_with(report.problems, _("the board does not verify; nothing was decrypted"))
    if report.tally_entry is None:
        raise RefusedError(_("the board has no encrypted tally yet"))
    if report.verification_keys.get(key["index"]) != base_mul(x_j).hex():
        raise RefusedError(_("your key share is not one this election's key was made from (wrong key file?)"))
    h_e = bytes.fromhex(report.manifest_hash or "")
    share = tally.decryption_share(h_e, key["index"], x_j, report.tally_entry)
    write_new(args.out, share)
    print(
        _("Decryption share for election %(election)s written to %(path)s: upload it.")
        % {"election": key["election"], "path": args.out}
    )
    return OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="amanat-trustee", description=_("A trustee's offline tool."))
    commands = p.add_subparsers(dest="command", required=True)
    i = commands.add_parser("init", help=_("make your key pair and the registration to upload"))
    i.add_argument("--election", required=True, help=_("the election's identifier (UUID)"))
    i.add_argument("--index", required=True, type=int, help=_("your trustee number"))
    i.add_argument("--key", required=True, help=_("the private key file to create"))
    i.add_argument("--out", help=_("where to write the registration (printed if not given)"))
    for name, text in (
        ("deal", _("deal shares of your secret to every registered trustee")),
        ("check", _("check the shares dealt to you and keep your key share")),
        ("decrypt", _("verify the board and make your decryption share of the tally")),
    ):
        c = commands.add_parser(name, help=text)
        c.add_argument("--key", required=True, help=_("your private key file"))
        c.add_argument("--board", required=True, help=_("the board download (JSON)"))
        c.add_argument("--out", required=True, help=_("the file to write, to upload"))
        if name in ("deal", "check"):
            c.add_argument("--threshold", type=int, help=_("trustees needed to decrypt, if the board does not say"))
        else:
            c.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help=_("processes for checking ballots"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = {"init": init, "deal": deal, "check": check, "decrypt": decrypt}[args.command]
    try:
        return command(args)
    except RefusedError as error:
        print(_("amanat-trustee: %(error)s") % {"error": error}, file=sys.stderr)
        return error.code
    except (KeyError, TypeError, ValueError) as error:
        print(_("amanat-trustee: the input is malformed: %(error)s") % {"error": error}, file=sys.stderr)
        return UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
