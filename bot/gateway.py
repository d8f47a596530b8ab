"""The public gateway: demo portal, widget, chat API and the staff pages (/admin).

An aiohttp application built by `create_app`; the only process a browser ever talks to. Chat is
forwarded to the Rasa servers over loopback. It runs in its own environment (`.venv-web`, a current
aiohttp) as `python -m bot gateway`, which `python -m bot run` starts; it never imports Rasa.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware
from sqlalchemy.engine import Engine

from bot import heap
from bot.backends import Backends, RateLimits
from bot.config import GatewayConfig
from bot.connections import ConnectionCap, runner
from bot.keys import BACKENDS, CLIENT, CONFIG, LIMITER, STAFF, StaffContext
from bot.routes import setup_routes
from bot.security import body_limit, client_address, errors, origin_check, request_body, security_headers
from bot.staff.auth import SqlSessionStorage, staff_errors
from bot.staff.retraining import model_intents
from kb.db import default_engine
from kb.queries import KnowledgeBase
from kb.reports import StaffReports
from kb.staff import StaffOps

TEMPLATES = Path(__file__).parent / "templates"
logger = logging.getLogger(__name__)


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
            request_body,  # innermost: reads the body under the limit body_limit chose, within a deadline
        ],
    )
    app[CONFIG] = config
    app[BACKENDS] = Backends(config.rasa_urls)
    app[LIMITER] = RateLimits.create(config.rate_limit, config.rate_limit_ip, config.rate_limit_sign_in)
    app[STAFF] = StaffContext(
        ops=StaffOps(engine, model_intents),
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


async def serve(config: GatewayConfig, host: str, port: int, engine: Engine | None = None) -> int:
    """Serve the gateway until SIGTERM or SIGINT; 1 if it cannot listen."""
    app_runner = runner(create_app(config, engine), config)
    await app_runner.setup()
    assert app_runner.server is not None
    ConnectionCap(config.max_connections_per_address, config.trusted_proxies).install(app_runner.server)
    try:
        await web.TCPSite(app_runner, host, port).start()
    except OSError as exc:
        logger.error("cannot listen on %s:%s: %s", host, port, exc.strerror)
        await app_runner.cleanup()
        return 1
    logger.info("gateway listening on %s:%s (aiohttp %s)", host, port, aiohttp.__version__)
    heap.freeze()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await app_runner.cleanup()
    return 0
