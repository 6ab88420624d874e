"""The providers of one app: the plugins' (generic, first) and the ``social_providers``
option's built-ins, found by id."""

from __future__ import annotations

from ..errors import BetterAuthError
from ..state import AuthState
from .builtin import BUILT_IN
from .providers import Provider
from .providers import ProviderSource
from .providers import parse_provider_options

_KEY = "social.registry"


class SocialRegistry:
    """Find a provider by id (generic providers shadow built-ins of the same id)."""

    def __init__(self, state: AuthState) -> None:
        self.sources = [s for s in state.plugin_states.values() if isinstance(s, ProviderSource)]
        self.built_in: dict[str, Provider] = {}
        for provider_id, raw in state.options.social_providers.items():
            factory = BUILT_IN.get(provider_id)
            if factory is None:
                known = ", ".join(sorted(BUILT_IN))
                raise BetterAuthError(
                    f"unknown social provider {provider_id!r} (built in: {known}; use the "
                    "generic_oauth plugin for others)"
                )
            options = parse_provider_options(provider_id, raw)
            if options.enabled:
                self.built_in[provider_id] = factory(options)

    def get(self, provider_id: str) -> Provider | None:
        """The provider called ``provider_id``, if configured (and discovered)."""
        for source in self.sources:
            for provider in source.providers():
                if provider.id == provider_id:
                    return provider
        return self.built_in.get(provider_id)

    def all(self) -> list[Provider]:
        """Every provider users can sign in with now, generic ones first."""
        found: dict[str, Provider] = {}
        for source in self.sources:
            for provider in source.providers():
                found.setdefault(provider.id, provider)
        for provider_id, provider in self.built_in.items():
            found.setdefault(provider_id, provider)
        return list(found.values())


def social_registry(state: AuthState) -> SocialRegistry:
    """The app's provider registry, built on first use and kept."""
    found = state.extras.get(_KEY)
    if not isinstance(found, SocialRegistry):
        found = SocialRegistry(state)
        state.extras[_KEY] = found
    return found
