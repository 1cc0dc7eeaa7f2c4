"""Small helpers shared by the structure pages (units, maslikhats, state bodies)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amanat.core.permissions import need  # noqa: F401 - re-exported for the structure views
from amanat.org.selectors.structure import person_choices

FORM_TEMPLATE = "org/structure/form.html"


def render_form(request: HttpRequest, context: dict[str, Any], *, template: str = FORM_TEMPLATE) -> HttpResponse:
    """A form page; a refused POST answers 400 so that tools and tests see the refusal."""
    form = context.get("form")
    refused = request.method == "POST" and form is not None and form.is_bound and bool(form._errors)
    return render(request, template, context, status=400 if refused else 200)


def wants_person_search(request: HttpRequest) -> bool:
    """The "Find" button of a person picker (the form is shown again with the matches)."""
    return request.method == "POST" and request.POST.get("action") == "find"


def person_search_partial(request: HttpRequest) -> HttpResponse | None:
    """htmx search-as-you-type on a person picker: only the matches, from the same URL."""
    if getattr(request, "htmx", False) and request.method == "GET" and "person_q" in request.GET:
        matches = person_choices(actor=request.user, query=request.GET.get("person_q", ""))
        return render(
            request,
            "org/structure/_person_pick.html#person_results",
            {"person_matches": matches, "person_q": request.GET.get("person_q", "")},
        )
    return None


def person_context(request: HttpRequest, form: Any) -> dict[str, Any]:
    """The matches for what was typed in the picker, and the person already chosen if any."""
    query = ""
    if form is not None and "person_q" in form.fields:
        query = (form.data.get("person_q") if form.is_bound else "") or ""
    matches = person_choices(actor=request.user, query=query) if query else []
    chosen = None
    if form is not None and form.is_bound and "person" in form.fields:
        raw = form.data.get("person") or ""
        if raw.isdigit():
            chosen = form.fields["person"].queryset.filter(pk=int(raw)).first()
            if chosen is not None and chosen not in matches:
                matches = [chosen, *matches]
    return {"person_matches": matches, "person_q": query, "chosen_person": chosen}


def apply_service(form: Any, call: Any, *, rename: dict[str, str] | None = None) -> Any:
    """Run a service; its validation errors go onto the form (and the call returns None)."""
    try:
        return call()
    except ValidationError as exc:
        form.add_service_errors(exc, rename=rename)
        return None
