"""The citizen's pages: send an appeal, track it by code and PIN, rate the answer, open statistics.

No account is needed anywhere here. What keeps it safe:
- the form has a honeypot, a per-address hourly limit and a one-time token (a double click or a
  resubmitted page shows the first result, never registers twice);
- files are checked by content and size, and a huge upload is skipped while it streams in;
- the tracking page needs the code and the PIN (sent by POST, never in the address); wrong PINs
  are counted per code and per address and, past the limit, not even checked;
- a proven PIN opens the appeal's pages for this browser session for 30 minutes;
- nothing on these pages names the applicant or the executor.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amanat.appeals import pdf
from amanat.appeals.choices import OPEN_STATUSES, AppealStatus, Channel
from amanat.appeals.forms.public import (
    HONEYPOT,
    PublicAppealForm,
    RatingForm,
    ReopenForm,
    TrackForm,
    areas,
    settlements_of,
    token_nonce,
)
from amanat.appeals.models import Appeal, AppealAnswer
from amanat.appeals.services import feedback
from amanat.appeals.services.deadlines import clock_of
from amanat.appeals.services.intake import Intake, appeal_register, pin_matches
from amanat.appeals.stats import public_stats
from amanat.appeals.workflow import Transition
from amanat.core.forms import add_service_errors
from amanat.core.middleware import client_ip
from amanat.org.choices import TerritoryKind
from amanat.org.models import Territory

ACCESS_SECONDS = 30 * 60  # a proven PIN opens the appeal's pages this long
PIN_SHOWN_SECONDS = 15 * 60  # the PIN stays on the "sent" page (and in its coupon) this long
PIN_WINDOW_SECONDS = 15 * 60  # wrong PINs are counted over this window
ADDRESS_PIN_FACTOR = 4  # many citizens share one address (mobile networks): a wider limit there
SESSION_FILED = "appeal_filed"
SESSION_ACCESS = "appeal_access"


# --- helpers ------------------------------------------------------------------------------------


def _ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _appeal_by_code(code: str) -> Appeal | None:
    """The appeal with this tracking code. Callers prove the PIN (or the session) before showing it."""
    code = (code or "").strip().upper()[:16]
    if not code:
        return None
    return Appeal.objects.select_related("org_unit", "category").filter(tracking_code=code).first()


def _grant_access(request: HttpRequest, code: str) -> None:
    now = time.time()
    access = {c: t for c, t in request.session.get(SESSION_ACCESS, {}).items() if t > now}
    access[code] = now + ACCESS_SECONDS
    request.session[SESSION_ACCESS] = access


def _has_access(request: HttpRequest, code: str) -> bool:
    return request.session.get(SESSION_ACCESS, {}).get(code, 0) > time.time()


def _filed(request: HttpRequest) -> dict[str, Any] | None:
    return request.session.get(SESSION_FILED)


def _filed_pin(request: HttpRequest, code: str) -> str | None:
    filed = _filed(request)
    if filed and filed.get("code") == code and filed.get("until", 0) > time.time():
        return filed.get("pin") or None
    return None


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the appeal form ----------------------------------------------------------------------------


class AttachmentSizeLimit(FileUploadHandler):
    """Skips a file as soon as it grows past the limit: a 50 MB upload is neither kept in memory
    nor written to disk, and the form says which file was too large."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = settings.APPEAL_ATTACHMENT_MAX_BYTES
        self.too_large: list[str] = []
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large.append(self.file_name or "")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def _body_limit() -> int:
    # Every allowed file at its largest, plus room for the text fields.
    return settings.APPEAL_ATTACHMENTS_MAX * settings.APPEAL_ATTACHMENT_MAX_BYTES + 2 * 2**20


def _rate_key(request: HttpRequest) -> str:
    return f"appeals:public-form:{_ip(request)}:{int(time.time() // 3600)}"


def _over_rate(request: HttpRequest) -> bool:
    return cache.get(_rate_key(request), 0) >= settings.APPEAL_PUBLIC_PER_HOUR


def _count_rate(request: HttpRequest) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, 3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)


def _token_key(nonce: str) -> str:
    return f"appeals:form-token:{nonce}"


def _show_filed(request: HttpRequest, result: dict[str, Any]) -> HttpResponse:
    """Remember the filed appeal in this session and show its "sent" page."""
    request.session[SESSION_FILED] = result
    _grant_access(request, result["code"])
    return redirect("appeals:public-done")


def _wait_for_first(nonce: str) -> dict[str, Any] | None:
    """A double click: the first request is still registering; wait for its result briefly."""
    for _attempt in range(50):
        entry = cache.get(_token_key(nonce))
        if entry is None or entry.get("state") == "done":
            return entry
        time.sleep(0.1)
    return cache.get(_token_key(nonce))


def _render_form(request: HttpRequest, form: PublicAppealForm, *, status: int = 200, error: str = "") -> HttpResponse:
    selected = form["district"].value() if form.is_bound else None
    area = Territory.objects.filter(pk=selected).first() if selected and str(selected).isdigit() else None
    groups = [(a, settlements_of(a)) for a in areas()]
    context = {
        "form": form,
        "settlement_groups": [(a, s) for a, s in groups if s and (area is None or a.pk == area.pk)],
        "max_files": settings.APPEAL_ATTACHMENTS_MAX,
        "page_error": error,
    }
    return render(request, "appeals/public/form.html", context, status=status)


@csrf_exempt
@never_cache
def appeal_new(request: HttpRequest) -> HttpResponse:
    # The upload handler must be in place before anything reads the body, and the CSRF check
    # reads it: so CSRF is checked inside, after the handler is added (Django's documented way).
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _body_limit():
            message = _(
                "The files are too large together: at most %(count)s files of %(mb)s MB each. Nothing was sent."
            ) % {"count": settings.APPEAL_ATTACHMENTS_MAX, "mb": settings.APPEAL_ATTACHMENT_MAX_BYTES // 2**20}
            return _render_form(request, PublicAppealForm(), status=413, error=message)
        limiter = AttachmentSizeLimit(request)
        try:
            request.upload_handlers.insert(0, limiter)
        except AttributeError:
            # A middleware has already read the body (the NUL-character guard reads every form):
            # files were streamed to temporary files on disk, and check_upload refuses them by size.
            pass
        else:
            request._appeal_limiter = limiter  # type: ignore[attr-defined]
    return _appeal_new(request)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _appeal_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_form(request, PublicAppealForm())
    if request.POST.get(HONEYPOT):
        # A robot: it sees a success page; nothing is registered.
        return render(request, "appeals/public/done.html", {"decoy": True})

    limiter = getattr(request, "_appeal_limiter", None)
    form = PublicAppealForm(request.POST, request.FILES, too_large=limiter.too_large if limiter else [])
    nonce = token_nonce(request.POST.get("form_token", ""))
    if nonce is not None:
        entry = cache.get(_token_key(nonce))
        if entry is not None and entry.get("state") == "pending":
            entry = _wait_for_first(nonce)
        if entry is not None and entry.get("state") == "done":
            return _show_filed(request, entry["result"])
    if _over_rate(request):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many appeals have been sent from your address in the last hour. Your text is kept below: "
                "please send it again later, or call or visit a public reception."
            ),
        )
        return _render_form(request, form, status=429)
    if not form.is_valid():
        return _render_form(request, form)
    if nonce is None:
        form.add_error(None, _("The form is out of date. Check it and press “Send” again."))
        form.data = form.data.copy()
        form.data["form_token"] = PublicAppealForm().initial["form_token"]
        return _render_form(request, form)
    if not cache.add(_token_key(nonce), {"state": "pending"}, 120):
        entry = _wait_for_first(nonce)
        if entry is not None and entry.get("state") == "done":
            return _show_filed(request, entry["result"])
        form.add_error(None, _("Your appeal is being sent. Wait a moment and reload the page."))
        return _render_form(request, form)

    data = form.cleaned_data
    intake = Intake(
        appeal_type=data["appeal_type"],
        channel=Channel.WEB,
        text=data["text"],
        language=data["language"],
        subject=data.get("subject") or "",
        category=data.get("category"),
        territory=form.territory,
        address=data.get("address") or "",
        is_collective=bool(data.get("is_collective")),
        signatories=(data.get("signatories") or 1) if data.get("is_collective") else 1,
        is_anonymous=bool(data.get("is_anonymous")),
        reports_threat=bool(data.get("reports_threat")),
        applicant_name=data.get("applicant_name") or "",
        applicant_phone=data.get("applicant_phone") or "",
        applicant_email=data.get("applicant_email") or "",
        applicant_address=data.get("applicant_address") or "",
        applicant_iin=data.get("applicant_iin") or "",
        answer_channel=data["answer_channel"],
        consent=bool(data.get("consent")),
        attachments=data.get("attachments") or [],
    )
    try:
        registered = appeal_register(actor=None, intake=intake, public=True, idempotency_key=f"web:{nonce}")
    except ValidationError as exc:
        cache.delete(_token_key(nonce))
        add_service_errors(form, exc, rename={"appeal_type": "appeal_type"})
        return _render_form(request, form)
    except IntegrityError:
        # The same token raced in from another server process: show the appeal it registered.
        cache.delete(_token_key(nonce))
        existing = Appeal.objects.filter(idempotency_key=f"web:{nonce}").first()
        if existing is None:
            raise
        return _show_filed(request, _result(existing, pin=""))
    except BaseException:
        cache.delete(_token_key(nonce))
        raise
    result = _result(registered.appeal, pin=registered.pin)
    cache.set(_token_key(nonce), {"state": "done", "result": result}, 2 * 24 * 3600)
    if registered.created:
        _count_rate(request)
    return _show_filed(request, result)


def _result(appeal: Appeal, *, pin: str) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "code": appeal.tracking_code,
        "pin": pin,
        "until": time.time() + PIN_SHOWN_SECONDS,
    }


@require_GET
@never_cache
def appeal_done(request: HttpRequest) -> HttpResponse:
    filed = _filed(request)
    appeal = _appeal_by_code(filed["code"]) if filed else None
    if appeal is None:
        return redirect("appeals:public-new")
    clock = clock_of(appeal)
    context = {
        "appeal": appeal,
        "pin": _filed_pin(request, appeal.tracking_code),
        "deadline": clock.deadline or appeal.deadline,
        "emailed": bool(appeal.applicant_email),
    }
    return render(request, "appeals/public/done.html", context)


@require_GET
@never_cache
def appeal_coupon(request: HttpRequest, code: str) -> HttpResponse:
    filed = _filed(request)
    if not ((filed and filed.get("code") == code) or _has_access(request, code)):
        return redirect(f"{reverse('appeals:track')}?{urlencode({'code': code})}")
    appeal = _appeal_by_code(code)
    if appeal is None:
        raise Http404
    content = pdf.coupon_pdf(appeal, pin=_filed_pin(request, code))
    return _pdf_response(content, f"coupon-{appeal.tracking_code}.pdf")


@require_GET
def settlements(request: HttpRequest) -> HttpResponse:
    """The settlements of a city or district, as <option>s for the form's second select (htmx)."""
    raw = request.GET.get("district", "")
    area = (
        Territory.objects.filter(pk=raw, kind__in=[TerritoryKind.CITY, TerritoryKind.DISTRICT]).first()
        if raw.isdigit()
        else None
    )
    items = settlements_of(area) if area is not None else []
    return render(request, "appeals/public/_settlement_options.html", {"settlements": items})


# --- tracking -----------------------------------------------------------------------------------


def _pin_keys(code: str, ip: str) -> list[tuple[str, int]]:
    limit = settings.APPEAL_PIN_ATTEMPTS
    return [(f"appeals:pin-fail:code:{code}", limit), (f"appeals:pin-fail:ip:{ip}", limit * ADDRESS_PIN_FACTOR)]


def _pin_wait_minutes(code: str, ip: str) -> int | None:
    """Minutes to wait before the next PIN is checked, or None when it may be checked now."""
    now = time.time()
    for key, limit in _pin_keys(code, ip):
        if (cache.get(key) or 0) >= limit:
            until = cache.get(f"{key}:until") or now + PIN_WINDOW_SECONDS
            return max(1, math.ceil((until - now) / 60))
    return None


def _pin_failed(code: str, ip: str) -> None:
    until = time.time() + PIN_WINDOW_SECONDS
    for key, _limit in _pin_keys(code, ip):
        if cache.add(key, 1, PIN_WINDOW_SECONDS):
            cache.set(f"{key}:until", until, PIN_WINDOW_SECONDS)
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, PIN_WINDOW_SECONDS)
            cache.set(f"{key}:until", until, PIN_WINDOW_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = TrackForm(initial={"code": request.GET.get("code", "")[:16]})
        return render(request, "appeals/public/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "appeals/public/track.html", {"form": form})
    code, pin, ip = form.cleaned_data["code"], form.cleaned_data["pin"], _ip(request)
    wait = _pin_wait_minutes(code, ip)
    if wait is not None:
        form.add_error(
            None,
            _("Too many attempts with a wrong PIN. Try again in %(minutes)s minutes.") % {"minutes": wait},
        )
        return render(request, "appeals/public/track.html", {"form": form}, status=429)
    appeal = _appeal_by_code(code)
    if appeal is None or not pin_matches(appeal, pin):
        _pin_failed(code, ip)
        form.add_error(
            "pin",
            _("The tracking code or the PIN is wrong. Check them on your coupon or in the e-mail we sent you."),
        )
        return render(request, "appeals/public/track.html", {"form": form})
    cache.delete(_pin_keys(code, ip)[0][0])  # the right PIN clears the code's count (not the address's)
    _grant_access(request, appeal.tracking_code)
    return redirect("appeals:track-detail", code=appeal.tracking_code)


def _timeline(appeal: Appeal) -> list[dict[str, Any]]:
    steps = []
    labels = dict(Transition.choices)
    for event in appeal.events.filter(is_public=True).only("kind", "to_status", "at").order_by("at", "id"):
        if event.kind == "registered":
            label = gettext_lazy("Registered")
        elif event.kind in labels:
            label = labels[event.kind]
        else:
            continue
        status = AppealStatus(event.to_status).label if event.to_status in AppealStatus.values else ""
        steps.append({"label": label, "at": event.at, "status": status})
    return steps


def _status_context(request: HttpRequest, appeal: Appeal, **forms: Any) -> dict[str, Any]:
    clock = clock_of(appeal)
    is_open = appeal.status in OPEN_STATUSES
    answer = feedback.latest_answer(appeal)
    can_rate = feedback.can_rate(appeal)
    can_reopen = feedback.can_reopen(appeal)
    remaining = clock.remaining() if is_open else None
    return {
        "appeal": appeal,
        "is_open": is_open,
        "deadline": clock.deadline if is_open else appeal.deadline,
        "remaining": remaining,
        "overdue": -remaining if remaining is not None and remaining < 0 else 0,
        "paused": appeal.status == AppealStatus.PAUSED,
        "timeline": _timeline(appeal),
        "answer": answer,
        "rating_form": forms.get("rating_form") or (RatingForm() if can_rate else None),
        "reopen_form": forms.get("reopen_form") or (ReopenForm() if can_reopen else None),
        "rating": appeal.feedback.order_by("-created_at").first(),
    }


def _appeal_for_session(request: HttpRequest, code: str) -> Appeal | None:
    if not _has_access(request, code):
        return None
    return _appeal_by_code(code)


def _to_track_form(code: str) -> HttpResponse:
    return redirect(f"{reverse('appeals:track')}?{urlencode({'code': code})}")


@require_GET
@never_cache
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    appeal = _appeal_for_session(request, code)
    if appeal is None:
        return _to_track_form(code)
    return render(request, "appeals/public/status.html", _status_context(request, appeal))


@require_POST
@never_cache
def appeal_rate(request: HttpRequest, code: str) -> HttpResponse:
    appeal = _appeal_for_session(request, code)
    if appeal is None:
        return _to_track_form(code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            feedback.appeal_rate(
                appeal=appeal,
                rating=form.cleaned_data["rating"],
                solved=form.cleaned_data["solved"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            from django.contrib import messages

            messages.success(request, _("Thank you: your rating has been recorded."))
            return redirect("appeals:track-detail", code=code)
    appeal.refresh_from_db()
    context = _status_context(request, appeal, rating_form=form)
    return render(request, "appeals/public/status.html", context)


@require_POST
@never_cache
def appeal_reopen(request: HttpRequest, code: str) -> HttpResponse:
    appeal = _appeal_for_session(request, code)
    if appeal is None:
        return _to_track_form(code)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            feedback.appeal_reopen_by_applicant(appeal=appeal, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            from django.contrib import messages

            messages.success(request, _("Your appeal has been reopened: it is back in work with a new deadline."))
            return redirect("appeals:track-detail", code=code)
    appeal.refresh_from_db()
    context = _status_context(request, appeal, reopen_form=form)
    return render(request, "appeals/public/status.html", context)


@require_GET
@never_cache
def answer_pdf(request: HttpRequest, code: str, answer_id: int) -> HttpResponse:
    appeal = _appeal_for_session(request, code)
    if appeal is None:
        return _to_track_form(code)
    answer = AppealAnswer.objects.filter(appeal=appeal, pk=answer_id).select_related("appeal").first()
    if answer is None:
        raise Http404
    return _pdf_response(pdf.answer_letter_pdf(answer, public=True), f"answer-{appeal.tracking_code}-{answer.pk}.pdf")


# --- open statistics ----------------------------------------------------------------------------


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    return render(request, "appeals/public/stats.html", {"stats": public_stats(), "now": timezone.now()})


urlpatterns = [
    path("new/", appeal_new, name="public-new"),
    path("new/sent/", appeal_done, name="public-done"),
    path("new/settlements/", settlements, name="public-settlements"),
    path("track/", track, name="track"),
    path("track/<str:code>/", track_detail, name="track-detail"),
    path("track/<str:code>/coupon.pdf", appeal_coupon, name="public-coupon"),
    path("track/<str:code>/rate/", appeal_rate, name="public-rate"),
    path("track/<str:code>/reopen/", appeal_reopen, name="public-reopen"),
    path("track/<str:code>/answer/<int:answer_id>.pdf", answer_pdf, name="public-answer-pdf"),
    path("statistics/", stats, name="public-stats"),
]
