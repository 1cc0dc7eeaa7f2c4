from typing import Any

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_page_shows_the_platforms_404_in_the_users_language(client: Any) -> None:
    client.cookies["amanat_language"] = "ru"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="ru"' in html
    assert "Страница не найдена" in html
