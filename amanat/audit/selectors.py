"""Reading the audit log: an object's history, shown to those who may see the object."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from amanat.audit.models import AuditEvent


def history_for(obj: models.Model, *, limit: int = 100) -> models.QuerySet[AuditEvent]:
    """Events about obj, newest first. The caller has already checked that the user sees obj."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return AuditEvent.objects.filter(target_type=ct, target_id=str(obj.pk)).select_related("actor")[:limit]
