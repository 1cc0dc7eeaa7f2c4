"""Staff intake: the form for appeals brought in person, by phone, by letter…, the operator's
hints beside it (category suggestion, similar earlier appeals), and the coupon PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amanat.appeals import intelligence, pdf
from amanat.appeals.choices import Channel, Language
from amanat.appeals.forms.staff import StaffIntakeForm
from amanat.appeals.models import Booking, Category
from amanat.appeals.permissions import AppealAction
from amanat.appeals.selectors import appeal_get
from amanat.appeals.services.intake import Intake, appeal_register, route
from amanat.core.forms import add_service_errors
from amanat.core.iin import is_valid_iin
from amanat.core.permissions import has_action, need
from amanat.org.models import Territory

SESSION_COUPON = "appeals:open-coupon"


def _booking(request: HttpRequest) -> Booking | None:
    """A reception booking the user may see (their unit's, or a slot they host), or None."""
    raw = request.GET.get("booking") or request.POST.get("booking") or ""
    if not raw.isdigit() or len(raw) > 9:
        return None
    user = request.user
    visible = Booking.objects.visible_to(user, AppealAction.REGISTER) | Booking.objects.filter(slot__host=user)
    return visible.select_related("slot__reception").filter(pk=int(raw)).first()


def _initial(request: HttpRequest, booking: Booking | None) -> dict[str, Any]:
    lang = (get_language() or "").split("-")[0]
    initial: dict[str, Any] = {
        "channel": Channel.VISIT,
        "language": lang if lang in Language.values else Language.RU,
    }
    if booking is not None:
        initial.update(
            applicant_name=booking.name,
            applicant_phone=booking.phone,
            applicant_email=booking.email,
            subject=booking.topic[:200],
            text=booking.topic,
            answer_channel="email" if booking.email else "sms",
        )
    return initial


def _unit_for(form: StaffIntakeForm) -> Any:
    """The chosen unit; else the routing table's, when the user may register there; else their own."""
    data = form.cleaned_data
    if data.get("org_unit") is not None:
        return data["org_unit"]
    rule = route(data.get("category"), data.get("territory"))
    if rule is not None and has_action(form.user, AppealAction.REGISTER, rule.org_unit):
        return rule.org_unit
    return form.top_units[0] if form.top_units else None


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    need(request.user, AppealAction.REGISTER)
    booking = _booking(request)
    form = StaffIntakeForm(
        request.POST or None, request.FILES or None, user=request.user, initial=_initial(request, booking)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = _unit_for(form)
        intake = Intake(
            appeal_type=data["appeal_type"],
            channel=data["channel"],
            text=data["text"],
            language=data["language"],
            subject=data.get("subject") or "",
            category=data.get("category"),
            territory=data.get("territory"),
            address=data.get("address") or "",
            is_collective=data.get("is_collective", False),
            signatories=data.get("signatories") or 1,
            is_anonymous=data.get("is_anonymous", False),
            reports_threat=data.get("reports_threat", False),
            applicant_name=data.get("applicant_name") or "",
            applicant_phone=data.get("applicant_phone") or "",
            applicant_email=data.get("applicant_email") or "",
            applicant_address=data.get("applicant_address") or "",
            applicant_iin=data.get("applicant_iin") or "",
            answer_channel=data["answer_channel"],
            org_unit=unit,
            executor=data.get("executor"),
            received_at=data["received_at"],
            attachments=data.get("attachments") or [],
            booking=booking,
        )
        try:
            registered = appeal_register(actor=request.user, intake=intake)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("org_unit", _("You may not register appeals for this unit."))
        else:
            appeal = registered.appeal
            messages.success(request, _("Registered as %(number)s — print the coupon.") % {"number": appeal.number})
            request.session[SESSION_COUPON] = appeal.pk
            return redirect("appeals:detail", pk=appeal.pk)
    return render(request, "appeals/intake/new.html", {"form": form, "booking": booking})


@never_cache
@login_required
@require_POST
def intake_hints(request: HttpRequest) -> HttpResponse:
    """Help beside the text as the operator types: a suggested category and similar appeals."""
    need(request.user, AppealAction.REGISTER)
    text = (request.POST.get("text") or "")[:20_000]
    iin = "".join((request.POST.get("applicant_iin") or "").split())
    phone = (request.POST.get("applicant_phone") or "").strip()
    address = (request.POST.get("address") or "").strip()[:300]
    category_id = request.POST.get("category") or ""
    category = (
        Category.objects.filter(pk=int(category_id)).first()
        if category_id.isdigit() and len(category_id) <= 9
        else None
    )
    territory_id = request.POST.get("territory") or ""
    territory = (
        Territory.objects.filter(pk=int(territory_id)).first()
        if territory_id.isdigit() and len(territory_id) <= 9
        else None
    )
    suggestions = intelligence.suggest_category(text) if len(text.strip()) >= 10 else []
    similar = intelligence.find_similar(
        text=text,
        applicant_iin=iin if is_valid_iin(iin) else "",
        applicant_phone=phone,
        address=address,
        category=category,
        territory=territory,
        actor=request.user,  # only appeals the operator may see
    )
    suggestions = [s for s in suggestions if s.category is not None and s.category.pk != getattr(category, "pk", None)]
    return render(
        request,
        "appeals/intake/_hints.html",
        {"suggestions": suggestions, "similar": similar, "asked": bool(text.strip() or iin or phone or address)},
    )


@login_required
@require_GET
def coupon(request: HttpRequest, pk: int) -> HttpResponse:
    """The coupon (талон) of an appeal the user may see, as a PDF to print."""
    appeal = appeal_get(request.user, pk)
    appeal = type(appeal).objects.select_related("org_unit", "accepted_by").get(pk=appeal.pk)
    response = HttpResponse(pdf.coupon_pdf(appeal), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"coupon-{appeal.number}.pdf")
    return response


urlpatterns = [
    path("new/", appeal_new, name="new"),
    path("new/hints/", intake_hints, name="intake-hints"),
    path("<int:pk>/coupon/", coupon, name="coupon"),
]
