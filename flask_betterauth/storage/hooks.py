"""Database hooks: the app's (and plugins') code around every write of the auth tables.

``database_hooks={"user": {"create": {"before": fn, "after": fn}}, ...}`` for the tables
``user``, ``session``, ``account`` and ``verification`` and the operations ``create``,
``update`` and ``delete``. A ``before`` hook gets the data (or, for delete, the row) and the
endpoint context (``None`` outside an endpoint); it returns ``False`` to refuse the write,
``{"data": {...}}`` to change it, or nothing to let it through. An ``after`` hook gets the
written row. Hooks run inside the write's transaction: if one raises, nothing is written.

A session kept in secondary storage alone is never written to the database; its
``session`` create hooks run all the same, around the storage's write
(:func:`create_elsewhere`), as Better Auth's.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextlib import contextmanager
from typing import Any

from ..errors import BetterAuthError
from .base import Adapter
from .base import Row
from .base import Where
from .base import WriteRefused

HookFn = Callable[[Any, Any], Any]
TABLES = ("user", "session", "account", "verification")
OPERATIONS = ("create", "update", "delete")
PHASES = ("before", "after")


def collect(sources: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str, str], list[HookFn]]:
    """Merge hook mappings (plugins' first, then the app's) into ``(table, op, phase)`` lists.

    :raises BetterAuthError: naming an unknown table, operation or phase.
    """
    merged: dict[tuple[str, str, str], list[HookFn]] = {}
    for source in sources:
        for table, operations in source.items():
            if table not in TABLES:
                raise BetterAuthError(f"database_hooks: unknown table {table!r}")
            for operation, phases in operations.items():
                if operation not in OPERATIONS:
                    raise BetterAuthError(
                        f"database_hooks.{table}: unknown operation {operation!r}"
                    )
                for phase, hook in phases.items():
                    if phase not in PHASES or not callable(hook):
                        raise BetterAuthError(
                            f"database_hooks.{table}.{operation}.{phase} must be a function "
                            "under 'before' or 'after'"
                        )
                    merged.setdefault((table, operation, phase), []).append(hook)
    return merged


class HookedAdapter:
    """An :class:`~flask_betterauth.storage.Adapter` that runs database hooks around writes.

    Used only when some hook is configured, so apps without hooks pay nothing.
    """

    def __init__(
        self,
        inner: Adapter,
        hooks: Mapping[tuple[str, str, str], list[HookFn]],
        context: Callable[[], Any],
    ) -> None:
        self.inner = inner
        self.hooks = hooks
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def transaction(self) -> AbstractContextManager[None]:
        return self.inner.transaction()

    def _before(self, model: str, operation: str, data: dict[str, Any]) -> dict[str, Any]:
        for hook in self.hooks.get((model, operation, "before"), ()):
            answer = hook(data, self._context())
            if answer is False:
                raise WriteRefused(model, operation)
            if isinstance(answer, Mapping) and isinstance(answer.get("data"), Mapping):
                data = {**data, **answer["data"]}
        return data

    def _after(self, model: str, operation: str, row: Any) -> None:
        for hook in self.hooks.get((model, operation, "after"), ()):
            hook(row, self._context())

    @contextmanager
    def _hooked(self) -> Iterator[None]:
        with self.inner.transaction():
            yield

    def create(self, model: str, data: Mapping[str, Any]) -> Row:
        with self._hooked():
            row = self.inner.create(model, self._before(model, "create", dict(data)))
            self._after(model, "create", row)
        return row

    def create_with(self, model: str, data: Mapping[str, Any], keep: Callable[[Row], Row]) -> Row:
        """:meth:`create`, with ``keep(data)`` storing the row instead of the database."""
        with self._hooked():
            row = keep(self._before(model, "create", dict(data)))
            self._after(model, "create", row)
        return row

    def update(self, model: str, where: Where, data: Mapping[str, Any]) -> Row | None:
        with self._hooked():
            try:
                changes = self._before(model, "update", dict(data))
            except WriteRefused:
                return None
            row = self.inner.update(model, where, changes)
            if row is not None:
                self._after(model, "update", row)
        return row

    def update_many(self, model: str, where: Where, data: Mapping[str, Any]) -> int:
        if not self.hooks.get((model, "update", "before")) and not self.hooks.get(
            (model, "update", "after")
        ):
            return self.inner.update_many(model, where, data)
        count = 0
        with self._hooked():
            for row in self.inner.find_many(model, where):
                if self.update(model, {"id": row["id"]}, data) is not None:
                    count += 1
        return count

    def delete_many(self, model: str, where: Where) -> int:
        if not self.hooks.get((model, "delete", "before")) and not self.hooks.get(
            (model, "delete", "after")
        ):
            return self.inner.delete_many(model, where)
        count = 0
        with self._hooked():
            for row in self.inner.find_many(model, where):
                try:
                    self._before(model, "delete", row)
                except WriteRefused:
                    continue
                count += self.inner.delete_many(model, {"id": row["id"]})
                self._after(model, "delete", row)
        return count


def create_elsewhere(
    adapter: Adapter, model: str, data: Mapping[str, Any], keep: Callable[[Row], Row]
) -> Row:
    """Create a row kept outside the database (a session in secondary storage alone):
    ``keep(data)`` stores it and returns it as kept, with ``adapter``'s create hooks
    around it (a ``before`` hook may change the data or refuse with
    :class:`~flask_betterauth.storage.WriteRefused` or its own error, and then nothing is
    kept). Better Auth's ``createWithHooks`` with ``executeMainFn: false``."""
    if isinstance(adapter, HookedAdapter):
        return adapter.create_with(model, data, keep)
    return keep(dict(data))
