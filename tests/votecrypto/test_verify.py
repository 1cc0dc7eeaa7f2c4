"""The verifier accepts an honest board and names the place of every kind of tampering.

Two kinds of forger are played: one who edits the download (the chain or the checkpoints give
them away), and the server itself, which holds the checkpoint key and can re-hash and re-sign
everything — then only the cryptography (proofs, signatures, credentials, aggregation, shares)
stands between it and a false result.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import uuid
from typing import Any

import pytest

from tests.votecrypto.boards import Built, build_board, rehash, renumber
from votecrypto import ballot as ballots
from votecrypto import testkit
from votecrypto.board import BoardError, load
from votecrypto.encoding import cjson
from votecrypto.verify import print_report, report_json, verify_board


@pytest.fixture(scope="module")
def built() -> Built:
    return build_board()


@pytest.fixture
def data(built: Built) -> dict[str, Any]:
    return copy.deepcopy(built.data)


def resign(built: Built, data: dict[str, Any]) -> None:
    """What only the server can do: re-hash the whole chain and sign its checkpoints again."""
    rehash(data["entries"])
    last = data["entries"][-1]["seq"]
    signed = []
    for seq in sorted({min(c["seq"], last) for c in data["checkpoints"]}):
        statement = {
            "election": data["election"],
            "seq": seq,
            "head": data["entries"][seq]["hash"],
            "at": "2026-12-04T00:00:00.000000Z",
        }
        signed.append({**statement, "signature": built.writer.key.sign(cjson(statement)).hex()})
    data["checkpoints"] = signed


def insert_ballot(built: Built, data: dict[str, Any], at: int, ballot: dict, *, time_of: int | None = None) -> None:
    """What the server could do: put a ballot at position `at`, then re-hash and re-sign everything."""
    data["entries"].insert(
        at,
        {
            "seq": at,
            "prev": "",
            "type": "ballot",
            "at": data["entries"][at if time_of is None else time_of]["at"],
            "payload": {"ballot": ballot, "unit": "11"},
            "hash": "",
        },
    )
    renumber(data["entries"])
    resign(built, data)


def places(report: Any) -> list[str]:
    return [str(p) for p in report.problems]


def position(data: dict[str, Any], type_: str, nth: int = 0) -> int:
    return [i for i, e in enumerate(data["entries"]) if e["type"] == type_][nth]


def assert_only(report: Any, *expected: str) -> None:
    """Every problem reported is one of those expected, and each expected one is there."""
    found = places(report)
    for text in expected:
        assert any(text in f for f in found), (text, found)


# -- an honest board ---------------------------------------------------------------------------


def test_an_honest_board_verifies_and_its_result_is_recomputed(built: Built, data: dict[str, Any]) -> None:
    report = verify_board(data)

    assert report.ok, places(report)
    assert report.result is not None
    assert report.result["counts"] == built.counts
    assert report.counted == len(built.voters) - 1  # one abstained; the revote replaced, not added
    assert report.ballots_on_board == len(built.voters)  # the revote's first ballot stays on the board
    assert report.census == len(built.voters)
    assert report.turnout == "87.50"


def test_the_last_ballot_per_credential_counts(built: Built, data: dict[str, Any]) -> None:
    first, second = (data["entries"][position(data, "ballot", n)]["payload"]["ballot"] for n in (0, 1))
    assert first["credential"] == second["credential"]  # voter 0 voted twice

    report = verify_board(data)

    # Voter 0 chose candidate 2 first, then candidate 1: only the second choice is in the result.
    assert report.result is not None and report.result["counts"] == built.counts
    assert built.counts[0] == 3 and built.counts[1] == 2


def test_results_per_unit_follow_the_pooling_rule(data: dict[str, Any]) -> None:
    report = verify_board(data)

    assert report.result is not None
    # Unit 11 has 3 counted ballots (the minimum); units 12 and 13 have 2 each and are pooled.
    assert sorted(report.result["units"]) == ["11", "other"]
    assert report.result["units"]["11"] == [3, 0, 0]
    assert sum(report.result["units"]["other"]) == 4


def test_a_ceremony_restarted_after_a_complaint_counts_only_its_second_run() -> None:
    built = build_board(voters=3, abstaining=0, revote=False, complaint=True)

    report = verify_board(built.data)

    assert report.ok, places(report)
    assert report.result is not None and report.result["counts"] == built.counts


def test_a_deal_from_the_abandoned_ceremony_does_not_pass_for_the_new_one(built: Built, data: dict[str, Any]) -> None:
    other = build_board(voters=2, abstaining=0, revote=False, through="ceremony", election=built.election)
    at = position(data, "deal", 0)
    data["entries"][at]["payload"] = other.writer.entries[position(other.data, "deal", 0)]["payload"]
    resign(built, data)

    report = verify_board(data)

    manifest = position(data, "manifest")
    assert f"entry {manifest} (manifest): the election public key is not the sum of the trustees' commitments" in (
        places(report)
    )
    assert f"entry {manifest} (manifest): not every trustee confirmed their share" in places(report)


def test_a_ballot_shown_twice_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "close")
    copy_of = copy.deepcopy(data["entries"][position(data, "ballot", 2)])
    data["entries"].insert(at, copy_of)
    renumber(data["entries"])
    resign(built, data)

    report = verify_board(data)

    assert places(report) == [f"entry {at} (ballot): the same ballot appears twice on the board"]


def test_two_processes_give_the_same_report(data: dict[str, Any]) -> None:
    one, two = verify_board(data, jobs=1), verify_board(data, jobs=2)

    assert one.ok and two.ok
    assert one.result == two.result


def test_the_printed_report_shows_the_recomputed_result(data: dict[str, Any]) -> None:
    out = io.StringIO()
    print_report(verify_board(data), out)

    text = out.getvalue()
    assert "Candidate 1: 3" in text
    assert "All checks hold." in text
    assert json.loads(json.dumps(report_json(verify_board(data))))["ok"] is True


def test_a_board_in_progress_verifies_with_notes() -> None:
    frozen = build_board(voters=2, abstaining=0, revote=False, through="ceremony")
    decrypting = build_board(voters=3, abstaining=0, revote=False, decrypting=(2,), through="shares")

    assert verify_board(frozen.data).ok
    report = verify_board(decrypting.data)

    assert report.ok, places(report)
    assert report.result is None
    assert "1 of the 3 decryption shares needed are on the board so far." in report.notes


def test_a_board_before_the_freeze_has_only_its_chain_checked() -> None:
    built = build_board(voters=2, abstaining=0, revote=False, through="ceremony")
    data = built.data
    data["entries"] = data["entries"][: position(data, "manifest")]
    data["checkpoints"] = []
    built.writer.entries = data["entries"]
    built.writer.checkpoints = []
    built.writer.checkpoint()

    report = verify_board(built.data)

    assert report.ok, places(report)
    assert report.notes == ["The election is not frozen yet: only the chain and checkpoints were checked."]


# -- edits to the download: the chain and the checkpoints ----------------------------------------


def test_a_changed_ballot_is_caught_by_its_hash(data: dict[str, Any]) -> None:
    at = position(data, "ballot", 2)
    entry = data["entries"][at]
    entry["payload"]["ballot"]["choices"][0], entry["payload"]["ballot"]["choices"][1] = (
        entry["payload"]["ballot"]["choices"][1],
        entry["payload"]["ballot"]["choices"][0],
    )

    report = verify_board(data)

    assert_only(report, f"entry {entry['seq']} (ballot): its hash does not match its contents")


def test_a_changed_result_without_rehashing_is_caught_at_that_entry(data: dict[str, Any]) -> None:
    at = position(data, "result")
    data["entries"][at]["payload"]["counts"][0] += 1

    report = verify_board(data)

    assert_only(report, f"entry {at} (result): its hash does not match its contents")
    assert f"entry {at} (result): the published counts are not the decryption of the tally" in places(report)


def test_a_removed_entry_is_caught_where_it_was(data: dict[str, Any]) -> None:
    at = position(data, "ballot", 3)
    del data["entries"][at]

    report = verify_board(data)

    assert f"entry {at + 1} (ballot): sequence number {at + 1} where {at} was expected" in places(report)
    assert f"entry {at + 1} (ballot): does not link to the entry before it (prev is not its hash)" in places(report)


def test_reordered_entries_are_caught(data: dict[str, Any]) -> None:
    at = position(data, "ballot", 3)
    data["entries"][at], data["entries"][at + 1] = data["entries"][at + 1], data["entries"][at]

    report = verify_board(data)

    assert f"entry {at + 1} (ballot): sequence number {at + 1} where {at} was expected" in places(report)
    assert f"entry {at} (ballot): sequence number {at} where {at + 2} was expected" in places(report)


def test_an_inserted_entry_is_caught(data: dict[str, Any]) -> None:
    at = position(data, "ballot", 3)
    data["entries"].insert(at, copy.deepcopy(data["entries"][at]))

    report = verify_board(data)

    assert f"entry {at} (ballot): sequence number {at} where {at + 1} was expected" in places(report)


def test_a_rehashed_chain_is_caught_by_the_checkpoints(data: dict[str, Any]) -> None:
    """Someone without the server's key drops a ballot and rewrites the chain after it."""
    at, close = position(data, "ballot", 3), position(data, "close")
    del data["entries"][at]
    renumber(data["entries"])

    report = verify_board(data)

    chain = ("its hash does not match", "sequence number", "does not link")
    assert not [
        p for p in places(report) if p.startswith("entry") and any(c in p for c in chain)
    ]  # the chain is consistent again
    assert f"checkpoint at seq {close}: the signed head is not the hash of entry {close}" in places(report)


def test_a_forged_checkpoint_signature_is_caught(data: dict[str, Any]) -> None:
    checkpoint = data["checkpoints"][-1]
    checkpoint["signature"] = checkpoint["signature"][:-2] + ("00" if checkpoint["signature"][-2:] != "00" else "01")

    report = verify_board(data)

    assert places(report) == [
        f"checkpoint at seq {checkpoint['seq']}: the signature does not verify under the checkpoint key"
    ]


def test_checkpoints_signed_with_another_key_are_caught(built: Built, data: dict[str, Any]) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    other = Ed25519PrivateKey.generate()
    data["checkpoint_key"] = other.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    for checkpoint in data["checkpoints"]:
        statement = {k: checkpoint[k] for k in ("election", "seq", "head", "at")}
        checkpoint["signature"] = other.sign(cjson(statement)).hex()

    report = verify_board(data)

    assert "checkpoint key: the download's checkpoint key is not the one fixed in the manifest" in places(report)
    assert any("the signature does not verify under the checkpoint key" in p for p in places(report))


# -- the server itself forging: re-hashed and re-signed ------------------------------------------


def test_a_changed_ballot_field_fails_the_ballots_signature(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "ballot", 2)
    ballot = data["entries"][at]["payload"]["ballot"]
    ballot["choices"][0], ballot["choices"][1] = ballot["choices"][1], ballot["choices"][0]
    resign(built, data)

    report = verify_board(data)

    assert f"entry {at} (ballot): a choice's proof does not verify" in places(report) or (
        f"entry {at} (ballot): the credential's signature does not verify" in places(report)
    )


def test_a_changed_proof_value_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "ballot", 4)
    proof = data["entries"][at]["payload"]["ballot"]["proofs"][1][0]
    proof["s"] = format((int(proof["s"], 16) + 1) % (2**256 - 2**32 - 977), "064x")
    resign(built, data)

    report = verify_board(data)

    assert f"entry {at} (ballot): a choice's proof does not verify" in places(report)


def test_a_ballot_under_a_credential_not_on_the_list_is_caught(built: Built, data: dict[str, Any]) -> None:
    ((credential, _public),) = testkit.make_credentials(built.election, 1)
    stuffed, _ = ballots.make_ballot(built.manifest, built.manifest_hash, credential, [1, 0, 0])
    at = position(data, "close")
    insert_ballot(built, data, at, stuffed)

    report = verify_board(data)

    assert f"entry {at} (ballot): the ballot's credential is not on the published list" in places(report)


def test_a_ballot_copied_from_another_election_is_caught(built: Built, data: dict[str, Any]) -> None:
    other = dict(built.manifest, election=str(uuid.uuid4()))
    other_hash = hashlib.sha256(cjson(other)).hexdigest()
    copied, _ = ballots.make_ballot(other, other_hash, built.voters[-1].credential, [0, 1, 0])
    at = position(data, "close")
    insert_ballot(built, data, at, copied)

    report = verify_board(data)

    assert f"entry {at} (ballot): the ballot belongs to another election (copied from elsewhere)" in places(report)


def test_a_ballot_after_close_is_caught_and_not_counted(built: Built, data: dict[str, Any]) -> None:
    late, _ = ballots.make_ballot(built.manifest, built.manifest_hash, built.voters[-1].credential, [0, 0, 1])
    at = position(data, "close") + 1
    insert_ballot(built, data, at, late)

    report = verify_board(data)

    assert places(report) == [f"entry {at} (ballot): cast after voting closed"]
    assert report.result is not None and report.result["counts"] == built.counts


def test_a_ballot_before_opening_is_caught(built: Built, data: dict[str, Any]) -> None:
    early, _ = ballots.make_ballot(built.manifest, built.manifest_hash, built.voters[-1].credential, [0, 0, 1])
    at = position(data, "open")
    insert_ballot(built, data, at, early)

    report = verify_board(data)

    assert f"entry {at} (ballot): cast before voting opened" in places(report)


def test_a_wrong_tally_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "tally")
    total = data["entries"][at]["payload"]["total"]
    total[0], total[1] = total[1], total[0]
    resign(built, data)

    report = verify_board(data)

    assert f"entry {at} (tally): the total for candidate 1 is not the sum of the counted ballots" in places(report)
    assert f"entry {at} (tally): the total for candidate 2 is not the sum of the counted ballots" in places(report)


def test_a_wrong_unit_tally_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "tally")
    units = data["entries"][at]["payload"]["units"]
    units["11"]["counted"] += 1
    resign(built, data)

    report = verify_board(data)

    assert (
        f"entry {at} (tally): the tally of unit 11 is not the sum of that unit's counted ballots (pooling rule)"
        in places(report)
    )


def test_a_unit_with_more_counted_ballots_than_members_in_the_census_is_caught(
    built: Built, data: dict[str, Any]
) -> None:
    # The server claims unit 11's ballots came from a unit that, by the census, has one member.
    census = data["entries"][position(data, "census")]["payload"]
    units = census["units"]
    moved = units["11"] - 1
    units["11"] = 1
    units["12"] += moved
    resign(built, data)

    report = verify_board(data)

    close = position(data, "close")
    assert f"entry {close} (close): unit 11: more ballots counted (3) than members in the census (1)" in places(report)


def test_a_bad_share_proof_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "share", 1)
    share = data["entries"][at]["payload"]
    share["total"][0]["s"] = share["total"][1]["s"]
    resign(built, data)

    report = verify_board(data)

    index = share["index"]
    assert f"entry {at} (share): trustee {index}'s decryption proof does not verify" in places(report)
    # With that share refused only two remain, fewer than the three needed.
    assert f"entry {position(data, 'tally')} (tally): only 2 valid decryption shares; 3 are needed" in places(report)


def test_too_few_shares_are_caught(built: Built, data: dict[str, Any]) -> None:
    del data["entries"][position(data, "share", 2)]
    renumber(data["entries"])
    resign(built, data)

    report = verify_board(data)

    tally_at, result_at = position(data, "tally"), position(data, "result")
    assert places(report) == [
        f"entry {tally_at} (tally): only 2 valid decryption shares; 3 are needed",
        f"entry {result_at} (result): a result was published without enough decryption shares",
    ]


def test_a_wrong_result_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "result")
    counts = data["entries"][at]["payload"]["counts"]
    counts[0], counts[1] = counts[1], counts[0]
    data["entries"][at]["payload"]["turnout"] = "99.00"
    resign(built, data)

    report = verify_board(data)

    assert places(report) == [
        f"entry {at} (result): the published counts are not the decryption of the tally",
        f"entry {at} (result): the published turnout is wrong",
    ]


def test_a_changed_manifest_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "manifest")
    data["entries"][at]["payload"]["manifest"]["max_choices"] = 2
    resign(built, data)

    report = verify_board(data)

    assert f"entry {at} (manifest): the manifest hash does not match the manifest" in places(report)


def test_a_credential_added_to_the_list_is_caught(built: Built, data: dict[str, Any]) -> None:
    at = position(data, "credentials")
    ((_credential, public),) = testkit.make_credentials(built.election, 1)
    data["entries"][at]["payload"]["list"] = sorted([*data["entries"][at]["payload"]["list"], public])
    resign(built, data)

    report = verify_board(data)

    manifest = position(data, "manifest")
    assert f"entry {manifest} (manifest): the credentials hash differs from the published list" in places(report)


def test_a_public_key_not_from_the_ceremony_is_caught(built: Built, data: dict[str, Any]) -> None:
    """A server that swapped in a key of its own could decrypt every ballot alone."""
    from votecrypto.group import base_mul

    at = position(data, "manifest")
    manifest = data["entries"][at]["payload"]["manifest"]
    manifest["public_key"] = base_mul(12345).hex()
    data["entries"][at]["payload"]["hash"] = __import__("hashlib").sha256(cjson(manifest)).hexdigest()
    resign(built, data)

    report = verify_board(data)

    assert f"entry {at} (manifest): the election public key is not the sum of the trustees' commitments" in places(
        report
    )


# -- reading the file ------------------------------------------------------------------------------


def test_a_file_that_is_not_a_board_is_refused(tmp_path: Any) -> None:
    path = tmp_path / "board.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(BoardError):
        load(path)
    path.write_text("{not json")
    with pytest.raises(BoardError):
        load(path)
    with pytest.raises(BoardError):
        load(tmp_path / "missing.json")
