"""Sessions: create, read (cookie, cookie cache, storage, sliding refresh), and end them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from typing import Any

from ..clock import now
from ..clock import to_ms
from ..cookies import decode_signed
from ..cookies import encode_signed
from ..crypto import hash_token
from ..crypto import random_string
from ..errors import APIError
from ..errors import SecondaryStorageUnavailable
from ..memo import Memo
from ..options import Options
from ..records import Record
from ..records import WireRecord
from ..records import copy_record
from ..records import from_wire
from ..records import to_wire
from ..schema import Table
from ..storage import Adapter
from . import cookie_cache
from .lifetime import SHORT_CACHE
from .lifetime import SHORT_SESSION
from .lifetime import is_short_session
from .secondary import build_store
from .store import SessionStore
from .values import Carrier
from .values import SignedIn
from .values import TokenSource
from .values import listed_token_candidates
from .values import stored_token_candidates

logger = logging.getLogger("flask_betterauth")


class Sessions:
    """The session operations of one app."""

    def __init__(
        self,
        options: Options,
        tables: dict[str, Table],
        adapter: Adapter,
        *,
        key: bytes,
        generate_id: Callable[[], str],
        token_sources: Sequence[TokenSource] = (),
        overriding_sources: Sequence[TokenSource] = (),
        session_fields: Sequence[Callable[[Record], Mapping[str, Any]]] = (),
    ) -> None:
        """
        :param options: the app's options (``session``, ``secondary_storage``).
        :param tables: the schema's tables.
        :param adapter: the storage adapter.
        :param key: the signing key of the cookies.
        :param generate_id: makes row ids.
        :param token_sources: the plugins' token sources, tried in order after the cookie.
        :param overriding_sources: the plugins' token sources tried before the cookie.
        :param session_fields: the plugins' ``session_fields(user)``, applied at creation.
        """
        self.key = key
        self.generate_id = generate_id
        self.token_sources = tuple(token_sources)
        self.overriding_sources = tuple(overriding_sources)
        self.session_fields = tuple(session_fields)
        self.options = options.session
        self.user_table = tables["user"]
        self.session_table = tables["session"]
        self.store: SessionStore = build_store(options, tables, adapter)
        #: Cookie texts already verified: session cookie -> token, cache -> its pair.
        self._tokens: Memo[str] = Memo()
        self._caches: Memo[tuple[Record, Record, int]] = Memo()

    # -- creating and ending -------------------------------------------------------

    def create(
        self,
        user: Record,
        *,
        remember_me: bool = True,
        ip: str = "",
        user_agent: str = "",
        fields: Mapping[str, Any] | None = None,
    ) -> SignedIn:
        """Start a session for ``user`` and return it (with its raw token).

        :param fields: values of additional session fields (``impersonatedBy``), over the
            plugins' ``session_fields`` and the fields' defaults.
        """
        token = random_string(32)
        moment = now()
        lifetime = self.options.expires_in if remember_me else SHORT_SESSION
        row: dict[str, Any] = {
            "id": self.generate_id(),
            "token": hash_token(token),
            "userId": user["id"],
            "expiresAt": moment + timedelta(seconds=lifetime),
            "ipAddress": ip,
            "userAgent": user_agent,
            "createdAt": moment,
            "updatedAt": moment,
        }
        for column in self.session_table.additional:
            default = column.default() if callable(column.default) else column.default
            row[column.name] = default
        for contribute in self.session_fields:
            row.update(contribute(user))
        row.update(fields or {})
        session = Record(self.store.create(row, dict(user)))
        session["token"] = token
        return SignedIn(session, user)

    def delete(self, token: str) -> int:
        """End the session whose raw token is ``token``; returns how many ended (0 or 1)."""
        found = self.store.find(stored_token_candidates(token))
        if found is None:
            return 0
        self.store.remove(found[0])
        return 1

    # -- managing a user's sessions ------------------------------------------------------

    def list_active(self, user_id: str) -> list[Record]:
        """The user's unexpired sessions, oldest first, each with its *stored* token."""
        return [Record(row) for row in self.store.list_active(user_id)]

    def find_listed(self, token: str) -> Record | None:
        """The session a raw token or a listed (stored) token names, whoever owns it."""
        found = self.store.find(listed_token_candidates(token))
        return Record(found[0]) if found is not None else None

    def update(self, session: Record, changes: Mapping[str, Any]) -> Record | None:
        """Change fields of the caller's ``session`` (which holds the raw token) wherever
        it is kept; the session as it now is, or ``None`` when it has ended."""
        stored = self.find_listed(session["token"])
        if stored is None or stored["id"] != session["id"]:
            return None
        updated = self.store.update(stored, {**changes, "updatedAt": now()})
        if updated is None:
            return None
        result = Record(updated)
        result["token"] = session["token"]
        return result

    def revoke(self, session: Record) -> None:
        """End ``session`` (as :meth:`find_listed` or :meth:`list_active` gave it)."""
        self.store.remove(session)

    def revoke_user(self, user_id: str) -> None:
        """End every session of the user, in every worker at once."""
        self.store.remove_user(user_id)

    def revoke_others(self, user_id: str, current: Record) -> None:
        """End every session of the user except ``current`` (which holds the raw token)."""
        self.store.remove_others(user_id, current["id"], stored_token_candidates(current["token"]))

    def cleanup_expired(self) -> int:
        """Delete every expired session from the database now; returns how many."""
        return self.store.cleanup_expired()

    def refresh_user(self, user: Mapping[str, Any]) -> None:
        """Rewrite the copy of ``user`` kept with each of their sessions in secondary
        storage (call after changing a user row; a no-op without secondary storage)."""
        self.store.refresh_user(dict(user))

    # -- cookies ---------------------------------------------------------------------

    def set_cookies(self, carrier: Carrier, pair: SignedIn, *, dont_remember: bool) -> None:
        """Send the session cookie, the cookie cache when on, and ``dont_remember``."""
        session, _ = pair
        specs = carrier.specs
        token_value = encode_signed(self.key, session["token"])
        carrier.set_cookie(
            specs.session_token, token_value, None if dont_remember else self.options.expires_in
        )
        self.write_cache(carrier, pair, dont_remember=dont_remember)
        if dont_remember:
            carrier.set_cookie(specs.dont_remember, encode_signed(self.key, "true"), None)
        elif specs.dont_remember.name in carrier.cookies:
            carrier.expire_cookie(specs.dont_remember)

    def write_cache(self, carrier: Carrier, pair: SignedIn, *, dont_remember: bool) -> None:
        """Send a fresh cookie cache for ``pair`` (when the cache is on)."""
        cache = self.options.cookie_cache
        if not cache.enabled:
            return
        session, user = pair
        lifetime = SHORT_CACHE if dont_remember else cache.max_age
        value = cookie_cache.encode(
            self.key,
            to_wire(self.session_table, session),
            to_wire(self.user_table, user),
            to_ms(now()),
            lifetime,
            cache.version,
        )
        spec = carrier.specs.session_data
        max_age = None if dont_remember else cache.max_age
        overhead = len(spec.header("", max_age))
        chunks = cookie_cache.split(spec.name, value, overhead)
        _, present = cookie_cache.read_chunks(carrier.cookies, spec.name)
        written = {name for name, _ in chunks or []}
        for name in present:
            if name not in written:
                carrier.expire_cookie(spec, name)
        for name, chunk in chunks or []:
            carrier.set_cookie(replace(spec, name=name), chunk, max_age)

    def clear_cookies(self, carrier: Carrier) -> None:
        """Expire every session cookie (token, cache and its chunks, ``dont_remember``)."""
        specs = carrier.specs
        carrier.expire_cookie(specs.session_token)
        _, present = cookie_cache.read_chunks(carrier.cookies, specs.session_data.name)
        for name in present or [specs.session_data.name]:
            carrier.expire_cookie(specs.session_data, name)
        carrier.expire_cookie(specs.dont_remember)

    # -- reading ---------------------------------------------------------------------

    def token_from(self, carrier: Carrier) -> str | None:
        """The raw session token of the first overriding source that has one, else of a
        correctly signed session cookie, else of the first token source that has one,
        else ``None``."""
        for source in self.overriding_sources:
            token = source(carrier, self.key)
            if token:
                return token
        token = self._cookie_token(carrier)
        if token is None:
            for source in self.token_sources:
                token = source(carrier, self.key)
                if token:
                    return token
        return token

    def _cookie_token(self, carrier: Carrier) -> str | None:
        raw = carrier.cookies.get(carrier.specs.session_token.name)
        if not raw:
            return None
        token = self._tokens.get(raw)
        if token is None:
            token = decode_signed(self.key, raw)
            if token is not None:
                self._tokens.put(raw, token)
        return token

    def read(
        self,
        carrier: Carrier,
        *,
        disable_cookie_cache: bool = False,
        disable_refresh: bool = False,
    ) -> SignedIn | None:
        """The caller's session, following Better Auth's ``get-session`` steps.

        Tries the cookie cache (unless disabled), then storage; extends the session when
        ``update_age`` has passed; re-issues or expires cookies through ``carrier``.
        """
        token = self.token_from(carrier)
        if token is None:
            return None
        cache = self.options.cookie_cache
        spec = carrier.specs.session_data
        cached, present = cookie_cache.read_chunks(carrier.cookies, spec.name)
        if cached is not None and not cache.enabled:
            for name in present:
                carrier.expire_cookie(spec, name)
        elif cached is not None and not disable_cookie_cache:
            pair = self._from_cache(cached, token)
            if pair is not None:
                return pair
            for name in present:
                carrier.expire_cookie(spec, name)
        return self._from_storage(carrier, token, disable_refresh)

    def _from_cache(self, value: str, token: str) -> SignedIn | None:
        moment = now()
        now_ms = to_ms(moment)
        known = self._caches.get(value)
        if known is not None:
            session, user, cache_expires = known
            if (
                now_ms < cache_expires
                and session["token"] == token
                and session["expiresAt"] > moment
            ):
                return SignedIn(copy_record(session), copy_record(user))
            return None
        payload = cookie_cache.decode(self.key, value, now_ms)
        if payload is None or payload.get("version") != self.options.cookie_cache.version:
            return None
        if payload["session"].get("token") != token:
            return None
        try:
            session = from_wire(self.session_table, payload["session"])
            user = from_wire(self.user_table, payload["user"])
        except (TypeError, ValueError):
            return None
        expires = session.get("expiresAt")
        if expires is None or expires <= moment or not isinstance(expires, datetime):
            return None
        session = WireRecord(session, payload["session"])
        user = WireRecord(user, payload["user"])
        self._caches.put(value, (session, user, cookie_cache.expires_at(value)))
        return SignedIn(copy_record(session), copy_record(user))

    def _from_storage(self, carrier: Carrier, token: str, disable_refresh: bool) -> SignedIn | None:
        store = self.store
        found = store.find(stored_token_candidates(token))
        moment = now()
        if found is None or found[0]["expiresAt"] <= moment:
            if found is not None:
                self._remove_expired(found[0])
            self.clear_cookies(carrier)
            return None
        session, user = Record(found[0]), Record(found[1])
        stored = dict(session)
        session["token"] = token
        if disable_refresh or self.dont_remember(carrier) or self.is_short(session):
            return SignedIn(session, user)
        if self._due_for_refresh(session, moment):
            expires = moment + timedelta(seconds=self.options.expires_in)
            updated = store.update(stored, {"expiresAt": expires, "updatedAt": moment})
            if updated is None:
                self.clear_cookies(carrier)
                return None
            session = Record(updated)
            session["token"] = token
            self.set_cookies(carrier, SignedIn(session, user), dont_remember=False)
            return SignedIn(session, user)
        self.write_cache(carrier, SignedIn(session, user), dont_remember=False)
        return SignedIn(session, user)

    def _remove_expired(self, session: dict[str, Any]) -> None:
        """Delete an expired session met on a read; the answer does not wait on it."""
        try:
            self.store.remove(session)
        except SecondaryStorageUnavailable:
            logger.warning("could not delete an expired session: secondary storage is down")

    def dont_remember(self, carrier: Carrier) -> bool:
        """Whether the caller's session was made with ``rememberMe: false``."""
        raw = carrier.cookies.get(carrier.specs.dont_remember.name)
        return raw is not None and decode_signed(self.key, raw) == "true"

    def is_short(self, session: Mapping[str, Any]) -> bool:
        """Whether ``session`` was made with ``rememberMe: false`` (see
        :func:`~.lifetime.is_short_session`); such a session is never extended."""
        return is_short_session(session, self.options.expires_in)

    def _due_for_refresh(self, session: Record, moment: Any) -> bool:
        if self.options.disable_session_refresh:
            return False
        window = timedelta(seconds=self.options.expires_in - self.options.update_age)
        return bool(session["expiresAt"] - window <= moment)

    def require(self, carrier: Carrier, tier: str, *, from_store: bool = False) -> SignedIn:
        """The caller's session as the tier ``session``, ``sensitive`` (never from the
        cookie cache) or ``fresh`` (younger than ``fresh_age``) asks: for endpoints and
        ``login_required`` alike. ``from_store`` skips the cookie cache for any tier.

        :raises APIError: 401 ``UNAUTHORIZED`` without a session, 403
            ``SESSION_NOT_FRESH`` for a ``fresh`` tier and an older session.
        """
        found = self.read(carrier, disable_cookie_cache=from_store or tier == "sensitive")
        return self.check(found, tier)

    def check(self, found: SignedIn | None, tier: str) -> SignedIn:
        """``found`` (a session already read) if it satisfies ``tier``; see :meth:`require`."""
        if found is None:
            raise APIError(401, "UNAUTHORIZED")
        if tier == "fresh" and not self.is_fresh(found.session):
            raise APIError(403, "SESSION_NOT_FRESH")
        return found

    def is_fresh(self, session: Record) -> bool:
        """Whether ``session`` was created less than ``fresh_age`` ago (0: always fresh)."""
        fresh_age = self.options.fresh_age
        if fresh_age == 0:
            return True
        return bool(now() - session["createdAt"] < timedelta(seconds=fresh_age))
