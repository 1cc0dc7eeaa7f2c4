"""Writes for member imports: take an uploaded file, check every row, and write them all once the
uploader confirms.

Callers may also import these from `amanat.org.services.people`, which re-exports them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amanat.audit.services import record
from amanat.core.permissions import has_action, require
from amanat.org import importing
from amanat.org.models import MemberImport, OrgUnit
from amanat.org.permissions import OrgAction
from amanat.org.services.people_base import PeopleVerb

# upload ─▶ pending ─▶ validating ─▶ ready ──confirm──▶ committing ─▶ done
#                                 └▶ invalid (errors by row and column; nothing written)
# Files above importing.sync_max_rows() rows are checked and written by background tasks.


def _forget_file(job: MemberImport) -> None:
    # The file holds IINs: once the import is over it is not kept.
    if job.file:
        name, storage = job.file.name, job.file.storage
        job.file = ""
        transaction.on_commit(lambda: storage.delete(name))


def _fail(job: MemberImport, message: str, status: str = MemberImport.Status.FAILED) -> MemberImport:
    job.status = status
    job.message = message[:500]
    job.finished_at = timezone.now()
    _forget_file(job)
    job.save()
    return job


@transaction.atomic
def member_import_start(*, actor: Any, org_unit: OrgUnit, upload: UploadedFile) -> MemberImport:
    """Take an uploaded file for import into org_unit's subtree and check it (now or in the background).

    A file that cannot be read raises importing.ImportFileError and nothing is stored.
    """
    require(actor, OrgAction.IMPORT_MEMBERS, org_unit)
    importing.check_size(upload.size or 0)
    data = upload.read()
    rows = importing.count_rows(data, upload.name or "")
    job = MemberImport(
        file_name=(upload.name or "members")[:255],
        uploaded_by=actor,
        org_unit=org_unit,
        rows_total=rows,
        background=rows > importing.sync_max_rows(),
    )
    job.file.save(job.file_name, ContentFile(data), save=False)
    job.save()
    if job.background:
        from amanat.org.tasks import validate_member_import

        transaction.on_commit(lambda: validate_member_import.enqueue(import_id=job.pk))
        return job
    return member_import_validate(import_id=job.pk)


def member_import_validate(*, import_id: int) -> MemberImport:
    """Check every row of an uploaded file (no writes but the job's progress). Safe to run twice."""
    job = MemberImport.objects.select_related("org_unit", "uploaded_by").get(pk=import_id)
    if job.status not in {MemberImport.Status.PENDING, MemberImport.Status.VALIDATING}:
        return job
    with translation.override(job.uploaded_by.language):
        MemberImport.objects.filter(pk=job.pk).update(status=MemberImport.Status.VALIDATING, rows_done=0)
        try:
            table = importing.read_table(job.file.read(), job.file_name)
        except (importing.ImportFileError, OSError, ValueError) as exc:
            return _fail(job, getattr(exc, "message", None) or gettext("The file could not be read."))
        finally:
            job.file.close()
        if not has_action(job.uploaded_by, OrgAction.IMPORT_MEMBERS, job.org_unit):
            return _fail(job, gettext("You may no longer import members into this unit."))
        MemberImport.objects.filter(pk=job.pk).update(rows_total=len(table.rows))

        def progress(done: int) -> None:
            MemberImport.objects.filter(pk=job.pk).update(rows_done=done)

        result = importing.check_rows(table, actor=job.uploaded_by, scope_unit=job.org_unit, progress=progress)
        units = OrgUnit.objects.in_bulk({r.unit_id for r in result.valid[: importing.PREVIEW_ROWS]})
        job.preview = importing.preview_rows(result.valid, units)
    job.status = MemberImport.Status.INVALID if result.error_count else MemberImport.Status.READY
    job.rows_total = job.rows_done = result.total
    job.rows_valid = len(result.valid)
    job.error_count = result.error_count
    job.errors = result.errors
    if result.error_count:
        job.finished_at = timezone.now()
        _forget_file(job)
    job.save()
    return job


@transaction.atomic
def member_import_confirm(*, actor: Any, job: MemberImport) -> MemberImport:
    """The uploader's "import" from the preview: write every row, or nothing. A second click does nothing."""
    require(actor, OrgAction.IMPORT_MEMBERS, job.org_unit)
    job = MemberImport.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=job.pk)
    if job.status in {MemberImport.Status.COMMITTING, MemberImport.Status.DONE}:
        return job
    if job.status != MemberImport.Status.READY:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    job.status = MemberImport.Status.COMMITTING
    job.confirmed_by = actor
    job.rows_done = 0
    job.save(update_fields=["status", "confirmed_by", "rows_done", "updated_at"])
    if job.background:
        from amanat.org.tasks import commit_member_import

        transaction.on_commit(lambda: commit_member_import.enqueue(import_id=job.pk))
        return job
    return member_import_commit(import_id=job.pk)


@transaction.atomic
def member_import_commit(*, import_id: int) -> MemberImport:
    """Check the file again (the register may have changed since the preview) and write all its
    rows in one transaction, with one audit event. Safe to run twice."""
    job = (
        MemberImport.objects.select_for_update(of=("self",))
        .select_related("org_unit", "confirmed_by")
        .get(pk=import_id)
    )
    if job.status != MemberImport.Status.COMMITTING or job.confirmed_by is None:
        return job
    actor = job.confirmed_by
    with translation.override(actor.language):
        try:
            table = importing.read_table(job.file.read(), job.file_name)
        except (importing.ImportFileError, OSError, ValueError) as exc:
            return _fail(job, getattr(exc, "message", None) or gettext("The file could not be read."))
        finally:
            job.file.close()
        if not has_action(actor, OrgAction.IMPORT_MEMBERS, job.org_unit):
            return _fail(job, gettext("You may no longer import members into this unit."))
        result = importing.check_rows(table, actor=actor, scope_unit=job.org_unit)
        if result.error_count:
            job.errors, job.error_count, job.rows_valid = result.errors, result.error_count, len(result.valid)
            return _fail(
                job, gettext("The register changed since the check: nothing was imported."), job.Status.INVALID
            )
        try:
            with transaction.atomic():
                created = importing.write_rows(result.valid)
        except IntegrityError:
            return _fail(job, gettext("Someone added the same IIN or card number meanwhile: nothing was imported."))
    record(
        actor=actor,
        verb=PeopleVerb.MEMBERS_IMPORTED,
        target=job,
        org_unit=job.org_unit,
        data={"count": created, "file_name": job.file_name},
    )
    job.status = MemberImport.Status.DONE
    job.rows_total = job.rows_done = job.rows_valid = created
    job.finished_at = timezone.now()
    _forget_file(job)
    job.save()
    return job
