"""Linking voters' mandates (наказы избирателей) to the programme items that answer them.

A mandate is an appeal of type "voters' mandate" (`appeals.choices.AppealType.MANDATE`). Linking
needs `programme.manage` on the item's branch and sight of the mandate (the appeals scope); both
are one transaction with an audit event. Linking twice or unlinking what is not linked changes
nothing and writes nothing (a double submit is harmless).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from amanat.appeals.choices import AppealType
from amanat.appeals.models import Appeal
from amanat.appeals.permissions import AppealAction
from amanat.appeals.selectors import appeals_for
from amanat.audit import services as audit
from amanat.core.permissions import has_action
from amanat.programme.models import Item
from amanat.programme.permissions import ProgrammeAction

VERB_LINKED = "programme.mandate_linked"
VERB_UNLINKED = "programme.mandate_unlinked"


def mandates_for(user: Any) -> QuerySet[Appeal]:
    """The voters' mandates the user may see: appeals of that type in their appeals scope."""
    return appeals_for(user, AppealAction.VIEW).filter(appeal_type=AppealType.MANDATE)


def _check(actor: Any, item: Item, appeal: Appeal) -> None:
    if not has_action(actor, ProgrammeAction.MANAGE, item.org_unit):
        raise PermissionDenied
    if not mandates_for(actor).filter(pk=appeal.pk).exists():
        if appeals_for(actor, AppealAction.VIEW).filter(pk=appeal.pk).exists():
            raise ValidationError({"appeal": [_("Only a voters' mandate can be linked here.")]})
        raise PermissionDenied


def _audit(actor: Any, verb: str, item: Item, appeal: Appeal) -> None:
    audit.record(
        actor=actor,
        verb=verb,
        target=item,
        data={"appeal": appeal.pk, "number": appeal.number, "item_code": item.code},
    )


@transaction.atomic
def mandate_link(*, actor: Any, item: Item, appeal: Appeal) -> bool:
    """Record that the item answers the voters' mandate. Returns whether anything changed."""
    _check(actor, item, appeal)
    if item.appeals.filter(pk=appeal.pk).exists():
        return False
    item.appeals.add(appeal)
    _audit(actor, VERB_LINKED, item, appeal)
    return True


@transaction.atomic
def mandate_unlink(*, actor: Any, item: Item, appeal: Appeal) -> bool:
    """Take the mandate off the item. Returns whether anything changed."""
    _check(actor, item, appeal)
    if not item.appeals.filter(pk=appeal.pk).exists():
        return False
    item.appeals.remove(appeal)
    _audit(actor, VERB_UNLINKED, item, appeal)
    return True
