"""Typed keys for what the gateway application holds (aiohttp's web.AppKey)."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.backends import Backends, RateLimits
from bot.config import GatewayConfig

CONFIG = web.AppKey("config", GatewayConfig)
CLIENT = web.AppKey("client", aiohttp.ClientSession)
BACKENDS = web.AppKey("backends", Backends)
LIMITER = web.AppKey("limiter", RateLimits)
