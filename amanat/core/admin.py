"""Admin for the core reference data: calendar overrides and the site settings (one row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays
from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amanat.core.calendar import forget_overrides
from amanat.core.models import CalendarOverride, SiteSettings


def _site_header() -> str:
    site = SiteSettings.load()
    return gettext("%(party)s — administration") % {"party": site.party_name}


def _site_title() -> str:
    return str(SiteSettings.load().party_name)


# The party's name is a setting: the admin reads it on every page instead of naming it in code.
admin.site.site_header = lazy(_site_header, str)()
admin.site.site_title = lazy(_site_title, str)()
admin.site.index_title = _("Reference data and settings")


def is_working_day_by_law(day: dt.date) -> bool:
    """Whether the day is a working day by the `holidays` package alone, before any override."""
    return day.weekday() < 5 and day not in holidays.country_holidays("KZ", years=day.year, observed=True)


class CalendarOverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "kind", "basis_kk", "basis_ru", "basis_en"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day, kind = cleaned.get("date"), cleaned.get("kind")
        if day is None or not kind:
            return cleaned
        working = is_working_day_by_law(day)
        # An override that changes nothing would hide a typo in the date.
        if kind == CalendarOverride.Kind.DAY_OFF and not working:
            self.add_error(
                "date",
                _("%(day)s is already a day off (a weekend or a public holiday); check the date.")
                % {"day": day.strftime("%d.%m.%Y")},
            )
        elif kind == CalendarOverride.Kind.WORKING_DAY and working:
            self.add_error(
                "date",
                _("%(day)s is already a working day; an extra working day must fall on a weekend or a holiday.")
                % {"day": day.strftime("%d.%m.%Y")},
            )
        return cleaned


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideForm
    list_display = ["date", "weekday", "kind", "basis_ru"]
    list_filter = ["kind", YearListFilter]
    search_fields = ["basis_kk", "basis_ru", "basis_en"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarOverride) -> str:
        from django.utils.formats import date_format

        return date_format(obj.date, "l")

    # The calendar caches the table; a change must count from the next request on.
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        forget_overrides()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        forget_overrides()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        forget_overrides()


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row only: no adding a second, no deleting the one."""

    fieldsets = [
        (_("Party"), {"fields": ["party_name_kk", "party_name_ru", "party_name_en", "logo"]}),
        (_("Branch"), {"fields": ["branch_name_kk", "branch_name_ru", "branch_name_en"]}),
        (
            _("Contacts"),
            {"fields": ["address_kk", "address_ru", "address_en", "phone", "email"]},
        ),
        (_("About the branch (public home page)"), {"fields": ["about_kk", "about_ru", "about_en"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # A list of one row is a detour: go straight to the settings.
        settings_row = SiteSettings.load()
        return HttpResponseRedirect(reverse("admin:core_sitesettings_change", args=[settings_row.pk]))
