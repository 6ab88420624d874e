"""The ``generic_oauth`` plugin (Better Auth's ``genericOAuth``, id ``generic-oauth``):
any OAuth 2.0 or OpenID Connect provider, by discovery URL or explicit endpoints.

As in Better Auth 1.7 it adds no routes: its providers join the social providers and
use ``POST /sign-in/social``, ``/callback/:id`` and ``POST /link-social``
(``authClient.signIn.social({provider: "<provider_id>"})``).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from flask_betterauth.plugins import GenericProviders
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import parse_generic_oauth_config

PLUGIN_ID = "generic-oauth"


def generic_oauth(config: Sequence[Mapping[str, Any]]) -> Plugin:
    """A plugin adding the providers of ``config``, each a mapping of
    :class:`~flask_betterauth.social.generic.GenericOAuthConfig` options
    (``provider_id``, ``client_id``, ``client_secret``, ``discovery_url``, ``scopes``,
    ``pkce``, ``map_profile_to_user``, ...).

    :raises BetterAuthError: on an unknown option or a provider without endpoints.
    """
    configs = [parse_generic_oauth_config(entry) for entry in config]
    providers = GenericProviders(configs)
    return Plugin(id=PLUGIN_ID, state=lambda options: providers)


__all__ = ["generic_oauth"]
