"""The census: who is in it, how it is hashed, who downloads it; the public credentials upload."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amanat.audit.models import AuditEvent
from amanat.elections.choices import CommissionRole
from amanat.elections.models import BoardEntry, CensusEntry, Credential
from amanat.elections.services.census import census_export, credentials_upload
from amanat.elections.tests.factories import (
    make_election,
    make_member,
    make_user,
    seat,
    secretary_of,
    to_nominations,
    to_preparation,
)
from amanat.org.choices import MemberStatus
from votecrypto.encoding import cjson

pytestmark = pytest.mark.django_db


def frozen_census(tree: Any, **kw: Any) -> Any:
    election = make_election(tree.makat, **kw)
    to_nominations(election)
    to_preparation(election)
    election.refresh_from_db()
    return election


def test_census_holds_active_members_of_the_subtree_who_joined_before_the_cut_off(tree: Any) -> None:
    inside = make_member(tree.makat_p1, card_number="0001")
    at_unit = make_member(tree.makat)
    make_member(tree.makat_p1, joined_on=dt.date(2026, 1, 1))  # on the cut-off day: too late
    make_member(tree.makat_p1, status=MemberStatus.SUSPENDED)
    make_member(tree.makat_p1, status=MemberStatus.LEFT)
    gone = make_member(tree.makat_p1)
    gone.soft_delete(actor=None)
    make_member(tree.inder_p1)  # another district
    election = frozen_census(tree)
    rows = {e.member_id: (e.member_number, e.tally_unit_id) for e in CensusEntry.objects.filter(election=election)}
    assert rows == {
        inside.pk: ("0001", tree.makat_p1.pk),
        at_unit.pk: (f"M{at_unit.pk}", tree.makat.pk),
    }
    assert election.census_count == 2


def test_census_hash_and_board_entry_follow_the_protocol(tree: Any) -> None:
    a = make_member(tree.makat_p1, card_number="B-2")
    b = make_member(tree.makat_p1, card_number="A-1")
    c = make_member(tree.makat)
    election = frozen_census(tree)
    rows = sorted([["A-1", str(tree.makat_p1.pk)], ["B-2", str(tree.makat_p1.pk)], [f"M{c.pk}", str(tree.makat.pk)]])
    expected = hashlib.sha256(cjson(rows)).hexdigest()
    assert election.census_hash == expected
    entry = BoardEntry.objects.get(election=election, type="census")
    assert json.loads(entry.payload) == {
        "hash": expected,
        "count": 3,
        "units": {str(tree.makat.pk): 1, str(tree.makat_p1.pk): 2},
    }
    assert {a.pk, b.pk, c.pk} == set(CensusEntry.objects.filter(election=election).values_list("member_id", flat=True))


def test_census_of_the_region_tallies_by_district(tree: Any) -> None:
    deep = make_member(tree.makat_p1)
    election = make_election(tree.regional)
    to_nominations(election)
    to_preparation(election)
    assert CensusEntry.objects.get(election=election, member=deep).tally_unit_id == tree.makat.pk


def test_members_joining_after_the_freeze_are_not_added(tree: Any) -> None:
    make_member(tree.makat)
    election = frozen_census(tree)
    make_member(tree.makat)
    assert CensusEntry.objects.filter(election=election).count() == 1


def test_only_the_secretary_downloads_the_census_and_it_is_audited(tree: Any) -> None:
    member = make_member(tree.makat, card_number="777")
    election = frozen_census(tree)
    chair = make_user()
    seat(election, chair, CommissionRole.CHAIR)
    with pytest.raises(PermissionDenied):
        census_export(actor=chair, election=election)
    data = census_export(actor=secretary_of(election), election=election)
    assert data == {
        "election": str(election.uuid),
        "members": [
            {
                "number": "777",
                "name": member.person.full_name,
                "phone": member.person.phone,
                "email": member.person.email,
            }
        ],
    }
    assert AuditEvent.objects.filter(verb="elections.census_downloaded").count() == 1


def test_census_cannot_be_downloaded_before_it_is_frozen(tree: Any) -> None:
    election = make_election(tree.makat)
    with pytest.raises(ValidationError) as exc:
        census_export(actor=secretary_of(election), election=election)
    assert exc.value.code == "phase"


# --- credentials ------------------------------------------------------------------------------


def publics(n: int) -> list[str]:
    import coincurve

    return sorted(coincurve.PrivateKey().public_key_xonly.format().hex() for _ in range(n))


def upload(election: Any, body: Any, actor: Any = None) -> int:
    return credentials_upload(actor=actor or secretary_of(election), election=election, raw=body)


def test_secretary_uploads_one_credential_per_voter(tree: Any) -> None:
    make_member(tree.makat)
    make_member(tree.makat)
    election = frozen_census(tree)
    keys = publics(2)
    assert upload(election, json.dumps({"election": str(election.uuid), "credentials": keys[::-1]})) == 2
    assert sorted(Credential.objects.filter(election=election).values_list("public", flat=True)) == keys
    entry = BoardEntry.objects.get(election=election, type="credentials")
    assert json.loads(entry.payload) == {"list": keys}
    election.refresh_from_db()
    assert election.credentials_hash == hashlib.sha256(cjson(keys)).hexdigest()


@pytest.mark.parametrize(
    ("make_body", "words"),
    [
        (lambda e, k: b"not json", "not JSON"),
        (lambda e, k: json.dumps({"election": str(e.uuid)}), "no list"),
        (lambda e, k: json.dumps({"election": "00000000-0000-0000-0000-000000000000", "credentials": k}), "another"),
        (lambda e, k: json.dumps({"election": str(e.uuid), "credentials": k[:1]}), "one per voter"),
        (lambda e, k: json.dumps({"election": str(e.uuid), "credentials": [k[0], k[0]]}), "twice"),
        (lambda e, k: json.dumps({"election": str(e.uuid), "credentials": [k[0], "ff" * 32]}), "not valid"),
        (lambda e, k: json.dumps({"election": str(e.uuid), "credentials": [k[0], "xyz"]}), "not valid"),
    ],
)
def test_bad_credentials_files_are_refused_and_change_nothing(tree: Any, make_body: Any, words: str) -> None:
    make_member(tree.makat)
    make_member(tree.makat)
    election = frozen_census(tree)
    before = BoardEntry.objects.filter(election=election).count()
    with pytest.raises(ValidationError) as exc:
        upload(election, make_body(election, publics(2)))
    assert words in " ".join(exc.value.message_dict["file"])
    assert not Credential.objects.filter(election=election).exists()
    assert BoardEntry.objects.filter(election=election).count() == before


def test_credentials_cannot_be_replaced_nor_uploaded_by_others(tree: Any) -> None:
    make_member(tree.makat)
    election = frozen_census(tree)
    body = {"election": str(election.uuid), "credentials": publics(1)}
    with pytest.raises(PermissionDenied):
        upload(election, body, actor=make_user())
    upload(election, body)
    with pytest.raises(ValidationError) as exc:
        upload(election, {"election": str(election.uuid), "credentials": publics(1)})
    assert exc.value.code == "phase"
    assert Credential.objects.filter(election=election).count() == 1


def test_credentials_before_the_census_are_refused(tree: Any) -> None:
    election = make_election(tree.makat)
    with pytest.raises(ValidationError) as exc:
        upload(election, {"election": str(election.uuid), "credentials": []})
    assert exc.value.code == "phase"


def test_the_census_download_feeds_amanat_credentials_and_its_output_uploads(tree: Any, tmp_path: Any) -> None:
    import subprocess
    import sys

    make_member(tree.makat_p1, card_number="C-1")
    make_member(tree.makat)
    election = frozen_census(tree)
    secretary = secretary_of(election)
    census_file = tmp_path / "census.json"
    census_file.write_text(json.dumps(census_export(actor=secretary, election=election), ensure_ascii=False))
    out = tmp_path / "credentials"
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "votecrypto.credentials_cli", "generate", "--election", str(election.uuid),
         "--census", str(census_file), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert upload(election, (out / "public.json").read_bytes(), actor=secretary) == 2
