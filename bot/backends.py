"""Where chat goes (the Rasa servers, in turn) and how fast it may come (rate limits)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from ipaddress import IPv6Address, ip_address, ip_network
from typing import Any

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter


class Backends:
    """Rasa servers used in turn; a server that does not answer is skipped for the next one."""

    HEALTH_TTL = 2.0  # seconds a health check is reused: /healthz is public and must not fan out per request

    def __init__(self, urls: tuple[str, ...]) -> None:
        self.urls = urls
        self._turn = itertools.count()
        self._health: tuple[float, list[bool]] | None = None
        self._health_lock = asyncio.Lock()

    async def health(self, check: Callable[[str], Awaitable[bool]]) -> list[bool]:
        """Whether each server answers, checked at most once per HEALTH_TTL however often asked."""
        async with self._health_lock:
            now = time.monotonic()
            if self._health is None or now - self._health[0] > self.HEALTH_TTL:
                self._health = (now, list(await asyncio.gather(*(check(url) for url in self.urls))))
            return self._health[1]

    def order(self) -> list[str]:
        start = next(self._turn) % len(self.urls)
        return [*self.urls[start:], *self.urls[:start]]


def address_key(address: str | None) -> str:
    """The bucket a client address counts in: an IPv4 address as it is, an IPv6 client by its /64.

    One IPv6 subscriber is usually given a whole /64, so counting single IPv6 addresses would give
    each client 2^64 buckets to rotate through; IPv4-mapped IPv6 addresses count as the IPv4 address.
    """
    if not address:
        return "unknown"
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class SweepingMemoryStorage(MemoryStorage):
    """limits' in-memory storage, sweeping expired entries at most once a second.

    The stock storage starts a sweep of every key after every hit, with one thread hop per key: with a
    key per conversation, the gateway spent most of its CPU sweeping (13 ms per message at 20 users).
    The moving window counts by timestamps, so a later sweep changes no decision, only frees memory later.
    """

    SWEEP_EVERY = 1.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_sweep = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the stock storage calls this after every hit
        now = time.monotonic()
        if now - self._last_sweep >= self.SWEEP_EVERY:
            self._last_sweep = now
            await super()._MemoryStorage__schedule_expiry()


@dataclass
class RateLimits:
    """Moving-window limits per conversation and per client address, kept in this process's memory."""

    conversation: Any
    address: Any
    sign_in: Any  # staff sign-in attempts per client address (the lock-out is per account)
    storage: MemoryStorage  # held here: the limiter keeps only a weak reference to it
    limiter: MovingWindowRateLimiter

    @classmethod
    def create(cls, per_conversation: str, per_address: str, sign_in_per_address: str = "10/minute") -> RateLimits:
        storage = SweepingMemoryStorage()
        limits = parse(per_conversation), parse(per_address), parse(sign_in_per_address)
        return cls(*limits, storage, MovingWindowRateLimiter(storage))

    async def allow(self, conversation_id: str, address: str) -> bool:
        ok_address = await self.limiter.hit(self.address, "address", address_key(address))
        ok_conversation = await self.limiter.hit(self.conversation, "conversation", conversation_id)
        return ok_address and ok_conversation

    async def allow_sign_in(self, address: str) -> bool:
        return await self.limiter.hit(self.sign_in, "sign_in", address_key(address))
