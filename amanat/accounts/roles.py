"""The built-in roles. Their actions are declared by each app (`register_actions(roles=...)`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuiltinRole(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    REGIONAL_ADMIN = "regional_admin", _("Regional branch administrator")
    EXECUTIVE_SECRETARY = "executive_secretary", _("Executive secretary")
    RECEPTION_OPERATOR = "reception_operator", _("Public reception operator")
    DEPUTY = "deputy", _("Maslikhat deputy")
    PARTY_CONTROL = "party_control", _("Party control commission member")
    PRIMARY_SECRETARY = "primary_secretary", _("Primary organisation secretary")
    COUNCIL_SECRETARY = "council_secretary", _("Public council secretary")
    ELECTION_COMMISSION = "election_commission", _("Election commission member")
    STATE_REPORTER = "state_reporter", _("Official reporting for a state body")
    AUDITOR = "auditor", _("Auditor (read-only)")
    MEMBER = "member", _("Party member")


# Names in each language for the roles table; the gettext labels above serve the UI.
ROLE_NAMES: dict[str, tuple[str, str, str]] = {
    "system_admin": ("Жүйе әкімшісі", "Системный администратор", "System administrator"),
    "regional_admin": (
        "Облыстық филиалдың әкімшісі",
        "Администратор областного филиала",
        "Regional branch administrator",
    ),
    "executive_secretary": ("Атқарушы хатшы", "Исполнительный секретарь", "Executive secretary"),
    "reception_operator": (
        "Қоғамдық қабылдау бөлмесінің операторы",
        "Оператор общественной приемной",
        "Public reception operator",
    ),
    "deputy": ("Мәслихат депутаты", "Депутат маслихата", "Maslikhat deputy"),
    "party_control": (
        "Партиялық бақылау комиссиясының мүшесі",
        "Член комиссии партийного контроля",
        "Party control commission member",
    ),
    "primary_secretary": (
        "Бастауыш партия ұйымының хатшысы",
        "Секретарь первичной партийной организации",
        "Primary organisation secretary",
    ),
    "council_secretary": ("Қоғамдық кеңес хатшысы", "Секретарь общественного совета", "Public council secretary"),
    "election_commission": ("Сайлау комиссиясының мүшесі", "Член избирательной комиссии", "Election commission member"),
    "state_reporter": (
        "Мемлекеттік органның есеп беретін қызметкері",
        "Сотрудник госоргана, представляющий отчёты",
        "Official reporting for a state body",
    ),
    "auditor": ("Аудитор (тек қарау)", "Аудитор (только просмотр)", "Auditor (read-only)"),
    "member": ("Партия мүшесі", "Член партии", "Party member"),
}
