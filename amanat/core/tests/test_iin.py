import pytest
from django.core.exceptions import ValidationError

from amanat.core.iin import is_valid_iin, parse_iin

VALID = [
    "871008401427",
    "760212350620",
    "800416300257",
    "680503450037",
    "800416100254",
    "791028302728",
    "901123300258",
    "031231500126",
    "061211600012",
]
INVALID = [
    "821214240092",
    "010101600586",
    "901123300255",
    "123456789012",
    "0123456789AB",
    "123",
    "1234567890123",
]


@pytest.mark.parametrize("iin", VALID)
def test_public_valid_vectors_are_accepted(iin: str) -> None:
    assert is_valid_iin(iin)


@pytest.mark.parametrize("iin", INVALID)
def test_public_invalid_vectors_are_rejected(iin: str) -> None:
    assert not is_valid_iin(iin)


def test_second_pass_number_is_valid_and_female_2000s() -> None:
    info = parse_iin("061211600012")
    assert info.sex == "F"
    assert info.birth_date.year == 2006


def test_both_passes_ten_is_invalid_with_a_checksum_message() -> None:
    with pytest.raises(ValidationError) as err:
        parse_iin("821214240092")
    assert err.value.code == "iin_checksum"
