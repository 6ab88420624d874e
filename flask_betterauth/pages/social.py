"""Social sign-in on the ready-made pages: a "Continue with ..." button per configured
provider on the sign-in page, and the "Linked accounts" section of the account page
(link another provider, unlink one).

The buttons post (with the CSRF token) to ``/sign-in/social/<provider>``, which calls
``sign_in_social`` through ``auth.api`` and sends the browser to the provider with the
flow's state cookie; the provider's errors come back to the sign-in page as
``?error=<code>`` and are shown in words.
"""

from __future__ import annotations

from typing import Any

from flask import redirect
from flask import request
from flask import url_for
from werkzeug.datastructures import Headers
from werkzeug.datastructures import MultiDict

from ..api import APIResponse
from ..errors import APIError
from ..social.providers import ProviderSource
from ..social.registry import social_registry
from ..state import AuthState
from ..state import current_state
from .forms import after_sign_in
from .forms import call_api
from .forms import message_for
from .forms import redirect_with
from .forms import refuse_without_csrf
from .forms import render_page
from .forms import safe_next
from .forms import setup
from .kit import AccountSection
from .kit import Done

#: The words for the callback's ``?error=`` codes (Better Auth's, lower case).
SOCIAL_ERRORS = {
    "account_not_linked": "An account with this email address exists. Sign in with it "
    "first, then link this provider from your account page.",
    "email_not_found": "The provider did not share your email address.",
    "signup_disabled": "New accounts cannot be created with this provider.",
    "access_denied": "Sign-in was cancelled at the provider.",
    "email_does_not_match": "That provider account has another email address.",
    "unable_to_link_account": "That account could not be linked.",
    "account_already_linked_to_different_user": "That account is linked to another user.",
    "email_not_verified": "Confirm your email address with the link we sent, then sign in "
    "with the provider again.",
}
_GENERIC = "Signing in with the provider did not work. Try again."


def has_social(state: AuthState) -> bool:
    """Whether the app has social providers (built-in or from a plugin)."""
    sources = any(isinstance(s, ProviderSource) for s in state.plugin_states.values())
    return bool(state.options.social_providers) or sources


def providers() -> list[dict[str, str]]:
    """``{id, name}`` of each provider users can sign in with now."""
    state = current_state()
    if not has_social(state):
        return []
    return [{"id": p.id, "name": p.name or p.id} for p in social_registry(state).all()]


def social_error() -> str | None:
    """The words for a ``?error=`` the callback sent the browser back with."""
    code = request.args.get("error")
    if not code:
        return None
    return SOCIAL_ERRORS.get(code, _GENERIC)


def social_sign_in(provider: str) -> Any:
    """Start a sign-in with ``provider``: to the provider, with the state cookie."""
    refused = refuse_without_csrf("sign_in.html")
    if refused:
        return refused
    body = {
        "provider": provider,
        "callbackURL": url_for(".social_done", next=safe_next()),
        "errorCallbackURL": url_for(".sign_in"),
        "disableRedirect": True,
    }
    try:
        result = call_api("sign_in_social", body)
    except APIError as error:
        return render_page("sign_in.html", error.status, error=message_for(error))
    return redirect_with(result.response["url"], result)


def social_done() -> Any:
    """Where the callback lands: on to ``next``, or, when two-factor held the sign-in
    (``?twoFactorRedirect=true&twoFactorMethods=...``), to the plugin's next step."""
    if request.args.get("twoFactorRedirect") == "true":
        methods = [m for m in request.args.get("twoFactorMethods", "").split(",") if m]
        held = APIResponse({"twoFactorRedirect": True, "twoFactorMethods": methods}, Headers())
        for step in setup().kit.sign_in_steps:
            elsewhere = step(held)
            if elsewhere:
                return redirect(elsewhere, code=303)
    return redirect(after_sign_in(), code=303)


def _accounts() -> dict[str, Any]:
    linked = [a for a in call_api("list_user_accounts").response if a["providerId"] != "credential"]
    names = {p["id"]: p["name"] for p in providers()}
    for account in linked:
        account["name"] = names.get(account["providerId"], account["providerId"])
    taken = {a["providerId"] for a in linked}
    available = [p for p in providers() if p["id"] not in taken]
    return {"linked": linked, "available": available}


def _link(form: MultiDict[str, str]) -> Done:
    body = {
        "provider": form.get("provider", ""),
        "callbackURL": url_for(".account", notice="account-linked") + "#accounts",
        "errorCallbackURL": url_for(".account") + "#accounts",
        "disableRedirect": True,
    }
    result = call_api("link_social", body)
    return Done("account-linked", result, redirect_to=result.response["url"])


def _unlink(form: MultiDict[str, str]) -> Done:
    result = call_api("unlink_account", {"accountId": form.get("account_id", "")})
    return Done("account-unlinked", result)


#: The account page's "Linked accounts" section (mounted when providers are configured).
ACCOUNTS_SECTION = AccountSection(
    "accounts",
    "Linked accounts",
    "betterauth/pages/account/accounts.html",
    {"link-social": _link, "unlink-account": _unlink},
    data=_accounts,
    order=35,
)
