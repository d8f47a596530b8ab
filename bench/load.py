"""A closed-loop load generator (asyncio + aiohttp): N citizens, each holding multi-turn conversations.

Each virtual user takes the next conversation script, opens a fresh conversation id, sends one turn,
waits for the answer, sends the next — as fast as the assistant answers (no think time), so the
figures are the system's capacity at that concurrency.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# Scripted conversations with the assistant's own buttons: forms, handoff and feedback.
SUZHOU_CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("你好", "社保卡丢了咋办", "要带什么材料", "在哪办", "谢谢"),
    ("医宝异地被案咋弄", '/inform{"stay_type":"临时外出"}', "/deny", "/affirm", "要带啥"),
    ("在上海住院能直接刷医保吗", "归哪个部门管", "电话多少"),
    ("老人坐公交免费吗", "优待证要带什么", "再见"),
    ("第23项任务谁牵头", "云计算产业是哪个部门牵头的", "谢谢"),
    ("社保卡用不了了", '/inform{"card_problem":"锁定"}', "去哪解锁"),
    ("今天天气怎么样", "找人工", "/deny"),
    ("俺有糖尿病在杭州拿药能报吗", "要多久", "/feedback_helpful"),
    ("在外地看病垫的钱回来咋报销", "要带什么材料", "多久能办好", "没帮助"),
    ("在宿州能办上海那边的证明吗", "在哪办", "电话多少", "再见"),
)

# The same shape of load for Rasa's own starter bot (`rasa init`), in its language and intents.
STOCK_CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("hello", "I am sad", "yes", "bye"),
    ("hi", "great", "goodbye"),
    ("hey there", "I am very sad", "no", "bye bye"),
    ("good morning", "are you a bot?", "see you later"),
    ("hello", "I am feeling good", "thanks, bye"),
)


def citizen_mix(sets: Sequence[str] = ("dev", "dev2")) -> tuple[tuple[str, ...], ...]:
    """What citizens type, from the independent question sets (never the training data): their
    multi-turn conversations, their questions (long stories, two questions at once, dialect, typos), each
    followed by a short follow-up, and the scripted button conversations above."""
    from harness.citizen import load_conversations, load_questions

    conversations = [tuple(t.text for t in c.turns) for name in sets for c in load_conversations(name)]
    follow_ups = itertools.cycle(("要带什么材料", "在哪办", "归哪个部门管", "要多久", "谢谢"))
    questions = [(q.text, next(follow_ups)) for name in sets for q in load_questions(name)]
    mixed = [*conversations, *questions, *SUZHOU_CONVERSATIONS]
    return tuple(mixed[i] for i in _spread(len(mixed)))


def _spread(n: int) -> list[int]:
    """A fixed shuffle (the same order in every run), so a run's first minutes are not all one kind."""
    return sorted(range(n), key=lambda i: (i * 7919) % n)


@dataclass
class LevelResult:
    users: int
    messages: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def throughput(self) -> float:
        return self.messages / self.elapsed if self.elapsed else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "users": self.users,
            "messages": self.messages,
            "errors": self.errors,
            "seconds": round(self.elapsed, 2),
            "throughput_per_s": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else None,
        }


def gateway_client(base_url: str) -> Callable[[aiohttp.ClientSession, str, str], Any]:
    """One turn through the product's public chat API; an answer must be `status: ok` with text."""

    async def send(session: aiohttp.ClientSession, conversation: str, text: str) -> str | None:
        async with session.post(f"{base_url}/api/chat", json={"conversation_id": conversation, "message": text}) as r:
            body = await r.json(content_type=None)
            if r.status != 200 or body.get("status") != "ok" or not body.get("messages"):
                return f"HTTP {r.status} {json.dumps(body, ensure_ascii=False)[:200]}"
        return None

    return send


def rasa_rest_client(base_url: str) -> Callable[[aiohttp.ClientSession, str, str], Any]:
    """One turn through Rasa's REST channel (for the stock assistant)."""

    async def send(session: aiohttp.ClientSession, conversation: str, text: str) -> str | None:
        async with session.post(
            f"{base_url}/webhooks/rest/webhook", json={"sender": conversation, "message": text}
        ) as r:
            body = await r.json(content_type=None)
            if r.status != 200 or not isinstance(body, list) or not body:
                return f"HTTP {r.status} {str(body)[:200]}"
        return None

    return send


async def timed_turn(
    send: Callable[[aiohttp.ClientSession, str, str], Any],
    session: aiohttp.ClientSession,
    conversation: str,
    text: str,
    result: LevelResult,
) -> None:
    """Send one message and record its latency, and its error if any, in `result`."""
    started = time.perf_counter()
    try:
        error = await send(session, conversation, text)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
        error = type(exc).__name__
    result.latencies_ms.append((time.perf_counter() - started) * 1000)
    result.messages += 1
    if error:
        result.errors += 1
        if len(result.error_samples) < 5:
            result.error_samples.append(error)


async def run_level(
    send: Callable[[aiohttp.ClientSession, str, str], Any],
    conversations: Sequence[Sequence[str]],
    users: int,
    messages: int,
    timeout: float = 30.0,
) -> LevelResult:
    """`users` citizens in parallel until `messages` turns have been sent in total."""
    result = LevelResult(users=users)
    scripts = itertools.cycle(conversations)
    budget = iter(range(messages))
    connector = aiohttp.TCPConnector(limit=users + 5)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def citizen() -> None:
            while True:
                script = next(scripts)
                conversation = uuid.uuid4().hex
                for text in script:
                    if next(budget, None) is None:
                        return
                    await timed_turn(send, session, conversation, text, result)

        started = time.perf_counter()
        await asyncio.gather(*(citizen() for _ in range(users)))
        result.elapsed = time.perf_counter() - started
    return result


async def run_long_conversation(
    send: Callable[[aiohttp.ClientSession, str, str], Any], texts: Sequence[str], turns: int, timeout: float = 30.0
) -> LevelResult:
    """One citizen, ONE conversation id, `turns` messages in a row: does a turn get slower as it grows?"""
    result = LevelResult(users=1)
    conversation = uuid.uuid4().hex
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        started = time.perf_counter()
        for text in itertools.islice(itertools.cycle(texts), turns):
            await timed_turn(send, session, conversation, text, result)
        result.elapsed = time.perf_counter() - started
    return result


def window(result: LevelResult, start: int, end: int) -> dict[str, Any]:
    """p50/p95 of turns start+1 … end of a long conversation."""
    part = LevelResult(users=1, latencies_ms=result.latencies_ms[start:end], messages=end - start)
    return {
        "turns": f"{start + 1}–{end}",
        "p50_ms": round(part.percentile(50), 1),
        "p95_ms": round(part.percentile(95), 1),
    }
