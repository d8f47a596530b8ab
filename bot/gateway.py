"""The public gateway: demo portal, widget, chat API (and, with the staff issue, /admin).

An aiohttp application built by `create_app`; the only process a browser ever talks to. Chat is
forwarded to the Rasa servers over loopback.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware
from sqlalchemy.engine import Engine

from bot.backends import Backends, RateLimits
from bot.config import GatewayConfig
from bot.keys import BACKENDS, CLIENT, CONFIG, LIMITER, STAFF, StaffContext
from bot.routes import setup_routes
from bot.security import body_limit, client_address, errors, origin_check, security_headers
from bot.staff.auth import SqlSessionStorage, staff_errors
from kb.db import default_engine
from kb.queries import KnowledgeBase
from kb.reports import StaffReports
from kb.staff import StaffOps

TEMPLATES = Path(__file__).parent / "templates"


def create_app(config: GatewayConfig, engine: Engine | None = None) -> web.Application:
    """The gateway; `engine` is the KB's (the settings' database by default)."""
    engine = engine or default_engine()
    app = web.Application(
        client_max_size=max(config.max_staff_request_bytes, config.max_request_bytes),
        middlewares=[
            security_headers,
            errors,
            body_limit,
            client_address,  # after body_limit: a clone without `remote` would undo it
            origin_check,
            session_middleware(SqlSessionStorage(engine, secure=config.secure_cookies)),
            staff_errors,
        ],
    )
    app[CONFIG] = config
    app[BACKENDS] = Backends(config.rasa_urls)
    app[LIMITER] = RateLimits.create(config.rate_limit, config.rate_limit_ip, config.rate_limit_sign_in)
    app[STAFF] = StaffContext(
        ops=StaffOps(engine),
        reports=StaffReports(engine),
        kb=KnowledgeBase(engine),
        secret=config.secret_key or secrets.token_bytes(32),
        stale_days=config.stale_days,
    )
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
