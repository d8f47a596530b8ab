"""How the gateway is served: aiohttp's server with deadlines, and a cap on connections per address.

aiohttp closes a connection that has not sent a complete request's headers when its keep-alive timer
runs out (the timer runs from the moment the connection opens), so `keepalive_timeout` is the header
deadline; bodies are read within `body_timeout` by the `request_body` middleware. Compressed bodies
are never inflated (`auto_decompress=False`, and the middleware refuses them), and a refused body is
drained for at most `LINGER_SECONDS` before the connection closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from bot.backends import address_key
from bot.config import GatewayConfig

logger = logging.getLogger(__name__)
LINGER_SECONDS = 2.0
TOO_MANY_CONNECTIONS = (
    b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 10\r\nContent-Length: 0\r\n\r\n"
)


def runner(app: web.Application, config: GatewayConfig) -> web.AppRunner:
    """The runner the gateway is served with (the live tests start it the same way, `python -m bot gateway`)."""
    return web.AppRunner(
        app,
        access_log=None,  # addresses and paths of citizens are not logged
        keepalive_timeout=config.header_timeout,
        lingering_time=LINGER_SECONDS,
        auto_decompress=False,
    )


class ConnectionCap:
    """At most `limit` open connections per client address (IPv6 per /64); the trusted reverse proxies,
    which carry many citizens over their connections, are not counted."""

    def __init__(self, limit: int, exempt: tuple[IPv4Network | IPv6Network, ...] = ()) -> None:
        self.limit = limit
        self.exempt = exempt
        self.open: Counter[str] = Counter()
        self._keys: dict[int, str] = {}

    def install(self, server: web.Server) -> None:
        """Wrap the server's connection hooks (aiohttp calls them for every connection it accepts)."""
        made, lost = server.connection_made, server.connection_lost

        def connection_made(handler: RequestHandler, transport: asyncio.Transport) -> None:
            made(handler, transport)
            self._admit(handler, transport)

        def connection_lost(handler: RequestHandler, exc: BaseException | None = None) -> None:
            self._release(handler)
            lost(handler, exc)

        server.connection_made = connection_made  # type: ignore[method-assign]
        server.connection_lost = connection_lost  # type: ignore[method-assign]

    def _admit(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        peer: Any = transport.get_extra_info("peername")
        address = peer[0] if isinstance(peer, tuple) and peer else None
        if address is None or self._exempt(address):
            return
        key = address_key(address)
        if self.open[key] >= self.limit:
            logger.warning("too many connections from one address; refused")
            transport.write(TOO_MANY_CONNECTIONS)
            transport.close()
            return
        self.open[key] += 1
        self._keys[id(handler)] = key

    def _release(self, handler: RequestHandler) -> None:
        key = self._keys.pop(id(handler), None)
        if key is not None:
            self.open[key] -= 1
            if self.open[key] <= 0:
                del self.open[key]

    def _exempt(self, address: str) -> bool:
        try:
            parsed = ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.exempt)
