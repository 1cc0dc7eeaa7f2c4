"""Models of the public reception: routing reference data, appeals with their history, receptions."""

from amanat.appeals.models.appeals import (
    Appeal,
    AppealAlert,
    AppealAnswer,
    AppealAttachment,
    AppealCounter,
    AppealEvent,
    AppealFeedback,
    AppealLink,
)
from amanat.appeals.models.receptions import Booking, Reception, ReceptionHours, ReceptionSlot
from amanat.appeals.models.routing import Category, DeadlinePolicy, RoutingRule

__all__ = [
    "Appeal",
    "AppealAlert",
    "AppealAnswer",
    "AppealAttachment",
    "AppealCounter",
    "AppealEvent",
    "AppealFeedback",
    "AppealLink",
    "Booking",
    "Category",
    "DeadlinePolicy",
    "Reception",
    "ReceptionHours",
    "ReceptionSlot",
    "RoutingRule",
]
