"""Background work for the org app: checking and writing large member files.

Tasks take the import's id and may run twice: the services do nothing unless the import is in
the state the task expects.
"""

from __future__ import annotations

from django_tasks import task

from amanat.org.services.people import member_import_commit, member_import_validate


@task()
def validate_member_import(import_id: int) -> str:
    return member_import_validate(import_id=import_id).status


@task()
def commit_member_import(import_id: int) -> str:
    return member_import_commit(import_id=import_id).status
