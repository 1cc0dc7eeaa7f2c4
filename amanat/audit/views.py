"""The audit log page: events in the user's scope, filtered, paged, exported to XLSX."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amanat.accounts.permissions import AccountsAction
from amanat.audit.models import AuditEvent
from amanat.audit.selectors import audit_events_visible_to
from amanat.audit.services import known_verbs, verb_label
from amanat.audit.templatetags.audit import object_type_label
from amanat.core.lists import ScopedListView


def _platform_content_types() -> list[tuple[str, str]]:
    labels = {cfg.label for cfg in apps.get_app_configs() if cfg.name.startswith("amanat.")}
    types = ContentType.objects.filter(app_label__in=labels)
    return sorted(((str(ct.pk), object_type_label(ct)) for ct in types), key=lambda pair: pair[1])


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    verb = django_filters.CharFilter(label=_("Action"), method="filter_verb")
    actor = django_filters.CharFilter(label=_("Who"), method="filter_actor")
    object_type = django_filters.ChoiceFilter(label=_("Object type"), field_name="target_type_id", choices=())
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="filter_to", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["object_type"].extra["choices"] = _platform_content_types()
        form = self.form
        for name, field in form.fields.items():
            css = "form-select form-select-sm" if name == "object_type" else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        form.fields["verb"].widget.attrs["list"] = "audit-verbs"

    def clean_text(self, value: str) -> str:
        return (value or "").strip()[:200]

    def filter_search(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        value = self.clean_text(value)
        if not value:
            return queryset
        q = Q(actor_label__icontains=value) | Q(target_repr__icontains=value) | Q(verb__icontains=value)
        if value.isdigit():
            q |= Q(target_id=value)
        return queryset.filter(q)

    def filter_verb(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        """A full verb ("accounts.role_granted") or an app ("accounts") for all of its verbs."""
        value = self.clean_text(value)
        if not value:
            return queryset
        labels = {str(label).lower(): code for code, label in known_verbs().items()}
        value = labels.get(value.lower(), value)
        if "." in value:
            return queryset.filter(verb=value)
        return queryset.filter(verb__startswith=f"{value}.")

    def filter_actor(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        value = self.clean_text(value)
        if not value:
            return queryset
        return queryset.filter(Q(actor_label__icontains=value) | Q(actor__email__iexact=value))

    def filter_from(self, queryset: models.QuerySet, name: str, value: dt.date) -> models.QuerySet:
        return queryset.filter(at__gte=_day_start(value))

    def filter_to(self, queryset: models.QuerySet, name: str, value: dt.date) -> models.QuerySet:
        return queryset.filter(at__lt=_day_start(value + dt.timedelta(days=1)))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


class AuditLogView(ScopedListView):
    """For holders of accounts.view_audit: what happened in their units, who did it, and when."""

    model = AuditEvent
    action = AccountsAction.VIEW_AUDIT
    filterset_class = AuditEventFilter
    template_name = "audit/log.html"
    context_object_name = "events"
    export_filename = "audit-log"
    export_columns = (
        (_("Time"), "at"),
        (_("Who"), "actor_label"),
        (_("Action"), lambda e: str(verb_label(e.verb))),
        (_("Action code"), "verb"),
        (_("Object type"), lambda e: object_type_label(e.target_type)),
        (_("Object"), "target_repr"),
        (_("Object id"), "target_id"),
        (_("Org unit"), "org_unit"),
        (_("Changes"), lambda e: _json(e.changes)),
        (_("Details"), lambda e: _json(e.data)),
        (_("IP address"), "ip"),
    )

    def get_queryset(self) -> models.QuerySet:
        # Not visible_to() alone: events without an org unit are added for system admins.
        queryset = audit_events_visible_to(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound else queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["verb_choices"] = sorted((str(label), code) for code, label in known_verbs().items())
        return context
