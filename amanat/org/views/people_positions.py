"""Staff pages for positions in party bodies: the list, appointing a person, ending a term.

Their URLs are listed in `people.py` with the other people pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from amanat.core.lists import ScopedListView
from amanat.core.permissions import has_action, need
from amanat.org.filtersets.people import PersonFilterSet, PositionFilterSet
from amanat.org.forms.people import PositionEndForm, PositionForm
from amanat.org.models import Position
from amanat.org.permissions import OrgAction
from amanat.org.selectors import people as selectors
from amanat.org.services import people as services
from amanat.org.views.people_common import form_errors


class PositionListView(ScopedListView):
    model = Position
    action = OrgAction.VIEW_POSITION
    filterset_class = PositionFilterSet
    template_name = "org/people/position_list.html"
    context_object_name = "positions"
    export_columns = [
        (gettext_lazy("Unit"), "org_unit"),
        (gettext_lazy("Position"), "kind"),
        (gettext_lazy("Person"), "person"),
        (gettext_lazy("From"), "started_on"),
        (gettext_lazy("To"), "ended_on"),
        (gettext_lazy("Note"), "note"),
    ]
    export_filename = "positions"

    def base_queryset(self) -> QuerySet:
        return Position.objects.select_related("person", "org_unit").order_by("org_unit__path", "kind", "-started_on")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_appoint"] = has_action(self.request.user, OrgAction.CHANGE_POSITION)
        context["end_form"] = PositionEndForm()
        return context


@login_required
@require_http_methods(["GET", "POST"])
def position_create(request: HttpRequest) -> HttpResponse:
    """Appoint a person: first find them (?q=), then fill in the post and the term."""
    need(request.user, OrgAction.CHANGE_POSITION)
    person = None
    candidates: Any = []
    if request.GET.get("person"):
        person = selectors.person_get(actor=request.user, pk=request.GET["person"])
    elif request.GET.get("q"):
        found = PersonFilterSet({"q": request.GET["q"]}, queryset=selectors.person_list(actor=request.user))
        candidates = found.qs[:20] if found.is_valid() else []
    form = PositionForm(request.POST or None, user=request.user) if person else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.position_appoint(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The appointment has been recorded."))
            return redirect("org:person-detail", pk=person.pk)
    context = {"form": form, "person": person, "candidates": candidates, "q": request.GET.get("q", "")}
    return render(request, "org/people/position_form.html", context)


@login_required
@require_POST
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = selectors.position_get(actor=request.user, pk=pk)
    form = PositionEndForm(request.POST)
    if form.is_valid():
        try:
            services.position_end(actor=request.user, position=position, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The term has been ended."))
    else:
        messages.error(request, _("Enter the date the term ends."))
    return redirect("org:person-detail", pk=position.person_id)
