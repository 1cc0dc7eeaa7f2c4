"""Shared by the structure services: their audit verbs and the way each validates and saves.

A service fills an object field by field (`assign`), checks it (`validate`: the model's own
validation plus the use case's checks, all errors at once, keyed by field), saves it
(`save_or_explain`) and records one audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import diff, register_verbs, snapshot


class StructureVerb(models.TextChoices):
    TERRITORY_CREATED = "org.territory_created", _("Territory added")
    TERRITORY_CHANGED = "org.territory_changed", _("Territory changed")
    UNIT_CREATED = "org.unit_created", _("Org unit created")
    UNIT_CHANGED = "org.unit_changed", _("Org unit changed")
    UNIT_DEACTIVATED = "org.unit_deactivated", _("Org unit deactivated")
    UNIT_REACTIVATED = "org.unit_reactivated", _("Org unit reactivated")
    MASLIKHAT_CREATED = "org.maslikhat_created", _("Maslikhat added")
    MASLIKHAT_CHANGED = "org.maslikhat_changed", _("Maslikhat changed")
    FACTION_CREATED = "org.faction_created", _("Party faction formed")
    FACTION_CHANGED = "org.faction_changed", _("Party faction changed")
    DEPUTY_ADDED = "org.deputy_added", _("Deputy added")
    DEPUTY_CHANGED = "org.deputy_changed", _("Deputy's details changed")
    STATE_BODY_CREATED = "org.state_body_created", _("State body added")
    STATE_BODY_CHANGED = "org.state_body_changed", _("State body changed")
    OFFICIAL_APPOINTED = "org.official_appointed", _("Official appointed")
    OFFICIAL_CHANGED = "org.official_changed", _("Official's post changed")
    OFFICIAL_ENDED = "org.official_ended", _("Official's term ended")


register_verbs({v.value: v.label for v in StructureVerb})

TREE_FIELDS = ("path", "depth", "numchild")
TREE_FIELDS = ("path", "depth", "numchild")


def kinds_text(kinds: Iterable[str], choices: type[models.TextChoices]) -> str:
    return ", ".join(str(choices(k).label) for k in kinds)


def assign(obj: models.Model, fields: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set fields on obj; a field the use case does not know is a programming error."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obj, name, "" if value is None and _is_text(obj, name) else value)
    return [f for f in allowed if f in fields]


def _is_text(obj: models.Model, name: str) -> bool:
    field = obj._meta.get_field(name)
    return isinstance(field, models.CharField | models.TextField) and not field.null


def validate(obj: models.Model, *checks: Callable[[], dict[str, Any]], exclude: Iterable[str] = ()) -> None:
    """Run the model's field validation and the use case's checks; raise every error at once."""
    errors: dict[str, list[Any]] = {}
    try:
        obj.full_clean(exclude=[*TREE_FIELDS, *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {name: list(messages) for name, messages in exc.message_dict.items()}
    for check in checks:
        # The use case's own message is the more precise one: it replaces the model's.
        errors.update({name: [message] for name, message in check().items()})
    if errors:
        raise ValidationError(errors)


def save_or_explain(save: Callable[[], Any], check: Callable[[], dict[str, Any]]) -> Any:
    """Save; when a concurrent request wins a unique constraint (a code, a tree path), say which
    field clashes now, or ask to try again."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError as exc:
        errors = check()
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()}) from exc
        raise ValidationError(_("Someone changed the same records at this moment: please try again.")) from exc


def created_changes(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return diff({}, snapshot(obj, fields))


def kind_message(parent: Any, allowed: Iterable[str], choices: type[models.TextChoices]) -> Any:
    allowed = tuple(allowed)
    if parent is None:
        return _("At the top level only these kinds are allowed: %(kinds)s.") % {"kinds": kinds_text(allowed, choices)}
    if not allowed:
        return _("Nothing can be placed under “%(parent)s”.") % {"parent": parent}
    return _("Under “%(parent)s” only these kinds are allowed: %(kinds)s.") % {
        "parent": parent,
        "kinds": kinds_text(allowed, choices),
    }
