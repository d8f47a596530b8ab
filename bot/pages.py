"""The demo portal and the widget's files."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup

from bot.keys import CONFIG

STATIC = Path(__file__).parent / "static"
WIDGET_TITLE = "宿州政务服务助手"


def embed_snippet(public_url: str) -> str:
    """The one tag a portal's webmaster pastes."""
    return (
        f'<script src="{public_url}/widget.js" data-title="{WIDGET_TITLE}" '
        'data-color="#1d5fa6" data-position="right" async></script>'
    )


def _portal(page: str, title: str):
    @aiohttp_jinja2.template("portal.html")
    async def handler(request: web.Request) -> dict[str, object]:
        snippet = embed_snippet(request.app[CONFIG].public_url)
        return {"page": page, "page_title": title, "snippet": snippet, "snippet_tag": Markup(snippet)}

    return handler


demo_home = _portal("home", "首页")
demo_services = _portal("services", "办事指南")


def _asset(name: str, content_type: str, cross_origin: bool):
    path = STATIC / name

    async def handler(_request: web.Request) -> web.FileResponse:
        response = web.FileResponse(
            path, headers={"Content-Type": content_type, "Cache-Control": "public, max-age=300"}
        )
        if cross_origin:
            response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # portals load it
        return response

    return handler


WIDGET_SETTINGS = re.compile(r"/\*sz-settings\*/.*?/\*end\*/")


@lru_cache(maxsize=4)
def _widget_source(storage: str, history_hours: float) -> str:
    """widget.js with the gateway's widget settings written in (where and how long it keeps history)."""
    settings = json.dumps({"storage": storage, "historyHours": history_hours})
    source = (STATIC / "widget.js").read_text("utf-8")
    return WIDGET_SETTINGS.sub(lambda _m: f"/*sz-settings*/{settings}/*end*/", source, count=1)


async def widget_script(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    return web.Response(
        text=_widget_source(config.widget_storage, config.widget_history_hours),
        content_type="application/javascript",
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"},
    )


widget_style = _asset("widget.css", "text/css; charset=utf-8", cross_origin=True)
portal_style = _asset("portal.css", "text/css; charset=utf-8", cross_origin=False)
admin_style = _asset("admin.css", "text/css; charset=utf-8", cross_origin=False)
