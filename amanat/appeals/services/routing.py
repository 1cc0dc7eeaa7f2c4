"""Writes for the reference data that decides where an appeal goes and how long it may take:
the category tree, the routing table and the deadline policies.

Every function checks the actor's permission, validates field by field (a ValidationError keyed
by field name, so that forms show each message beside its field), changes nothing on bad input
and records one audit event with the changed fields before → after.

Categories and deadline policies are shared by the whole branch (`scope_field = None`): they
change every district's deadlines, so only someone who holds `appeals.manage_routing` on the
regional branch (the top of the tree) may edit them; a district secretary reads them. A routing
rule belongs to its responsible unit: it may be written only by someone who holds the action on
that unit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amanat.appeals.choices import AppealType
from amanat.appeals.models import Appeal, Category, DeadlinePolicy, RoutingRule
from amanat.appeals.permissions import AppealAction
from amanat.appeals.services.reference import forget_reference
from amanat.audit.services import diff, record, register_verbs, snapshot
from amanat.core.permissions import has_action, require
from amanat.org.choices import OrgUnitKind
from amanat.org.models import OrgUnit


class RoutingVerb(models.TextChoices):
    CATEGORY_CREATED = "appeals.category_created", _("Appeal category added")
    CATEGORY_CHANGED = "appeals.category_changed", _("Appeal category changed")
    CATEGORY_DEACTIVATED = "appeals.category_deactivated", _("Appeal category taken out of use")
    CATEGORY_REACTIVATED = "appeals.category_reactivated", _("Appeal category back in use")
    CATEGORY_DELETED = "appeals.category_deleted", _("Appeal category deleted")
    RULE_CREATED = "appeals.rule_created", _("Routing rule added")
    RULE_CHANGED = "appeals.rule_changed", _("Routing rule changed")
    RULE_DELETED = "appeals.rule_deleted", _("Routing rule deleted")
    POLICY_CHANGED = "appeals.policy_changed", _("Deadline policy changed")


register_verbs({v.value: v.label for v in RoutingVerb})

CATEGORY_FIELDS = ("code", "name_kk", "name_ru", "name_en")
RULE_FIELDS = ("category", "territory", "org_unit", "default_executor", "state_body")
POLICY_FIELDS = (
    "term_days",
    "forward_days",
    "max_total_months",
    "max_extensions",
    "notify_extension_days",
    "convention",
    "reminder_days",
    "escalation_days",
    "reopen_days",
    "review_below",
)
TREE_FIELDS = ("path", "depth", "numchild")


def can_manage_routing(user: Any) -> bool:
    """Whether the user may edit the shared reference data (categories, deadline policies): the
    action held on the regional branch (or the central office above it), not on a district."""
    tops = OrgUnit.objects.filter(kind__in=[OrgUnitKind.CENTRAL, OrgUnitKind.REGIONAL])
    return any(has_action(user, AppealAction.MANAGE_ROUTING, unit) for unit in tops)


def _require_shared(actor: Any) -> None:
    if not can_manage_routing(actor):
        raise PermissionDenied


def _assign(obj: models.Model, fields: Mapping[str, Any], allowed: tuple[str, ...]) -> list[str]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        field = obj._meta.get_field(name)
        if value is None and isinstance(field, models.CharField | models.TextField) and not field.null:
            value = ""
        if isinstance(value, str):
            value = value.strip()
        setattr(obj, name, value)
    return [f for f in allowed if f in fields]


def _validate(obj: models.Model, *checks: Callable[[], dict[str, Any]], exclude: tuple[str, ...] = ()) -> None:
    """The model's own validation (fields and `clean`) plus the use case's checks, all at once."""
    errors: dict[str, list[Any]] = {}
    try:
        obj.full_clean(exclude=[*TREE_FIELDS, *exclude], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {name: list(messages) for name, messages in exc.message_dict.items()}
    for check in checks:
        errors.update({name: [message] for name, message in check().items()})
    if errors:
        raise ValidationError(errors)


def _save_or_explain(save: Callable[[], Any], check: Callable[[], dict[str, Any]]) -> Any:
    """Save; when a concurrent request wins a unique constraint, say which field clashes now."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError as exc:
        errors = check()
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()}) from exc
        raise ValidationError(_("Someone changed the same records at this moment: please try again.")) from exc


# --- categories ------------------------------------------------------------------------------


def _category_checks(category: Category) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        if category.code and Category.objects.filter(code=category.code).exclude(pk=category.pk).exists():
            errors["code"] = _("Another category already uses this code.")
        return errors

    return check


def _subtree(category: Category) -> Q:
    return Q(path__startswith=category.path)


@transaction.atomic
def category_create(*, actor: Any, parent: Category | None = None, **fields: Any) -> Category:
    """Add a category at the top of the tree, or under parent (which must be in use)."""
    _require_shared(actor)
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": [_("Categories cannot be added under a category that is out of use.")]})
    category = Category()
    names = _assign(category, fields, CATEGORY_FIELDS)
    check = _category_checks(category)
    _validate(category, check)
    if parent is None:
        _save_or_explain(lambda: Category.objects.add_root(instance=category), check)
    else:
        parent = Category.objects.get(pk=parent.pk)  # treebeard needs the parent's current numchild
        _save_or_explain(lambda: Category.objects.add_child(parent, instance=category), check)
    record(
        actor=actor,
        verb=RoutingVerb.CATEGORY_CREATED,
        target=category,
        changes=diff({}, snapshot(category, names)),
        data={"parent": parent.pk if parent else None},
    )
    return category


@transaction.atomic
def category_update(*, actor: Any, category: Category, changes: Mapping[str, Any]) -> Category:
    """Change a category's code or names."""
    _require_shared(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    names = [f for f in CATEGORY_FIELDS if f in changes]
    before = snapshot(category, names)
    _assign(category, changes, CATEGORY_FIELDS)
    check = _category_checks(category)
    _validate(category, check)
    _save_or_explain(category.save, check)
    changed = diff(before, snapshot(category, names))
    if changed:
        record(actor=actor, verb=RoutingVerb.CATEGORY_CHANGED, target=category, changes=changed)
    return category


@transaction.atomic
def category_deactivate(*, actor: Any, category: Category) -> int:
    """Take a category and everything under it out of use: kept for the appeals that have it,
    offered for no new one. Returns how many categories changed."""
    _require_shared(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    changed = Category.objects.filter(_subtree(category), is_active=True).update(is_active=False)
    forget_reference()  # an update sends no signal: intake's copies must stop offering them now
    if changed:
        record(
            actor=actor,
            verb=RoutingVerb.CATEGORY_DEACTIVATED,
            target=category,
            changes={"is_active": [True, False]},
            data={"categories": changed},
        )
    return changed


@transaction.atomic
def category_reactivate(*, actor: Any, category: Category) -> Category:
    """Put a category back in use (its parent must be in use)."""
    _require_shared(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    parent = Category.objects.get_parent(category)
    if parent is not None and not parent.is_active:
        raise ValidationError(_("Put “%(parent)s” back in use first.") % {"parent": parent})
    if not category.is_active:
        category.is_active = True
        category.save(update_fields=["is_active"])
        record(
            actor=actor, verb=RoutingVerb.CATEGORY_REACTIVATED, target=category, changes={"is_active": [False, True]}
        )
    return category


@transaction.atomic
def category_delete(*, actor: Any, category: Category) -> None:
    """Delete a category created by mistake. One that any appeal has (or any category under it)
    is never deleted: take it out of use instead."""
    _require_shared(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    subtree = Category.objects.filter(_subtree(category))
    if Appeal.objects.filter(category__in=subtree.values("pk")).exists():
        raise ValidationError(
            _("Appeals have this category (or one under it): it cannot be deleted. Take it out of use instead.")
        )
    if subtree.exclude(pk=category.pk).exists():
        raise ValidationError(_("Delete or move the categories under this one first."))
    data = snapshot(category, CATEGORY_FIELDS)
    record(actor=actor, verb=RoutingVerb.CATEGORY_DELETED, target=category, changes=diff(data, {}))
    category.delete()


# --- routing rules ---------------------------------------------------------------------------


def _rule_checks(rule: RoutingRule) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        errors: dict[str, Any] = {}
        clash = RoutingRule.objects.filter(category_id=rule.category_id, territory_id=rule.territory_id)
        if clash.exclude(pk=rule.pk).exists():
            errors["category"] = _(
                "A rule for this category and territory already exists: edit that rule instead of adding another."
            )
        return errors

    return check


def _rule_domain_checks(actor: Any, rule: RoutingRule) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    unit = rule.org_unit if rule.org_unit_id else None
    if unit is not None and not has_action(actor, AppealAction.MANAGE_ROUTING, unit):
        errors["org_unit"] = _("You may set up routing only to units within your branch.")
    elif unit is not None and not unit.is_active:
        errors["org_unit"] = _("This unit is no longer active.")
    executor = rule.default_executor if rule.default_executor_id else None
    if executor is not None and unit is not None and not has_action(executor, AppealAction.WORK, unit):
        errors["default_executor"] = _("This person may not work on appeals of the chosen unit.")
    if rule.category_id and not rule.category.is_active:
        errors["category"] = _("This category is out of use.")
    return errors


@transaction.atomic
def rule_create(*, actor: Any, **fields: Any) -> RoutingRule:
    """Add a routing rule: category (or any) × territory (or any) → unit, executor, state body."""
    if not has_action(actor, AppealAction.MANAGE_ROUTING):  # the unit is checked below, beside its field
        raise PermissionDenied
    rule = RoutingRule()
    names = _assign(rule, fields, RULE_FIELDS)
    check = _rule_checks(rule)
    _validate(rule, check, lambda: _rule_domain_checks(actor, rule))
    _save_or_explain(rule.save, check)
    record(actor=actor, verb=RoutingVerb.RULE_CREATED, target=rule, changes=diff({}, snapshot(rule, names)))
    return rule


@transaction.atomic
def rule_update(*, actor: Any, rule: RoutingRule, changes: Mapping[str, Any]) -> RoutingRule:
    """Change a routing rule; the actor must manage routing on both the old and the new unit."""
    rule = RoutingRule.objects.select_for_update().select_related("org_unit").get(pk=rule.pk)
    require(actor, AppealAction.MANAGE_ROUTING, rule.org_unit)
    names = [f for f in RULE_FIELDS if f in changes]
    before = snapshot(rule, names)
    _assign(rule, changes, RULE_FIELDS)
    check = _rule_checks(rule)
    _validate(rule, check, lambda: _rule_domain_checks(actor, rule))
    _save_or_explain(rule.save, check)
    changed = diff(before, snapshot(rule, names))
    if changed:
        record(actor=actor, verb=RoutingVerb.RULE_CHANGED, target=rule, changes=changed)
    return rule


@transaction.atomic
def rule_delete(*, actor: Any, rule: RoutingRule) -> None:
    """Delete a routing rule (appeals already routed by it keep their unit)."""
    rule = RoutingRule.objects.select_for_update().select_related("org_unit").get(pk=rule.pk)
    require(actor, AppealAction.MANAGE_ROUTING, rule.org_unit)
    record(
        actor=actor,
        verb=RoutingVerb.RULE_DELETED,
        target=rule,
        org_unit=rule.org_unit,
        changes=diff(snapshot(rule, RULE_FIELDS), {}),
    )
    rule.delete()


# --- deadline policies -----------------------------------------------------------------------


@transaction.atomic
def policy_save(*, actor: Any, appeal_type: str, changes: Mapping[str, Any]) -> DeadlinePolicy:
    """Store the deadline policy of a type of appeal (created on its first save, from the law's
    defaults). Open appeals' stored deadlines are then recomputed in the background."""
    _require_shared(actor)
    if appeal_type not in AppealType.values:
        raise ValidationError({"appeal_type": [_("Unknown type of appeal.")]})
    policy = DeadlinePolicy.objects.select_for_update().filter(appeal_type=appeal_type).first()
    if policy is None:
        policy = DeadlinePolicy.for_type(appeal_type)
    # Before the first save the "before" is the law's defaults the appeals were following.
    before = snapshot(policy, POLICY_FIELDS)
    _assign(policy, changes, POLICY_FIELDS)
    _validate(policy)
    created = policy.pk is None
    _save_or_explain(policy.save, lambda: {})
    changed = diff(before, snapshot(policy, POLICY_FIELDS))
    if changed:
        record(
            actor=actor,
            verb=RoutingVerb.POLICY_CHANGED,
            target=policy,
            changes=changed,
            data={"appeal_type": appeal_type, "created": created},
        )
        from amanat.appeals.tasks import recompute_deadlines

        transaction.on_commit(lambda: recompute_deadlines.enqueue(appeal_type=appeal_type))
    return policy


# --- reads (the routing pages) ---------------------------------------------------------------


def rules_for(actor: Any) -> models.QuerySet[RoutingRule]:
    """Routing rules whose responsible unit lies where the actor manages routing."""
    from amanat.core.permissions import scope_q

    q = scope_q(actor, AppealAction.MANAGE_ROUTING, "org_unit")
    if q is None:
        return RoutingRule.objects.none()
    return RoutingRule.objects.filter(q).select_related(
        "category", "territory", "org_unit", "default_executor", "state_body"
    )


def rule_get(actor: Any, pk: Any) -> RoutingRule:
    """One rule the actor may manage, or 404 (missing and out of scope look the same)."""
    from django.http import Http404

    try:
        return rules_for(actor).get(pk=int(pk))
    except (RoutingRule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def policies() -> list[DeadlinePolicy]:
    """The deadline policy of every type of appeal: stored, or the law's defaults (unsaved)."""
    stored = {p.appeal_type: p for p in DeadlinePolicy.objects.all()}
    return [stored.get(t) or DeadlinePolicy.for_type(t) for t in AppealType.values]
