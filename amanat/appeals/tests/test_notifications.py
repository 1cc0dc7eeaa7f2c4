"""The applicant is told of every public step in the appeal's language; staff are told their part."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from amanat.appeals import tasks
from amanat.appeals.choices import DismissalGround, Language, Solved
from amanat.appeals.notifications import notices_retry
from amanat.appeals.services.feedback import appeal_rate
from amanat.appeals.services.transitions import appeal_assign, appeal_transition
from amanat.appeals.workflow import Transition
from amanat.notifications.models import Notification
from amanat.notifications.sms import LocmemSmsBackend

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Atyrau")


@pytest.fixture(autouse=True)
def _empty_outboxes():
    LocmemSmsBackend.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, tzinfo=TZ), tick=False):
        yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def register(appeal_factory, django_capture_on_commit_callbacks):
    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return appeal_factory(**kwargs)

    return make


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    def run(appeal, transition, actor, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return appeal_transition(appeal=appeal, transition=transition, actor=actor, **kwargs)

    return run


def html_of(message) -> str:
    return message.alternatives[0][0] if hasattr(message, "alternatives") else message.alternatives[0].content


def test_registration_e_mail_in_kazakh_for_a_kazakh_appeal(register):
    appeal = register(language=Language.KK)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aigul@example.kz"]
    assert appeal.number in message.subject
    for part in (appeal.number, appeal.tracking_code, "13.04.2026", "/appeals/"):
        assert part in message.body
    assert "Күйі" in message.body and "Статус" not in message.body
    assert 'lang="kk"' in html_of(message)


def test_registration_e_mail_in_russian_for_a_russian_appeal(register):
    appeal = register(language=Language.RU)
    [message] = mail.outbox
    assert appeal.tracking_code in message.body
    assert "Статус" in message.body and "Күйі" not in message.body
    assert 'lang="ru"' in html_of(message)


def test_sms_when_the_answer_is_wanted_by_sms(register):
    appeal = register(answer_channel="sms", applicant_email="")
    assert mail.outbox == []
    [(phone, text)] = LocmemSmsBackend.outbox
    assert phone == "+77011234567"
    assert appeal.number in text and appeal.tracking_code in text


def test_no_e_mail_when_none_was_given(register):
    appeal = register(applicant_email="")
    assert mail.outbox == [] and LocmemSmsBackend.outbox == []
    event = appeal.events.get(kind="registered")
    assert event.data["notice"]["done"] is True


def test_each_public_step_tells_the_applicant_once(register, act, staff):
    appeal = register(language=Language.RU, answer_channel="sms")
    mail.outbox.clear()
    LocmemSmsBackend.outbox.clear()
    appeal = act(appeal, Transition.TAKE, staff.makat_operator)
    appeal = act(appeal, Transition.PAUSE, staff.makat_operator, reason="Приложите договор.")
    appeal = act(appeal, Transition.RESUME, staff.makat_operator)
    appeal = act(
        appeal,
        Transition.EXTEND,
        staff.makat_secretary,
        reason="Нужна экспертиза.",
        extended_to=dt.date(2026, 5, 15),
    )
    appeal = act(appeal, Transition.ANSWER, staff.makat_operator, text="Отопление включено 20 марта.", language="ru")
    appeal = act(appeal, Transition.CLOSE, staff.makat_operator)
    assert len(mail.outbox) == 6
    assert len(LocmemSmsBackend.outbox) == 6
    pause, extend, answer = mail.outbox[1], mail.outbox[3], mail.outbox[4]
    assert "Приложите договор." in pause.body
    assert "15.05.2026" in extend.body and "Нужна экспертиза." in extend.body
    assert "Отопление включено 20 марта." in answer.body
    # The SMS points to the tracking page instead of carrying the answer.
    assert "Отопление включено" not in LocmemSmsBackend.outbox[4][1]

    # Running a step's task again sends nothing more.
    for event in appeal.events.filter(is_public=True):
        assert tasks.tell_applicant.enqueue(appeal_id=appeal.pk, event_id=event.pk).return_value == "already told"
    assert len(mail.outbox) == 6 and len(LocmemSmsBackend.outbox) == 6


def test_forwarding_and_dismissal_name_the_body_and_the_ground(register, act, staff):
    from amanat.org.choices import StateBodyKind
    from amanat.org.models import StateBody

    body = StateBody.objects.add_root(
        instance=StateBody(kind=StateBodyKind.DISTRICT_AKIMAT, name_kk="Мақат әкімдігі", name_ru="Акимат Макатского")
    )
    appeal = register(language=Language.RU)
    act(appeal, Transition.FORWARD, staff.makat_operator, state_body=body, forward_number="01-7")
    assert "Акимат Макатского" in mail.outbox[-1].body and "01-7" in mail.outbox[-1].body
    other = register(language=Language.RU)
    act(other, Transition.DISMISS, staff.makat_secretary, reason="Суд.", ground="court")
    with translation.override("ru"):
        ground = str(DismissalGround.COURT.label)
    assert ground in mail.outbox[-1].body


def test_a_failed_e_mail_is_sent_again_by_the_sweep(register, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def broken(self, messages):
        raise ConnectionError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", broken)
        appeal = register()
    assert mail.outbox == []
    event = appeal.events.get(kind="registered")
    assert event.data["notice"]["email"] == "failed" and not event.data["notice"]["done"]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 30, tzinfo=TZ), tick=False):
        assert notices_retry() == 1
        assert notices_retry() == 0
    assert len(mail.outbox) == 1 and appeal.tracking_code in mail.outbox[0].body


def test_the_executor_is_told_of_an_assignment(register, staff, django_capture_on_commit_callbacks):
    appeal = register()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_assign(appeal=appeal, executor=staff.makat_deputy, actor=staff.makat_operator)
    [note] = Notification.objects.filter(user=staff.makat_deputy, kind="appeals.assigned")
    assert appeal.number in note.title


def test_a_new_appeal_without_executor_reaches_the_units_operators(register, staff):
    appeal = register()
    assert Notification.objects.filter(user=staff.makat_operator, kind="appeals.new", title__contains=appeal.number)
    assert not Notification.objects.filter(user=staff.inder_operator).exists()


def test_an_anonymous_threat_report_is_passed_on_at_once(register, staff):
    appeal = register(is_anonymous=True, reports_threat=True, applicant_name="", applicant_email="")
    [urgent] = Notification.objects.filter(kind="appeals.urgent")
    assert urgent.user == staff.makat_secretary and appeal.number in urgent.title


def test_a_low_rating_reaches_party_control(register, act, staff, django_capture_on_commit_callbacks):
    appeal = register()
    appeal = act(appeal, Transition.ANSWER, staff.makat_operator, text="Ответ.", language="ru", is_positive=True)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_rate(appeal=appeal, rating=1, solved=Solved.NOT)
    [note] = Notification.objects.filter(kind="appeals.review")
    assert note.user == staff.control
    assert not Notification.objects.filter(kind="appeals.review", user=staff.auditor).exists()
