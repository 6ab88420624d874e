"""The ``open_api`` plugin: the OpenAPI document and a reference page, at Better Auth's paths.

``GET /open-api/generate-schema`` answers the document; ``GET /reference`` (or ``path``)
a page that renders it with Scalar's API reference (loaded from its CDN in the browser).
"""

from __future__ import annotations

from html import escape
from typing import Any

from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Endpoint
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import RawResponse
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import openapi_document

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><script id="api-reference" data-url="{url}"></script>
<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script></body></html>
"""


@endpoint("/open-api/generate-schema", method="GET", hidden=True)
def generate_open_api_schema(ctx: Context) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the auth API."""
    return openapi_document(ctx)


def _reference(path: str) -> Endpoint:
    @endpoint(path, method="GET", hidden=True, name="open_api_reference")
    def open_api_reference(ctx: Context) -> RawResponse:
        """A page that renders the OpenAPI document."""
        url = ctx.base_path + "/open-api/generate-schema"
        title = escape(f"{ctx.options.app_name} API reference")
        return RawResponse(_PAGE.format(title=title, url=escape(url)), "text/html; charset=utf-8")

    return open_api_reference


def open_api(path: str = "/reference", disable_default_reference: bool = False) -> Plugin:
    """Serve the OpenAPI document at ``/open-api/generate-schema`` and a reference page.

    :param path: where the reference page is served, below the base path.
    :param disable_default_reference: serve the document only, no page.
    """
    endpoints = [generate_open_api_schema]
    if not disable_default_reference:
        endpoints.append(_reference(path))
    return Plugin(id="open-api", endpoints=tuple(endpoints))
