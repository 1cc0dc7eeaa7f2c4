"""Staff pages for state bodies (akimats, departments, akims' offices) and their officials."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from amanat.core.lists import ScopedListView
from amanat.core.permissions import has_action
from amanat.org.choices import StateBodyKind
from amanat.org.filtersets.structure import OfficialFilterSet, StateBodyFilterSet
from amanat.org.forms.structure import OfficialEndForm, OfficialForm, StateBodyForm
from amanat.org.models import Official, StateBody
from amanat.org.permissions import OrgAction
from amanat.org.selectors import structure as sel
from amanat.org.services import structure as services
from amanat.org.services.structure_bodies import BODY_CHILDREN, BODY_ROOT_KINDS
from amanat.org.views.structure_common import (
    apply_service,
    need,
    person_context,
    person_search_partial,
    render_form,
    wants_person_search,
)


class StateBodyListView(ScopedListView):
    model = StateBody
    action = OrgAction.VIEW_STATE_BODY
    filterset_class = StateBodyFilterSet
    template_name = "org/structure/statebody_list.html"
    paginate_by = 100
    export_filename = "state-bodies"
    export_columns = (
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Short name"), "short_name"),
        (gettext_lazy("Kind"), "kind"),
        (gettext_lazy("Level"), "depth"),
        (gettext_lazy("Territory"), "territory"),
        (gettext_lazy("BIN"), "bin"),
        (gettext_lazy("Address"), "address"),
        (gettext_lazy("Phone"), "phone"),
        (gettext_lazy("E-mail"), "email"),
        (gettext_lazy("Active"), "is_active"),
    )

    def base_queryset(self) -> Any:
        return sel.statebody_list(actor=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = has_action(self.request.user, OrgAction.CHANGE_STATE_BODY)
        return context


@login_required
def statebody_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = sel.statebody_get(actor=request.user, pk=pk)
    current, past = sel.statebody_officials(body)
    context = {
        "body": body,
        "breadcrumbs": sel.ancestors(StateBody, body),
        "children": sel.statebody_children(body),
        "current": current,
        "past": past,
        "can_change": has_action(request.user, OrgAction.CHANGE_STATE_BODY),
        "can_add_child": body.is_active and bool(BODY_CHILDREN.get(body.kind)),
    }
    return render(request, "org/structure/statebody_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def statebody_create(request: HttpRequest) -> HttpResponse:
    need(request.user, OrgAction.CHANGE_STATE_BODY)
    parent = None
    if request.GET.get("parent"):
        parent = sel.statebody_get(actor=request.user, pk=request.GET["parent"])
    kinds = BODY_CHILDREN.get(parent.kind, ()) if parent else BODY_ROOT_KINDS
    if not kinds:
        messages.error(request, _("Nothing can be placed under “%(body)s”.") % {"body": parent})
        return redirect("org:statebody-detail", pk=parent.pk)
    form = StateBodyForm(request.POST or None, parent=parent, allowed_kinds=[StateBodyKind(k) for k in kinds])
    if request.method == "POST" and form.is_valid():
        body = apply_service(
            form, lambda: services.statebody_create(actor=request.user, parent=parent, **form.changes())
        )
        if body is not None:
            messages.success(request, _("State body %(name)s added.") % {"name": body})
            return redirect("org:statebody-detail", pk=body.pk)
    title = _("New body under %(parent)s") % {"parent": parent} if parent else _("New state body")
    cancel = reverse("org:statebody-detail", args=[parent.pk]) if parent else reverse("org:statebody-list")
    return render_form(request, {"form": form, "title": title, "cancel_url": cancel})


@login_required
@require_http_methods(["GET", "POST"])
def statebody_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = sel.statebody_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_STATE_BODY)
    form = StateBodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form, lambda: services.statebody_update(actor=request.user, body=body, changes=form.changes())
        )
        if done is not None:
            messages.success(request, _("State body saved."))
            return redirect("org:statebody-detail", pk=body.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": body},
            "cancel_url": reverse("org:statebody-detail", args=[body.pk]),
            "history_object": body,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def official_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = sel.statebody_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_STATE_BODY)
    partial = person_search_partial(request)
    if partial is not None:
        return partial
    form = OfficialForm(request.POST or None, actor=request.user)
    if wants_person_search(request):
        form.without_errors()
    elif request.method == "POST" and form.is_valid():
        data = form.changes()
        new_person = form.new_person()

        def appoint() -> Official:
            if new_person is None:
                return services.official_appoint(
                    actor=request.user, body=body, person=form.cleaned_data["person"], **data
                )
            return services.official_appoint_with_person(
                actor=request.user,
                body=body,
                keeping_unit=form.cleaned_data["keeping_unit"],
                person_fields=new_person,
                iin=form.cleaned_data.get("new_iin", ""),
                **data,
            )

        official = apply_service(form, appoint, rename=form.PERSON_ERRORS)
        if official is not None:
            messages.success(request, _("%(name)s appointed.") % {"name": official.person})
            return redirect("org:statebody-detail", pk=body.pk)
    return render_form(
        request,
        {
            "form": form,
            "title": _("Appoint an official to %(body)s") % {"body": body},
            "cancel_url": reverse("org:statebody-detail", args=[body.pk]),
            **person_context(request, form),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    official = sel.official_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_STATE_BODY)
    form = OfficialForm(request.POST or None, instance=official, actor=request.user)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form, lambda: services.official_update(actor=request.user, official=official, changes=form.changes())
        )
        if done is not None:
            messages.success(request, _("Official's post saved."))
            return redirect("org:statebody-detail", pk=official.body_id)
    return render_form(
        request,
        {
            "form": form,
            "title": _("%(name)s — %(body)s") % {"name": official.person, "body": official.body},
            "cancel_url": reverse("org:statebody-detail", args=[official.body_id]),
            "history_object": official,
            "end_form": OfficialEndForm() if official.ended_on is None else None,
            "end_url": reverse("org:official-end", args=[official.pk]),
        },
    )


@login_required
@require_POST
def official_end(request: HttpRequest, pk: int) -> HttpResponse:
    official = sel.official_get(actor=request.user, pk=pk, action=OrgAction.CHANGE_STATE_BODY)
    form = OfficialEndForm(request.POST)
    if form.is_valid():
        done = apply_service(
            form,
            lambda: services.official_end(
                actor=request.user, official=official, ended_on=form.cleaned_data["ended_on"]
            ),
        )
        if done is not None:
            messages.success(request, _("The term of %(name)s has ended.") % {"name": official.person})
            return redirect("org:statebody-detail", pk=official.body_id)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("org:official-edit", pk=official.pk)


def _current(official: Official) -> bool:
    return sel.is_current_official(official)


class OfficialListView(ScopedListView):
    model = Official
    action = OrgAction.VIEW_STATE_BODY
    filterset_class = OfficialFilterSet
    template_name = "org/structure/official_list.html"
    export_filename = "officials"
    export_columns = (
        (gettext_lazy("Full name"), "person.full_name"),
        (gettext_lazy("Post"), "title"),
        (gettext_lazy("State body"), "body"),
        (gettext_lazy("Territory"), "body.territory"),
        (gettext_lazy("Head of the body"), "is_head"),
        (gettext_lazy("From"), "started_on"),
        (gettext_lazy("To"), "ended_on"),
        (gettext_lazy("In office now"), _current),
    )

    def base_queryset(self) -> Any:
        return sel.official_list(actor=self.request.user)


urlpatterns = [
    path("state-bodies/", StateBodyListView.as_view(), name="statebody-list"),
    path("state-bodies/new/", statebody_create, name="statebody-create"),
    path("state-bodies/<int:pk>/", statebody_detail, name="statebody-detail"),
    path("state-bodies/<int:pk>/edit/", statebody_edit, name="statebody-edit"),
    path("state-bodies/<int:pk>/officials/new/", official_create, name="official-create"),
    path("officials/", OfficialListView.as_view(), name="official-list"),
    path("officials/<int:pk>/edit/", official_edit, name="official-edit"),
    path("officials/<int:pk>/end/", official_end, name="official-end"),
]
