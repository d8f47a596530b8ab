"""Helpers for the browser tests: Debian's chromium driven by Playwright, and small portal servers."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")


class ServerThread:
    """An aiohttp application served from a background thread (for pages a test needs beside the product)."""

    def __init__(self, make_app: Callable[[], web.Application], port: int) -> None:
        self._make_app = make_app
        self.port = port
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ServerThread:
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("test server did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._loop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        runner = web.AppRunner(self._make_app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()


def portal_app(name: str, widget_src: str, storage: str = "") -> web.Application:
    """A stand-in for a government portal on its own origin that pastes the embed snippet (with
    `data-storage` when given)."""
    extra = f' data-storage="{storage}"' if storage else ""

    async def page(_request: web.Request) -> web.Response:
        html = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name}</title>
<style>button {{ background: hotpink !important; }} * {{ font-size: 30px; }}</style></head>
<body><h1>{name}</h1><p>门户内容</p>
<script>window.portalVariable = "portal";</script>
<script src="{widget_src}" data-title="{name}助手" data-color="#b22222" data-position="left"{extra} async></script>
</body></html>"""
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    return app
