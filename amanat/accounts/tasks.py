"""Background work for accounts: e-mails carrying a link to set a password."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from amanat.accounts.models import User
from amanat.accounts.services import set_password_path
from amanat.core.models import SiteSettings

TEMPLATES = {
    "invitation": ("accounts/email/invitation_subject.txt", "accounts/email/invitation.txt"),
    "password_reset": ("accounts/email/password_reset_subject.txt", "accounts/email/password_reset.txt"),
}


def _send_link(user: User, kind: str, site_url: str) -> None:
    subject_template, body_template = TEMPLATES[kind]
    language = user.language or settings.LANGUAGE_CODE
    base = site_url.rstrip("/")
    with translation.override(language):
        context = {
            "user": user,
            "site": SiteSettings.load(),
            "link": base + set_password_path(user),
            "login_url": base + reverse("accounts:login"),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    EmailMessage(subject, body, None, [user.email], headers={"Content-Language": language}).send()


@task()
def send_invitation(*, user_id: int, site_url: str) -> None:
    """E-mail a new user, in their language, a link to set their first password.

    Once a password is set the task does nothing, so running it twice is harmless.
    """
    user = User.objects.filter(pk=user_id, is_active=True, email__isnull=False).first()
    if user is not None and not user.has_usable_password():
        _send_link(user, "invitation", site_url)


@task()
def send_password_reset(*, user_id: int, site_url: str) -> None:
    """E-mail a user, in their language, a link to choose a new password."""
    user = User.objects.filter(pk=user_id, is_active=True, email__isnull=False).first()
    if user is not None:
        _send_link(user, "password_reset", site_url)
