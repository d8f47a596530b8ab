"""The public gateway: demo portal, widget, chat API (and, with the staff issue, /admin).

An aiohttp application built by `create_app`; the only process a browser ever talks to. Chat is
forwarded to the Rasa servers over loopback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.backends import Backends, RateLimits
from bot.config import GatewayConfig
from bot.keys import BACKENDS, CLIENT, CONFIG, LIMITER
from bot.routes import setup_routes
from bot.security import errors, origin_check, security_headers

TEMPLATES = Path(__file__).parent / "templates"


def create_app(config: GatewayConfig) -> web.Application:
    app = web.Application(
        client_max_size=config.max_request_bytes, middlewares=[security_headers, errors, origin_check]
    )
    app[CONFIG] = config
    app[BACKENDS] = Backends(config.rasa_urls)
    app[LIMITER] = RateLimits.create(config.rate_limit, config.rate_limit_ip)
    app.cleanup_ctx.append(_http_client)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    setup_routes(app)
    return app


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    """One pooled client session for talking to Rasa, closed when the gateway stops."""
    connector = aiohttp.TCPConnector(limit=200, keepalive_timeout=30)
    async with aiohttp.ClientSession(connector=connector) as session:
        app[CLIENT] = session
        yield
