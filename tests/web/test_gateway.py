"""The gateway with aiohttp's test client and a fake Rasa server: CORS, limits, degradation."""

from __future__ import annotations

import asyncio
from ipaddress import ip_network

import pytest
from aiohttp import web

from bot.config import GatewayConfig
from bot.gateway import create_app

PORTAL = "https://www.portal-a.example"
CONVERSATION = "test-conversation-1"


def fake_rasa(behaviour: str = "echo") -> web.Application:
    """A stand-in for Rasa's REST channel that echoes, sleeps, fails or answers oddly."""

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        request.app["received"].append(body)
        if behaviour == "slow":
            await asyncio.sleep(5)
        if behaviour == "error":
            return web.Response(status=500, text="Traceback (most recent call last): boom")
        if behaviour == "odd":
            return web.json_response(["文字", 5, None, [], {}, {"image": "x"}, {"text": "好的"}])
        return web.json_response(
            [
                {
                    "recipient_id": body["sender"],
                    "text": f"收到：{body['message']}",
                    "buttons": [{"title": "找人工", "payload": "/request_human"}],
                    "image": "x",
                }
            ]
        )

    async def health(request: web.Request) -> web.Response:
        request.app["health_checks"] += 1
        return web.json_response({"status": "ok"})

    app = web.Application()
    app["received"] = []
    app["health_checks"] = 0
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/webhooks/rest/", health)
    return app


def config(*urls: str, **overrides) -> GatewayConfig:
    values = {
        "rasa_urls": urls,
        "allowed_origins": (PORTAL, "https://portal-b.example"),
        "public_url": "http://127.0.0.1:8000",
        "chat_timeout": 1.0,
        "rate_limit": "5/minute",
        "rate_limit_ip": "50/minute",
        "max_request_bytes": 2048,
    }
    values.update(overrides)
    return GatewayConfig(**values)


@pytest.fixture
async def rasa(aiohttp_server):
    return await aiohttp_server(fake_rasa())


@pytest.fixture
async def gateway(aiohttp_client, rasa):
    return await aiohttp_client(create_app(config(str(rasa.make_url("")).rstrip("/"))))


async def test_chat_is_forwarded_masked_and_cleaned(gateway, rasa) -> None:
    reply = await gateway.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "电话13812345678"})
    assert reply.status == 200
    body = await reply.json()
    assert body["status"] == "ok"
    assert body["messages"] == [
        {"text": "收到：电话***", "buttons": [{"title": "找人工", "payload": "/request_human"}]}
    ]
    assert rasa.app["received"] == [{"sender": CONVERSATION, "message": "电话***"}]


async def test_cors_allows_configured_portals_only(gateway) -> None:
    preflight = {
        "Origin": PORTAL,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = await gateway.options("/api/chat", headers=preflight)
    assert allowed.status == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == PORTAL
    denied = await gateway.options("/api/chat", headers={**preflight, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied.headers
    post = await gateway.post(
        "/api/chat",
        json={"conversation_id": CONVERSATION, "message": "你好"},
        headers={"Origin": "https://evil.example"},
    )
    assert post.status == 403
    assert "没有接入" in (await post.json())["error"]
    ok = await gateway.post(
        "/api/chat", json={"conversation_id": CONVERSATION, "message": "你好"}, headers={"Origin": PORTAL}
    )
    assert ok.status == 200 and ok.headers["Access-Control-Allow-Origin"] == PORTAL


def test_wildcard_origin_is_refused(monkeypatch) -> None:
    from kb import settings

    monkeypatch.setenv("SZ_ALLOWED_ORIGINS", "*")
    with pytest.raises(ValueError, match="not allowed"):
        settings.allowed_origins()


async def test_oversized_body_gets_a_clear_413(gateway) -> None:
    reply = await gateway.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "长" * 5000})
    assert reply.status == 413
    assert "太长" in (await reply.json())["error"]


async def test_rate_limit_answers_kindly(gateway) -> None:
    statuses = []
    for _ in range(7):
        reply = await gateway.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "你好"})
        statuses.append(reply.status)
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    body = await reply.json()
    assert "太快" in body["error"] and "12345" in body["error"]
    other = await gateway.post("/api/chat", json={"conversation_id": "another-conversation", "message": "你好"})
    assert other.status == 200  # the limit is per conversation (and per address)


@pytest.mark.parametrize(("proxies", "separate"), [((ip_network("127.0.0.0/8"),), True), ((), False)])
async def test_the_client_address_comes_from_a_trusted_proxy_only(aiohttp_client, rasa, proxies, separate) -> None:
    """Behind the configured proxy every citizen has their own limit; elsewhere X-Forwarded-For is
    ignored, so a made-up header cannot dodge the limit."""
    app = create_app(config(str(rasa.make_url("")).rstrip("/"), rate_limit_ip="2/minute", trusted_proxies=proxies))
    client = await aiohttp_client(app)

    async def status(citizen: str, n: int) -> int:
        headers = {"X-Forwarded-For": f"not-an-address, 198.51.100.9, {citizen}, 127.0.0.2"}
        body = {"conversation_id": f"citizen-{citizen.replace('.', '-')}-{n}", "message": "你好"}
        return (await client.post("/api/chat", json=body, headers=headers)).status

    assert [await status("203.0.113.1", n) for n in range(3)] == [200, 200, 429]
    assert await status("203.0.113.2", 0) == (200 if separate else 429)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "需要JSON"),
        (b"[]", "JSON对象"),
        (b'{"conversation_id": "short", "message": "x"}', "conversation_id"),
        (b'{"conversation_id": "ok-conversation", "message": 5}', "文字"),
    ],
)
async def test_malformed_requests_are_400_with_a_reason(gateway, body: bytes, reason: str) -> None:
    reply = await gateway.post("/api/chat", data=body, headers={"Content-Type": "application/json"})
    assert reply.status == 400
    assert reason in (await reply.json())["error"]


async def test_backend_down_gives_an_apology_with_12345(aiohttp_client, unused_tcp_port_factory) -> None:
    client = await aiohttp_client(create_app(config(f"http://127.0.0.1:{unused_tcp_port_factory()}")))
    reply = await client.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "你好"})
    assert reply.status == 200
    body = await reply.json()
    assert body["status"] == "unavailable" and "12345" in body["messages"][0]["text"]
    health = await client.get("/healthz")
    assert health.status == 503


async def test_slow_backend_is_cut_off_in_time(aiohttp_client, aiohttp_server) -> None:
    slow = await aiohttp_server(fake_rasa("slow"))
    client = await aiohttp_client(create_app(config(str(slow.make_url("")).rstrip("/"), chat_timeout=0.5)))
    started = asyncio.get_running_loop().time()
    reply = await client.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "你好"})
    assert asyncio.get_running_loop().time() - started < 2
    assert (await reply.json())["status"] == "unavailable"


async def test_backend_error_never_leaks(aiohttp_client, aiohttp_server) -> None:
    broken = await aiohttp_server(fake_rasa("error"))
    client = await aiohttp_client(create_app(config(str(broken.make_url("")).rstrip("/"))))
    reply = await client.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "你好"})
    text = await reply.text()
    assert reply.status == 200 and "Traceback" not in text and "12345" in text


async def test_a_dead_instance_is_skipped(aiohttp_client, rasa, unused_tcp_port_factory) -> None:
    dead = f"http://127.0.0.1:{unused_tcp_port_factory()}"
    live = str(rasa.make_url("")).rstrip("/")
    client = await aiohttp_client(create_app(config(dead, live)))
    for _ in range(4):
        reply = await client.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "你好"})
        assert (await reply.json())["status"] == "ok"
    assert len(rasa.app["received"]) == 4


async def test_security_headers_and_pages(gateway) -> None:
    page = await gateway.get("/")
    assert page.status == 200
    html = await page.text()
    assert 'src="http://127.0.0.1:8000/widget.js"' in html and "data-position" in html
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    script = await gateway.get("/widget.js")
    assert script.status == 200 and script.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "attachShadow" in await script.text()
    assert (await gateway.get("/widget.css")).status == 200
    health = await gateway.get("/healthz")
    assert health.status == 200 and await health.json() == {"status": "ok", "assistants_up": 1, "assistants": 1}


async def test_health_checks_are_shared_between_requests(gateway, rasa) -> None:
    """/healthz is public: many requests must not turn into as many calls to every Rasa server."""
    before = rasa.app["health_checks"]
    replies = await asyncio.gather(*(gateway.get("/healthz") for _ in range(20)))
    assert all(r.status == 200 for r in replies)
    assert rasa.app["health_checks"] - before <= 1


async def test_unknown_api_paths_answer_json(gateway) -> None:
    reply = await gateway.get("/api/nothing")
    assert reply.status == 404 and "error" in await reply.json()
    wrong = await gateway.get("/api/chat")
    assert wrong.status == 405 and "error" in await wrong.json()


async def test_oversized_chunked_chat_body_gets_the_same_413(gateway) -> None:
    """The chat keeps its small limit even without a Content-Length (staff posts may be larger)."""

    async def chunks():
        yield b'{"conversation_id": "test-conversation-1", "message": "'
        for _ in range(10):
            yield b"a" * 1000
        yield b'"}'

    reply = await gateway.post("/api/chat", data=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status == 413 and "太长" in (await reply.json())["error"]


async def test_a_number_across_the_length_cut_is_still_masked(gateway, rasa) -> None:
    message = "a" * 991 + "340102199001011234"  # the cut after 1,000 characters falls inside the number
    reply = await gateway.post("/api/chat", json={"conversation_id": CONVERSATION, "message": message})
    assert reply.status == 200
    sent = rasa.app["received"][0]["message"]
    assert "340102" not in sent and sent.endswith("***")


async def test_odd_rasa_replies_are_skipped_not_a_500(aiohttp_client, aiohttp_server) -> None:
    odd = await aiohttp_server(fake_rasa("odd"))
    client = await aiohttp_client(create_app(config(str(odd.make_url("")).rstrip("/"))))
    reply = await client.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "你好"})
    assert reply.status == 200
    assert (await reply.json())["messages"] == [{"text": "好的"}]


async def test_reply_carries_the_masked_message_for_the_widget_to_keep(gateway) -> None:
    reply = await gateway.post("/api/chat", json={"conversation_id": CONVERSATION, "message": "电话13812345678"})
    assert (await reply.json())["message"] == "电话***"  # the widget keeps this (tests/live/test_widget_browser.py)


async def test_widget_script_carries_the_widget_settings(aiohttp_client, rasa) -> None:
    client = await aiohttp_client(
        create_app(config(str(rasa.make_url("")).rstrip("/"), widget_storage="session", widget_history_hours=2))
    )
    script = await (await client.get("/widget.js")).text()
    assert '/*sz-settings*/{"storage": "session", "historyHours": 2}/*end*/' in script
    assert "attachShadow" in script


async def test_ipv6_clients_are_counted_by_their_64(aiohttp_client, rasa) -> None:
    """One IPv6 subscriber has a whole /64 to rotate through: the address limit counts the /64."""
    proxy = (ip_network("127.0.0.0/8"),)
    app = create_app(config(str(rasa.make_url("")).rstrip("/"), rate_limit_ip="2/minute", trusted_proxies=proxy))
    client = await aiohttp_client(app)

    async def status(citizen: str, n: int) -> int:
        body = {"conversation_id": f"v6-citizen-{n}-{len(citizen)}", "message": "你好"}
        return (await client.post("/api/chat", json=body, headers={"X-Forwarded-For": citizen})).status

    same_64 = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]
    assert [await status(a, n) for n, a in enumerate(same_64)] == [200, 200, 429]
    assert await status("2001:db8:1:3::1", 9) == 200  # the next /64 is someone else


@pytest.mark.parametrize(
    ("hop", "same_as"),
    [("203.0.113.7:4711", "203.0.113.7"), ("[2001:db8::7]:4711", "2001:db8::7"), ("[2001:db8::8]", "2001:db8::8")],
)
async def test_ports_on_forwarded_hops_are_ignored(aiohttp_client, rasa, hop: str, same_as: str) -> None:
    """A hop with a port is still that citizen (it used to end the chain, so every citizen shared the
    proxy's bucket)."""
    proxy = (ip_network("127.0.0.0/8"),)
    app = create_app(config(str(rasa.make_url("")).rstrip("/"), rate_limit_ip="2/minute", trusted_proxies=proxy))
    client = await aiohttp_client(app)

    async def status(forwarded: str, n: int) -> int:
        body = {"conversation_id": f"port-citizen-{n}", "message": "你好"}
        return (await client.post("/api/chat", json=body, headers={"X-Forwarded-For": forwarded})).status

    assert [await status(hop, 0), await status(same_as, 1), await status(hop, 2)] == [200, 200, 429]
    assert await status("198.51.100.1", 3) == 200  # another citizen behind the same proxy


async def test_compressed_and_multipart_bodies_are_refused(gateway) -> None:
    compressed = await gateway.post(
        "/api/chat", data=b"x\x9c\x03\x00\x00\x00\x00\x01",
        headers={"Content-Type": "application/json", "Content-Encoding": "deflate"},
    )  # fmt: skip
    assert compressed.status == 415 and "Content-Encoding" in (await compressed.json())["error"]
    multipart = await gateway.post("/admin/login", data={"file": b"x", "username": "a"})  # bytes: multipart
    assert multipart.status == 415
    assert (await gateway.get("/")).headers["Server"] == "sz-assistant"  # no version to look up advisories for
