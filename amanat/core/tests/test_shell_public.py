"""The public site: the branch home, the receptions list, the language switch."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from amanat.appeals.models import Reception
from amanat.core.models import SiteSettings
from amanat.org.choices import OrgUnitKind
from amanat.org.tests.factories import MemberFactory, add_unit, valid_iin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    # SiteSettings.load() caches the row; a previous test's rolled-back rename must not leak in.
    cache.clear()
    yield
    cache.clear()


def _open_reception(unit: Any, **extra: Any) -> Reception:
    fields = {
        "name_kk": unit.name_kk,
        "name_ru": unit.name_ru,
        "name_en": unit.name_en,
        "address_kk": unit.address_kk or "—",
        "address_ru": unit.address_ru or "—",
        "phone": unit.phone,
        "email": unit.email,
        **extra,
    }
    return Reception.objects.create(org_unit=unit, **fields)


@pytest.fixture
def receptions(tree: SimpleNamespace) -> SimpleNamespace:
    """Receptions in Makat (district branch and a primary) and in the city; Inder's is closed."""
    tree.makat.hosts_reception = True
    tree.makat.address_en = "Makat, Bazar street 3"
    tree.makat.address_kk = tree.makat.address_ru = "Мақат, Базар көшесі 3"
    tree.makat.phone = "+7 71239 3-12-34"
    tree.makat.email = "makat@amanat.example.kz"
    tree.makat.save()
    tree.makat_p1.hosts_reception = True
    tree.makat_p1.save()
    tree.city.hosts_reception = True
    tree.city.save()
    closed = add_unit(tree.inder, code="inder-closed", kind=OrgUnitKind.PRIMARY, name="Closed reception")
    closed.hosts_reception = True
    closed.is_active = False
    closed.save()
    tree.reception_makat = _open_reception(
        tree.makat, address_ru="Макат, ул. Базарная 3", address_kk="Мақат, Базар көшесі 3", hours_kk="Mon–Fri 9–18"
    )
    tree.reception_makat_p1 = _open_reception(tree.makat_p1)
    tree.reception_city = _open_reception(tree.city)
    _open_reception(closed)
    _open_reception(tree.inder, name_en="Inder shut reception", is_active=False)
    return tree


def _codes(groups: list[Any]) -> set[str]:
    return {r.org_unit.code for g in groups for r in g.receptions}


def _lang(response: Any) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_public_home_shows_party_and_branch_names_from_site_settings(client: Any) -> None:
    settings_row = SiteSettings.load()
    settings_row.party_name_en = "AMANAT"
    settings_row.branch_name_en = "Atyrau Regional Branch"
    settings_row.save()

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "AMANAT" in response.content.decode()
    assert "Atyrau Regional Branch" in response.content.decode()


def test_renaming_the_party_in_site_settings_renames_it_on_the_public_home(client: Any) -> None:
    settings_row = SiteSettings.load()
    settings_row.party_name_en = "Old Party Name"
    settings_row.save()
    assert "Old Party Name" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()  # now cached

    settings_row.party_name_en = "New Party Name"
    settings_row.save()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "New Party Name" in html
    assert "Old Party Name" not in html


def test_public_home_shows_the_about_text_and_contacts(client: Any) -> None:
    settings_row = SiteSettings.load()
    settings_row.about_en = "We help people of the region."
    settings_row.phone = "+7 7122 00 00 00"
    settings_row.email = "atyrau@amanat.example.kz"
    settings_row.save()

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "We help people of the region." in html
    assert 'href="tel:+77122000000"' in html
    assert "mailto:atyrau@amanat.example.kz" in html
    assert reverse("accounts:login") in html


def test_public_home_groups_receptions_by_city_and_district(client: Any, receptions: SimpleNamespace) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    titles = [g.title for g in response.context["reception_groups"]]
    assert titles == [receptions.city.name, receptions.makat.name]
    assert response.context["reception_count"] == 3
    assert "?district=makat" in response.content.decode()


def test_receptions_page_lists_only_open_receptions(client: Any, receptions: SimpleNamespace) -> None:
    response = client.get(reverse("core:receptions"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert _codes(response.context["reception_groups"]) == {"makat", "makat-p1", "atyrau-city"}
    html = response.content.decode()
    assert "Мақат, Базар көшесі 3" in html  # no English address: Kazakh comes first
    assert 'href="tel:+7712393-12-34"' in html  # a tap on a phone dials it
    assert "mailto:makat@amanat.example.kz" in html
    assert "Closed reception" not in html
    assert "Inder shut reception" not in html
    assert "Mon–Fri 9–18" in html  # opening hours


def test_receptions_filter_by_district_shows_that_district_only(client: Any, receptions: SimpleNamespace) -> None:
    response = client.get(reverse("core:receptions"), {"district": "makat"}, HTTP_ACCEPT_LANGUAGE="en")

    groups = response.context["reception_groups"]
    assert [g.area.code for g in groups] == ["makat"]
    assert _codes(groups) == {"makat", "makat-p1"}
    # The filter offers only areas that have receptions.
    offered = [value for value, _label in response.context["form"].fields["district"].choices]
    assert offered == ["", "atyrau-city", "makat"]


@pytest.mark.parametrize("odd", ["inder", "no-such-place", "' OR 1=1 --", "x" * 500])
def test_receptions_filter_with_an_unknown_district_explains_and_shows_all(
    client: Any, receptions: SimpleNamespace, odd: str
) -> None:
    response = client.get(reverse("core:receptions"), {"district": odd}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "There is no such city or district in the list" in response.content.decode()
    assert response.context["reception_count"] == 3


def test_public_pages_show_no_personal_data(client: Any, receptions: SimpleNamespace) -> None:
    iin = valid_iin()
    member = MemberFactory(org_unit=receptions.makat_p1, person__last_name="Secretperson")
    member.person.set_iin(iin)
    member.person.phone = "+77015550011"
    member.person.save()

    for url in ("/", reverse("core:receptions")):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Secretperson" not in html
        assert iin not in html
        assert "+77015550011" not in html


def test_receptions_page_query_count_does_not_grow_with_receptions(
    client: Any, receptions: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    for n in range(20):
        unit = add_unit(receptions.makat, code=f"makat-r{n}", kind=OrgUnitKind.PRIMARY, name=f"R{n}")
        _open_reception(unit)
    client.get(reverse("core:receptions"))  # warm the site settings cache

    # Areas, receptions, and their free times: three queries however many receptions there are.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("core:receptions"), {"district": "makat"})

    assert response.context["reception_count"] == 22


def test_public_pages_work_on_a_phone_and_are_accessible(client: Any, receptions: SimpleNamespace) -> None:
    html = client.get(reverse("core:receptions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert 'data-bs-target="#public-nav"' in html  # the menu collapses on a phone
    assert '<label for="id_district"' in html
    assert '<label for="language-select"' in html
    assert "cdn" not in html.lower()


def test_language_switch_changes_the_language_of_the_next_page(client: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "kk"  # the platform's default (the test settings read English)
    assert _lang(client.get("/")) == "kk"

    response = client.post(reverse("set_language"), {"language": "ru", "next": reverse("core:receptions")})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:receptions")  # the user stays on the page
    assert _lang(client.get(reverse("core:receptions"))) == "ru"
    assert _lang(client.get("/")) == "ru"


def test_language_switch_to_an_unknown_language_changes_nothing(client: Any) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert response.status_code == 302
    assert _lang(client.get("/")) == "en"


def test_translated_names_follow_the_chosen_language(client: Any) -> None:
    settings_row = SiteSettings.load()
    settings_row.branch_name_kk = "Атырау облыстық филиалы"
    settings_row.branch_name_ru = "Атырауский областной филиал"
    settings_row.branch_name_en = "Atyrau regional branch"
    settings_row.save()

    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert "Атырауский областной филиал" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Atyrau regional branch" in client.get("/").content.decode()


def test_the_public_menu_leads_to_every_public_part_and_marks_where_we_are(client: Any) -> None:
    home = client.get(reverse("core:home")).content.decode()
    for name in ("programme:tracker", "projects:public-list", "documents:public-list"):
        assert f'href="{reverse(name)}"' in home, name
    tracker = client.get(reverse("programme:tracker")).content.decode()
    link = re.search(rf'<a class="dropdown-item([^"]*)" href="{reverse("programme:tracker")}"', tracker)
    assert link is not None and "active" in link.group(1)
