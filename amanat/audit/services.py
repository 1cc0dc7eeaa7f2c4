"""Writing audit events. Every service that changes domain data calls `record`."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from amanat.audit.models import AuditEvent
from amanat.core.middleware import current_ip

REDACTED = "***"

# Verb code -> a label people read in the log and in object histories. Apps add theirs with
# `register_verbs` in AppConfig.ready; an unknown verb is shown as its code.
_VERB_LABELS: dict[str, Any] = {
    "accounts.role_granted": _("Role granted"),
    "accounts.role_revoked": _("Role revoked"),
    "accounts.api_token_issued": _("API token issued"),
    "accounts.api_token_revoked": _("API token revoked"),
    "notifications.preferences_changed": _("Notification settings changed"),
}


def register_verbs(labels: dict[str, Any]) -> None:
    """Add labels for an app's verbs: {"appeals.appeal_registered": _("Appeal registered")}.

    A TextChoices enum of verbs can be passed as `{v.value: v.label for v in Verbs}`.
    """
    _VERB_LABELS.update({str(code): label for code, label in labels.items()})


def verb_label(verb: str) -> Any:
    """The verb's label in the active language, or the verb code when none is registered."""
    return _VERB_LABELS.get(verb, verb)


def known_verbs() -> dict[str, Any]:
    return dict(_VERB_LABELS)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of fields on obj, in a JSON-friendly form (FKs as ids)."""
    result = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = _plain(getattr(obj, attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any], *, secret: Iterable[str] = ()) -> dict[str, Any]:
    """{field: [old, new]} for the fields that changed; secret fields show only that they did."""
    hidden = set(secret)
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [REDACTED, REDACTED] if key in hidden else [old, new]
    return changes


def prepare(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    org_unit: Any = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit event, not yet saved (`record` saves it). `org_unit` defaults to the target's own
    `org_unit`."""
    if org_unit is None and target is not None:
        org_unit = getattr(target, "audit_org_unit", None) or getattr(target, "org_unit", None)
    real_actor = actor if getattr(actor, "pk", None) else None
    return AuditEvent(
        actor=real_actor,
        actor_label=str(real_actor) if real_actor else "system",
        verb=str(verb),
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        org_unit=org_unit,
        changes=_plain(changes or {}),
        data=_plain(data or {}),
        ip=current_ip.get(),
    )


def record(*, actor: Any, verb: str, **details: Any) -> AuditEvent:
    """Append one audit event (`details`: target, org_unit, changes, data, as for `prepare`)."""
    event = prepare(actor=actor, verb=verb, **details)
    event.save(force_insert=True)
    return event
