"""`python -m nlp build [--force]`: rebuild the KB-derived spaCy pipeline and Rasa data if out of date."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kb import settings
from kb.db import make_engine
from kb.queries import KnowledgeBase
from nlp.build import GENERATED_NLU, PIPELINE_DIR, STAFF_EXAMPLES, build


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__)
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--force", action="store_true", help="rebuild even if the KB did not change")
    args = parser.parse_args(argv)
    changed = build(KnowledgeBase(make_engine()), force=args.force)
    for name, path in (("pipeline", PIPELINE_DIR), ("nlu_data", GENERATED_NLU), ("staff_examples", STAFF_EXAMPLES)):
        print(f"{path.relative_to(settings.PROJECT_ROOT)}: {'rebuilt' if changed[name] else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
