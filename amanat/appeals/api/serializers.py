"""Serializers of the appeals API.

They check the shape of the input only; the rules (the transition table, deadlines, who may do
what) are the services', whose errors come back as 400 with errors field by field. Ids in a body
outside the caller's scope are "does not exist", like any unknown id.

The applicant's data (name, contacts, masked IIN) is shown only to those who hold
`appeals.view_applicant` on the appeal's unit, or who execute the appeal; the full IIN never.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from amanat.accounts.models import User, normalize_phone, validate_phone
from amanat.appeals.choices import (
    AnswerChannel,
    AppealStatus,
    AppealType,
    AttachmentKind,
    Channel,
    DismissalGround,
    Language,
    LinkKind,
)
from amanat.appeals.models import Appeal, AppealAnswer, AppealAttachment, AppealEvent, Category
from amanat.appeals.models.appeals import TEXT_MAX_LENGTH
from amanat.appeals.permissions import AppealAction
from amanat.appeals.selectors import appeals_for
from amanat.appeals.services.reference import reference
from amanat.appeals.workflow import Transition
from amanat.core.iin import parse_iin
from amanat.core.permissions import has_action
from amanat.org.models import StateBody


def _user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


class EnumField(serializers.ChoiceField):
    """A choice field whose choices are one named enum component of the schema (`schema_name`)."""

    def __init__(self, enum: Any, *, schema_name: str, **kwargs: Any) -> None:
        self.schema_name = schema_name
        super().__init__(choices=enum.choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    """Names the appeals' enums explicitly (AppealStatus, AppealType…) so that they never collide
    with other apps' fields called `status`, `kind` or `language`."""

    target_class = "amanat.appeals.api.serializers.EnumField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field = self.target
        schema = {
            "type": "string",
            "enum": [str(value) for value in field.choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items()),
        }
        component = ResolvedComponent(
            name=field.schema_name, type=ResolvedComponent.SCHEMA, object=field.schema_name, schema=schema
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def choice(enum: Any, schema_name: str, **kwargs: Any) -> EnumField:
    return EnumField(enum, schema_name=schema_name, **kwargs)


def can_see_applicant(user: Any, appeal: Appeal) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if appeal.executor_id is not None and appeal.executor_id == user.pk:
        return True
    return has_action(user, AppealAction.VIEW_APPLICANT, appeal.org_unit)


class VisibleAppealField(serializers.PrimaryKeyRelatedField):
    """The id of an appeal the caller may see; any other id is "does not exist"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Appeal.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        user = _user(self)
        return appeals_for(user) if user is not None else Appeal.objects.none()

    def to_internal_value(self, data: Any) -> Any:
        # Out-of-range or non-integer ids are unknown ids, never a database error.
        if isinstance(data, bool) or not str(data).isdigit() or int(data) > 2**31 - 1:
            self.fail("does_not_exist", pk_value=str(data)[:20])
        return super().to_internal_value(data)


class SafePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A primary key; out-of-range or non-integer ids are unknown ids, never a database error."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not str(data).isdigit() or int(data) > 2**31 - 1:
            self.fail("does_not_exist", pk_value=str(data)[:20])
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT)
class ReferencePrimaryKeyField(serializers.Field):
    """The id of a row of intake's reference data (`kind`: category, territory, unit), found in
    the per-process copy (`services.reference`) rather than by a query per request."""

    default_error_messages = serializers.PrimaryKeyRelatedField.default_error_messages

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not str(data).isdigit() or int(data) > 2**31 - 1:
            self.fail("does_not_exist", pk_value=str(data)[:20])
        found = getattr(reference(), self.kind)(int(data))
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found


# --- reading -------------------------------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")
    iin_masked = serializers.CharField(help_text=_("The last four digits of the IIN only; empty when none was given."))


class AppealSerializer(serializers.ModelSerializer):
    """An appeal as the inbox lists it."""

    appeal_type = choice(AppealType, "AppealType", read_only=True)
    channel = choice(Channel, "AppealChannel", read_only=True)
    language = choice(Language, "AppealLanguage", read_only=True)
    status = choice(AppealStatus, "AppealStatus", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_name = serializers.SerializerMethodField()
    territory_name = serializers.SerializerMethodField()
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    executor_name = serializers.SerializerMethodField()
    applicant = serializers.SerializerMethodField(
        help_text=_("Only with the right to see applicants' data on the appeal's unit (or as its executor).")
    )

    class Meta:
        model = Appeal
        fields = [
            "id",
            "number",
            "appeal_type",
            "channel",
            "language",
            "subject",
            "status",
            "status_display",
            "category",
            "category_name",
            "territory",
            "territory_name",
            "address",
            "org_unit",
            "org_unit_name",
            "executor",
            "executor_name",
            "is_collective",
            "signatories",
            "is_anonymous",
            "reports_threat",
            "received_at",
            "registered_on",
            "deadline",
            "answered_at",
            "closed_at",
            "extension_count",
            "reopen_count",
            "escalation_level",
            "needs_review",
            "version",
            "applicant",
        ]
        read_only_fields = fields

    def get_category_name(self, appeal: Appeal) -> str | None:
        return appeal.category.name if appeal.category_id else None

    def get_territory_name(self, appeal: Appeal) -> str | None:
        return appeal.territory.name if appeal.territory_id else None

    def get_executor_name(self, appeal: Appeal) -> str | None:
        return appeal.executor.full_name if appeal.executor_id else None

    @extend_schema_field(ApplicantSerializer(allow_null=True))
    def get_applicant(self, appeal: Appeal) -> dict | None:
        if not can_see_applicant(_user(self), appeal):
            return None
        return ApplicantSerializer(appeal).data


class AttachmentSerializer(serializers.ModelSerializer):
    kind = choice(AttachmentKind, "AppealAttachmentKind", read_only=True)

    class Meta:
        model = AppealAttachment
        fields = ["id", "kind", "original_name", "content_type", "size", "created_at"]
        read_only_fields = fields


class LinkSerializer(serializers.Serializer):
    appeal = serializers.IntegerField(help_text=_("The other appeal."))
    number = serializers.CharField()
    kind = choice(LinkKind, "AppealLinkKind")
    direction = serializers.ChoiceField(choices=[("out", "out"), ("in", "in")])


class AppealDetailSerializer(AppealSerializer):
    """One appeal: the list's fields plus the text, the forwarding, the clock and what this user may do now."""

    text = serializers.CharField(read_only=True)
    answer_channel = choice(AnswerChannel, "AppealAnswerChannel", read_only=True)
    dismissal_ground = serializers.CharField(read_only=True)
    state_body_name = serializers.SerializerMethodField()
    remaining_days = serializers.SerializerMethodField(
        help_text=_("Working days left (negative when overdue); frozen while paused; null when finished.")
    )
    actions = serializers.SerializerMethodField(help_text=_("The transitions you may make now."))
    attachments = AttachmentSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta(AppealSerializer.Meta):
        fields = [
            *AppealSerializer.Meta.fields,
            "text",
            "answer_channel",
            "state_body",
            "state_body_name",
            "forward_number",
            "forward_date",
            "body_answer_date",
            "body_answer_number",
            "hearing_held",
            "dismissal_ground",
            "duplicate_of",
            "parent",
            "remaining_days",
            "actions",
            "attachments",
            "links",
        ]
        read_only_fields = fields

    def get_state_body_name(self, appeal: Appeal) -> str | None:
        return appeal.state_body.name if appeal.state_body_id else None

    def get_remaining_days(self, appeal: Appeal) -> int | None:
        from amanat.appeals.services.deadlines import clock_of

        if not appeal.is_open:
            return None
        return clock_of(appeal).remaining()

    @extend_schema_field(serializers.ListField(child=choice(Transition, "AppealTransition")))
    def get_actions(self, appeal: Appeal) -> list[str]:
        from amanat.appeals.services.transitions import actions_for

        user = _user(self)
        return [str(t.value) for t in actions_for(user, appeal)] if user is not None else []

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, appeal: Appeal) -> list[dict]:
        out = [
            {"appeal": link.to_appeal_id, "number": link.to_appeal.number, "kind": link.kind, "direction": "out"}
            for link in appeal.links_out.select_related("to_appeal")
        ]
        into = [
            {"appeal": link.from_appeal_id, "number": link.from_appeal.number, "kind": link.kind, "direction": "in"}
            for link in appeal.links_in.select_related("from_appeal")
        ]
        return out + into


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = AppealEvent
        fields = ["id", "kind", "from_status", "to_status", "actor", "actor_name", "at", "reason", "data", "is_public"]
        read_only_fields = fields

    def get_actor_name(self, event: AppealEvent) -> str | None:
        return event.actor.full_name if event.actor_id else None


class FeedbackSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    solved = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class AnswerSerializer(serializers.ModelSerializer):
    language = choice(Language, "AppealLanguage", read_only=True)
    signed_by_name = serializers.CharField(source="signed_by.full_name", read_only=True)
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = AppealAnswer
        fields = ["id", "language", "text", "is_positive", "signed_by", "signed_by_name", "created_at", "feedback"]
        read_only_fields = fields

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_feedback(self, answer: AppealAnswer) -> dict | None:
        feedback = getattr(answer, "feedback", None)
        return FeedbackSerializer(feedback).data if feedback is not None else None


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request's language."))
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "code", "name", "name_kk", "name_ru", "name_en", "parent", "depth"]
        read_only_fields = fields

    def get_parent(self, category: Category) -> int | None:
        return getattr(category, "parent_id_", None)


# --- intake --------------------------------------------------------------------------------


SELF_SERVICE_CHANNELS = (Channel.API, Channel.WEB)


class LightFieldsMixin:
    """Shallow copies of the declared fields for each serializer: DRF deep-copies them, which
    rebuilds every field (choices, validators) and cost as much as validating an intake body.
    Binding sets attributes on the copy only; the parts the copies share are never changed."""

    _declared_fields: dict[str, serializers.Field]

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class IntakeSerializer(LightFieldsMixin, serializers.Serializer):
    """What the applicant brought: the fields of `services.intake.Intake`."""

    appeal_type = choice(AppealType, "AppealType")
    channel = choice(Channel, "AppealChannel", default=Channel.API)
    language = choice(Language, "AppealLanguage", default=Language.RU)
    category = ReferencePrimaryKeyField(kind="category", required=False, allow_null=True)
    territory = ReferencePrimaryKeyField(kind="territory", required=False, allow_null=True)
    org_unit = ReferencePrimaryKeyField(
        kind="unit",
        required=False,
        allow_null=True,
        help_text=_("The responsible unit; leave it out to let the routing table decide."),
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, trim_whitespace=True)
    is_collective = serializers.BooleanField(default=False)
    signatories = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    is_anonymous = serializers.BooleanField(default=False)
    reports_threat = serializers.BooleanField(default=False)
    applicant_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    applicant_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    applicant_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    applicant_iin = serializers.CharField(
        max_length=12, required=False, allow_blank=True, default="", help_text=_("Stored encrypted; never shown whole.")
    )
    answer_channel = choice(AnswerChannel, "AppealAnswerChannel", default=AnswerChannel.EMAIL)
    consent = serializers.BooleanField(
        default=False,
        help_text=_(
            "The applicant's consent to personal-data processing (its time is stored); required on the "
            "api and web channels unless the appeal is anonymous."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A bot or an app takes the applicant's data straight from them: no operator has asked for
        # their consent, so the request must carry it (as the public form does).
        if attrs.get("channel") in SELF_SERVICE_CHANNELS and not attrs.get("is_anonymous") and not attrs.get("consent"):
            raise serializers.ValidationError(
                {"consent": [_("Without consent to processing personal data the appeal cannot be sent.")]}
            )
        return attrs

    def validate_applicant_iin(self, value: str) -> str:
        value = (value or "").strip()
        if value:
            try:
                parse_iin(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate_applicant_phone(self, value: str) -> str:
        phone = normalize_phone(value)
        if value and not phone:
            raise serializers.ValidationError(_("Enter a Kazakhstan phone number: +7 and ten digits."))
        try:
            validate_phone(phone)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return phone


def _title(name: str) -> Any:
    return capfirst(Appeal._meta.get_field(name).verbose_name)


class RegisteredSerializer(LightFieldsMixin, serializers.Serializer):
    """The answer to an intake: where the appeal went, and the tracking code and PIN for the applicant."""

    # Declared field by field: a model serializer rebuilds its fields from the model for every
    # answer, which cost more than the rest of the answer.
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True, label=_title("number"))
    tracking_code = serializers.CharField(read_only=True, label=_title("tracking_code"))
    pin = serializers.SerializerMethodField(
        help_text=_("The applicant's PIN for the tracking page: given once, on 201; null on a repeated request.")
    )
    status = choice(AppealStatus, "AppealStatus", read_only=True)
    received_at = serializers.DateTimeField(read_only=True, label=_title("received_at"))
    registered_on = serializers.DateField(read_only=True, label=_title("registered_on"))
    deadline = serializers.DateField(read_only=True, allow_null=True, label=_title("deadline"))
    org_unit = serializers.IntegerField(source="org_unit_id", read_only=True, label=_title("org_unit"))
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    executor = serializers.IntegerField(source="executor_id", read_only=True, allow_null=True, label=_title("executor"))
    version = serializers.IntegerField(read_only=True)

    def get_pin(self, appeal: Appeal) -> str | None:
        return self.context.get("pin") or None


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("JPEG or PNG image or PDF document."))
    kind = choice(AttachmentKind, "AppealAttachmentKind", default=AttachmentKind.APPLICANT)


# --- work ----------------------------------------------------------------------------------


class TransitionSerializer(serializers.Serializer):
    """A named step and what it needs (only the fields of that step are read)."""

    transition = choice(Transition, "AppealTransition")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("The appeal's `version` you saw: a stale one answers 409.")
    )
    # forward
    state_body = SafePrimaryKeyField(queryset=StateBody.objects.filter(is_active=True), required=False)
    forward_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    forward_date = serializers.DateField(required=False)
    # body_answered
    body_answer_date = serializers.DateField(required=False)
    body_answer_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    # extend
    extended_to = serializers.DateField(required=False)
    # answer
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)
    language = choice(Language, "AppealLanguage", required=False)
    is_positive = serializers.BooleanField(required=False, allow_null=True, default=None)
    hearing_held = serializers.BooleanField(required=False, default=False)
    # dismiss
    ground = choice(DismissalGround, "AppealDismissalGround", required=False)
    # merge
    into = VisibleAppealField(required=False, help_text=_("The earlier appeal to merge into."))

    DETAIL_FIELDS = (
        "state_body",
        "forward_number",
        "forward_date",
        "body_answer_date",
        "body_answer_number",
        "summary",
        "extended_to",
        "text",
        "language",
        "is_positive",
        "hearing_held",
        "ground",
        "into",
    )

    def details(self) -> dict[str, Any]:
        data = self.validated_data
        return {name: data[name] for name in self.DETAIL_FIELDS if name in data}


class AssignSerializer(serializers.Serializer):
    executor = SafePrimaryKeyField(queryset=User.objects.filter(is_active=True))
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class LinkCreateSerializer(serializers.Serializer):
    other = VisibleAppealField(help_text=_("The appeal this one belongs with."))
    kind = choice(LinkKind, "AppealLinkKind")


class TrackSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text=_("The tracking code given at registration."))
    pin = serializers.CharField(max_length=32, help_text=_("The PIN given with it."))


class TrackedEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    status = choice(AppealStatus, "AppealStatus")
    at = serializers.DateTimeField()


class TrackedAnswerSerializer(serializers.Serializer):
    language = choice(Language, "AppealLanguage")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class TrackedAppealSerializer(serializers.Serializer):
    """What the applicant sees by code and PIN: no personal data."""

    number = serializers.CharField()
    appeal_type = choice(AppealType, "AppealType")
    status = choice(AppealStatus, "AppealStatus")
    status_display = serializers.CharField()
    received_at = serializers.DateTimeField()
    registered_on = serializers.DateField()
    deadline = serializers.DateField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    events = TrackedEventSerializer(many=True)
    answers = TrackedAnswerSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """The error format of the whole API."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
