"""The preferences form: per kind, e-mail on/off and SMS on/off."""

from __future__ import annotations

from typing import Any

from django import forms

from amanat.notifications.choices import OPTIONAL_CHANNELS, Channel
from amanat.notifications.services import email_address


def field_name(kind_code: str, channel: str) -> str:
    return f"{kind_code}:{channel}"


def channel_available(user: Any, channel: str) -> bool:
    """E-mail needs an address and SMS a phone number in the user's profile."""
    return bool(email_address(user)) if channel == Channel.EMAIL else bool(user.phone)


class PreferencesForm(forms.Form):
    """Built from `selectors.preferences_for(user)` rows; `choices()` gives what to save.

    A channel the user has no address for is shown switched off and disabled; its stored
    choice is kept, so adding an address later restores what the user had chosen.
    """

    def __init__(self, *args: Any, user: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.rows = rows
        self.available = {ch.value: channel_available(user, ch.value) for ch in OPTIONAL_CHANNELS}
        for row in rows:
            kind = row["kind"]
            for channel in OPTIONAL_CHANNELS:
                usable = self.available[channel.value]
                self.fields[field_name(kind.code, channel.value)] = forms.BooleanField(
                    label=f"{channel.label}: {kind.label}",
                    required=False,
                    initial=row[channel.value] and usable,
                    disabled=not usable,
                )

    def table(self) -> list[dict[str, Any]]:
        """Rows for the template: the kind and its bound fields (e-mail, then SMS)."""
        return [
            {
                "kind": row["kind"],
                "fields": [self[field_name(row["kind"].code, channel.value)] for channel in OPTIONAL_CHANNELS],
            }
            for row in self.rows
        ]

    def choices(self) -> dict[str, dict[str, bool]]:
        result = {}
        for row in self.rows:
            code = row["kind"].code
            result[code] = {
                channel.value: (
                    bool(self.cleaned_data.get(field_name(code, channel.value)))
                    if self.available[channel.value]
                    else bool(row[channel.value])
                )
                for channel in OPTIONAL_CHANNELS
            }
        return result
