"""Request hooks: code that runs before and after endpoints, matched once at start-up.

The app's own ``hooks={"before": fn, "after": fn}`` run for every endpoint, first;
plugin hooks follow, each for the endpoints it names or its matcher accepts. A ``before``
hook may change ``ctx.body`` or ``ctx.query``, return a value to answer with instead of the
endpoint, or raise :class:`~flask_betterauth.APIError`. An ``after`` hook sees
``ctx.returned`` (the endpoint's value or its ``APIError``), may return a new value, add
headers or cookies, or raise.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from .errors import BetterAuthError

if TYPE_CHECKING:
    from .registry import Endpoint

#: ``handler(ctx)`` with the call's :class:`~flask_betterauth.context.Context` (typed
#: ``Any`` here: the context module depends on this one through the state).
HookFunction = Callable[[Any], Any]


@dataclass(frozen=True)
class Hook:
    """A hook of a plugin: ``handler`` runs for the endpoints it matches.

    :param handler: ``handler(ctx)``; see the module docstring for what it may return.
    :param endpoints: names of the endpoints it runs for (``{"sign_in_email"}``).
    :param matcher: or a predicate of the endpoint, for wider matches.
    :param late: an ``after`` hook that acts on the call's final outcome (the session it
        started, once every other hook, two-factor's hold included, has had its say):
        late hooks run after all the others, in plugin order, whatever the plugin order.
    """

    handler: HookFunction
    endpoints: frozenset[str] | None = None
    matcher: Callable[[Endpoint], bool] | None = None
    late: bool = False

    def matches(self, endpoint: Endpoint) -> bool:
        """Whether this hook runs for ``endpoint``."""
        if self.endpoints is not None and endpoint.name not in self.endpoints:
            return False
        return self.matcher is None or bool(self.matcher(endpoint))


@dataclass(frozen=True)
class HookTable:
    """Each endpoint's before and after hooks, in order, computed once."""

    before: Mapping[str, tuple[HookFunction, ...]]
    after: Mapping[str, tuple[HookFunction, ...]]

    @classmethod
    def build(
        cls,
        endpoints: Iterable[Endpoint],
        app_hooks: Mapping[str, HookFunction],
        plugin_hooks: Iterable[tuple[str, Hook]],
    ) -> HookTable:
        """Resolve the hooks of every endpoint: the app's first, then the plugins'."""
        unknown = set(app_hooks) - {"before", "after"}
        if unknown:
            raise BetterAuthError(
                f"option 'hooks' takes 'before' and 'after', not {sorted(unknown)}"
            )
        # Late hooks after the others; ``sorted`` is stable, so plugin order is kept.
        hooks = sorted(plugin_hooks, key=lambda entry: entry[1].late)
        table: dict[str, dict[str, tuple[HookFunction, ...]]] = {"before": {}, "after": {}}
        for endpoint in endpoints:
            for phase in ("before", "after"):
                found: list[HookFunction] = []
                if phase in app_hooks:
                    found.append(app_hooks[phase])
                found += [h.handler for p, h in hooks if p == phase and h.matches(endpoint)]
                if found:
                    table[phase][endpoint.name] = tuple(found)
        return cls(before=table["before"], after=table["after"])
