"""Demo assignments and party documents (issue 5 §1, §5).

- the party charter (public, with a version) and a bureau decision of the regional branch
  "on field meetings with the population";
- from that decision, the bureau's assignment to every primary organisation of Makat district:
  some reported, some accepted, one returned for rework, the rest overdue and escalated by the
  sweep; one extension asked for;
- the chairman's assignment to named deputies;
- the executive secretary's assignment to the district and city branches.

Everything goes through the services as the demo logins (the primaries of Makat that have no demo
login get a secretary `makat-pNN.secretary@amanat.kz` with the demo password). The services date
things today; the loader then moves the dates back so that the overdue ones are overdue whenever
the demo is loaded (demo data only). Loaded once: a second run adds nothing and returns 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from amanat.assignments import services
from amanat.assignments.models import Assignment, Execution, ExecutionEvent
from amanat.core.calendar import add_working_days, is_working_day
from amanat.documents.models import Document
from amanat.documents.services.documents import document_create, version_add
from amanat.org.choices import OrgUnitKind
from amanat.org.models import OrgUnit

SECRETARY = "secretary@amanat.kz"
ADMIN = "admin@amanat.kz"
DECISION_NUMBER = "БЮ-14"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _back(day: dt.date, days: int) -> dt.date:
    """The date `days` working days before day."""
    while days > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def _user(email: str) -> Any:
    return get_user_model().objects.filter(email=email).first()


def _secretary_of(unit: OrgUnit) -> Any:
    """The demo secretary of a primary: the demo login where there is one, else one made here."""
    from amanat.accounts.models import Role, RoleGrant
    from amanat.accounts.services import role_grant
    from amanat.demo.logins import DEMO_PASSWORD, GRANTED_ON

    grant = RoleGrant.objects.filter(org_unit=unit, role__code="primary_secretary").select_related("user").first()
    if grant is not None:
        return grant.user
    email = f"{unit.code}.secretary@amanat.kz"
    user = _user(email) or get_user_model().objects.create_user(
        email, DEMO_PASSWORD, full_name=f"{unit.name_ru} — секретарь", language="kk"
    )
    role = Role.objects.get(code="primary_secretary")
    role_grant(actor=None, user=user, role=role, org_unit=unit, valid_from=GRANTED_ON, check=False, announce=False)
    return user


def _backdate(assignment: Assignment, issued_on: dt.date, deadline: dt.date) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(issued_on=issued_on, deadline=deadline)
    Execution.objects.filter(assignment=assignment).update(deadline=deadline)
    assignment.refresh_from_db()


@transaction.atomic
def load_assignments(*, today: dt.date | None = None) -> int:
    """The demo documents and assignments; returns how many records were added (0 when loaded)."""
    if Document.objects.filter(number=DECISION_NUMBER).exists():
        return 0
    today = today or timezone.localdate()
    secretary, admin = _user(SECRETARY), _user(ADMIN)
    regional = OrgUnit.objects.filter(code="atyrau").first()
    central = OrgUnit.objects.filter(code="central").first()
    makat = OrgUnit.objects.filter(code="makat").first()
    if not (secretary and admin and regional and makat):
        return 0
    added = 0

    charter = document_create(
        actor=admin, kind="charter", org_unit=central or regional, adopted_on=dt.date(2022, 3, 1), number="",
        title_kk="AMANAT партиясының Жарғысы", title_ru="Устав партии AMANAT", title_en="Charter of the AMANAT party",
        summary_kk="XXII съезде қабылданған өзгерістермен.", summary_ru="С изменениями, принятыми XXII съездом.",
        is_public=True,
    )  # fmt: skip
    version_add(actor=admin, document=charter, dated_on=dt.date(2022, 3, 1), note="XXII съезд",
                file_kk=SimpleUploadedFile("zhargy.pdf", PDF), file_ru=SimpleUploadedFile("ustav.pdf", PDF))  # fmt: skip
    decision_day = _back(today, 22)
    decision = document_create(
        actor=secretary, kind="bureau_decision", org_unit=regional, adopted_on=decision_day, number=DECISION_NUMBER,
        title_kk="Тұрғындармен көшпелі кездесулер өткізу туралы",
        title_ru="О проведении выездных встреч с населением",
        summary_kk="Барлық бастауыш партия ұйымдарына ауылдарда көшпелі кездесулер өткізу тапсырылсын.",
        summary_ru="Поручить всем первичным партийным организациям провести выездные встречи в сёлах.",
    )  # fmt: skip
    version_add(actor=secretary, document=decision, dated_on=decision_day,
                file_ru=SimpleUploadedFile("reshenie-byuro.pdf", PDF),
                file_kk=SimpleUploadedFile("buro-sheshimi.pdf", PDF))  # fmt: skip
    added += 4

    # 1. The bureau's assignment to every primary of Makat district, from the decision.
    primaries = list(
        OrgUnit.objects.filter(path__startswith=makat.path, kind=OrgUnitKind.PRIMARY, is_active=True).order_by("code")
    )
    bureau = services.assignment_issue(
        actor=secretary, org_unit=regional, issuer_post="Бюро", control_level="strict", source=decision,
        title="Провести выездные встречи с населением во всех сёлах Макатского района",
        text="Организовать выездные встречи, собрать вопросы жителей, внести их как обращения в приёмную.",
        text_kk="Көшпелі кездесулер ұйымдастырып, тұрғындардың мәселелерін жинап, қабылдау бөлмесіне өтініш ретінде енгізу.",
        deadline_days=30, unit_recipients=primaries,
    )  # fmt: skip
    added += 1 + len(primaries)
    _backdate(bureau, decision_day, add_working_days(decision_day, 15))
    executions = list(bureau.executions.select_related("recipient_unit").order_by("recipient_unit__code"))
    # Each primary's part of the story, in order; the rest have done nothing and run late.
    plan = ("accept", "accept", "return", "report", "extension", "late", "report", "accept")
    for index, (execution, step) in enumerate(zip(executions, plan, strict=False)):
        who = _secretary_of(execution.recipient_unit)
        if step == "extension":
            services.extension_request(actor=who, execution=execution, new_deadline=today + dt.timedelta(days=10),
                                       reason="Паводок: дороги в сёла закрыты.")  # fmt: skip
            added += 1
            continue
        services.execution_start(actor=who, execution=execution)
        if step == "late":
            continue  # in progress, overdue
        services.execution_report(
            actor=who, execution=execution,
            text=f"Проведено {2 + index} встречи, участвовало {40 + 7 * index} жителей; вопросы внесены в приёмную.",
            files=[SimpleUploadedFile(f"protocol-{index + 1}.pdf", PDF)],
        )  # fmt: skip
        if step == "accept":
            services.execution_accept(actor=secretary, execution=execution)
        elif step == "return":
            services.execution_return(actor=secretary, execution=execution,
                                      reason="Приложите списки участников и фотографии.")  # fmt: skip
        added += 1
    # Reports came in before the deadline: date them so.
    Execution.objects.filter(assignment=bureau, reported_on__isnull=False).update(
        reported_on=add_working_days(decision_day, 9)
    )
    Execution.objects.filter(assignment=bureau, accepted_on__isnull=False).update(
        accepted_on=add_working_days(decision_day, 11)
    )

    # 2. The chairman's assignment to named deputies.
    deputies = list(get_user_model().objects.filter(grants__role__code="deputy", is_active=True).distinct()[:5])
    if deputies:
        chairman = services.assignment_issue(
            actor=secretary, org_unit=regional, issuer_post="Председатель филиала", control_level="chairman",
            title="Провести приём граждан в своих избирательных округах",
            text="Провести личный приём, итоги внести в систему.", deadline_days=10, user_recipients=deputies,
        )  # fmt: skip
        added += 1 + len(deputies)
        _backdate(chairman, _back(today, 3), add_working_days(today, 7))

    # 3. The executive secretary's assignment to the district and city branches.
    branches = list(
        OrgUnit.objects.filter(path__startswith=regional.path, kind__in=[OrgUnitKind.DISTRICT, OrgUnitKind.CITY])
        .exclude(pk=regional.pk)
        .order_by("code")
    )
    if branches:
        report = services.assignment_issue(
            actor=secretary, org_unit=regional, issuer_post="Исполнительный секретарь", control_level="regular",
            title="Представить отчёт о работе общественных приёмных за квартал",
            text="Отчёт по форме: обращения, решённые вопросы, выездные приёмы.", deadline_days=5,
            unit_recipients=branches,
        )  # fmt: skip
        added += 1 + len(branches)
        _backdate(report, _back(today, 1), add_working_days(today, 4))

    # Steps taken by the services are dated now; the demo's story happened earlier.
    ExecutionEvent.objects.filter(execution__assignment=bureau).update(
        at=timezone.make_aware(dt.datetime.combine(add_working_days(decision_day, 9), dt.time(11)))
    )
    # The overdue ones climb the escalation ladder, as `amanat sweep` would do.
    escalate_demo()
    return added


def escalate_demo() -> str:
    """Run the assignments sweep once (the demo command may call it after loading)."""
    from amanat.assignments.sweeps import deadlines_sweep

    return deadlines_sweep()
