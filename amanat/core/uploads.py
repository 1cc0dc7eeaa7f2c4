"""Files people attach (appeals, programme reports): JPEG, PNG or PDF, checked by their first
bytes (the browser's word for the type is not trusted) and by size."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

ALLOWED_TYPES = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
}
# The first bytes each type must start with: the browser's word for the type is not trusted.
MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "application/pdf": b"%PDF-"}


def check_upload(upload: UploadedFile, *, limit: int) -> str:
    """The content type of an acceptable upload (at most `limit` bytes), or a ValidationError
    saying what is wrong."""
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is too large: at most %(mb)s MB.") % {"name": upload.name, "mb": limit // 2**20}
        )
    name = (upload.name or "").lower()
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for content_type, suffixes in ALLOWED_TYPES.items():
        if name.endswith(suffixes) and head.startswith(MAGIC[content_type]):
            return content_type
    raise ValidationError(
        _("The file “%(name)s” is not accepted: attach JPEG or PNG images or PDF documents.") % {"name": upload.name}
    )


def upload_errors(uploads: list[UploadedFile], *, limit: int) -> list[str]:
    """What is wrong with each of several uploads (empty when all may be kept), for forms."""
    errors: list[str] = []
    for upload in uploads:
        try:
            check_upload(upload, limit=limit)
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors
