"""Every shipped plugin's factory is what the kit gives under its name, whatever was imported
first (most plugin packages are named like their factory)."""

from __future__ import annotations

import subprocess
import sys

from flask_betterauth import plugins as kit

CHECK = """
import importlib, types
shipped = {shipped!r}
for name, package in shipped.items():
    importlib.import_module("flask_betterauth.plugins" + package)
    kit = importlib.import_module("flask_betterauth.plugins")
    factory = getattr(kit, name)
    assert not isinstance(factory, types.ModuleType), (name, factory)
    assert callable(factory) and factory.__name__ == name, (name, factory)
print("ok", len(shipped))
"""


def test_factory_after_its_package_was_imported_first():
    code = CHECK.format(shipped=dict(kit._SHIPPED))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", str(len(kit._SHIPPED))]


def test_type_checkers_see_every_factory():
    """The kit's ``if TYPE_CHECKING:`` block declares each shipped factory, so mypy types
    ``from flask_betterauth.plugins import passkey`` as a factory of plugins, not as the
    package named like it."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(kit.__file__).read_text())
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    declared = {
        node.target.id: ast.unparse(node.annotation)
        for node in guarded.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    assert declared == dict.fromkeys(kit._SHIPPED, "Callable[..., Plugin]")
