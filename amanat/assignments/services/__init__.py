"""Writes of the assignments module (re-exported for callers: `from amanat.assignments.services
import assignment_issue`)."""

from amanat.assignments.services.execution import (
    execution_accept,
    execution_report,
    execution_return,
    execution_start,
    extension_decide,
    extension_request,
    report_file_delete,
)
from amanat.assignments.services.issue import assignment_issue, assignment_remove_from_control

__all__ = [
    "assignment_issue",
    "assignment_remove_from_control",
    "execution_accept",
    "execution_report",
    "execution_return",
    "execution_start",
    "extension_decide",
    "extension_request",
    "report_file_delete",
]
