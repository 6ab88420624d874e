"""``GET /ok`` (a liveness check) and ``GET /error`` (the page errors redirect to)."""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import urlencode

from ..context import Context
from ..dispatch import RawResponse
from ..dispatch import Redirect
from ..registry import endpoint
from ..validation import BodySchema
from ..validation import StrictString

_CODE = re.compile(r"^[A-Za-z0-9_'-]+$")


@endpoint("/ok", method="GET")
def ok(ctx: Context) -> dict[str, Any]:
    """Answer ``{"ok": true}``: the auth routes are up."""
    return {"ok": True}


class ErrorQuery(BodySchema):
    """The query of ``GET /error``."""

    error = StrictString()
    error_description = StrictString()


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}}
code{{background:#f3f3f3;padding:.1rem .3rem}}</style></head>
<body><h1>Something went wrong</h1><p>Error code: <code>{code}</code></p>{description}
<p><a href="/">Go back home</a></p></body></html>
"""


@endpoint("/error", method="GET", query=ErrorQuery, name="error")
def error_page(ctx: Context) -> RawResponse | Redirect:
    """A plain HTML page that shows an error code and its description, or a redirect to
    ``on_api_error.error_url`` with them in the query."""
    target = ctx.options.on_api_error.error_url
    if target:
        params = {k: v for k, v in ctx.query.items() if k in ("error", "error_description")}
        separator = "&" if "?" in target else "?"
        return Redirect(target + (separator + urlencode(params) if params else ""))
    code = ctx.query.get("error") or "UNKNOWN"
    if not _CODE.match(code):
        code = "UNKNOWN"
    description = ctx.query.get("error_description")
    extra = f"<p>{escape(description)}</p>" if description else ""
    return RawResponse(
        _PAGE.format(code=escape(code), description=extra), "text/html; charset=utf-8"
    )
