"""Fields kept in three languages: `name_kk`, `name_ru`, `name_en` and a `name` that picks one.

The current language is tried first, then Kazakh, Russian and English, so a record with only
one language filled still shows something everywhere.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("kk", "ru", "en")
LANGUAGE_LABELS = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}


def current_language() -> str:
    lang = (get_language() or "kk").split("-")[0]
    return lang if lang in LANGUAGE_CODES else "kk"


def pick(obj: Any, base: str, lang: str | None = None) -> str:
    """The value of `base_<lang>` on obj, falling back through the other languages."""
    first = lang or current_language()
    for code in (first, *LANGUAGE_CODES):
        value = getattr(obj, f"{base}_{code}", "")
        if value:
            return str(value)
    return ""


class translated:  # noqa: N801 - used like a decorator-style descriptor
    """Descriptor: `name = translated("name")` reads `name_kk/ru/en` by the current language."""

    def __init__(self, base: str) -> None:
        self.base = base

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return pick(obj, self.base)


def translated_char_fields(
    base: str, verbose: Any, *, max_length: int = 255, required: str = "ru", blank_all: bool = False
) -> dict[str, models.CharField]:
    """Three CharFields for an abstract model: the `required` language is mandatory."""
    fields = {}
    for code in LANGUAGE_CODES:
        fields[f"{base}_{code}"] = models.CharField(
            f"{verbose} ({code})",
            max_length=max_length,
            blank=blank_all or code != required,
        )
    return fields
