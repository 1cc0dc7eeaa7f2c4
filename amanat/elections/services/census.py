"""The electoral census and the public credentials (protocol §2 and §3).

The census is frozen once, when nominations close: members of the unit's subtree, active, not
deleted, who joined before the cut-off date. Only its hash and per-unit counts go on the board.
The commission's secretary (the credential authority) downloads it for the offline
`amanat-credentials` tool and uploads the public credentials it made; the server never sees a
secret credential.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

import coincurve
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core.permissions import in_subtree
from amanat.elections.choices import CommissionRole, Phase
from amanat.elections.models import CensusEntry, CommissionMember, Credential, Election
from amanat.elections.services import board
from amanat.elections.services.elections import locked, need_phase, phase_at_least, phase_error
from amanat.org.choices import MemberStatus
from amanat.org.models import Member, OrgUnit
from votecrypto.encoding import cjson

MAX_CREDENTIALS_FILE = 64 * 2**20


def member_number(member: Member) -> str:
    """The number a member is known by in the census: the party card, or a stable fallback."""
    return member.card_number or f"M{member.pk}"


def eligible_members(election: Election) -> Any:
    """Members who may vote: in the unit's subtree, active, not deleted, joined before the cut-off."""
    return Member.objects.filter(
        in_subtree("org_unit", election.unit),
        status=MemberStatus.ACTIVE,
        joined_on__lt=election.joined_before,
        person__deleted_at__isnull=True,
    )


def tally_units(election: Election) -> dict[str, int]:
    """Path prefix → tally unit id: each child of the election's unit stands for its subtree."""
    unit = election.unit
    return {child.path: child.pk for child in OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)}


def census_hash(rows: list[list[str]]) -> str:
    return hashlib.sha256(cjson(sorted(rows))).hexdigest()


def census_freeze(election: Election, *, actor: Any = None) -> Election:
    """Fix the census (called by close_nominations inside its transaction): rows, hash, board
    `census` with the count per tally unit. A census already frozen is refused."""
    if election.census_hash or CensusEntry.objects.filter(election=election).exists():
        raise phase_error(_("The census is already frozen."))
    children = tally_units(election)
    cut = len(election.unit.path) + OrgUnit.steplen
    entries = []
    rows = (
        eligible_members(election)
        .order_by()
        .values_list("pk", "card_number", "org_unit_id", "org_unit__path")
        .iterator(chunk_size=5000)
    )
    for pk, card, unit_id, path in rows:
        tally = children.get(path[:cut], election.unit_id) if unit_id != election.unit_id else election.unit_id
        number = card or f"M{pk}"
        entries.append(CensusEntry(election=election, member_id=pk, member_number=number, tally_unit_id=tally))
    CensusEntry.objects.bulk_create(entries, batch_size=5000)
    digest = census_hash([[e.member_number, str(e.tally_unit_id)] for e in entries])
    counts = Counter(str(e.tally_unit_id) for e in entries)
    Election.objects.filter(pk=election.pk).update(census_hash=digest, census_count=len(entries))
    election.census_hash, election.census_count = digest, len(entries)
    board.append(election, "census", {"hash": digest, "count": len(entries), "units": dict(sorted(counts.items()))})
    audit.record(
        actor=actor,
        verb="elections.census_frozen",
        target=election,
        org_unit=election.unit,
        data={"hash": digest, "count": len(entries)},
    )
    return election


def is_secretary(user: Any, election: Election) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        CommissionMember.objects.filter(election=election, user=user, role=CommissionRole.SECRETARY).exists()
    )


def census_export(*, actor: Any, election: Election) -> dict[str, Any]:
    """The census for `amanat-credentials`: only the commission's secretary gets it, and each
    download is audited (it holds members' phones and e-mails)."""
    if not is_secretary(actor, election):
        raise PermissionDenied
    if not election.census_hash:
        raise phase_error(_("The census is not frozen yet."))
    entries = (
        CensusEntry.objects.filter(election=election)
        .select_related("member__person")
        .order_by("member_number")
        .iterator(chunk_size=5000)
    )
    members = [
        {
            "number": e.member_number,
            "name": e.member.person.full_name,
            "phone": e.member.person.phone,
            "email": e.member.person.email,
        }
        for e in entries
    ]
    audit.record(
        actor=actor,
        verb="elections.census_downloaded",
        target=election,
        org_unit=election.unit,
        data={"count": len(members)},
    )
    return {"election": str(election.uuid), "members": members}


def _valid_xonly(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 64 or value != value.lower():
        return False
    try:
        coincurve.PublicKeyXOnly(bytes.fromhex(value))
    except ValueError:
        return False
    return True


def parse_credentials(election: Election, raw: bytes | str | dict) -> list[str]:
    """The sorted public credentials of a `public.json`, or a ValidationError on field "file"
    saying exactly what is wrong."""

    def bad(message: str) -> ValidationError:
        return ValidationError({"file": [message]})

    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise bad(_("The file is not JSON: upload the public.json made by amanat-credentials.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("credentials"), list):
        raise bad(_("The file has no list of credentials: upload the public.json made by amanat-credentials."))
    if data.get("election") != str(election.uuid):
        raise bad(_("The file was made for another election."))
    publics = data["credentials"]
    if len(publics) != election.census_count:
        raise bad(
            _("The file holds %(got)s credentials, the census %(want)s: there must be one per voter.")
            % {"got": len(publics), "want": election.census_count}
        )
    if len(set(map(str, publics))) != len(publics):
        raise bad(_("The file lists the same credential twice."))
    wrong = [p for p in publics if not _valid_xonly(p)]
    if wrong:
        raise bad(
            _("%(count)s entries are not valid public credentials (the first: “%(first)s”).")
            % {"count": len(wrong), "first": str(wrong[0])[:80]}
        )
    return sorted(publics)


@transaction.atomic
def credentials_upload(*, actor: Any, election: Election, raw: bytes | str | dict) -> int:
    """Publish the secretary's public credentials: board `credentials` with the sorted list.
    Once published they cannot be replaced."""
    election = locked(election)
    if not is_secretary(actor, election):
        raise PermissionDenied
    need_phase(election, Phase.PREPARATION)
    if election.credentials_hash or election.credentials.exists():
        raise phase_error(_("The credentials are already published."))
    publics = parse_credentials(election, raw)
    digest = hashlib.sha256(cjson(publics)).hexdigest()
    Credential.objects.bulk_create([Credential(election=election, public=p) for p in publics], batch_size=5000)
    election.credentials_hash = digest
    election.save(update_fields=["credentials_hash", "updated_at"])
    board.append(election, "credentials", {"list": publics})
    audit.record(
        actor=actor,
        verb="elections.credentials_published",
        target=election,
        org_unit=election.unit,
        data={"hash": digest, "count": len(publics)},
    )
    return len(publics)


def census_is_frozen(election: Election) -> bool:
    return bool(election.census_hash) and phase_at_least(election, Phase.PREPARATION)
