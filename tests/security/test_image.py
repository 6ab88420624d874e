"""Issue 17 item 13: ``user.image`` took ``javascript:`` URLs, which a template that
renders the image as a link would run. Only http(s) URLs, paths on the app and raster
``data:image/`` URLs are taken now; anything else is a ``400 INVALID_IMAGE_URL``."""

from __future__ import annotations

import pytest

from flask_betterauth import APIError
from tests.helpers import rows
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import sign_up

REFUSED = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "//evil.example/a.png",
    "/\\evil.example/a.png",
    "https://img.example/a.png\n",
    "https:///a.png",
    "ftp://img.example/a.png",
    "img.example/a.png",
]
ACCEPTED = [
    "https://img.example/a.png?size=64#x",
    "http://127.0.0.1:8000/a.png",
    "/avatars/1.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "",
]


@pytest.mark.parametrize("image", REFUSED)
def test_sign_up_refuses_an_unsafe_image(browser, image):
    response = browser.post(
        f"{BASE}/sign-up/email", json={**ANN, "image": image}, headers={"Origin": APP_ORIGIN}
    )
    assert (response.status_code, response.get_json()["code"]) == (400, "INVALID_IMAGE_URL")
    assert "Set-Cookie" not in response.headers


def test_update_user_refuses_an_unsafe_image_and_keeps_the_old_one(browser, strict_app):
    _, cookie = sign_up(browser, {**ANN, "image": "/avatars/ann.png"})
    headers = {"Cookie": cookie, "Origin": APP_ORIGIN}
    for image in REFUSED:
        response = browser.post(f"{BASE}/update-user", json={"image": image}, headers=headers)
        assert (response.status_code, response.get_json()["code"]) == (400, "INVALID_IMAGE_URL")
    assert [row["image"] for row in rows(strict_app, "user")] == ["/avatars/ann.png"]
    for image in [*ACCEPTED, None]:
        response = browser.post(f"{BASE}/update-user", json={"image": image}, headers=headers)
        assert response.status_code == 200, (image, response.get_json())
        assert [row["image"] for row in rows(strict_app, "user")] == [image]


def test_auth_api_refuses_an_unsafe_image_too(strict_app):
    with strict_app.app.app_context(), pytest.raises(APIError) as refused:
        strict_app.auth.api.sign_up_email(body={**ANN, "image": "javascript:alert(1)"})
    assert refused.value.code == "INVALID_IMAGE_URL"
    assert rows(strict_app, "user") == []
