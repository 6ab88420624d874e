"""Rate limiting: a rule per path, a counter per client IP and path (spec 8.4).

Every HTTP request to the auth routes is counted before it is routed, so requests that
end in 404 or 403 count too. The key is ``<client ip>|<path below the base path>``: the
query string is ignored and each path has its own bucket. ``auth.api`` calls made
inside a Flask request are counted in the same buckets (:meth:`RateLimiter.check_path`).

The rule of a path is, in order of precedence: a matching ``custom_rules`` entry (a rule,
``False`` for no limit, or a callable), the rule of the endpoint served there (a table by
endpoint name: Better Auth's stricter rules for the core's credential and mail-sending
endpoints, then the plugins' rules), else the global ``window``/``max``.

The counters live in one of three storages:

- ``memory``: per process, at most ``counters.MEMORY_MAX_KEYS`` keys (oldest dropped first);
- ``database``: the ``rateLimit`` table (made only when this storage is chosen), shared by
  every worker, updated with compare-and-set so that concurrent requests cannot both take
  the last slot;
- ``secondary-storage``: any object with an atomic ``increment(key, ttl) -> int`` (Redis),
  shared by every worker.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request

from ..errors import APIError
from ..headers import RequestHeaders
from ..options import Options
from ..options.groups import RateLimitRule
from ..registry import Endpoint
from ..storage import Adapter
from .counters import CustomStorage
from .counters import DatabaseStorage
from .counters import MemoryStorage
from .counters import SecondaryStorage
from .counters import Storage
from .ip import HeaderSource
from .ip import client_ip

logger = logging.getLogger("flask_betterauth")

Rule = RateLimitRule
#: The body of a 429 answer (Better Auth sends it without a ``code``).
MESSAGE = "Too many requests. Please try again later."
#: The bucket of requests whose client IP cannot be told (one shared bucket per path).
NO_IP = "no-trusted-ip"


@dataclass(frozen=True)
class EndpointRateLimit:
    """A rate-limit rule for endpoints named in ``endpoints``: at most ``max`` requests
    per ``window`` seconds (the core's table and each plugin's ``rate_limit``)."""

    endpoints: frozenset[str]
    window: int
    max: int

    def __post_init__(self) -> None:
        Rule(window=self.window, max=self.max)  # checks the numbers


#: Better Auth's stricter rules for the core's credential and mail-sending endpoints.
CORE_RATE_LIMITS = (
    EndpointRateLimit(
        frozenset(
            {"sign_in_email", "sign_up_email", "change_password", "change_email", "sign_in_social"}
        ),
        10,
        3,
    ),
    EndpointRateLimit(frozenset({"request_password_reset", "send_verification_email"}), 60, 3),
)


def endpoint_rules(
    endpoints: Iterable[Endpoint], rules: Sequence[EndpointRateLimit]
) -> dict[str, Rule]:
    """The rule of each endpoint's path (``:name`` segments as ``*``), later rules winning."""
    paths = {ep.name: ep.path for ep in endpoints}
    table: dict[str, Rule] = {}
    for rule in rules:
        for name in rule.endpoints:
            if name in paths:
                pattern = "/".join("*" if p.startswith(":") else p for p in paths[name].split("/"))
                table[pattern] = Rule(window=rule.window, max=rule.max)
    return table


def glob_matcher(pattern: str) -> Callable[[str], bool]:
    """A path matcher for ``pattern``: ``*`` and ``?`` stay inside one segment, ``**`` not."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        i += 1
    regex = re.compile("^" + "".join(out) + "/*$")
    return lambda path: regex.match(path) is not None


def _as_rule(value: Any) -> Rule | bool | None:
    """What a custom rule callable returned, as a rule, ``False`` or ``None`` (no change)."""
    if value is None or value is False or isinstance(value, Rule):
        return value
    if isinstance(value, Mapping):
        return Rule(window=int(value["window"]), max=int(value["max"]))
    raise TypeError(f"a rate_limit custom rule returned {value!r}")


#: How many request paths a limiter remembers the rule of.
_RESOLVED_MAX = 1024
#: How many (client address, request path) pairs a limiter remembers the counter key
#: and rule of; the memo starts afresh when full.
KEYS_MAX = 4096
_UNSEEN: Any = object()


class RateLimiter:
    """Decides, per request, whether the client may go on.

    :param options: the app's options (``rate_limit`` and ``advanced.ip_address``).
    :param storage: the counters.
    :param base_path: the auth routes' base path, cut from request paths.
    :param endpoint_rules: the rule of each endpoint path, from :func:`endpoint_rules`.
    """

    def __init__(
        self,
        options: Options,
        storage: Storage,
        *,
        base_path: str,
        endpoint_rules: Mapping[str, Rule] | None = None,
    ) -> None:
        self.options = options.rate_limit
        self.ip_options = options.advanced.ip_address
        self.storage = storage
        self.base_path = base_path.rstrip("/")
        rules = dict(endpoint_rules or {})
        self._exact_rules = {p: r for p, r in rules.items() if "*" not in p}
        self._pattern_rules = [(glob_matcher(p), r) for p, r in rules.items() if "*" in p]
        self.default = Rule(window=self.options.window, max=self.options.max)
        self._custom = [
            (glob_matcher(path) if "*" in path or "?" in path else _exact(path), rule)
            for path, rule in self.options.custom_rules.items()
        ]
        self._warned = False
        #: Rules resolved per path, when no custom rule is a callable (which may answer
        #: differently per request); bounded, since any path below the base counts.
        self._resolved: dict[str, Rule | None] | None = (
            None if any(callable(rule) for _, rule in self._custom) else {}
        )
        self._trusted_proxies = tuple(self.ip_options.trusted_proxies)
        #: The counter key and rule of each (socket address, request path) pair, when
        #: nothing else decides them: no IP header is trusted and no custom rule is a
        #: callable. ``None`` (an unlimited path) is remembered too.
        self._keys: dict[tuple[str | None, str], tuple[str, Rule] | None] | None = (
            {} if self._resolved is not None and not self.ip_options.ip_address_headers else None
        )

    def path_of(self, request_path: str) -> str:
        """The path below the base path, without trailing slashes (``/`` at least)."""
        path = request_path
        if self.base_path and (path == self.base_path or path.startswith(self.base_path + "/")):
            path = path[len(self.base_path) :]
        return path.rstrip("/") or "/"

    def rule_for(self, path: str, request: Any = None) -> Rule | None:
        """The rule of ``path``; ``None`` when the path is not limited."""
        resolved = self._resolved
        if resolved is None:
            return self._rule_for(path, request)
        try:
            return resolved[path]
        except KeyError:
            rule = self._rule_for(path, request)
            if len(resolved) < _RESOLVED_MAX:
                resolved[path] = rule
            return rule

    def _rule_for(self, path: str, request: Any) -> Rule | None:
        rule = self._exact_rules.get(path)
        if rule is None:
            rule = next((r for match, r in self._pattern_rules if match(path)), self.default)
        for matches, custom in self._custom:
            if not matches(path):
                continue
            resolved = _as_rule(custom(request, rule) if callable(custom) else custom)
            if resolved is False:
                return None
            if isinstance(resolved, Rule):
                rule = resolved
            break
        return rule

    def key_ip(self, headers: HeaderSource, remote_addr: str | None) -> str | None:
        """The IP part of the key; ``None`` when IP tracking is off (no limiting at all)."""
        if self.ip_options.disable_ip_tracking:
            return None
        found = client_ip(
            headers,
            remote_addr,
            header_names=self.ip_options.ip_address_headers,
            trusted_proxies=self._trusted_proxies,
            ipv6_subnet=self.ip_options.ipv6_subnet,
        )
        if found is None:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "rate limiting cannot tell the client IP; requests share one bucket per "
                    "path. Set advanced.ip_address.ip_address_headers (and trusted_proxies) "
                    "to the header your proxy sets."
                )
            return NO_IP
        return found

    def check(self, incoming: Any) -> None:
        """Count ``incoming`` (a Flask request) and refuse it when over its rule.

        :raises APIError: 429 with Better Auth's message and ``X-Retry-After``.
        """
        keys = self._keys
        if keys is None:
            self.check_path(
                self.path_of(incoming.path),
                RequestHeaders(incoming.environ),
                incoming.remote_addr,
                incoming,
            )
            return
        remote_addr = incoming.remote_addr
        pair = (remote_addr, incoming.path)
        found = keys.get(pair, _UNSEEN)
        if found is _UNSEEN:
            headers = RequestHeaders(incoming.environ)
            found = self._key_and_rule(self.path_of(pair[1]), headers, remote_addr, incoming)
            if len(keys) >= KEYS_MAX:
                keys.clear()
            keys[pair] = found
        if found is not None:
            self._consume(*found)

    def check_path(
        self, path: str, headers: HeaderSource, remote_addr: str | None, incoming: Any = None
    ) -> None:
        """Count one call of ``path`` (below the base path) by the client that
        ``headers`` and ``remote_addr`` name, in the same bucket as an HTTP request to it;
        ``incoming`` is the Flask request custom rule callables receive (or ``None``).

        :raises APIError: 429 with Better Auth's message and ``X-Retry-After``.
        """
        found = self._key_and_rule(path, headers, remote_addr, incoming)
        if found is not None:
            self._consume(*found)

    def _key_and_rule(
        self, path: str, headers: HeaderSource, remote_addr: str | None, incoming: Any
    ) -> tuple[str, Rule] | None:
        """The counter key and rule of a call; ``None`` when it is not limited."""
        ip = self.key_ip(headers, remote_addr)
        if ip is None:
            return None
        rule = self.rule_for(path, incoming)
        if rule is None:
            return None
        return f"{ip}|{path}", rule

    def _consume(self, key: str, rule: Rule) -> None:
        try:
            decision = self.storage.consume(key, rule)
        except Exception:  # a broken counter store must not take the auth routes down
            logger.exception("rate limit storage failed; the request is let through")
            return
        if not decision.allowed:
            retry = decision.retry_after if decision.retry_after is not None else rule.window
            raise APIError(429, None, MESSAGE, headers={"X-Retry-After": str(retry)})


def _exact(path: str) -> Callable[[str], bool]:
    wanted = path.rstrip("/") or "/"
    return lambda candidate: candidate == wanted


def longest_window(options: Options, endpoint_rules: Mapping[str, Rule] | None = None) -> int:
    """The longest window any rule may use (how long database rows must be kept)."""
    windows = [options.rate_limit.window, *(r.window for r in (endpoint_rules or {}).values())]
    windows += [r.window for r in options.rate_limit.custom_rules.values() if isinstance(r, Rule)]
    return max(windows)


def storage_name(options: Options) -> str:
    """The storage the options call for (``None`` resolved by Better Auth's default)."""
    if options.rate_limit.storage is not None:
        return options.rate_limit.storage
    return "secondary-storage" if _secondary(options) is not None else "memory"


def _secondary(options: Options) -> Any:
    return getattr(options, "secondary_storage", None)


def build_rate_limiter(
    options: Options,
    adapter: Adapter,
    *,
    base_path: str,
    generate_id: Callable[[], str],
    relaxed: bool,
    secondary_storage: Any = None,
    endpoint_rules: Mapping[str, Rule] | None = None,
) -> RateLimiter | None:
    """The app's limiter, or ``None`` when rate limiting is off.

    :param relaxed: the app is in testing or debug mode (limiting is then off unless
        ``rate_limit.enabled`` is ``True``).
    :param secondary_storage: the app's secondary storage (default: the option's).
    :param endpoint_rules: the rule of each endpoint path, from :func:`endpoint_rules`.
    :raises BetterAuthError: for a storage the app cannot provide.
    """
    enabled = options.rate_limit.enabled
    if enabled is False or (enabled is None and relaxed):
        return None
    storage: Storage
    name = storage_name(options)
    if options.rate_limit.custom_storage is not None:
        storage = CustomStorage(options.rate_limit.custom_storage)
    elif name == "memory":
        storage = MemoryStorage()
    elif name == "database":
        storage = DatabaseStorage(adapter, generate_id, longest_window(options, endpoint_rules))
    else:
        store = secondary_storage if secondary_storage is not None else _secondary(options)
        storage = SecondaryStorage(store)
    return RateLimiter(options, storage, base_path=base_path, endpoint_rules=endpoint_rules)


def rate_limit_hook(limiter: RateLimiter, answer: Callable[[APIError], Any]) -> Callable[[], Any]:
    """A ``before_request`` function for the auth blueprint: ``answer(error)`` on a 429.

    Disabled paths are left alone: their 404 comes before rate limiting (spec 1.5).
    """

    def limit() -> Any:
        # The request itself, not its proxy: the limiter reads several of its attributes.
        incoming = request._get_current_object()  # type: ignore[attr-defined]
        if (incoming.endpoint or "").rpartition(".")[2].startswith("disabled_"):
            return None
        try:
            limiter.check(incoming)
        except APIError as error:
            response = answer(error)
            for name, value in error.headers.items():
                response.headers[name] = value
            return response
        return None

    return limit
