"""Typed keys for what the gateway application holds (aiohttp's web.AppKey)."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from aiohttp import web

from bot.backends import Backends, RateLimits
from bot.config import GatewayConfig
from kb.queries import KnowledgeBase
from kb.reports import StaffReports
from kb.staff import StaffOps

CONFIG = web.AppKey("config", GatewayConfig)
CLIENT = web.AppKey("client", aiohttp.ClientSession)
BACKENDS = web.AppKey("backends", Backends)
LIMITER = web.AppKey("limiter", RateLimits)


@dataclass
class StaffContext:
    """What the staff pages and API work with."""

    ops: StaffOps
    reports: StaffReports
    kb: KnowledgeBase
    secret: bytes
    stale_days: int


STAFF = web.AppKey("staff", StaffContext)
