"""Staff pages of party projects (/manage/projects/): projects and their indicators, events and
shifts, volunteers per shift with attendance and hours, results, XLSX exports.

Everything out of the user's scope is a 404; the forms only read input, the services check the
rules and the right, and their field errors come back on the form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amanat.core.exports import Column
from amanat.core.forms import add_service_errors, submitted
from amanat.core.lists import ScopedListView
from amanat.core.permissions import get_visible_or_404, has_action, need
from amanat.projects.choices import SignUpStatus
from amanat.projects.filtersets import EventFilterSet, SignUpFilterSet
from amanat.projects.forms import AttendanceForm, EventForm, KpiForm, ProjectForm, ResultForm, ShiftForm
from amanat.projects.models import Event, Project, ProjectKPI, Shift, SignUp
from amanat.projects.permissions import ProjectAction
from amanat.projects.selectors import event_get, events_for, project_get, project_totals, projects_for, ranking
from amanat.projects.services import events as event_services
from amanat.projects.services import projects as project_services
from amanat.projects.services.signups import signup_transition

A = ProjectAction

PROJECT_COLUMNS: list[Column] = [
    (gettext_lazy("Code"), "code"),
    (gettext_lazy("Title"), "title"),
    (gettext_lazy("Leading branch"), "org_unit"),
    (gettext_lazy("Public"), "is_public"),
]
EVENT_COLUMNS: list[Column] = [
    (gettext_lazy("Project"), "project"),
    (gettext_lazy("Event"), "title"),
    (gettext_lazy("Kind"), "kind"),
    (gettext_lazy("Organising unit"), "org_unit"),
    (gettext_lazy("Starts"), "starts_at"),
    (gettext_lazy("Ends"), "ends_at"),
    (gettext_lazy("Place"), "territory"),
    (gettext_lazy("Address"), "address"),
]
VOLUNTEER_COLUMNS: list[Column] = [
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("Phone"), "phone"),
    (gettext_lazy("E-mail"), "email"),
    (gettext_lazy("Year of birth"), "birth_year"),
    (gettext_lazy("Age group"), "age_group"),
    (gettext_lazy("Party member"), "is_member"),
    (gettext_lazy("Project"), "shift.event.project"),
    (gettext_lazy("Event"), "shift.event"),
    (gettext_lazy("Organising unit"), "shift.event.org_unit"),
    (gettext_lazy("Shift starts"), "shift.starts_at"),
    (gettext_lazy("Status"), "status"),
    (gettext_lazy("Hours"), lambda s: float(s.hours) if s.hours is not None else None),
    (gettext_lazy("Consent given"), "consent_at"),
]
STATUS_CSS = {
    SignUpStatus.SIGNED_UP: "text-bg-primary",
    SignUpStatus.ATTENDED: "text-bg-success",
    SignUpStatus.NO_SHOW: "text-bg-warning",
    SignUpStatus.CANCELLED: "text-bg-light border",
}


def _submitted(request: HttpRequest, form: Any, save: Callable[[], Any], done: str, to: Callable[[Any], str]) -> Any:
    """`core.forms.submitted`, going on to `to(what the service returned)`."""
    return submitted(request, form, lambda: to(save()), done)


def _form_page(request: HttpRequest, form: Any, *, title: str, cancel: str, intro: str = "") -> HttpResponse:
    return render(
        request, "projects/manage/form.html", {"form": form, "title": title, "cancel_url": cancel, "intro": intro}
    )


# --- projects --------------------------------------------------------------------------------


class ProjectListView(ScopedListView):
    model = Project
    action = A.VIEW
    template_name = "projects/manage/project_list.html"
    export_columns = PROJECT_COLUMNS
    export_filename = "projects"

    def get_queryset(self) -> QuerySet[Project]:
        self.filterset = None
        return (
            projects_for(self.request.user)
            .select_related("org_unit")
            .annotate(n_events=Count("events", filter=Q(events__deleted_at__isnull=True), distinct=True))
            .order_by("title_ru", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_action(self.request.user, A.MANAGE)
        return context


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(request.user, pk)
    events = list(
        events_for(request.user)
        .filter(project=project)
        .select_related("org_unit")
        .annotate(
            places=Sum("shifts__capacity"),
            taken=Sum("shifts__taken"),
        )
        .order_by("-starts_at")[:50]
    )
    return render(
        request,
        "projects/manage/project_detail.html",
        {
            "project": project,
            "kpis": list(project.kpis.all()),
            "units": list(project.units.order_by("path")),
            "events": events,
            "totals": project_totals(project),
            "ranking": ranking(project=project, public=False),
            "can_manage": has_action(request.user, A.MANAGE, project.org_unit),
            "can_add_event": has_action(request.user, A.MANAGE),
        },
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    need(request.user, A.MANAGE)
    form = ProjectForm(request.POST or None, user=request.user)

    def save() -> Project:
        data = form.cleaned_data
        return project_services.project_create(actor=request.user, values=data, units=data.get("units") or [])

    done = _("The project was added.")
    if answer := _submitted(request, form, save, done, lambda p: reverse("projects:project-detail", args=[p.pk])):
        return answer
    return _form_page(request, form, title=_("New project"), cancel=reverse("projects:list"))


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(request.user, pk)
    need(request.user, A.MANAGE, project.org_unit)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)

    def save() -> Project:
        data = form.cleaned_data
        return project_services.project_update(
            actor=request.user, project=project, values=data, units=data.get("units") or []
        )

    done = _("The project was saved.")
    if answer := _submitted(request, form, save, done, lambda p: reverse("projects:project-detail", args=[p.pk])):
        return answer
    cancel = reverse("projects:project-detail", args=[project.pk])
    return _form_page(request, form, title=_("Edit %(project)s") % {"project": project}, cancel=cancel)


@login_required
def kpi_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(request.user, pk)
    need(request.user, A.MANAGE, project.org_unit)
    form = KpiForm(request.POST or None)

    def save() -> ProjectKPI:
        return project_services.kpi_create(actor=request.user, project=project, values=form.cleaned_data)

    to = reverse("projects:project-detail", args=[project.pk])
    if answer := _submitted(request, form, save, _("The indicator was added."), lambda _k: to):
        return answer
    title = _("New indicator of %(project)s") % {"project": project}
    intro = _("What the project counts (tonnes, people, trees…) and the target for a year.")
    return _form_page(request, form, title=title, cancel=to, intro=intro)


@login_required
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_visible_or_404(ProjectKPI.objects.select_related("project"), request.user, A.MANAGE, pk=pk)
    project = kpi.project
    form = KpiForm(request.POST or None, instance=kpi)

    def save() -> ProjectKPI:
        return project_services.kpi_update(actor=request.user, kpi=kpi, values=form.cleaned_data)

    to = reverse("projects:project-detail", args=[project.pk])
    if answer := _submitted(request, form, save, _("The indicator was saved."), lambda _k: to):
        return answer
    return _form_page(request, form, title=_("Edit the indicator"), cancel=to)


# --- events ----------------------------------------------------------------------------------


class EventListView(ScopedListView):
    model = Event
    action = A.VIEW
    filterset_class = EventFilterSet
    template_name = "projects/manage/event_list.html"
    export_columns = EVENT_COLUMNS
    export_filename = "project-events"

    def base_queryset(self) -> QuerySet[Event]:
        return (
            Event.objects.filter(project__deleted_at__isnull=True)
            .select_related("project", "org_unit", "territory")
            .order_by("-starts_at", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = has_action(self.request.user, A.MANAGE)
        ids = [e.pk for e in context["object_list"]]
        counts = {
            row["event_id"]: row
            for row in Shift.objects.filter(event_id__in=ids)
            .values("event_id")
            .annotate(places=Sum("capacity"), taken=Sum("taken"))
            .order_by()
        }
        for event in context["object_list"]:
            row = counts.get(event.pk) or {}
            event.places, event.taken = row.get("places") or 0, row.get("taken") or 0
        return context


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_get(request.user, pk)
    shifts = list(event.shifts.order_by("starts_at", "pk"))
    signups: dict[int, list[SignUp]] = defaultdict(list)
    for signup in SignUp.objects.filter(shift__event=event).order_by("created_at", "pk"):
        signup.css = STATUS_CSS.get(signup.status, "")
        signups[signup.shift_id].append(signup)
    for shift in shifts:
        shift.signup_list = signups[shift.pk]
        shift.begun = shift.starts_at <= timezone.now()
    results = {r.kpi_id: r for r in event.results.select_related("kpi")}
    kpis = list(event.project.kpis.all())
    return render(
        request,
        "projects/manage/event_detail.html",
        {
            "event": event,
            "shifts": shifts,
            "kpi_rows": [(k, results.get(k.pk)) for k in kpis],
            "can_manage": has_action(request.user, A.MANAGE, event.org_unit),
            "begun": event.starts_at <= timezone.now(),
            "statuses": SignUpStatus,
        },
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    need(request.user, A.MANAGE)
    project = project_get(request.user, request.GET.get("project") or 0)
    form = EventForm(request.POST or None, user=request.user)

    def save() -> Event:
        return event_services.event_create(actor=request.user, project=project, values=form.cleaned_data)

    done = _("The event was added. Add its shifts so that volunteers can sign up.")
    if answer := _submitted(request, form, save, done, lambda e: reverse("projects:event-detail", args=[e.pk])):
        return answer
    cancel = reverse("projects:project-detail", args=[project.pk])
    return _form_page(request, form, title=_("New event of %(project)s") % {"project": project}, cancel=cancel)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_get(request.user, pk, A.MANAGE)
    form = EventForm(request.POST or None, instance=event, user=request.user)

    def save() -> Event:
        return event_services.event_update(actor=request.user, event=event, values=form.cleaned_data)

    to = reverse("projects:event-detail", args=[event.pk])
    if answer := _submitted(request, form, save, _("The event was saved."), lambda _e: to):
        return answer
    return _form_page(request, form, title=_("Edit the event"), cancel=to)


@login_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_get(request.user, pk, A.MANAGE)
    try:
        event_services.event_delete(actor=request.user, event=event)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("projects:event-detail", event.pk)
    messages.success(request, _("The event was removed."))
    return redirect("projects:project-detail", event.project_id)


@login_required
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_get(request.user, pk, A.MANAGE)
    initial = {"starts_at": timezone.localtime(event.starts_at), "ends_at": timezone.localtime(event.ends_at)}
    form = ShiftForm(request.POST or None, initial=initial)

    def save() -> Shift:
        data = form.cleaned_data
        return event_services.shift_create(
            actor=request.user,
            event=event,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            capacity=data["capacity"],
            note=data["note"],
        )

    to = reverse("projects:event-detail", args=[event.pk])
    if answer := _submitted(request, form, save, _("The shift was added."), lambda _s: to):
        return answer
    return _form_page(request, form, title=_("New shift of %(event)s") % {"event": event}, cancel=to)


@login_required
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_visible_or_404(Shift.objects.select_related("event"), request.user, A.MANAGE, pk=pk)
    initial = {
        "starts_at": timezone.localtime(shift.starts_at),
        "ends_at": timezone.localtime(shift.ends_at),
        "capacity": shift.capacity,
        "note": shift.note,
    }
    form = ShiftForm(request.POST or None, initial=initial)

    def save() -> Shift:
        data = form.cleaned_data
        return event_services.shift_update(
            actor=request.user,
            shift=shift,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            capacity=data["capacity"],
            note=data["note"],
        )

    to = reverse("projects:event-detail", args=[shift.event_id])
    if answer := _submitted(request, form, save, _("The shift was saved."), lambda _s: to):
        return answer
    return _form_page(request, form, title=_("Edit the shift"), cancel=to)


@login_required
@require_POST
def signup_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's verdict on one volunteer: attended (hours), did not come, cancelled."""
    signup = get_visible_or_404(SignUp.objects.select_related("shift__event"), request.user, A.MANAGE, pk=pk)
    form = AttendanceForm(request.POST)
    to = reverse("projects:event-detail", args=[signup.shift.event_id]) + f"#shift-{signup.shift_id}"
    if not form.is_valid():
        messages.error(request, _("Choose what happened and give the hours for those who came."))
        return redirect(to)
    data = form.cleaned_data
    try:
        signup_transition(
            actor=request.user, signup=signup, to=data["status"], hours=data.get("hours"), note=data.get("note") or ""
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, f"{signup.name}: {' '.join(exc.messages)}")
        return redirect(to)
    messages.success(request, _("%(name)s: saved.") % {"name": signup.name})
    return redirect(to)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_get(request.user, pk, A.MANAGE)
    kpis = list(event.project.kpis.all())
    current = {r.kpi_id: r.value for r in event.results.all()}
    form = ResultForm(request.POST or None, kpis=kpis, current=current)
    to = reverse("projects:event-detail", args=[event.pk])
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # all the numbers or none
                for kpi in kpis:
                    value = form.cleaned_data.get(f"kpi_{kpi.pk}")
                    if value is None:
                        continue
                    try:
                        event_services.result_save(actor=request.user, event=event, kpi=kpi, value=value)
                    except ValidationError as exc:
                        errors = exc.message_dict if hasattr(exc, "error_dict") else {"value": exc.messages}
                        raise ValidationError(
                            {f"kpi_{kpi.pk}" if n in ("value", "kpi") else n: m for n, m in errors.items()}
                        ) from exc
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The results were saved."))
            return redirect(to)
    intro = _(
        "What the event achieved on each of the project's indicators. Leave a field blank if it was not measured."
    )
    return _form_page(request, form, title=_("Results of %(event)s") % {"event": event}, cancel=to, intro=intro)


# --- volunteers ------------------------------------------------------------------------------


class VolunteerListView(ScopedListView):
    """Sign-ups in scope, with the XLSX of volunteers who gave consent and their hours."""

    model = SignUp
    action = A.VIEW
    filterset_class = SignUpFilterSet
    template_name = "projects/manage/volunteer_list.html"
    export_columns = VOLUNTEER_COLUMNS
    export_filename = "volunteers"

    def base_queryset(self) -> QuerySet[SignUp]:
        return (
            SignUp.objects.filter(consent_at__isnull=False, shift__event__deleted_at__isnull=True)
            .select_related("shift__event__project", "shift__event__org_unit")
            .order_by("-shift__starts_at", "name", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        queryset = self.get_queryset()
        context["hours_total"] = queryset.filter(status=SignUpStatus.ATTENDED).aggregate(h=Sum("hours"))["h"] or 0
        for signup in context["object_list"]:
            signup.css = STATUS_CSS.get(signup.status, "")
        return context


manage_urlpatterns = [
    path("", ProjectListView.as_view(), name="list"),
    path("new/", project_create, name="project-create"),
    path("<int:pk>/", project_detail, name="project-detail"),
    path("<int:pk>/edit/", project_edit, name="project-edit"),
    path("<int:pk>/kpis/new/", kpi_create, name="kpi-create"),
    path("kpis/<int:pk>/edit/", kpi_edit, name="kpi-edit"),
    path("events/", EventListView.as_view(), name="event-list"),
    path("events/new/", event_create, name="event-create"),
    path("events/<int:pk>/", event_detail, name="event-detail"),
    path("events/<int:pk>/edit/", event_edit, name="event-edit"),
    path("events/<int:pk>/delete/", event_delete, name="event-delete"),
    path("events/<int:pk>/shifts/new/", shift_create, name="shift-create"),
    path("events/<int:pk>/results/", results, name="results"),
    path("shifts/<int:pk>/edit/", shift_edit, name="shift-edit"),
    path("signups/<int:pk>/mark/", signup_mark, name="signup-mark"),
    path("volunteers/", VolunteerListView.as_view(), name="volunteers"),
]
