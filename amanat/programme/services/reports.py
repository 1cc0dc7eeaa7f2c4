"""Writes of programme control: a state body's report, party control's verdict, a status set by hand.

Each is one transaction that checks the actor's right, refuses bad input with field errors and
changes nothing then, writes an audit event, and recomputes the item and the items above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amanat.audit import services as audit
from amanat.core import uploads
from amanat.core.calendar import add_working_days
from amanat.core.permissions import has_action
from amanat.programme.choices import VERDICTS, EvidenceKind, ItemStatus, ReportState
from amanat.programme.models import Evidence, Indicator, IndicatorValue, Item, Report
from amanat.programme.permissions import ProgrammeAction
from amanat.programme.selectors import may_report
from amanat.programme.services.follow import notify_status_changes
from amanat.programme.services.progress import quarter_end, quarter_of, recompute_up


@dataclass
class ReportInput:
    """What a state body reports for a quarter: the narrative, each indicator's actual value,
    money spent and evidence files."""

    year: int
    quarter: int
    narrative: str
    actuals: Mapping[int, Any] = field(default_factory=dict)  # indicator id → value
    money_spent: Any = None
    files: Sequence[UploadedFile] = ()


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def period_errors(year: int, quarter: int, *, today: dt.date) -> list[str]:
    """Why a report may not be given for this quarter now (a future one, or one closed)."""
    if not (1 <= quarter <= 4) or not (2000 <= year <= 2100):
        return [_("Choose a quarter from 1 to 4 of a real year.")]
    if (year, quarter) > quarter_of(today):
        return [_("This quarter has not begun: a report can be given for the current quarter or an earlier one.")]
    closes = add_working_days(quarter_end(year, quarter), settings.PROGRAMME_REPORT_OPEN_DAYS)
    if today > closes:
        return [
            _("Reports for %(year)s Q%(quarter)s were closed on %(day)s.")
            % {"year": year, "quarter": quarter, "day": closes.strftime("%d.%m.%Y")}
        ]
    return []


def value_errors(indicator: Indicator, value: Decimal) -> list[str]:
    """Why an actual value cannot be right: negative where the scale has none, or absurd."""
    if value < 0 <= min(indicator.baseline, indicator.target):
        return [_("“%(name)s” cannot be negative.") % {"name": indicator.name}]
    scale = max(abs(indicator.baseline), abs(indicator.target), Decimal(1))
    if abs(value) > scale * settings.PROGRAMME_ABSURD_FACTOR:
        return [
            _("%(value)s for “%(name)s” is far beyond its baseline and target: check the number and the unit.")
            % {"value": value, "name": indicator.name}
        ]
    return []


@transaction.atomic
def report_submit(*, actor: Any, item: Item, data: ReportInput) -> Report:
    """Give (or, while party control has not yet ruled on it, correct) the report for a quarter."""
    if not may_report(actor, item):
        raise PermissionDenied
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if errors_of_period := period_errors(data.year, data.quarter, today=today):
        errors["quarter"] = errors_of_period
    narrative = (data.narrative or "").strip()
    if not narrative:
        errors["narrative"] = [_("Write what was done in the quarter.")]
    try:
        money = _decimal(data.money_spent)
        if money is not None and money < 0:
            errors["money_spent"] = [_("Money spent cannot be negative.")]
    except ValueError:
        money = None
        errors["money_spent"] = [_("Enter the sum in tenge as a number.")]
    indicators = {ind.pk: ind for ind in item.indicators.all()}
    actuals: dict[int, Decimal] = {}
    for key, raw in data.actuals.items():
        indicator = indicators.get(int(key))
        if indicator is None:
            errors.setdefault("actuals", []).append(_("An indicator of another item was given."))
            continue
        try:
            value = _decimal(raw)
        except ValueError:
            errors.setdefault(f"actual_{indicator.pk}", []).append(_("Enter a number."))
            continue
        if value is None:
            continue
        if problems := value_errors(indicator, value):
            errors.setdefault(f"actual_{indicator.pk}", []).extend(problems)
        actuals[indicator.pk] = value
    for upload in data.files:
        try:
            check_upload(upload)
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    report = Report.objects.select_for_update().filter(item=item, year=data.year, quarter=data.quarter).first()
    if report is not None and report.state != ReportState.CLAIMED:
        errors.setdefault("quarter", []).append(_("Party control has already ruled on this report: it is closed."))
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    due = add_working_days(quarter_end(data.year, data.quarter), settings.PROGRAMME_REPORT_DUE_DAYS)
    created = report is None
    if created:
        report = Report(item=item, year=data.year, quarter=data.quarter, submitted_by=actor, submitted_at=now)
    else:
        report.version += 1
    report.narrative, report.money_spent, report.submitted_by, report.submitted_at = narrative, money, actor, now
    report.is_late = today > due
    report.save()
    for indicator_id, value in actuals.items():
        IndicatorValue.objects.update_or_create(
            indicator_id=indicator_id,
            year=data.year,
            quarter=data.quarter,
            defaults={"actual": value, "report": report},
        )
    for upload in data.files:
        evidence_add(report=report, upload=upload, actor=actor, kind=EvidenceKind.REPORT)
    audit.record(
        actor=actor,
        verb="programme.report_submitted" if created else "programme.report_corrected",
        target=item,
        data={"report": report.pk, "year": data.year, "quarter": data.quarter, "late": report.is_late},
    )
    notify_status_changes(recompute_up(item))
    return report


def check_upload(upload: UploadedFile) -> str:
    return uploads.check_upload(upload, limit=settings.PROGRAMME_EVIDENCE_MAX_BYTES)


def evidence_add(*, report: Report, upload: UploadedFile, actor: Any, kind: str) -> Evidence:
    """Keep a checked file with the report (callers have checked the actor's right)."""
    content_type = check_upload(upload)
    evidence = Evidence(
        report=report,
        kind=kind,
        original_name=(upload.name or "file")[-255:],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    evidence.file.save(upload.name or "file", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def report_verdict(
    *, actor: Any, report: Report, verdict: str, comment: str = "", files: Sequence[UploadedFile] = (), version: int
) -> Report:
    """Party control's verdict on a report: confirmed, partly or not confirmed (with a comment)."""
    report = Report.objects.select_for_update().select_related("item", "item__programme").get(pk=report.pk)
    if not has_action(actor, ProgrammeAction.VERIFY, report.item.org_unit):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    comment = (comment or "").strip()
    if report.version != version or report.state != ReportState.CLAIMED:
        raise ValidationError(
            _("The report has changed or has already been ruled on: nothing was saved."), code="conflict"
        )
    if report.submitted_by_id == getattr(actor, "pk", None):
        raise ValidationError({"verdict": [_("A report cannot be verified by the person who gave it.")]})
    if verdict not in VERDICTS:
        errors["verdict"] = [_("Choose confirmed, partly confirmed or not confirmed.")]
    if verdict in (ReportState.NOT_CONFIRMED, ReportState.PARTLY) and not comment:
        errors["comment"] = [_("Say what was found on the ground: a verdict other than “confirmed” needs a comment.")]
    for upload in files:
        try:
            check_upload(upload)
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    report.state, report.verdict_by, report.verdict_at, report.verdict_comment = verdict, actor, timezone.now(), comment
    report.version += 1
    report.save()
    for upload in files:
        evidence_add(report=report, upload=upload, actor=actor, kind=EvidenceKind.VERDICT)
    audit.record(
        actor=actor,
        verb="programme.report_verified",
        target=report.item,
        data={"report": report.pk, "verdict": verdict, "year": report.year, "quarter": report.quarter},
    )
    notify_status_changes(recompute_up(report.item))
    return report


@transaction.atomic
def status_override(*, actor: Any, item: Item, status: str, reason: str) -> Item:
    """Set an item's status by hand (or clear it with an empty status), with a reason; audited."""
    if not has_action(actor, ProgrammeAction.OVERRIDE, item.org_unit):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if status and status not in ItemStatus.values:
        errors["status"] = [_("Choose a status from the list.")]
    if not reason:
        errors["reason"] = [_("Give the reason: a status set by hand is shown with it and audited.")]
    if errors:
        raise ValidationError(errors)
    before = item.status
    item.status_override, item.override_reason = status, reason
    item.save(update_fields=["status_override", "override_reason", "updated_at"])
    audit.record(
        actor=actor,
        verb="programme.status_overridden",
        target=item,
        changes={"status": [before, item.status]},
        data={"reason": reason},
    )
    changed = recompute_up(item)
    notify_status_changes([*changed, item] if before != item.status and item not in changed else changed)
    return item
