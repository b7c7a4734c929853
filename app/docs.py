"""API docs that render offline (DESIGN §13): Swagger UI's files come from the swagger-ui-bundle
package and are served by the app under /schema/assets, not from a CDN."""

from __future__ import annotations

import swagger_ui_bundle
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

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
        path=ASSETS, directories=[swagger_ui_bundle.swagger_ui_path], include_in_schema=False, name="schema-assets"
    )
