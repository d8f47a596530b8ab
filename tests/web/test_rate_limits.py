"""The gateway's rate limits: enforced, and cheap with many conversations at once."""

from __future__ import annotations

import asyncio

from bot.backends import RateLimits


def test_limits_hold() -> None:
    async def run() -> list[bool]:
        limits = RateLimits.create("3/minute", "100000/minute")
        return [await limits.allow("same", "10.0.0.1") for _ in range(5)]

    assert asyncio.run(run()) == [True, True, True, False, False]


def test_expired_entries_are_not_swept_over_and_over(monkeypatch) -> None:
    """limits' stock in-memory storage sweeps every key, one thread hop each, again and again while
    messages come in: with a key per conversation that was most of the gateway's CPU."""
    hops = 0
    to_thread = asyncio.to_thread

    async def counting(*args, **kwargs):
        nonlocal hops
        hops += 1
        return await to_thread(*args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", counting)

    async def run() -> int:
        limits = RateLimits.create("20/minute", "100000/minute")
        for i in range(400):  # 400 conversations going on
            assert await limits.allow(f"c{i}", "10.0.0.2")
        before = hops
        for i in range(100):  # then half a second of steady traffic
            assert await limits.allow(f"c{i}", "10.0.0.2")
            await asyncio.sleep(0.005)
        return hops - before

    assert asyncio.run(run()) < 1_000  # at most one sweep of the 400 keys (~ 400 hops) in that half second
