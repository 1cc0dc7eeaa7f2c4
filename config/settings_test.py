"""Settings for the test suite: the same as production's, plus what tests need."""

import os
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import DATABASES

# Transactional tests flush the database between tests; the audit table must allow that here
# (and only here). The append-only tests lock it again explicitly.
AUDIT_UNLOCKED_FOR_TESTS = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c amanat.audit_unlocked=on".strip()

# Tests read English source strings unless they ask for another language; the default
# language of the platform (Kazakh) is tested explicitly where it matters.
LANGUAGE_CODE = "en"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "amanat.notifications.sms.LocmemSmsBackend"
TWO_FACTOR_REQUIRED = os.environ.get("AMANAT_2FA_REQUIRED", "0") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Files the tests write (attachments, the trained classifier) go to a throw-away folder, never
# into the checkout's var/.
VAR_DIR = Path(tempfile.mkdtemp(prefix="amanat-test-var-"))
MEDIA_ROOT = VAR_DIR / "media"
