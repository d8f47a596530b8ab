"""Every route of the gateway, in one place."""

from __future__ import annotations

import aiohttp_cors
from aiohttp import web

from bot import chat, pages
from bot.keys import CONFIG


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/", pages.demo_home, name="demo-home")
    router.add_get("/services", pages.demo_services, name="demo-services")
    router.add_get("/widget.js", pages.widget_script, name="widget-script")
    router.add_get("/widget.css", pages.widget_style, name="widget-style")
    router.add_get("/static/portal.css", pages.portal_style, name="portal-style")
    router.add_get("/healthz", chat.health, name="health")
    chat_route = router.add_post("/api/chat", chat.chat, name="chat")
    _allow_portals(app, [chat_route])


def _allow_portals(app: web.Application, routes: list[web.AbstractRoute]) -> None:
    """CORS for the chat API, for the configured portal origins only (never `*`)."""
    options = aiohttp_cors.ResourceOptions(allow_credentials=False, allow_headers=("Content-Type",), max_age=600)
    cors = aiohttp_cors.setup(app, defaults={})
    for route in routes:
        cors.add(route, {origin: options for origin in app[CONFIG].allowed_origins})
