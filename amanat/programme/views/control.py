"""Staff pages of party control work under /manage/programme/control/: the commission's plans (list,
card with its visits and their recommendations, forms), monitoring visits (list, card, forms,
photos and their removal), recommendations (list with the overdue first, edit and close forms)
and control posts (list, card with its checks and the check form).

Reads need `programme.view` on the commission's branch, writes `programme.verify`; anything out
of scope answers 404. The forms only read input; the services check the rules and their field
errors come back beside the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from amanat.core.forms import submitted
from amanat.core.permissions import get_visible_or_404, has_action, need, units_for
from amanat.org.forms.people import style_form
from amanat.org.models import Official, StateBody, Territory
from amanat.programme.models import (
    CheckResult,
    ControlPlan,
    ControlPost,
    Item,
    MonitoringVisit,
    ObjectKind,
    PostCheck,
    Recommendation,
    RecommendationStatus,
    VisitPhoto,
    VisitStatus,
)
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.services import control as services

VIEW, VERIFY = ProgrammeAction.VIEW, ProgrammeAction.VERIFY
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Forms (validation of the shape only; the services hold the rules)


class VisitForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=gettext_lazy("Party branch"), queryset=None)
    plan = forms.ModelChoiceField(label=gettext_lazy("Plan"), queryset=None, required=False)
    object_name = forms.CharField(label=gettext_lazy("Object"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of object"), choices=ObjectKind.choices)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=500, required=False)
    territory = forms.ModelChoiceField(
        label=gettext_lazy("Territory"), queryset=Territory.objects.all(), required=False
    )
    visited_on = forms.DateField(label=gettext_lazy("Date of the visit"), widget=DATE)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=VisitStatus.choices)
    members = forms.ModelMultipleChoiceField(label=gettext_lazy("Members"), queryset=None, required=False)
    items = forms.ModelMultipleChoiceField(label=gettext_lazy("Programme items"), queryset=None, required=False)
    findings = forms.CharField(label=gettext_lazy("Findings"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, VERIFY)
        self.fields["plan"].queryset = ControlPlan.objects.visible_to(user, VERIFY)
        self.fields["members"].queryset = get_user_model().objects.visible_to(user, VERIFY).filter(is_active=True)
        self.fields["items"].queryset = Item.objects.visible_to(user, VIEW)
        style_form(self)


class PlanForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=gettext_lazy("Party branch"), queryset=None)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title_kk = forms.CharField(label=gettext_lazy("Title (kk)"), max_length=300)
    title_ru = forms.CharField(label=gettext_lazy("Title (ru)"), max_length=300)
    approved_on = forms.DateField(label=gettext_lazy("Approved on"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, VERIFY)
        style_form(self)


class PhotoForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Photo or document"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class RecommendationForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Recommendation"), widget=forms.Textarea(attrs={"rows": 4}))
    addressee_body = forms.ModelChoiceField(label=gettext_lazy("Addressee"), queryset=StateBody.objects.all())
    addressee_official = forms.ModelChoiceField(
        label=gettext_lazy("Addressee official"),
        queryset=Official.objects.filter(ended_on__isnull=True).select_related("body"),
        required=False,
    )
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), widget=DATE)
    deadline_days = forms.IntegerField(
        label=gettext_lazy("Term, working days"), initial=services.DEFAULT_DEADLINE_DAYS, min_value=1, max_value=365
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[(s.value, s.label) for s in services.CLOSING],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=gettext_lazy("Response"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What the body did, or why the recommendation was rejected."),
    )
    closed_on = forms.DateField(label=gettext_lazy("Closed on"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


class PostForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=gettext_lazy("Party branch"), queryset=None)
    object_name = forms.CharField(label=gettext_lazy("Construction site"), max_length=300)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=500, required=False)
    territory = forms.ModelChoiceField(
        label=gettext_lazy("Territory"), queryset=Territory.objects.all(), required=False
    )
    items = forms.ModelMultipleChoiceField(label=gettext_lazy("Programme items"), queryset=None, required=False)
    opened_on = forms.DateField(label=gettext_lazy("Opened on"), widget=DATE)
    closed_on = forms.DateField(label=gettext_lazy("Closed on"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, VERIFY)
        self.fields["items"].queryset = Item.objects.visible_to(user, VIEW)
        style_form(self)


class CheckForm(forms.Form):
    checked_on = forms.DateField(label=gettext_lazy("Checked on"), widget=DATE)
    quality = forms.ChoiceField(label=gettext_lazy("Quality of work"), choices=CheckResult.choices)
    quality_note = forms.CharField(label=gettext_lazy("Note on quality"), required=False)
    spending = forms.ChoiceField(label=gettext_lazy("Spending"), choices=CheckResult.choices)
    spending_note = forms.CharField(label=gettext_lazy("Note on spending"), required=False)
    safety = forms.ChoiceField(label=gettext_lazy("Safety"), choices=CheckResult.choices)
    safety_note = forms.CharField(label=gettext_lazy("Note on safety"), required=False)
    wage_arrears = forms.ChoiceField(label=gettext_lazy("Wage arrears"), choices=CheckResult.choices)
    wage_arrears_note = forms.CharField(label=gettext_lazy("Note on wage arrears"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)


# Helpers


def _form_page(request: HttpRequest, form: forms.Form, *, title: str, cancel: str, intro: str = "") -> HttpResponse:
    return render(
        request, "programme/manage/form.html", {"form": form, "title": title, "cancel_url": cancel, "intro": intro}
    )


def _visit_url(visit: MonitoringVisit) -> str:
    return reverse("programme:control-visit-detail", args=[visit.pk])


def _post_url(post: ControlPost) -> str:
    return reverse("programme:control-post-detail", args=[post.pk])


# Plans


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    need(request.user, VIEW)
    plans = (
        ControlPlan.objects.visible_to(request.user, VIEW)
        .select_related("org_unit")
        .annotate(visit_count=Count("visits", distinct=True))
    )
    return render(
        request,
        "programme/control/plan_list.html",
        {"plans": plans[:200], "may_add": has_action(request.user, VERIFY)},
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    need(request.user, VERIFY)
    form = PlanForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})

    def save() -> str:
        services.control_plan_create(actor=request.user, **form.cleaned_data)
        return reverse("programme:control-plan-list")

    if answer := submitted(request, form, save, _("The plan was added.")):
        return answer
    return _form_page(request, form, title=_("New control plan"), cancel=reverse("programme:control-plan-list"))


def _plan_url(plan: ControlPlan) -> str:
    return reverse("programme:control-plan-detail", args=[plan.pk])


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(ControlPlan.objects.select_related("org_unit"), request.user, VIEW, pk=pk)
    open_statuses = [RecommendationStatus.OPEN, RecommendationStatus.OVERDUE]
    visits = (
        MonitoringVisit.objects.visible_to(request.user, VIEW)
        .filter(plan=plan)
        .select_related("org_unit", "territory")
        .annotate(
            rec_total=Count("recommendations"),
            rec_open=Count("recommendations", filter=Q(recommendations__status__in=open_statuses)),
            rec_overdue=Count("recommendations", filter=Q(recommendations__status=RecommendationStatus.OVERDUE)),
            rec_done=Count("recommendations", filter=Q(recommendations__status=RecommendationStatus.DONE)),
        )
    )
    shown = list(visits[:500])
    totals = {
        "visits": len(shown),
        "done": sum(1 for v in shown if v.status == VisitStatus.DONE),
        "recommendations": sum(v.rec_total for v in shown),
        "open": sum(v.rec_open for v in shown),
        "overdue": sum(v.rec_overdue for v in shown),
    }
    return render(
        request,
        "programme/control/plan_detail.html",
        {
            "plan": plan,
            "visits": shown,
            "totals": totals,
            "may_edit": has_action(request.user, VERIFY, plan.org_unit),
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(ControlPlan.objects.all(), request.user, VERIFY, pk=pk)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    form = PlanForm(request.POST or None, user=request.user, initial=initial)

    def save() -> str:
        services.control_plan_update(actor=request.user, plan=plan, values=form.cleaned_data)
        return _plan_url(plan)

    if answer := submitted(request, form, save, _("The plan was saved.")):
        return answer
    return _form_page(request, form, title=_("Edit the control plan"), cancel=_plan_url(plan))


# Monitoring visits


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    need(request.user, VIEW)
    visits = MonitoringVisit.objects.visible_to(request.user, VIEW).select_related("org_unit", "territory")
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        visits = visits.filter(status=status)
    return render(
        request,
        "programme/control/visit_list.html",
        {
            "visits": visits[:500],
            "statuses": VisitStatus.choices,
            "status": status,
            "may_add": has_action(request.user, VERIFY),
        },
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(
        MonitoringVisit.objects.select_related("org_unit", "territory", "plan"), request.user, VIEW, pk=pk
    )
    return render(
        request,
        "programme/control/visit_detail.html",
        {
            "visit": visit,
            "members": visit.members.all(),
            "items": visit.items.all(),
            "photos": visit.photos.all(),
            "recommendations": visit.recommendations.select_related("addressee_body", "addressee_official"),
            "may_edit": has_action(request.user, VERIFY, visit.org_unit),
            "photo_form": PhotoForm(),
        },
    )


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    need(request.user, VERIFY)
    initial = {"visited_on": timezone.localdate(), "kind": ObjectKind.OTHER, "status": VisitStatus.PLANNED}
    item = None
    if request.GET.get("item"):
        item = get_visible_or_404(Item.objects.all(), request.user, VIEW, pk=request.GET["item"])
        initial |= {"items": [item.pk], "org_unit": item.org_unit_id, "territory": item.territory_id}
    if request.GET.get("plan"):
        plan = get_visible_or_404(ControlPlan.objects.all(), request.user, VERIFY, pk=request.GET["plan"])
        initial |= {"plan": plan.pk}
    form = VisitForm(request.POST or None, user=request.user, initial=initial)

    def save() -> str:
        data = dict(form.cleaned_data)
        members, items = data.pop("members"), data.pop("items")
        visit = services.monitoring_visit_create(actor=request.user, members=members, items=items, **data)
        return _visit_url(visit)

    if answer := submitted(request, form, save, _("The visit was recorded.")):
        return answer
    return _form_page(request, form, title=_("New monitoring visit"), cancel=reverse("programme:control-visit-list"))


@login_required
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(MonitoringVisit.objects.all(), request.user, VERIFY, pk=pk)
    initial = {name: getattr(visit, name) for name in services.VISIT_FIELDS}
    initial |= {"members": list(visit.members.all()), "items": list(visit.items.all())}
    form = VisitForm(request.POST or None, user=request.user, initial=initial)

    def save() -> str:
        data = dict(form.cleaned_data)
        members, items = data.pop("members"), data.pop("items")
        data["address"] = data.get("address") or ""
        data["findings"] = data.get("findings") or ""
        services.monitoring_visit_update(actor=request.user, visit=visit, values=data, members=members, items=items)
        return _visit_url(visit)

    if answer := submitted(request, form, save, _("The visit was saved.")):
        return answer
    return _form_page(
        request, form, title=_("Edit the visit to %(object)s") % {"object": visit.object_name}, cancel=_visit_url(visit)
    )


@login_required
@require_POST
def visit_photo(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(MonitoringVisit.objects.all(), request.user, VERIFY, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.visit_photo_add(actor=request.user, visit=visit, upload=form.cleaned_data["file"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The photo was added."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect(_visit_url(visit))


@login_required
def photo_download(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_visible_or_404(VisitPhoto.objects.all(), request.user, VIEW, pk=pk)
    return FileResponse(photo.file.open("rb"), filename=photo.original_name, content_type=photo.content_type)


@login_required
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm, POST removes the photo (and, after commit, its file)."""
    photo = get_visible_or_404(VisitPhoto.objects.select_related("visit"), request.user, VERIFY, pk=pk)
    visit = photo.visit
    if request.method == "POST":
        try:
            services.visit_photo_delete(actor=request.user, photo=photo)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The photo was deleted."))
        return redirect(_visit_url(visit))
    return render(request, "programme/control/photo_delete.html", {"photo": photo, "visit": visit})


# Recommendations


@login_required
def recommendation_list(request: HttpRequest) -> HttpResponse:
    need(request.user, VIEW)
    order = Case(
        When(status=RecommendationStatus.OVERDUE, then=Value(0)),
        When(status=RecommendationStatus.OPEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    recs = (
        Recommendation.objects.visible_to(request.user, VIEW)
        .select_related("visit", "addressee_body")
        .annotate(rank=order)
        .order_by("rank", "deadline", "id")
    )
    status = request.GET.get("status", "")
    if status in RecommendationStatus.values:
        recs = recs.filter(status=status)
    shown = list(recs[:500])
    closable = set(
        Recommendation.objects.visible_to(request.user, VERIFY)
        .filter(pk__in=[r.pk for r in shown])
        .exclude(status__in=services.CLOSING)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "programme/control/recommendation_list.html",
        {
            "recommendations": shown,
            "closable": closable,
            "statuses": RecommendationStatus.choices,
            "status": status,
        },
    )


@login_required
def recommendation_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(MonitoringVisit.objects.all(), request.user, VERIFY, pk=pk)
    initial = {"issued_on": timezone.localdate(), "deadline_days": services.DEFAULT_DEADLINE_DAYS}
    form = RecommendationForm(request.POST or None, initial=initial)

    def save() -> str:
        services.recommendation_create(actor=request.user, visit=visit, **form.cleaned_data)
        return _visit_url(visit)

    if answer := submitted(request, form, save, _("The recommendation was issued.")):
        return answer
    return _form_page(
        request,
        form,
        title=_("New recommendation after the visit to %(object)s") % {"object": visit.object_name},
        intro=_("The deadline is counted in working days from the day it is issued."),
        cancel=_visit_url(visit),
    )


@login_required
def recommendation_close(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_visible_or_404(Recommendation.objects.select_related("visit"), request.user, VERIFY, pk=pk)
    if rec.status in services.CLOSING:
        raise Http404
    form = CloseForm(request.POST or None)

    def save() -> str:
        services.recommendation_close(actor=request.user, recommendation=rec, **form.cleaned_data)
        return reverse("programme:control-recommendation-list")

    if answer := submitted(request, form, save, _("The recommendation was closed.")):
        return answer
    return _form_page(
        request,
        form,
        title=_("Close the recommendation"),
        intro=rec.text,
        cancel=reverse("programme:control-recommendation-list"),
    )


@login_required
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_visible_or_404(Recommendation.objects.select_related("visit"), request.user, VERIFY, pk=pk)
    if request.method != "POST" and rec.status in services.CLOSING:
        messages.error(request, _("A closed recommendation cannot be changed."))
        return redirect(_visit_url(rec.visit))
    fields = ("text", "addressee_body", "addressee_official", "issued_on", "deadline_days")
    form = RecommendationForm(request.POST or None, initial={name: getattr(rec, name) for name in fields})

    def save() -> str:
        services.recommendation_update(actor=request.user, recommendation=rec, **form.cleaned_data)
        return _visit_url(rec.visit)

    if answer := submitted(request, form, save, _("The recommendation was saved.")):
        return answer
    return _form_page(
        request,
        form,
        title=_("Edit the recommendation"),
        intro=_("The deadline is counted again in working days from the day it is issued."),
        cancel=_visit_url(rec.visit),
    )


# Control posts


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    need(request.user, VIEW)
    posts = ControlPost.objects.visible_to(request.user, VIEW).select_related("org_unit", "territory")
    if request.GET.get("open") == "1":
        posts = posts.filter(closed_on__isnull=True)
    return render(
        request,
        "programme/control/post_list.html",
        {
            "posts": posts[:500],
            "may_add": has_action(request.user, VERIFY),
            "only_open": request.GET.get("open") == "1",
        },
    )


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_visible_or_404(ControlPost.objects.select_related("org_unit", "territory"), request.user, VIEW, pk=pk)
    may_edit = has_action(request.user, VERIFY, post.org_unit)
    form = CheckForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST":
        if not may_edit:
            raise Http404

        def save() -> str:
            data = form.cleaned_data
            services.post_check_add(
                actor=request.user,
                post=post,
                checked_on=data["checked_on"],
                results={a: data[a] for a in services.CHECK_ASPECTS},
                notes={a: data[f"{a}_note"] for a in services.CHECK_ASPECTS},
            )
            return _post_url(post)

        if answer := submitted(request, form, save, _("The check was recorded.")):
            return answer
    checks = PostCheck.objects.filter(post=post).select_related("by")
    return render(
        request,
        "programme/control/post_detail.html",
        {"post": post, "items": post.items.all(), "checks": checks, "form": form, "may_edit": may_edit},
    )


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    need(request.user, VERIFY)
    form = PostForm(request.POST or None, user=request.user, initial={"opened_on": timezone.localdate()})

    def save() -> str:
        data = dict(form.cleaned_data)
        items = data.pop("items")
        post = services.control_post_create(actor=request.user, items=items, **data)
        return _post_url(post)

    if answer := submitted(request, form, save, _("The control post was opened.")):
        return answer
    return _form_page(request, form, title=_("New control post"), cancel=reverse("programme:control-post-list"))


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_visible_or_404(ControlPost.objects.all(), request.user, VERIFY, pk=pk)
    initial = {name: getattr(post, name) for name in services.POST_FIELDS} | {"items": list(post.items.all())}
    form = PostForm(request.POST or None, user=request.user, initial=initial)

    def save() -> str:
        data = dict(form.cleaned_data)
        items = data.pop("items")
        data["address"] = data.get("address") or ""
        services.control_post_update(actor=request.user, post=post, values=data, items=items)
        return _post_url(post)

    if answer := submitted(request, form, save, _("The control post was saved.")):
        return answer
    return _form_page(
        request,
        form,
        title=_("Edit the control post %(object)s") % {"object": post.object_name},
        cancel=_post_url(post),
    )


urlpatterns = [
    path("control/plans/", plan_list, name="control-plan-list"),
    path("control/plans/new/", plan_create, name="control-plan-create"),
    path("control/plans/<int:pk>/", plan_detail, name="control-plan-detail"),
    path("control/plans/<int:pk>/edit/", plan_edit, name="control-plan-edit"),
    path("control/visits/", visit_list, name="control-visit-list"),
    path("control/visits/new/", visit_create, name="control-visit-create"),
    path("control/visits/<int:pk>/", visit_detail, name="control-visit-detail"),
    path("control/visits/<int:pk>/edit/", visit_edit, name="control-visit-edit"),
    path("control/visits/<int:pk>/photos/", visit_photo, name="control-visit-photo"),
    path("control/visits/<int:pk>/recommendations/new/", recommendation_create, name="control-recommendation-create"),
    path("control/photos/<int:pk>/", photo_download, name="control-photo"),
    path("control/photos/<int:pk>/delete/", photo_delete, name="control-photo-delete"),
    path("control/recommendations/", recommendation_list, name="control-recommendation-list"),
    path("control/recommendations/<int:pk>/edit/", recommendation_edit, name="control-recommendation-edit"),
    path("control/recommendations/<int:pk>/close/", recommendation_close, name="control-recommendation-close"),
    path("control/posts/", post_list, name="control-post-list"),
    path("control/posts/new/", post_create, name="control-post-create"),
    path("control/posts/<int:pk>/", post_detail, name="control-post-detail"),
    path("control/posts/<int:pk>/edit/", post_edit, name="control-post-edit"),
]
