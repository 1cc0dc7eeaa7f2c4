"""Programmes and their versions.

Staff pages under /manage/programme/: the list of programmes, a programme's versions, the form
that records a new version (a party decision revised the programme), and the comparison of two
versions or of a version with the programme today. Public page under /programme/versions/<id>/:
a published programme's versions and what each changed, with officials by post only.

Moving a deadline or lowering a target is how a failure gets hidden, so the comparison flags
both; every version stays readable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from amanat.core.exports import Column
from amanat.core.forms import add_service_errors
from amanat.core.i18n import current_language
from amanat.core.lists import ScopedListView
from amanat.core.permissions import get_visible_or_404, has_action
from amanat.org.forms.people import DateInput, style_form
from amanat.programme.choices import BudgetSource, Direction, ItemKind
from amanat.programme.models import Indicator, Item, Programme, ProgrammeVersion
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services import versions as services

FLAG_LABELS = {
    services.FLAG_DEADLINE_LATER: gettext_lazy("Deadline moved later"),
    services.FLAG_DEADLINE_EARLIER: gettext_lazy("Deadline moved earlier"),
    services.FLAG_TARGET_WEAKER: gettext_lazy("Target lowered"),
    services.FLAG_TARGET_STRONGER: gettext_lazy("Target raised"),
    services.FLAG_BUDGET_CUT: gettext_lazy("Budget cut"),
}
FLAG_CSS = {
    services.FLAG_DEADLINE_LATER: "text-bg-warning",
    services.FLAG_TARGET_WEAKER: "text-bg-danger",
    services.FLAG_BUDGET_CUT: "text-bg-warning",
}
CHANGE_LABELS = {
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "changed": gettext_lazy("Changed"),
}
CHOICES = {"kind": ItemKind, "direction": Direction, "budget_source": BudgetSource}


# --- making changes readable -------------------------------------------------------------------


def field_label(name: str, *, indicator: bool = False) -> str:
    if name == "parent":
        return _("Parent item")
    model = Indicator if indicator else Item
    return str(model._meta.get_field(name).verbose_name)


def _pick(record: dict[str, Any], base: str) -> str:
    for code in (current_language(), "kk", "ru", "en"):
        if record.get(f"{base}_{code}"):
            return str(record[f"{base}_{code}"])
    return ""


def show_value(name: str, value: Any, *, public: bool = False) -> str:
    """A snapshot value as a person reads it, in the current language."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        if name == "parent":
            return str(value.get("code") or "—")
        if name == "org_unit":
            return str(value.get("name") or value.get("code") or "")
        if name == "responsible_official":
            post = _pick(value, "title")
            person = value.get("person")
            return f"{post} — {person}" if person and not public else post
        return _pick(value, "name") or str(value.get("id", ""))
    if name in CHOICES:
        try:
            return str(CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in ("planned_start", "planned_end"):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if name in services.DECIMAL_FIELDS:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
        return formats.number_format(number, force_grouping=name == "budget_planned")
    return str(value)


def _fields(rows: list[dict[str, Any]], *, indicator: bool, public: bool) -> list[dict[str, Any]]:
    return [
        {
            "label": field_label(row["field"], indicator=indicator),
            "before": show_value(row["field"], row["before"], public=public),
            "after": show_value(row["field"], row["after"], public=public),
            "key": row["key"],
        }
        for row in rows
    ]


def _flags(flags: list[str]) -> list[dict[str, str]]:
    return [{"label": str(FLAG_LABELS[f]), "css": FLAG_CSS.get(f, "text-bg-info")} for f in flags]


def present(changes: list[dict[str, Any]], *, public: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Changes grouped as the page shows them: added, removed, changed; labels and values read."""
    groups: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": []}
    for change in changes:
        item = change["item"]
        groups[change["change"]].append(
            {
                "id": item["id"],
                "code": item.get("code", ""),
                "title": _pick(item, "title"),
                "fields": _fields(change["fields"], indicator=False, public=public),
                "flags": _flags(change["flags"]),
                "indicators": [
                    {
                        "change": str(CHANGE_LABELS[row["change"]]),
                        "kind": row["change"],
                        "name": _pick(row["indicator"], "name"),
                        "unit": row["indicator"].get("unit", ""),
                        "fields": _fields(row["fields"], indicator=True, public=public),
                        "flags": _flags(row["flags"]),
                    }
                    for row in change["indicators"]
                ],
            }
        )
    return groups


# --- the programmes list ---------------------------------------------------------------------


def _count(model: Any, **filters: Any) -> Coalesce:
    rows = (
        model.objects.filter(programme=OuterRef("pk"), **filters)
        .order_by()
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


EXPORT_COLUMNS: list[Column] = [
    (gettext_lazy("Code"), "code"),
    (gettext_lazy("Title"), lambda programme: programme.title),
    (gettext_lazy("From year"), "first_year"),
    (gettext_lazy("To year"), "last_year"),
    (gettext_lazy("Version in force"), "version"),
    (gettext_lazy("Published"), lambda programme: _("yes") if programme.is_published else _("no")),
    (gettext_lazy("Items"), "item_count"),
    (gettext_lazy("Road-map items"), "roadmap_count"),
    (gettext_lazy("Versions recorded"), "version_count"),
]


class ProgrammeListView(ScopedListView):
    """The programmes of the user's branches, with their version in force and item counts."""

    model = Programme
    action = ProgrammeAction.VIEW
    template_name = "programme/versions/programme_list.html"
    export_columns = EXPORT_COLUMNS
    export_filename = "programmes"

    def base_queryset(self) -> QuerySet[Programme]:
        return (
            Programme.objects.select_related("org_unit")
            .annotate(
                item_count=_count(Item),
                roadmap_count=_count(Item, kind=ItemKind.ROADMAP),
                version_count=_count(ProgrammeVersion),
            )
            .order_by("-first_year", "code")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rows"] = [
            {"programme": p, "may_manage": has_action(user, ProgrammeAction.MANAGE, p.org_unit)}
            for p in context["object_list"]
        ]
        return context


# --- a programme's versions ------------------------------------------------------------------


def _programme(request: HttpRequest, pk: int, action: str = ProgrammeAction.VIEW) -> Programme:
    return get_visible_or_404(Programme.objects.select_related("org_unit"), request.user, action, pk=pk)


def _versions(programme: Programme) -> list[ProgrammeVersion]:
    """The programme's versions, newest first, each with `changes` against the one before."""
    versions = list(
        ProgrammeVersion.objects.filter(programme=programme).select_related("created_by").order_by("number")
    )
    previous = None
    for version in versions:
        version.changes = services.compare(previous.snapshot if previous else None, version.snapshot)
        version.summary = services.summary(version.changes)
        version.item_count = len(version.snapshot.get("items", []))
        version.previous_number = previous.number if previous else None
        previous = version
    return versions[::-1]


def _public_url(programme: Programme) -> str:
    if not programme.is_published:
        return ""
    try:
        return reverse("programme:tracker-versions", args=[programme.pk])
    except NoReverseMatch:  # the public page is not wired into the URLs
        return ""


@login_required
@require_GET
def version_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    versions = _versions(programme)
    pending = None
    if versions:
        pending = services.summary(services.compare(versions[0].snapshot, services.snapshot_of(programme)))
    context = {
        "programme": programme,
        "versions": versions,
        "pending": pending,
        "public_url": _public_url(programme),
        "may_manage": has_action(request.user, ProgrammeAction.MANAGE, programme.org_unit),
    }
    return render(request, "programme/versions/version_list.html", context)


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(label=ProgrammeVersion._meta.get_field("adopted_on").verbose_name, widget=DateInput())
    basis = forms.CharField(
        label=ProgrammeVersion._meta.get_field("basis").verbose_name,
        help_text=ProgrammeVersion._meta.get_field("basis").help_text,
        max_length=500,
    )
    note_kk = forms.CharField(
        label=ProgrammeVersion._meta.get_field("note_kk").verbose_name,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_ru = forms.CharField(
        label=ProgrammeVersion._meta.get_field("note_ru").verbose_name,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note_en = forms.CharField(
        label=ProgrammeVersion._meta.get_field("note_en").verbose_name,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


@login_required
def version_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, ProgrammeAction.MANAGE)
    form = AdoptForm(request.POST or None, initial={"adopted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_adopt(actor=request.user, programme=programme, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(number)s of %(programme)s was recorded.")
                % {"number": version.number, "programme": programme},
            )
            return redirect("programme:programme-versions", programme.pk)
    last = services.last_version(programme)
    current = services.snapshot_of(programme)
    changes = services.compare(last.snapshot, current) if last else []
    context = {
        "form": form,
        "programme": programme,
        "title": _("Record a new version of %(programme)s") % {"programme": programme},
        "cancel_url": reverse("programme:programme-versions", args=[programme.pk]),
        "last": last,
        "next_number": last.number + 1 if last else 1,
        "item_count": len(current["items"]),
        "summary": services.summary(changes),
        "groups": present(changes),
    }
    return render(request, "programme/versions/adopt.html", context)


CURRENT = "current"


@login_required
@require_GET
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """?from=<number>&to=<number or "current">: what changed from one to the other."""
    programme = _programme(request, pk)
    old_raw, new_raw = request.GET.get("from", ""), request.GET.get("to", CURRENT)
    if not old_raw.isdigit() or not (new_raw == CURRENT or new_raw.isdigit()):
        raise Http404
    versions = ProgrammeVersion.objects.filter(programme=programme)
    old = versions.filter(number=int(old_raw)).first() if int(old_raw) < 2**15 else None
    if old is None:
        raise Http404
    if new_raw == CURRENT:
        new, new_snapshot = None, services.snapshot_of(programme)
    else:
        new = versions.filter(number=int(new_raw)).first() if int(new_raw) < 2**15 else None
        if new is None:
            raise Http404
        new_snapshot = new.snapshot
    changes = services.compare(old.snapshot, new_snapshot)
    context = {
        "programme": programme,
        "old": old,
        "new": new,
        "summary": services.summary(changes),
        "groups": present(changes),
        "may_manage": has_action(request.user, ProgrammeAction.MANAGE, programme.org_unit),
    }
    return render(request, "programme/versions/compare.html", context)


# --- the public page -------------------------------------------------------------------------


@require_GET
def public_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """A published programme's versions and what each changed (published items only, officials
    by post, no one's name; who recorded a version is not shown)."""
    programme = Programme.objects.filter(pk=pk, is_published=True).first() if pk < 2**31 else None
    if programme is None:
        raise Http404
    rows = []
    previous = None
    for version in ProgrammeVersion.objects.filter(programme=programme).order_by("number"):
        snapshot = services.public_snapshot(version.snapshot)
        changes = services.compare(previous, snapshot) if previous is not None else []
        rows.append(
            {
                "version": version,
                "is_first": previous is None,
                "item_count": len(snapshot["items"]),
                "summary": services.summary(changes),
                "groups": present(changes, public=True),
            }
        )
        previous = snapshot
    return render(request, "programme/versions/public.html", {"programme": programme, "rows": rows[::-1]})


urlpatterns = [
    path("programmes/", ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<int:pk>/versions/", version_list, name="programme-versions"),
    path("programmes/<int:pk>/versions/new/", version_adopt, name="version-adopt"),
    path("programmes/<int:pk>/compare/", version_compare, name="version-compare"),
]

public_urlpatterns = [
    path("versions/<int:pk>/", public_versions, name="tracker-versions"),
]
