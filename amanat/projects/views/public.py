"""Public pages under /projects/: the projects with their results, units ranked by contribution,
upcoming events with free places, the sign-up form, its confirmation and the cancel link.

No account is needed. No page names a volunteer: volunteers are shown as counts only. The sign-up
form has a honeypot and a per-address hourly limit (like the public appeal form); a logged-in
member signs up with one click.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from amanat.appeals.forms.public import HONEYPOT
from amanat.core.forms import add_service_errors
from amanat.core.middleware import client_ip
from amanat.projects.choices import SignUpStatus
from amanat.projects.forms import SignUpForm
from amanat.projects.models import EventResult, SignUp
from amanat.projects.selectors import (
    MAX_ID,
    project_totals,
    public_events,
    public_projects,
    ranking,
    upcoming_events,
)
from amanat.projects.services.signups import (
    Volunteer,
    signup_cancel_by_token,
    signup_create,
    signup_rate_limited,
    volunteer_from_user,
)

SESSION_SIGNED_UP = "project_signed_up"


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def public_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    projects = list(public_projects().order_by("title_ru", "pk"))
    now = timezone.now()
    counts = {
        row["project_id"]: row["n"]
        for row in public_events().filter(ends_at__lte=now).values("project_id").annotate(n=Count("pk")).order_by()
    }
    for project in projects:
        project.events_held = counts.get(project.pk, 0)
    return render(
        request,
        "projects/public/list.html",
        {
            "projects": projects,
            "upcoming": upcoming_events(limit=12),
            "ranking": ranking(year=year),
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 4, -1)),
        },
    )


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(public_projects(), code=code)
    year = _year(request)
    return render(
        request,
        "projects/public/detail.html",
        {
            "project": project,
            "totals": project_totals(project),
            "kpis": list(project.kpis.all()),
            "upcoming": upcoming_events(project),
            "ranking": ranking(project=project, year=year),
            "units": list(project.units.order_by("path")),
            "year": year,
        },
    )


def _public_event(pk: int) -> Any:
    if not 0 < pk <= MAX_ID:
        raise Http404
    event = public_events().select_related("project", "org_unit", "territory").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def _page(request: HttpRequest, event: Any, form: SignUpForm, *, status: int = 200) -> HttpResponse:
    now = timezone.now()
    shifts = list(
        event.shifts.annotate(came=Count("signups", filter=Q(signups__status=SignUpStatus.ATTENDED))).order_by(
            "starts_at", "pk"
        )
    )
    for shift in shifts:
        shift.open = shift.starts_at > now and shift.free > 0
        shift.begun = shift.starts_at <= now
    open_shifts = [s for s in shifts if s.open]
    results = list(EventResult.objects.filter(event=event).select_related("kpi"))
    return render(
        request,
        "projects/public/event.html",
        {
            "event": event,
            "shifts": shifts,
            "open_shifts": open_shifts,
            "form": form,
            "results": results,
            "volunteers_came": sum(s.came for s in shifts),
            "over": event.ends_at <= now,
            "honeypot": HONEYPOT,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    shifts = list(event.shifts.filter(starts_at__gt=timezone.now()).order_by("starts_at", "pk"))
    if request.method != "POST":
        return _page(request, event, SignUpForm(shifts=shifts))
    form = SignUpForm(request.POST, shifts=list(event.shifts.all()))
    if request.POST.get(HONEYPOT):
        # A robot: it sees a success page; nothing is saved.
        return render(request, "projects/public/done.html", {"decoy": True})
    ip = client_ip(request)
    if signup_rate_limited(ip):
        form.is_valid()
        form.add_error(None, _("Too many sign-ups from your connection in the last hour. Please try again later."))
        return _page(request, event, form, status=429)
    if not form.is_valid():
        return _page(request, event, form)
    data = form.cleaned_data
    user = request.user if request.user.is_authenticated else None
    if user is not None and request.POST.get("one_click"):
        volunteer = volunteer_from_user(user)
    else:
        volunteer = Volunteer(
            name=data.get("name") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            birth_year=data.get("birth_year"),
            age_group=data.get("age_group") or "",
            consent=bool(data.get("consent")),
        )
    try:
        signup = signup_create(shift_id=data["shift"], volunteer=volunteer, user=user)
    except ValidationError as exc:
        add_service_errors(form, exc, rename={"shift": "__all__"})
        return _page(request, event, form)
    signup_rate_limited(ip, count=True)
    request.session[SESSION_SIGNED_UP] = signup.pk
    return redirect("projects:public-done")


@never_cache
def public_done(request: HttpRequest) -> HttpResponse:
    signup_id = request.session.get(SESSION_SIGNED_UP)
    signup = (
        SignUp.objects.select_related("shift__event__project", "shift__event__territory")
        .filter(pk=signup_id or 0)
        .first()
    )
    if signup is None:
        return redirect("projects:public-list")
    return render(request, "projects/public/done.html", {"signup": signup, "shift": signup.shift})


@never_cache
@require_http_methods(["GET", "POST"])
def public_cancel(request: HttpRequest, token: str) -> HttpResponse:
    signup = SignUp.objects.select_related("shift__event__project").filter(cancel_token=token[:64]).first()
    if signup is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            signup = signup_cancel_by_token(token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "projects/public/cancel.html",
        {"signup": signup, "shift": signup.shift, "error": error, "cancelled": signup.status == "cancelled"},
        status=400 if error else 200,
    )


public_urlpatterns = [
    path("", public_list, name="public-list"),
    path("events/<int:pk>/", public_event, name="public-event"),
    path("signed-up/", public_done, name="public-done"),
    path("cancel/<str:token>/", public_cancel, name="public-cancel"),
    path("<slug:code>/", public_detail, name="public-detail"),
]
