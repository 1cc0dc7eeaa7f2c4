"""The option lists each process keeps: read once, shared by the same query, stale after a save."""

from __future__ import annotations

import pytest
from django.utils import translation

from amanat.core import process_cache
from amanat.core.process_cache import cached_choices, cached_names, drop_choices
from amanat.org.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh():
    drop_choices()
    yield
    drop_choices()


def test_a_list_is_read_once_then_kept(tree, django_assert_num_queries):
    units = OrgUnit.objects.filter(path__startswith=tree.makat.path).order_by("path")
    with django_assert_num_queries(1):
        first = cached_choices(units)
    with django_assert_num_queries(0):
        again = cached_choices(OrgUnit.objects.filter(path__startswith=tree.makat.path).order_by("path"))
    assert again is first
    assert (str(tree.makat_p1.pk), str(tree.makat_p1)) in first
    assert all(pk != str(tree.inder.pk) for pk, _label in first)


def test_saving_a_row_of_the_table_makes_the_list_stale(tree, django_assert_num_queries):
    names = cached_names(OrgUnit.objects.order_by())
    tree.makat.name_ru = "Макатский районный филиал (новое имя)"
    tree.makat.save()
    with translation.override("ru"):
        renamed = cached_names(OrgUnit.objects.order_by())
    assert renamed is not names and renamed[tree.makat.pk] == "Макатский районный филиал (новое имя)"


def test_another_processs_save_reaches_this_one_through_the_shared_token(tree):
    kept = cached_choices(OrgUnit.objects.order_by("path"))
    process_cache._choices.token.drop()  # what a save in another worker does to the shared cache
    assert cached_choices(OrgUnit.objects.order_by("path")) is not kept


def test_lists_are_kept_per_language(tree):
    with translation.override("kk"):
        kazakh = dict(cached_choices(OrgUnit.objects.order_by("path")))
    with translation.override("ru"):
        russian = dict(cached_choices(OrgUnit.objects.order_by("path")))
    assert kazakh[str(tree.makat.pk)] == tree.makat.name_kk
    assert russian[str(tree.makat.pk)] == tree.makat.name_ru


def test_a_named_list_is_made_only_when_missing(tree, django_assert_num_queries):
    made = []

    def units():
        made.append(1)
        return OrgUnit.objects.order_by("path")

    first = cached_choices(units, key=("all-units",))
    with django_assert_num_queries(0):
        assert cached_choices(units, key=("all-units",)) is first
    assert made == [1]


def test_an_empty_queryset_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cached_choices(OrgUnit.objects.none()) == []
