from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from amanat.core.models import SiteSettings


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"site": SiteSettings.load()}
