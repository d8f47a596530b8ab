"""`python -m bot run`: start the whole product and stop it cleanly on Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from bot.processes import StartupError, Supervisor, configure_logging, process_specs, rasa_urls


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
    logging.info("assistant ready: POST %s/webhooks/rest/webhook", rasa_urls()[0])
    while not stop.is_set() and not supervisor.failed():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
    failed = supervisor.failed()
    if failed:
        logging.error("stopping: %s exited", ", ".join(failed))
    logging.info("stopping all processes")
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
