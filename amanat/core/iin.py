"""IIN (ЖСН/ИИН) and BIN validation: 12 digits, a real birth date, a century/sex digit, a check digit.

Check digit: sum of digit*weight over the first 11 digits with weights 1..11, mod 11; if that is
10, again with weights 3..11,1,2; if it is 10 again the number is invalid (not "0": that rule
belongs to other countries' codes). About one number in eleven needs the second pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def check_digit(first11: str) -> int | None:
    """The check digit for 11 digits, or None when both passes give 10 (no valid number)."""
    digits = [int(c) for c in first11]
    first = sum(d * w for d, w in zip(digits, WEIGHTS_1, strict=True)) % 11
    if first != 10:
        return first
    second = sum(d * w for d, w in zip(digits, WEIGHTS_2, strict=True)) % 11
    return None if second == 10 else second


@dataclass(frozen=True)
class IinInfo:
    birth_date: dt.date
    sex: str  # "M" or "F"


def parse_iin(value: str, *, today: dt.date | None = None) -> IinInfo:
    """Validate an IIN and return what it encodes; raise ValidationError with a clear message."""
    value = (value or "").strip()
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("An IIN is exactly 12 digits."), code="iin_format")
    century_digit = int(value[6])
    if century_digit not in CENTURY:
        raise ValidationError(_("The 7th digit of an IIN must be 1 to 6 (century and sex)."), code="iin_century")
    year = CENTURY[century_digit] + int(value[0:2])
    try:
        born = dt.date(year, int(value[2:4]), int(value[4:6]))
    except ValueError as exc:
        raise ValidationError(
            _("The first six digits of an IIN must be a real date of birth."), code="iin_date"
        ) from exc
    if born > (today or dt.date.today()):  # noqa: DTZ011 - a calendar date, not an instant
        raise ValidationError(_("The date of birth in this IIN is in the future."), code="iin_future")
    expected = check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        raise ValidationError(_("This IIN has a wrong check digit: please check every digit."), code="iin_checksum")
    return IinInfo(birth_date=born, sex="M" if century_digit % 2 else "F")


def is_valid_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except ValidationError:
        return False
    return True


def validate_iin(value: str) -> None:
    """A Django field validator."""
    parse_iin(value)


def validate_bin(value: str) -> None:
    """A BIN (business number): 12 digits with the same check digit as the IIN."""
    value = (value or "").strip()
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A BIN is exactly 12 digits."), code="bin_format")
    expected = check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        raise ValidationError(_("This BIN has a wrong check digit."), code="bin_checksum")


def make_iin(born: dt.date, *, male: bool, serial: int) -> str | None:
    """Build a valid IIN (demo data and tests); None when this serial has no valid check digit."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100] + (0 if male else 1)
    first11 = f"{born:%y%m%d}{century_digit}{serial % 10000:04d}"
    digit = check_digit(first11)
    return None if digit is None else first11 + str(digit)


def mask(tail: str) -> str:
    """How an IIN is shown to those who may not see it whole: the last four digits only."""
    return "••••••••" + tail if tail else ""
