"""Kinds, channels and statuses of citizens' appeals (DOMAIN.md §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealType(models.TextChoices):
    STATEMENT = "statement", _("Statement")  # заявление
    COMPLAINT = "complaint", _("Complaint")  # жалоба
    PROPOSAL = "proposal", _("Proposal")  # предложение
    REPORT = "report", _("Report")  # сообщение
    RESPONSE = "response", _("Response")  # отклик
    REQUEST = "request", _("Request for information")  # запрос
    MANDATE = "mandate", _("Voters' mandate")  # наказ избирателей (campaigns only)


class Channel(models.TextChoices):
    VISIT = "visit", _("Personal visit")
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter")
    WEB = "web", _("Website form")
    EMAIL = "email", _("E-mail")
    FIELD_MEETING = "field_meeting", _("Field meeting")
    MOBILE_RECEPTION = "mobile_reception", _("Mobile reception")
    SOCIAL = "social", _("Social media")
    HOTLINE = "hotline", _("Hot line")
    API = "api", _("Application (API)")


# Channels the staff intake form offers (web and API have their own doors).
STAFF_CHANNELS = [
    Channel.VISIT,
    Channel.PHONE,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.FIELD_MEETING,
    Channel.MOBILE_RECEPTION,
    Channel.SOCIAL,
    Channel.HOTLINE,
]


class AppealStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    IN_WORK = "in_work", _("In work")
    FORWARDED = "forwarded", _("Forwarded to a state body")
    PAUSED = "paused", _("Awaiting the applicant")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    DISMISSED = "dismissed", _("Left without consideration")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    MERGED = "merged", _("Merged into another appeal")


OPEN_STATUSES = frozenset({AppealStatus.REGISTERED, AppealStatus.IN_WORK, AppealStatus.FORWARDED, AppealStatus.PAUSED})
# The same, in the fixed order of the partial indexes' conditions (models.Appeal.Meta): SQLite uses
# a partial index only for a query that repeats its condition exactly, order of the list included.
OPEN_LIST = ["registered", "in_work", "forwarded", "paused"]
FINAL_STATUSES = frozenset({AppealStatus.CLOSED, AppealStatus.DISMISSED, AppealStatus.WITHDRAWN, AppealStatus.MERGED})


class DismissalGround(models.TextChoices):
    """Legal grounds to leave an appeal without consideration."""

    ANONYMOUS = "anonymous", _("Anonymous, and reports no crime or threat")
    REPEATED = "repeated", _("Repeated, with no new arguments, the earlier one fully answered")
    NO_MATTER = "no_matter", _("The text does not let the matter be understood")
    OFFENSIVE = "offensive", _("Contains obscene or offensive language")
    COURT = "court", _("The matter has been decided by a court")


class Language(models.TextChoices):
    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")


class Solved(models.TextChoices):
    FULLY = "fully", _("Fully solved")
    PARTLY = "partly", _("Partly solved")
    NOT = "not", _("Not solved")


class AnswerChannel(models.TextChoices):
    EMAIL = "email", _("By e-mail")
    SMS = "sms", _("By SMS (notice) and on the tracking page")
    POST = "post", _("By post")
    IN_PERSON = "in_person", _("In person")


class AttachmentKind(models.TextChoices):
    APPLICANT = "applicant", _("From the applicant")
    WORK = "work", _("Working document")
    BODY_ANSWER = "body_answer", _("State body's answer")


class LinkKind(models.TextChoices):
    REPEAT = "repeat", _("Repeated appeal")
    DUPLICATE = "duplicate", _("Duplicate")
    RELATED = "related", _("Related")


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    ESCALATION = "escalation", _("Escalation of an overdue appeal")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
