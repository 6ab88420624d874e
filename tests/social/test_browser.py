"""Social sign-in on the ready-made pages in Chromium (``tests/pages/browser/social_flow.mjs``):
the provider's own login form, the callback, linking and unlinking from the account page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer, idp: str) -> Iterator[str]:
    with serving_pages(tmp_path, smtp_server, plugins=[oidc_plugin(idp)]) as base_url:
        yield base_url


def test_social_pages_in_chromium(live_server: str, idp: str) -> None:
    idp_user(idp, "chromium-1", email="chromium@example.com", email_verified=True, name="Chro")
    idp_user(idp, "chromium-2", email="linker.pages@example.com", email_verified=True)
    facts, _ = run_flow(
        "social_flow.mjs",
        live_server,
        "chromium-1",
        "linker.pages@example.com",
        "chromium-2",
        timeout=180,
    )
    assert facts["signedIn"] == "/auth/account"
    assert [text.split()[0] for text in facts["linked"]] == ["oidc"]
    assert facts["linkNotice"] == "The account was linked."
    assert facts["unlinkNotice"] == "The account was unlinked."
    assert facts["linkedAfter"] == 0
