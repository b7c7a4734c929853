"""API docs that render offline (DESIGN §13): Swagger UI's files (version 5, which reads the
OpenAPI 3.1 document Litestar writes) come from the openapi-ui-bundles package and are served
by the app under /schema/assets, not from a CDN."""

from __future__ import annotations

from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from openapi_ui_bundles import swagger_ui

ASSETS = "/schema/assets"


def render_plugins() -> list[SwaggerRenderPlugin]:
    return [
        SwaggerRenderPlugin(
            path=["/", "/swagger"],
            js_url=f"{ASSETS}/swagger-ui-bundle.js",
            css_url=f"{ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js",
            favicon=f"<link rel='icon' type='image/png' href='{ASSETS}/favicon-32x32.png'>",
        )
    ]


def assets_router():
    return create_static_files_router(
        path=ASSETS, directories=[swagger_ui.static_path], include_in_schema=False, name="schema-assets"
    )
