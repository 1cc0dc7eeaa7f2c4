"""Every page a person can reach by following links answers without a server error.

Loads the demo (with a few hundred members), logs in as a superuser and as a district
secretary, and follows every link inside the platform breadth-first, GETs only (forms and
POST actions are exercised by each app's own tests). A 500 on any reachable page fails here.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from amanat.accounts.models import User

LINK = re.compile(r'href="([^"#]+)"')
SKIP = ("/static/", "/media/", "/admin/", "/api/", "/i18n/", "/accounts/logout/")
MAX_PAGES = 600
PER_SHAPE = 3  # pages of one kind (/units/N/edit/) visited at most: every kind gets its turn


def shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client: Any, start: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or shapes.get(shape(url), 0) >= PER_SHAPE:
            continue
        shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or "export=" in parts.query or target.startswith(SKIP):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else "")
            if path not in seen:
                queue.append(path)
    return seen


@pytest.fixture
def demo(db: Any) -> None:
    call_command("demo_data", base_members=300, verbosity=0)


@pytest.mark.xdist_group("crawl")
@pytest.mark.parametrize("login", ["admin@amanat.kz", "inder.secretary@amanat.kz"])
def test_every_reachable_page_renders(client: Any, demo: None, login: str) -> None:
    user = User.objects.get(email=login)
    client.force_login(user)
    pages = crawl(client, "/manage/")
    assert len(pages) > 20, f"the crawl reached only {len(pages)} pages"
    broken = {url: code for url, code in pages.items() if code >= 500}
    assert not broken, f"pages answering a server error: {broken}"
