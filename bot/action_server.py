"""`python -m bot.action_server --port N`: the custom action server, bound to loopback.

Warms the KB search index before accepting requests, then runs rasa-sdk's server. Started by
`python -m bot run`; no browser ever talks to it, so it sends no CORS headers.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from bot import heap
from bot.processes import configure_logging
from kb import settings


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__)
    parser.add_argument("--port", type=int, default=int(settings.env("SZ_ACTION_PORT")))
    parser.add_argument(
        "--discard-records", action="store_true", help="store no feedback or unanswered questions (quality gate)"
    )
    args = parser.parse_args(argv)
    configure_logging()
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")

    from rasa_sdk.endpoint import run

    from actions.kb_access import discard_records, warm_up

    if args.discard_records:
        discard_records()
    warm_up()
    heap.freeze()
    run("actions", port=args.port, cors_origins=None)


if __name__ == "__main__":
    main()
