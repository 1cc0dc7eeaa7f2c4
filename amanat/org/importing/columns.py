"""The columns of a member file, the limits on a file's size and rows, and the error that refuses a file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class ImportColumn:
    name: str
    required: bool
    help: Any
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("last_name", True, gettext_lazy("Last name."), "Ахметов", ("фамилия", "тегі")),
    ImportColumn("first_name", True, gettext_lazy("First name."), "Ерлан", ("имя", "аты")),
    ImportColumn("middle_name", False, gettext_lazy("Patronymic, if any."), "Серикович", ("отчество",)),
    ImportColumn(
        "iin",
        True,
        gettext_lazy("IIN: 12 digits. Keep the column as text so that a leading zero is not lost."),
        "",
        ("иин", "жсн"),
    ),
    ImportColumn(
        "birth_date",
        False,
        gettext_lazy("Date of birth, DD.MM.YYYY. Taken from the IIN when empty; must match it."),
        "14.03.1985",
        ("дата рождения", "туған күні"),
    ),
    ImportColumn(
        "sex", False, gettext_lazy("M or F. Taken from the IIN when empty; must match it."), "M", ("пол", "жынысы")
    ),
    ImportColumn("phone", False, gettext_lazy("Phone: +7 and ten digits."), "+77011234567", ("телефон",)),
    ImportColumn("email", False, gettext_lazy("E-mail address."), "", ("e-mail", "почта")),
    ImportColumn(
        "unit_code",
        True,
        gettext_lazy("Code of the primary organisation (as shown on its page), within your scope."),
        "makat-p01",
        ("код организации", "код"),
    ),
    ImportColumn(
        "joined_on", True, gettext_lazy("Date of joining the party, DD.MM.YYYY."), "01.05.2020", ("дата вступления",)
    ),
    ImportColumn(
        "card_number",
        False,
        gettext_lazy("Party card number; unique."),
        "",
        ("номер билета", "партбилет"),
    ),
    ImportColumn("youth_wing", False, gettext_lazy("1 (yes) or 0 (no)."), "0", ("молодежное крыло", "жастар қанаты")),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why in words the uploader understands."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


def max_bytes() -> int:
    return int(float(settings.IMPORT_MAX_MB) * 1024 * 1024)


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 100_000))


def sync_max_rows() -> int:
    """Files with more rows are checked and written by a background task."""
    return int(getattr(settings, "IMPORT_SYNC_MAX_ROWS", 2000))
