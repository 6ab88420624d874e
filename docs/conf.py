"""Sphinx configuration for the Flask-BetterAuth documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html``. Nothing here reaches the
network: there is no intersphinx mapping and the theme's version banner is off.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

# autodoc imports the package from the work tree even when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

project = "Flask-BetterAuth"
author = "The Flask-BetterAuth contributors"
copyright = "2025, The Flask-BetterAuth contributors"
try:
    release = metadata.version("flask-betterauth")
except metadata.PackageNotFoundError:
    release = "0.1.0.dev0"
version = ".".join(release.split(".")[:2])

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

extensions = [
    "option_tables",
    "sphinx.ext.autodoc",
    "myst_parser",
    "pallets_sphinx_themes",
]

exclude_patterns = ["_build"]
root_doc = "index"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True

myst_heading_anchors = 3

html_theme = "flask"
html_title = f"{project} Documentation ({version})"
html_show_sourcelink = False
html_sidebars = {
    "index": ["localtoc.html", "searchbox.html"],
    "**": ["localtoc.html", "relations.html", "searchbox.html"],
}
version_banner = False
