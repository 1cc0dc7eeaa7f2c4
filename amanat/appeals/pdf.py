"""PDF documents of the public reception (WeasyPrint): the coupon (талон) and the answer letter.

    coupon_pdf(appeal, *, pin=None) -> bytes
    answer_letter_pdf(answer, *, public=False) -> bytes

Each document is an HTML template rendered first (`coupon_html`, `answer_letter_html`: tests read
those) and then printed by WeasyPrint. The coupon is written in the appeal's language with every
label repeated small in the other language (kk ↔ ru), so whoever reads it finds their words; the
answer letter is written wholly in the answer's language. The staff and the public site call the
same functions; the public answer letter leaves out the addressee (no personal data).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from amanat.appeals.choices import AppealType, Channel, Language
from amanat.core.i18n import pick
from amanat.core.models import SiteSettings

OTHER_LANGUAGE = {Language.KK: Language.RU, Language.RU: Language.KK}


def _language(code: str) -> str:
    return code if code in (Language.KK, Language.RU) else Language.RU


def tracking_url(appeal: Any) -> str:
    """The public tracking page with the code filled in (the PIN is never put in a link)."""
    try:
        path = reverse("appeals:track")
    except NoReverseMatch:
        path = "/appeals/track/"
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{path}?code={appeal.tracking_code}"


def _qr_data_uri(text: str) -> str:
    import segno

    return segno.make(text, error="m").png_data_uri(scale=4, border=2)


def _labels(lang: str) -> dict[str, str]:
    """The coupon's labels in one language (gettext: the lead's catalogues translate them)."""
    from django.utils.translation import gettext as _

    with translation.override(lang):
        return {
            "title": _("Coupon of registration of an appeal"),
            "number": _("Registration No."),
            "received": _("Received"),
            "registered": _("Registered on"),
            "type": _("Type"),
            "channel": _("Channel"),
            "accepted_by": _("Accepted by"),
            "unit": _("Responsible unit"),
            "deadline": _("Answer due by"),
            "code": _("Tracking code"),
            "pin": _("PIN"),
            "pin_note": _("Keep the PIN secret: with the code it opens your appeal on the website."),
            "track": _("Follow your appeal at"),
            "never_refused": _("An appeal is never refused. The term runs in working days."),
            "system": _("Online, without an operator"),
        }


def _choice_label(enum: Any, value: str, lang: str) -> str:
    with translation.override(lang):
        try:
            return str(enum(value).label)
        except ValueError:
            return value


def coupon_html(appeal: Any, *, pin: str | None = None) -> str:
    lang = _language(appeal.language)
    other = OTHER_LANGUAGE[lang]
    site = SiteSettings.load()
    url = tracking_url(appeal)
    received = timezone.localtime(appeal.received_at)
    rows = [
        ("number", appeal.number, True),
        ("received", received.strftime("%d.%m.%Y %H:%M"), False),
        ("registered", appeal.registered_on.strftime("%d.%m.%Y"), False),
        (
            "type",
            f"{_choice_label(AppealType, appeal.appeal_type, lang)} / "
            f"{_choice_label(AppealType, appeal.appeal_type, other)}",
            False,
        ),
        (
            "channel",
            f"{_choice_label(Channel, appeal.channel, lang)} / {_choice_label(Channel, appeal.channel, other)}",
            False,
        ),
        (
            "accepted_by",
            appeal.accepted_by.full_name if appeal.accepted_by_id else _labels(lang)["system"],
            False,
        ),
        ("unit", pick(appeal.org_unit, "name", lang), False),
        ("deadline", appeal.deadline.strftime("%d.%m.%Y") if appeal.deadline else "—", True),
        ("code", appeal.tracking_code, True),
    ]
    if pin:
        rows.append(("pin", pin, True))
    main, small = _labels(lang), _labels(other)
    context = {
        "lang": lang,
        "party": pick(site, "party_name", lang),
        "branch": pick(site, "branch_name", lang),
        "branch_other": pick(site, "branch_name", other),
        "rows": [
            {"label": main[key], "other": small[key], "value": value, "strong": strong} for key, value, strong in rows
        ],
        "main": main,
        "small": small,
        "pin": pin,
        "url": url,
        "qr": _qr_data_uri(url),
        "printed": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
    }
    return render_to_string("appeals/pdf/coupon.html", context)


def answer_letter_html(answer: Any, *, public: bool = False) -> str:
    appeal = answer.appeal
    lang = _language(answer.language)
    site = SiteSettings.load()
    unit = appeal.org_unit
    with translation.override(lang):
        context = {
            "lang": lang,
            "party": pick(site, "party_name", lang),
            "branch": pick(site, "branch_name", lang),
            "unit": pick(unit, "name", lang),
            "address": pick(unit, "address", lang) or pick(site, "address", lang),
            "phone": unit.phone or site.phone,
            "email": unit.email or site.email,
            "number": appeal.number,
            "date": timezone.localtime(answer.created_at).strftime("%d.%m.%Y"),
            "appeal_date": timezone.localtime(appeal.received_at).strftime("%d.%m.%Y"),
            "public": public,
            "addressee": "" if public or appeal.is_anonymous else appeal.applicant_name,
            "addressee_address": "" if public else appeal.applicant_address,
            "paragraphs": [p.strip() for p in answer.text.replace("\r\n", "\n").split("\n\n") if p.strip()],
            "signed_by": answer.signed_by.full_name if answer.signed_by_id else "",
            "subject": appeal.subject,
        }
        return render_to_string("appeals/pdf/answer_letter.html", context)


def _print(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()  # self-contained: no files or URLs are fetched


def coupon_pdf(appeal: Any, *, pin: str | None = None) -> bytes:
    """The coupon (талон) given on registration: number, date and time, who accepted it, the
    deadline, the tracking code (and the PIN only when passed in), a QR code of the tracking page."""
    return _print(coupon_html(appeal, pin=pin))


def answer_letter_pdf(answer: Any, *, public: bool = False) -> bytes:
    """The answer letter in the answer's language; `public=True` leaves out the addressee."""
    return _print(answer_letter_html(answer, public=public))
