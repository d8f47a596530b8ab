"""`python -m bot run`: start the whole product and stop it cleanly on Ctrl-C.

Starts the action server(s) and Rasa server(s) on loopback, waits until they are ready, then serves
the public gateway (demo portal, widget, chat API) on SZ_HOST:SZ_PORT. If any child process dies,
everything stops with an error, so a supervisor (systemd, CI) notices.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from aiohttp import web

from bot.config import GatewayConfig
from bot.gateway import create_app
from bot.processes import StartupError, Supervisor, configure_logging, process_specs, rasa_urls
from kb import settings


async def serve() -> int:
    supervisor = Supervisor(process_specs())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await supervisor.start()
    except StartupError as exc:
        logging.error("%s", exc)
        return 1
    runner = None
    if settings.env("SZ_ROLE") in ("all", "gateway"):
        runner = web.AppRunner(create_app(GatewayConfig.from_settings(rasa_urls())), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.env("SZ_HOST"), int(settings.env("SZ_PORT")))
        try:
            await site.start()
        except OSError as exc:
            logging.error("cannot listen on %s:%s: %s", settings.env("SZ_HOST"), settings.env("SZ_PORT"), exc.strerror)
            await runner.cleanup()
            await supervisor.stop()
            return 1
        logging.info("assistant ready: open %s/", settings.public_url())
    else:
        logging.info("assistant servers ready on %s", settings.env("SZ_RASA_INTERFACE"))
    while not stop.is_set() and not supervisor.failed():
        await supervisor.watch()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
    failed = supervisor.failed()
    if failed:
        logging.error("stopping: %s kept exiting", ", ".join(failed))
    logging.info("stopping all processes")
    if runner:
        await runner.cleanup()
    await supervisor.stop()
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("command", choices=["run"])
    parser.parse_args(argv)
    configure_logging()
    return asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
