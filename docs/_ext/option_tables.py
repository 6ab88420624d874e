"""``.. option-table:: dotted.DataclassName prefix``: a table of an option group's fields.

The rows come from the dataclass itself (name, type, default), so the reference can not
fall behind the code. Nested groups get their own directive.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import typing
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def _type_name(tp: Any) -> str:
    text = getattr(tp, "__name__", None) if not typing.get_args(tp) else None
    text = text or str(tp)
    for noise in (
        "typing.",
        "collections.abc.",
        "flask_betterauth.options.groups.",
        "flask_betterauth.options.advanced.",
        "flask_betterauth.options.",
    ):
        text = text.replace(noise, "")
    return text.replace("NoneType", "None")


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        return repr(field.default)
    if field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
        if dataclasses.is_dataclass(value):
            return "(group)"
        return repr(value)
    return "(required)"


class OptionTable(SphinxDirective):
    """Render the fields of an options dataclass as a table."""

    required_arguments = 1
    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        module_name, _, class_name = self.arguments[0].rpartition(".")
        cls = getattr(importlib.import_module(module_name), class_name)
        prefix = self.arguments[1] + "." if len(self.arguments) > 1 else ""
        hints = typing.get_type_hints(cls)
        lines = [inspect.getdoc(cls) or "", "", ".. list-table::", "    :header-rows: 1", ""]
        lines += ["    * - option", "      - type", "      - default"]
        for field in dataclasses.fields(cls):
            lines += [
                f"    * - ``{prefix}{field.name}``",
                f"      - ``{_type_name(hints[field.name])}``",
                f"      - ``{_default(field)}``",
            ]
        container = nodes.container()
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return list(container.children)


class OptionsNotBuilt(SphinxDirective):
    """List the option paths :data:`flask_betterauth.options.NOT_BUILT` refuses."""

    def run(self) -> list[nodes.Node]:
        from flask_betterauth.options import NOT_BUILT

        lines = [f"-   ``{path}``: {what}" for path, what in sorted(NOT_BUILT.items())]
        container = nodes.container()
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("option-table", OptionTable)
    app.add_directive("option-not-built", OptionsNotBuilt)
    return {"parallel_read_safe": True}
