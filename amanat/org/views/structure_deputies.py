"""Staff pages for maslikhats, their party factions and deputies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from amanat.core.lists import ScopedListView
from amanat.core.permissions import has_action
from amanat.org.choices import FactionRole
from amanat.org.filtersets.structure import DeputyFilterSet, MaslikhatFilterSet
from amanat.org.forms.structure import DeputyForm, FactionForm, MaslikhatForm
from amanat.org.models import Deputy, Maslikhat
from amanat.org.permissions import OrgAction
from amanat.org.selectors import structure as sel
from amanat.org.services import structure as services
from amanat.org.views.structure_common import (
    apply_service,
    need,
    person_context,
    person_search_partial,
    render_form,
    wants_person_search,
)

LEADER_ROLES = (FactionRole.LEADER, FactionRole.DEPUTY_LEADER)


class MaslikhatListView(ScopedListView):
    model = Maslikhat
    action = OrgAction.VIEW_DEPUTY
    filterset_class = MaslikhatFilterSet
    template_name = "org/structure/maslikhat_list.html"
    export_filename = "maslikhats"
    export_columns = (
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Level"), "level"),
        (gettext_lazy("Territory"), "territory"),
        (gettext_lazy("Convocation"), "convocation"),
        (gettext_lazy("Elected on"), "elected_on"),
        (gettext_lazy("Seats"), "seats"),
        (gettext_lazy("Sitting deputies"), "deputies_count"),
        (gettext_lazy("Party branch"), "org_unit"),
    )

    def base_queryset(self) -> Any:
        return sel.maslikhat_list(actor=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = has_action(self.request.user, OrgAction.CHANGE_DEPUTY)
        return context


def _person_url(user: Any, deputy: Deputy) -> str:
    """A link to the deputy's person page, for those who may open it."""
    if not has_action(user, OrgAction.VIEW_PERSON, deputy.person.org_unit):
        return ""
    try:
        return reverse("org:person-detail", args=[deputy.person_id])
    except NoReverseMatch:
        return ""


@login_required
def maslikhat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    maslikhat = sel.maslikhat_get(actor=request.user, pk=pk)
    deputies = list(sel.maslikhat_deputies(maslikhat).select_related("person__org_unit"))
    for deputy in deputies:
        deputy.sitting = sel.is_sitting(deputy)
        deputy.person_url = _person_url(request.user, deputy)
    faction = sel.maslikhat_faction(maslikhat)
    context = {
        "maslikhat": maslikhat,
        "faction": faction,
        "deputies": deputies,
        "leaders": [d for d in deputies if d.faction_id and d.faction_role in LEADER_ROLES],
        "faction_size": sum(1 for d in deputies if d.faction_id and d.sitting),
        "can_change": has_action(request.user, OrgAction.CHANGE_DEPUTY, maslikhat.org_unit),
    }
    return render(request, "org/structure/maslikhat_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def maslikhat_create(request: HttpRequest) -> HttpResponse:
    need(request.user, OrgAction.CHANGE_DEPUTY)
    form = MaslikhatForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        unit = data.pop("org_unit")
        maslikhat = apply_service(form, lambda: services.maslikhat_create(actor=request.user, org_unit=unit, **data))
        if maslikhat is not None:
            messages.success(request, _("Maslikhat %(name)s added.") % {"name": maslikhat})
            return redirect("org:maslikhat-detail", pk=maslikhat.pk)
    return render_form(
        request, {"form": form, "title": _("New maslikhat"), "cancel_url": reverse("org:maslikhat-list")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def maslikhat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    maslikhat = sel.maslikhat_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_DEPUTY)
    form = MaslikhatForm(request.POST or None, instance=maslikhat, actor=request.user)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: services.maslikhat_update(actor=request.user, maslikhat=maslikhat, changes=form.changes()),
        )
        if done is not None:
            messages.success(request, _("Maslikhat saved."))
            return redirect("org:maslikhat-detail", pk=maslikhat.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": maslikhat},
            "cancel_url": reverse("org:maslikhat-detail", args=[maslikhat.pk]),
            "history_object": maslikhat,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def faction_create(request: HttpRequest, pk: int) -> HttpResponse:
    maslikhat = sel.maslikhat_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_DEPUTY)
    existing = sel.maslikhat_faction(maslikhat)
    if existing is not None:
        return redirect("org:faction-edit", pk=existing.pk)
    form = FactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        faction = apply_service(
            form, lambda: services.faction_create(actor=request.user, maslikhat=maslikhat, **form.changes())
        )
        if faction is not None:
            messages.success(request, _("Faction %(name)s formed.") % {"name": faction})
            return redirect("org:maslikhat-detail", pk=maslikhat.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Party faction in %(maslikhat)s") % {"maslikhat": maslikhat},
            "cancel_url": reverse("org:maslikhat-detail", args=[maslikhat.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def faction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    faction = sel.faction_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_DEPUTY)
    form = FactionForm(request.POST or None, instance=faction)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form, lambda: services.faction_update(actor=request.user, faction=faction, changes=form.changes())
        )
        if done is not None:
            messages.success(request, _("Faction saved."))
            return redirect("org:maslikhat-detail", pk=faction.maslikhat_id)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": faction},
            "cancel_url": reverse("org:maslikhat-detail", args=[faction.maslikhat_id]),
            "history_object": faction,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deputy_create(request: HttpRequest, pk: int) -> HttpResponse:
    maslikhat = sel.maslikhat_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_DEPUTY)
    partial = person_search_partial(request)
    if partial is not None:
        return partial
    form = DeputyForm(request.POST or None, actor=request.user, maslikhat=maslikhat)
    if wants_person_search(request):
        form.without_errors()
    elif request.method == "POST" and form.is_valid():
        data = form.changes()
        new_person = form.new_person()

        def add() -> Deputy:
            if new_person is None:
                return services.deputy_create(
                    actor=request.user, maslikhat=maslikhat, person=form.cleaned_data["person"], **data
                )
            return services.deputy_create_with_person(
                actor=request.user,
                maslikhat=maslikhat,
                person_fields=new_person,
                iin=form.cleaned_data.get("new_iin", ""),
                **data,
            )

        deputy = apply_service(form, add, rename=form.PERSON_ERRORS)
        if deputy is not None:
            messages.success(request, _("Deputy %(name)s added.") % {"name": deputy})
            return redirect("org:maslikhat-detail", pk=maslikhat.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("New deputy of %(maslikhat)s") % {"maslikhat": maslikhat},
            "cancel_url": reverse("org:maslikhat-detail", args=[maslikhat.pk]),
            **person_context(request, form),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deputy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = sel.deputy_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_DEPUTY)
    form = DeputyForm(request.POST or None, instance=deputy, actor=request.user, maslikhat=deputy.maslikhat)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form, lambda: services.deputy_update(actor=request.user, deputy=deputy, changes=form.changes())
        )
        if done is not None:
            messages.success(request, _("Deputy saved."))
            return redirect("org:maslikhat-detail", pk=deputy.maslikhat_id)
    return render_form(
        request,
        {
            "form": form,
            "title": _("%(name)s, deputy of %(maslikhat)s") % {"name": deputy.person, "maslikhat": deputy.maslikhat},
            "cancel_url": reverse("org:maslikhat-detail", args=[deputy.maslikhat_id]),
            "history_object": deputy,
        },
    )


def _sitting_text(deputy: Deputy) -> bool:
    return sel.is_sitting(deputy)


class DeputyListView(ScopedListView):
    model = Deputy
    action = OrgAction.VIEW_DEPUTY
    filterset_class = DeputyFilterSet
    template_name = "org/structure/deputy_list.html"
    export_filename = "deputies"
    export_columns = (
        (gettext_lazy("Full name"), "person.full_name"),
        (gettext_lazy("Maslikhat"), "maslikhat"),
        (gettext_lazy("Constituency No."), "constituency_number"),
        (gettext_lazy("Constituency"), "constituency_name"),
        (gettext_lazy("Term from"), "term_start"),
        (gettext_lazy("Term to"), "term_end"),
        (gettext_lazy("Faction"), "faction"),
        (gettext_lazy("Role in faction"), "faction_role"),
        (gettext_lazy("Sitting now"), _sitting_text),
    )

    def base_queryset(self) -> Any:
        return sel.deputy_list(actor=self.request.user)


urlpatterns = [
    path("maslikhats/", MaslikhatListView.as_view(), name="maslikhat-list"),
    path("maslikhats/new/", maslikhat_create, name="maslikhat-create"),
    path("maslikhats/<int:pk>/", maslikhat_detail, name="maslikhat-detail"),
    path("maslikhats/<int:pk>/edit/", maslikhat_edit, name="maslikhat-edit"),
    path("maslikhats/<int:pk>/faction/", faction_create, name="faction-create"),
    path("maslikhats/<int:pk>/deputies/new/", deputy_create, name="deputy-create"),
    path("factions/<int:pk>/edit/", faction_edit, name="faction-edit"),
    path("deputies/", DeputyListView.as_view(), name="deputy-list"),
    path("deputies/<int:pk>/edit/", deputy_edit, name="deputy-edit"),
]
