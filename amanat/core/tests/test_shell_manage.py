"""The staff workspace shell: its start page, the user's scope, navigation by module."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import include, path, reverse

from amanat.accounts.models import RoleGrant
from amanat.org.choices import MaslikhatLevel, MemberStatus, StateBodyKind
from amanat.org.models import Deputy, Maslikhat, StateBody
from amanat.org.tests.factories import MemberFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _stub(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stub")


# A URL configuration with two of the org module's pages, so that navigation is tested against
# links that exist and links that do not, whatever the other modules have built so far.
urlpatterns = [
    path("", include("amanat.core.urls")),
    path("accounts/", include("amanat.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "manage/org/",
        include(
            (
                [
                    path("members/", _stub, name="member-list"),
                    path("members/import/", _stub, name="member-import"),
                    path("maslikhats/", _stub, name="maslikhat-list"),
                ],
                "org",
            )
        ),
    ),
]
STUB_URLS = __name__


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def district_data(tree: SimpleNamespace) -> SimpleNamespace:
    """Makat: 3 active members, 1 suspended, 2 deputies (1 whose term ended). Inder: 5 and 4."""
    for _ in range(3):
        MemberFactory(org_unit=tree.makat_p1)
    MemberFactory(org_unit=tree.makat_p1, status=MemberStatus.SUSPENDED)
    for _ in range(5):
        MemberFactory(org_unit=tree.inder_p1)
    for unit, territory, sitting, ended in ((tree.makat, tree.makat_t, 1, 1), (tree.inder, tree.inder_t, 4, 0)):
        maslikhat = Maslikhat.objects.create(
            level=MaslikhatLevel.DISTRICT,
            territory=territory,
            org_unit=unit,
            convocation=8,
            name_kk=f"{unit.code} mäslihat",
            name_ru=f"{unit.code} маслихат",
        )
        for n in range(sitting + ended):
            Deputy.objects.create(
                person=PersonFactory(org_unit=unit),
                maslikhat=maslikhat,
                term_start=dt.date(2023, 3, 19),
                term_end=dt.date(2024, 1, 1) if n < ended else None,
            )
    akimat = StateBody.objects.add_root(
        {"kind": StateBodyKind.REGIONAL_AKIMAT, "name_kk": "Әкімдік", "name_ru": "Акимат"}
    )
    StateBody.objects.add_child(
        akimat, {"kind": StateBodyKind.DEPARTMENT, "name_kk": "Білім", "name_ru": "Образование"}
    )
    return tree


def _counts(response: Any) -> dict[str, int]:
    return {card["key"]: card["count"] for card in response.context["summary"]}


def test_workspace_home_sends_an_anonymous_visitor_to_log_in(client: Any) -> None:
    response = client.get(reverse("core:manage-home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/manage/" in response["Location"]


def test_makat_secretary_sees_makat_counts_and_not_inders(
    client: Any, make_user: Callable[..., Any], district_data: SimpleNamespace
) -> None:
    client.force_login(make_user("executive_secretary", district_data.makat))

    response = client.get(reverse("core:manage-home"))

    assert response.status_code == 200
    assert _counts(response) == {"units": 2, "members": 3, "deputies": 1, "state_bodies": 2}
    html = response.content.decode()
    assert 'data-summary="members"' in html and 'data-count="3"' in html


def test_inder_secretary_sees_inder_counts(
    client: Any, make_user: Callable[..., Any], district_data: SimpleNamespace
) -> None:
    client.force_login(make_user("executive_secretary", district_data.inder))

    response = client.get(reverse("core:manage-home"))

    assert _counts(response) == {"units": 2, "members": 5, "deputies": 4, "state_bodies": 2}


def test_regional_secretary_sees_the_whole_region(
    client: Any, make_user: Callable[..., Any], district_data: SimpleNamespace
) -> None:
    client.force_login(make_user("executive_secretary", district_data.regional))

    response = client.get(reverse("core:manage-home"))

    assert _counts(response) == {"units": 6, "members": 8, "deputies": 5, "state_bodies": 2}


def test_summary_leaves_out_what_the_role_may_not_see(
    client: Any, make_user: Callable[..., Any], district_data: SimpleNamespace
) -> None:
    client.force_login(make_user("deputy", district_data.makat))

    response = client.get(reverse("core:manage-home"))

    assert set(_counts(response)) == {"units", "deputies", "state_bodies"}
    assert 'data-summary="members"' not in response.content.decode()


def test_user_without_a_role_sees_a_hint_and_no_counts(client: Any, make_user: Callable[..., Any], tree: Any) -> None:
    client.force_login(make_user())

    response = client.get(reverse("core:manage-home"))

    assert response.status_code == 200
    assert response.context["summary"] == []
    assert "You hold no role yet" in response.content.decode()


def test_header_shows_the_users_units_with_role_names(
    client: Any, make_user: Callable[..., Any], tree: SimpleNamespace, roles: dict[str, Any]
) -> None:
    from amanat.accounts.models import RoleGrant

    user = make_user("executive_secretary", tree.makat)
    RoleGrant.objects.create(user=user, role=roles["auditor"], org_unit=tree.inder, valid_from=dt.date(2000, 1, 1))
    RoleGrant.objects.create(  # expired: not part of the scope any more
        user=user,
        role=roles["auditor"],
        org_unit=tree.city,
        valid_from=dt.date(2000, 1, 1),
        valid_to=dt.date(2001, 1, 1),
    )
    client.force_login(user)

    response = client.get(reverse("core:manage-home"))

    scope = [(entry.unit.code, entry.roles) for entry in response.context["user_scope"]]
    assert sorted(scope) == [("inder", ["Auditor (read-only)"]), ("makat", ["Executive secretary"])]
    html = response.content.decode()
    assert 'id="scope-menu"' in html
    assert tree.city.name not in html.split('id="scope-menu"')[1].split("</li>")[0]


def test_workspace_home_query_count_stays_small(
    client: Any, make_user: Callable[..., Any], district_data: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    client.force_login(make_user("executive_secretary", district_data.regional))
    client.get(reverse("core:manage-home"))  # warm the site settings cache
    for _ in range(10):
        MemberFactory(org_unit=district_data.makat_p1)

    # session, user, grants, 4 counts, scope, notifications: independent of the data's size
    with django_assert_max_num_queries(9):
        response = client.get(reverse("core:manage-home"))

    assert _counts(response)["members"] == 18


def test_language_switch_on_a_workspace_page_keeps_the_page_and_beats_the_saved_language(
    client: Any, make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    client.force_login(make_user("executive_secretary", tree.makat, language="en"))
    assert 'lang="en"' in client.get(reverse("core:manage-home")).content.decode()

    response = client.post(reverse("set_language"), {"language": "kk", "next": reverse("core:manage-home")})

    assert response["Location"] == reverse("core:manage-home")
    assert '<html lang="kk">' in client.get(reverse("core:manage-home")).content.decode()


def test_workspace_layout_is_usable_on_a_phone_and_by_keyboard(
    client: Any, make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    client.force_login(make_user("executive_secretary", tree.makat))

    html = client.get(reverse("core:manage-home")).content.decode()

    assert 'href="#main"' in html and 'id="main"' in html
    assert 'class="manage-sidebar offcanvas-lg offcanvas-start"' in html  # slides in on a phone
    assert 'data-bs-target="#sidebar"' in html and 'aria-controls="sidebar"' in html
    assert '<nav class="sidebar-nav" aria-label="Modules">' in html
    assert html.count('<label for="language-select-') == 2  # header and phone menu, distinct ids
    assert 'action="/accounts/logout/"' in html and 'method="post"' in html


# --- Navigation -----------------------------------------------------------------------------


def _nav_links(html: str) -> set[str]:
    sidebar = html.split('class="sidebar-nav"')[1].split("</nav>")[0]
    return set(re.findall(r'href="([^"]+)"', sidebar))


@pytest.mark.urls(STUB_URLS)
def test_nav_shows_a_primary_secretary_the_members_pages_and_not_the_deputies(
    client: Any, make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    client.force_login(make_user("primary_secretary", tree.makat_p1))

    links = _nav_links(client.get(reverse("core:manage-home")).content.decode())

    assert "/manage/org/members/" in links
    assert "/manage/org/members/import/" in links
    assert "/manage/org/maslikhats/" not in links
    assert "/admin/" not in links


@pytest.mark.urls(STUB_URLS)
def test_nav_shows_a_deputy_the_maslikhats_and_not_the_members(
    client: Any, make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    client.force_login(make_user("deputy", tree.makat))

    html = client.get(reverse("core:manage-home")).content.decode()
    links = _nav_links(html)

    assert "/manage/org/maslikhats/" in links
    assert "/manage/org/members/" not in links
    assert ">People<" not in html  # a section with no link the user may use disappears


@pytest.mark.urls(STUB_URLS)
def test_nav_without_a_role_offers_only_the_overview(client: Any, make_user: Callable[..., Any], tree: Any) -> None:
    client.force_login(make_user())

    links = _nav_links(client.get(reverse("core:manage-home")).content.decode())

    assert reverse("core:manage-home") in links
    assert not [link for link in links if link.startswith("/manage/org/")]


@pytest.mark.urls(STUB_URLS)
def test_nav_offers_the_admin_site_to_staff_only(client: Any, django_user_model: Any, tree: Any) -> None:
    admin_user = django_user_model.objects.create_superuser("root@example.kz", "correct-horse-battery", language="en")
    client.force_login(admin_user)

    html = client.get(reverse("core:manage-home")).content.decode()

    # the stub URLs have no admin: the link is left out instead of breaking the page
    assert "/admin/" not in _nav_links(html)
    assert "Everywhere (superuser)" in html


def test_nav_links_to_the_admin_site_for_a_superuser(client: Any, django_user_model: Any, tree: Any) -> None:
    client.force_login(django_user_model.objects.create_superuser("root@example.kz", "correct-horse-battery"))

    html = client.get(reverse("core:manage-home")).content.decode()

    assert reverse("admin:index") in _nav_links(html)


def test_notifications_link_carries_the_unread_count(
    client: Any, make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    from amanat.notifications.models import Notification

    user = make_user("executive_secretary", tree.makat)
    for n in range(7):
        Notification.objects.create(user=user, kind="system_message", title=f"Message {n}")
    Notification.objects.create(user=make_user(), kind="system_message", title="Someone else's")
    client.force_login(user)

    html = client.get(reverse("core:manage-home")).content.decode()

    sidebar = html.split('class="sidebar-nav"')[1].split("</nav>")[0]
    assert reverse("notifications:list") in sidebar
    assert re.search(r'badge[^>]*>7<span class="visually-hidden"> unread', sidebar)


def _render(source: str, user: Any, path: str = "/manage/", **extra: Any) -> str:
    request = RequestFactory().get(path)
    request.user = user
    context = Context({"request": request, "user": request.user, **extra})
    return Template("{% load amanat_nav %}" + source).render(context)


@pytest.mark.urls(STUB_URLS)
def test_nav_item_renders_nothing_for_a_url_name_that_does_not_exist(
    make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    user = make_user("executive_secretary", tree.makat)

    assert _render('{% nav_item "nope:missing" "Missing" "x" "" %}', user) == ""
    assert _render('{% nav_item "org:member-list" "Members" "people" "org.view_member" %}', user) != ""


@pytest.mark.urls(STUB_URLS)
def test_nav_item_renders_nothing_for_anonymous_or_without_the_action(
    make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    from django.contrib.auth.models import AnonymousUser

    tag = '{% nav_item "org:member-list" "Members" "people" "org.view_member" %}'

    assert _render(tag, AnonymousUser()) == ""
    assert _render(tag, make_user("deputy", tree.makat)) == ""
    assert _render(tag, make_user("auditor", tree.inder)) != ""  # on any unit is enough


@pytest.mark.urls(STUB_URLS)
def test_nav_item_marks_the_current_page(make_user: Callable[..., Any], tree: SimpleNamespace) -> None:
    user = make_user("primary_secretary", tree.makat_p1)
    tag = '{% nav_item "org:member-list" "Members" "people" "org.view_member" %}'

    on_page = _render(tag, user, "/manage/org/members/")
    below = _render(tag, user, "/manage/org/members/17/")
    elsewhere = _render(tag, user, "/manage/")

    assert 'aria-current="page"' in on_page and "active" in on_page
    assert 'aria-current="page"' not in below and "active" in below
    assert "active" not in elsewhere


def test_a_page_is_under_the_sidebar_link_with_the_longest_address(
    make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    user = make_user("executive_secretary", tree.regional)
    items = '{% nav_item "programme:item-list" "Items" "list-check" "programme.view" %}'
    mandates = '{% nav_item "programme:mandate-list" "Mandates" "megaphone" "programme.view" %}'

    assert "active" in _render(items, user, "/manage/programme/17/")  # an item's page
    assert "active" not in _render(items, user, "/manage/programme/mandates/")
    assert "active" in _render(mandates, user, "/manage/programme/mandates/")


def test_nav_item_takes_either_of_two_actions(make_user: Callable[..., Any], tree: SimpleNamespace) -> None:
    tag = '{% nav_item "programme:item-list" "Items" "list-check" "programme.view|programme.report" %}'

    assert _render(tag, make_user("state_reporter", tree.makat)) != ""  # holds programme.report only
    assert _render(tag, make_user("primary_secretary", tree.makat_p1)) == ""


@pytest.mark.urls(STUB_URLS)
def test_nav_item_escapes_its_label(make_user: Callable[..., Any], tree: SimpleNamespace) -> None:
    html = _render('{% nav_item "org:member-list" label "people" %}', make_user(), label="<b>x</b>")

    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.urls(STUB_URLS)
def test_nav_section_disappears_when_it_has_no_visible_item(
    make_user: Callable[..., Any], tree: SimpleNamespace
) -> None:
    source = (
        '{% nav_section "People" %}{% nav_item "org:member-list" "Members" "people" "org.view_member" %}'
        "{% endnav_section %}"
    )

    assert _render(source, make_user("deputy", tree.makat)) == ""
    shown = _render(source, make_user("primary_secretary", tree.makat_p1))
    assert 'class="nav-section-title">People<' in shown


@pytest.mark.urls(STUB_URLS)
def test_cached_nav_follows_a_new_grant_and_the_language(
    client: Any, make_user: Callable[..., Any], roles: Any, tree: SimpleNamespace
) -> None:
    deputy = make_user("deputy", tree.makat)
    client.force_login(deputy)
    home = reverse("core:manage-home")
    assert "/manage/org/members/" not in _nav_links(client.get(home).content.decode())

    RoleGrant.objects.create(user=deputy, role=roles["primary_secretary"], org_unit=tree.makat_p1)

    assert "/manage/org/members/" in _nav_links(client.get(home).content.decode())
    deputy.language = "kk"
    deputy.save(update_fields=["language"])
    sidebar = client.get(home).content.decode().split('class="sidebar-nav"')[1].split("</nav>")[0]
    assert "Партия мүшелері" in sidebar and ">Members<" not in sidebar
