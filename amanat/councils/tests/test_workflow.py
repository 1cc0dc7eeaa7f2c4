"""The transition table and the majority rule, as pure functions."""

from __future__ import annotations

from itertools import pairwise

from django.test import override_settings

from amanat.councils.choices import RecommendationStatus as S
from amanat.councils.services.recommendations import RULE_CAST, RULE_PRESENT, is_adopted
from amanat.councils.workflow import PUBLIC, TRANSITIONS, can_move


def test_life_goes_one_way() -> None:
    path = [S.DRAFT, S.ADOPTED, S.SENT, S.ANSWERED, S.IMPLEMENTED, S.ASSESSED]
    for current, nxt in pairwise(path):
        assert can_move(current, nxt)
    assert not can_move(S.DRAFT, S.SENT)
    assert not can_move(S.SENT, S.ADOPTED)
    assert not can_move(S.ASSESSED, S.DRAFT)
    assert TRANSITIONS[S.NOT_ADOPTED] == frozenset()
    assert can_move(S.ANSWERED, S.NOT_IMPLEMENTED) and can_move(S.NOT_IMPLEMENTED, S.ASSESSED)


def test_every_status_is_in_the_table_and_drafts_are_not_public() -> None:
    assert set(TRANSITIONS) == set(S.values)
    assert S.DRAFT not in PUBLIC


def test_majority_of_those_present() -> None:
    assert is_adopted(votes_for=3, votes_against=0, present=5, rule=RULE_PRESENT)
    # 2 of 5 is no majority even when nobody votes against.
    assert not is_adopted(votes_for=2, votes_against=0, present=5, rule=RULE_PRESENT)
    assert not is_adopted(votes_for=2, votes_against=0, present=4, rule=RULE_PRESENT)  # a tie is not a majority
    assert not is_adopted(votes_for=0, votes_against=0, present=0, rule=RULE_PRESENT)


def test_majority_of_votes_cast() -> None:
    assert is_adopted(votes_for=2, votes_against=1, present=5, rule=RULE_CAST)
    assert not is_adopted(votes_for=1, votes_against=1, present=5, rule=RULE_CAST)


@override_settings(COUNCIL_ADOPTION_RULE="cast")
def test_the_rule_is_a_setting() -> None:
    assert is_adopted(votes_for=2, votes_against=1, present=5)


def test_default_rule_is_majority_present() -> None:
    assert not is_adopted(votes_for=2, votes_against=1, present=5)
