"""Staff pages of the structure: territories and org units here; maslikhats, factions and
deputies in structure_deputies.py; state bodies and officials in structure_bodies.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from amanat.core.lists import ScopedListView
from amanat.core.permissions import has_action
from amanat.org.filtersets.structure import OrgUnitFilterSet, TerritoryFilterSet
from amanat.org.forms.structure import DeactivateForm, OrgUnitForm, TerritoryForm
from amanat.org.models import ALLOWED_CHILDREN, OrgUnit, Territory
from amanat.org.permissions import OrgAction
from amanat.org.selectors import structure as sel
from amanat.org.services import structure as services
from amanat.org.views import structure_bodies, structure_deputies
from amanat.org.views.structure_common import apply_service, render_form

# --- territories -----------------------------------------------------------------------------


class TerritoryListView(ScopedListView):
    model = Territory
    action = OrgAction.VIEW_UNIT
    filterset_class = TerritoryFilterSet
    template_name = "org/structure/territory_list.html"
    export_filename = "territories"
    export_columns = (
        (gettext_lazy("KATO code"), "kato"),
        (gettext_lazy("Kind"), "kind"),
        (gettext_lazy("Name (kk)"), "name_kk"),
        (gettext_lazy("Name (ru)"), "name_ru"),
        (gettext_lazy("Name (en)"), "name_en"),
        (gettext_lazy("Inside (KATO code)"), "parent_kato"),
        (gettext_lazy("Administrative centre"), "is_centre"),
        (gettext_lazy("Classifier version"), "kato_version"),
    )

    def base_queryset(self) -> Any:
        return sel.territory_list(actor=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = sel.can_change_territories(self.request.user)
        return context


@login_required
def territory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    territory = sel.territory_get(actor=request.user, pk=pk)
    units = sel.unit_list(actor=request.user).filter(territory=territory)
    context = {
        "territory": territory,
        "breadcrumbs": sel.ancestors(Territory, territory),
        "children": sel.territory_children(territory),
        "units": units,
        "can_change": sel.can_change_territories(request.user),
        "child_kinds": services.TERRITORY_CHILDREN.get(territory.kind, ()),
    }
    return render(request, "org/structure/territory_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def territory_create(request: HttpRequest) -> HttpResponse:
    if not sel.can_change_territories(request.user):
        raise Http404
    parent = None
    raw_parent = request.GET.get("parent", "")
    if raw_parent:
        parent = sel.territory_get(actor=request.user, pk=raw_parent)
    form = TerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        territory = apply_service(
            form, lambda: services.territory_create(actor=request.user, parent=parent, **form.changes())
        )
        if territory is not None:
            messages.success(request, _("Territory %(name)s added.") % {"name": territory})
            return redirect("org:territory-detail", pk=territory.pk)
    title = _("New territory in %(parent)s") % {"parent": parent} if parent else _("New region")
    cancel = reverse("org:territory-detail", args=[parent.pk]) if parent else reverse("org:territory-list")
    return render_form(request, {"form": form, "title": title, "cancel_url": cancel})


@login_required
@require_http_methods(["GET", "POST"])
def territory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    territory = sel.territory_get(actor=request.user, pk=pk)
    if not sel.can_change_territories(request.user):
        raise Http404
    form = TerritoryForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form, lambda: services.territory_update(actor=request.user, territory=territory, changes=form.changes())
        )
        if done is not None:
            messages.success(request, _("Territory saved."))
            return redirect("org:territory-detail", pk=territory.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": territory},
            "cancel_url": reverse("org:territory-detail", args=[territory.pk]),
            "history_object": territory,
        },
    )


# --- org units -------------------------------------------------------------------------------


def _unit_path_names(unit: OrgUnit) -> str:
    return str(unit.territory) if unit.territory_id else ""


class UnitTreeView(ScopedListView):
    """The structure as a collapsible tree (a page of units in tree order, nested)."""

    model = OrgUnit
    action = OrgAction.VIEW_UNIT
    filterset_class = OrgUnitFilterSet
    template_name = "org/structure/unit_tree.html"
    paginate_by = 200
    export_filename = "org-units"
    export_columns = (
        (gettext_lazy("Code"), "code"),
        (gettext_lazy("Kind"), "kind"),
        (gettext_lazy("Name (kk)"), "name_kk"),
        (gettext_lazy("Name (ru)"), "name_ru"),
        (gettext_lazy("Name (en)"), "name_en"),
        (gettext_lazy("Level"), "depth"),
        (gettext_lazy("Territory"), _unit_path_names),
        (gettext_lazy("Address"), "address"),
        (gettext_lazy("Phone"), "phone"),
        (gettext_lazy("E-mail"), "email"),
        (gettext_lazy("Hosts a public reception"), "hosts_reception"),
        (gettext_lazy("Active members"), "active_members"),
        (gettext_lazy("Active"), "is_active"),
    )

    def base_queryset(self) -> Any:
        return sel.unit_list(actor=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["nodes"] = sel.build_tree(context["object_list"], key=sel.unit_sort_key)
        context["filtered"] = bool(self.filterset is not None and self.filterset.is_bound)
        return context


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.unit_get(actor=request.user, pk=pk)
    can_change = has_action(request.user, OrgAction.CHANGE_UNIT, unit)
    totals = sel.active_members_by_subtree(unit=unit)
    children = list(sel.unit_children(actor=request.user, unit=unit))
    for child in children:
        child.total_members = totals.get(child.path, 0)
    context = {
        "unit": unit,
        "total_members": totals.get(unit.path, 0),
        "breadcrumbs": sel.unit_breadcrumbs(actor=request.user, unit=unit),
        "children": children,
        "positions": sel.unit_positions(actor=request.user, unit=unit),
        "may_see_positions": has_action(request.user, OrgAction.VIEW_POSITION, unit),
        "maslikhats": sel.unit_maslikhats(actor=request.user, unit=unit),
        "may_see_maslikhats": has_action(request.user, OrgAction.VIEW_DEPUTY, unit),
        "can_change": can_change,
        "can_add_child": can_change and unit.is_active and bool(ALLOWED_CHILDREN.get(unit.kind)),
    }
    return render(request, "org/structure/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = sel.unit_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_UNIT)
    if not ALLOWED_CHILDREN.get(parent.kind):
        messages.error(request, _("Nothing can be placed under “%(unit)s”.") % {"unit": parent})
        return redirect("org:unit-detail", pk=parent.pk)
    form = OrgUnitForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        unit = apply_service(
            form, lambda: services.org_unit_create(actor=request.user, parent=parent, **form.changes())
        )
        if unit is not None:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit})
            return redirect("org:unit-detail", pk=unit.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("New unit under %(parent)s") % {"parent": parent},
            "cancel_url": reverse("org:unit-detail", args=[parent.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.unit_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_UNIT)
    form = OrgUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form, lambda: services.org_unit_update(actor=request.user, unit=unit, changes=form.changes())
        )
        if done is not None:
            messages.success(request, _("Unit saved."))
            return redirect("org:unit-detail", pk=unit.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": unit},
            "cancel_url": reverse("org:unit-detail", args=[unit.pk]),
            "history_object": unit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.unit_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_UNIT)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: services.org_unit_deactivate(actor=request.user, unit=unit, reason=form.cleaned_data["reason"]),
        )
        if done is not None:
            messages.success(request, _("Unit %(name)s deactivated.") % {"name": unit})
            return redirect("org:unit-detail", pk=unit.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Deactivate %(name)s") % {"name": unit},
            "intro": _(
                "A deactivated unit stays in the records but takes no new members or units. "
                "Units under it must be deactivated and its members transferred first."
            ),
            "submit_label": _("Deactivate"),
            "submit_class": "btn-danger",
            "cancel_url": reverse("org:unit-detail", args=[unit.pk]),
        },
    )


@login_required
@require_POST
def unit_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.unit_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_UNIT)
    try:
        services.org_unit_reactivate(actor=request.user, unit=unit)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Unit %(name)s is active again.") % {"name": unit})
    return redirect("org:unit-detail", pk=unit.pk)


urlpatterns = [
    path("territories/", TerritoryListView.as_view(), name="territory-list"),
    path("territories/new/", territory_create, name="territory-create"),
    path("territories/<int:pk>/", territory_detail, name="territory-detail"),
    path("territories/<int:pk>/edit/", territory_edit, name="territory-edit"),
    path("units/", UnitTreeView.as_view(), name="unit-tree"),
    path("units/<int:pk>/", unit_detail, name="unit-detail"),
    path("units/<int:pk>/new/", unit_create, name="unit-create"),
    path("units/<int:pk>/edit/", unit_edit, name="unit-edit"),
    path("units/<int:pk>/deactivate/", unit_deactivate, name="unit-deactivate"),
    path("units/<int:pk>/reactivate/", unit_reactivate, name="unit-reactivate"),
    *structure_deputies.urlpatterns,
    *structure_bodies.urlpatterns,
]
