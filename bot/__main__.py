"""`python -m bot run`: start the whole product and stop it cleanly on Ctrl-C.

Starts the action server(s) and Rasa server(s) on loopback, waits until they are ready, then starts
the public gateway (demo portal, widget, chat API, staff pages) on SZ_HOST:SZ_PORT with the gateway's
own environment (`SZ_WEB_PYTHON`, a current aiohttp): `python -m bot gateway`. A child that dies is
started again; one that keeps dying stops everything with an error, so a supervisor (systemd, CI)
notices.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from bot.processes import StartupError, Supervisor, configure_logging, process_specs, rasa_urls
from kb import settings


async def supervise() -> int:
    try:
        supervisor = Supervisor(process_specs())
    except StartupError as exc:
        logging.error("%s", exc)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await supervisor.start()
    except StartupError as exc:
        logging.error("%s", exc)
        return 1
    if settings.env("SZ_ROLE") in ("all", "gateway"):
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
    await supervisor.stop()
    return 1 if failed else 0


def gateway() -> int:
    """The gateway alone, in the web environment (what `run` starts as its `gateway` child)."""
    from bot.config import GatewayConfig
    from bot.gateway import serve

    config = GatewayConfig.from_settings(rasa_urls())
    return asyncio.run(serve(config, settings.env("SZ_HOST"), int(settings.env("SZ_PORT"))))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("command", choices=["run", "gateway"])
    args = parser.parse_args(argv)
    configure_logging()
    if args.command == "gateway":
        return gateway()
    return asyncio.run(supervise())


if __name__ == "__main__":
    sys.exit(main())
