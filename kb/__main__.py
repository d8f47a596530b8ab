"""Command line for operators and staff: `python -m kb <command>`.

init            migrate the database and load the seed if the KB is empty (safe to repeat)
migrate         upgrade the schema to the newest migration
export          print the whole KB as JSON
import FILE     validate a JSON file (or - for stdin) and load it in one transaction
search TEXT     show what the search finds for a citizen's words, with scores
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from kb import migrate, settings
from kb.db import make_engine, session_factory
from kb.io import ImportSummary, KbImportError, export_document, import_document
from kb.models import PlanTask
from kb.queries import KnowledgeBase
from kb.seed import seed_document


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return args.handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kb", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="override SZ_DATABASE_URL for this command")
    commands = parser.add_subparsers(title="commands")

    init = commands.add_parser("init", help="migrate and seed an empty KB (idempotent)")
    init.set_defaults(handler=cmd_init)

    upgrade = commands.add_parser("migrate", help="upgrade the schema")
    upgrade.add_argument("--revision", default="head")
    upgrade.set_defaults(handler=cmd_migrate)

    export = commands.add_parser("export", help="print the whole KB as JSON")
    export.set_defaults(handler=cmd_export)

    load = commands.add_parser("import", help="validate and load a JSON file (- for stdin)")
    load.add_argument("file")
    load.set_defaults(handler=cmd_import)

    search = commands.add_parser("search", help="what the search finds, with scores")
    search.add_argument("text")
    search.add_argument("--limit", type=int, default=5)
    search.set_defaults(handler=cmd_search)

    table = commands.add_parser("settings", help="print every setting, its default and meaning")
    table.set_defaults(handler=lambda _args: print(settings.markdown_table()) or 0)
    return parser


def _engine(args: argparse.Namespace):
    return make_engine(args.database_url)


def cmd_init(args: argparse.Namespace) -> int:
    engine = _engine(args)
    migrate.upgrade(engine)
    with session_factory(engine).begin() as session:
        if session.scalar(select(func.count()).select_from(PlanTask)):
            print("KB already initialised; nothing to do.")
            return 0
        summary = import_document(session, seed_document())
    print(f"KB initialised: {summary}.")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    engine = _engine(args)
    migrate.upgrade(engine, args.revision)
    print(f"schema at revision {migrate.current_revision(engine)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with session_factory(_engine(args))() as session:
        document = export_document(session)
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        raw = _read_json(args.file)
        with session_factory(_engine(args)).begin() as session:
            summary: ImportSummary = import_document(session, raw)
    except KbImportError as exc:
        print(f"import refused, nothing was changed ({len(exc.problems)} problems):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"imported {summary}.")
    return 0


def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
    except OSError as exc:
        raise KbImportError([f"cannot read {path}: {exc.strerror}"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise KbImportError([f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]) from None


def cmd_search(args: argparse.Namespace) -> int:
    kb = KnowledgeBase(_engine(args))
    hits = kb.search_services(args.text, limit=args.limit)
    if not hits:
        print("no match")
        return 0
    for hit in hits:
        print(f"{hit.score:.3f}  {hit.key:<26} {hit.name}  (matched: {hit.phrase})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
