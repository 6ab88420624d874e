"""Social sign-in: OAuth 2.0 / OpenID Connect providers (Better Auth's
``socialProviders`` and the ``generic_oauth`` plugin's), the redirect flow's state, the
callback, account linking and the provider-token endpoints.

The endpoints are in :mod:`.routes` (sign-in, callback) and :mod:`.account_routes`
(link, unlink, tokens); they need Authlib (``pip install flask-betterauth[social]``).
"""

from __future__ import annotations

#: The cookies of the redirect flow (built like the core's: ``better-auth.state``); the
#: ``oauth_state`` one holds the whole state under ``store_state_strategy="cookie"``.
SOCIAL_COOKIES = ("state", "oauth_state")
