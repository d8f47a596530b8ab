"""Where chat goes (the Rasa servers, in turn) and how fast it may come (rate limits)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter


class Backends:
    """Rasa servers used in turn; a server that does not answer is skipped for the next one."""

    def __init__(self, urls: tuple[str, ...]) -> None:
        self.urls = urls
        self._turn = itertools.count()

    def order(self) -> list[str]:
        start = next(self._turn) % len(self.urls)
        return [*self.urls[start:], *self.urls[:start]]


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
        storage = MemoryStorage()
        limits = parse(per_conversation), parse(per_address), parse(sign_in_per_address)
        return cls(*limits, storage, MovingWindowRateLimiter(storage))

    async def allow(self, conversation_id: str, address: str) -> bool:
        ok_address = await self.limiter.hit(self.address, "address", address)
        ok_conversation = await self.limiter.hit(self.conversation, "conversation", conversation_id)
        return ok_address and ok_conversation

    async def allow_sign_in(self, address: str) -> bool:
        return await self.limiter.hit(self.sign_in, "sign_in", address)
