"""Command line for operators and staff: `python -m kb <command>`.

init            migrate the database and load the seed if the KB is empty (safe to repeat)
migrate         upgrade the schema to the newest migration
export          print the whole KB as JSON
import FILE     validate a JSON file (or - for stdin) and load it in one transaction
search TEXT     show what the search finds for a citizen's words, with scores
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select

from kb import migrate, settings
from kb.db import make_engine, session_factory
from kb.io import ImportSummary, KbImportError, export_document, import_document
from kb.models import PlanTask, StaffUser
from kb.queries import KnowledgeBase
from kb.retention import purge
from kb.seed import seed_document
from kb.staff import Invalid, StaffError, StaffOps, audit, hash_password, staff_snapshot


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

    staff = commands.add_parser("staff", help="staff accounts (there is no default account or password)")
    staff_commands = staff.add_subparsers(title="staff commands")
    add = staff_commands.add_parser("add", help="create an account; the password is asked for twice")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["admin", "editor", "viewer"])
    add.add_argument("--bureau", action="append", default=[], help="a bureau an editor edits for (repeatable)")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin (automation)")
    add.set_defaults(handler=cmd_staff_add)
    listing = staff_commands.add_parser("list", help="list accounts")
    listing.set_defaults(handler=cmd_staff_list)
    password = staff_commands.add_parser("set-password", help="set a new password")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    password.set_defaults(handler=cmd_staff_password)
    unlock = staff_commands.add_parser("unlock", help="lift a lock-out after failed sign-ins")
    unlock.add_argument("username")
    unlock.set_defaults(handler=cmd_staff_unlock)

    purge_cmd = commands.add_parser("purge", help="delete old conversations and citizen records (cron-safe)")
    purge_cmd.add_argument("--days", type=int, help="keep this many days (default: SZ_RETENTION_DAYS)")
    purge_cmd.add_argument("--dry-run", action="store_true", help="count what would be deleted")
    purge_cmd.set_defaults(handler=cmd_purge)

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


def cmd_purge(args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else _retention_days()
    if days is None:
        return 1
    try:
        report = purge(_engine(args), settings.tracker_url(), days, args.dry_run)
    except ValueError as exc:
        print(f"not purged: {exc}", file=sys.stderr)
        return 1
    print(("would delete " if args.dry_run else "deleted ") + str(report))
    return 0


def _retention_days() -> int | None:
    """SZ_RETENTION_DAYS as a number, read only when purging so a bad value breaks nothing else."""
    value = settings.env("SZ_RETENTION_DAYS")
    try:
        return int(value)
    except ValueError:
        print(f"not purged: SZ_RETENTION_DAYS must be a whole number of days, not {value!r}", file=sys.stderr)
        return None


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("新密码（至少10位）: ")
    if getpass.getpass("再输入一次: ") != first:
        raise Invalid({"password": ["两次输入的密码不一致"]})
    return first


def _staff_ops(args: argparse.Namespace) -> StaffOps:
    engine = _engine(args)
    migrate.upgrade(engine)
    return StaffOps(engine)


def cmd_staff_add(args: argparse.Namespace) -> int:
    try:
        ops = _staff_ops(args)
        password = _new_password(args.password_stdin)
        actor = ops.create_staff(args.username, args.name, password, args.role, args.bureau, by=_cli_user())
    except StaffError as exc:
        print(f"not created: {exc}", file=sys.stderr)
        return 1
    scope = f" for {', '.join(actor.bureaus)}" if actor.bureaus else ""
    print(f"created {actor.role} {actor.username}{scope}")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    with session_factory(_engine(args))() as session:
        for user in session.scalars(select(StaffUser).order_by(StaffUser.id)):
            state = "active" if user.active else "inactive"
            print(f"{user.username:<20} {user.role:<7} {state:<8} {', '.join(user.bureaus)}")
    return 0


def cmd_staff_password(args: argparse.Namespace) -> int:
    try:
        hashed = hash_password(_new_password(args.password_stdin))
    except StaffError as exc:
        print(f"not changed: {exc}", file=sys.stderr)
        return 1

    def reset(user: StaffUser) -> None:
        user.password_hash = hashed
        user.session_generation = (user.session_generation or 0) + 1  # every signed-in session ends

    return _update_user(args, reset, "set_password", "password changed; signed-in sessions ended")


def cmd_staff_unlock(args: argparse.Namespace) -> int:
    def unlock(user: StaffUser) -> None:
        user.locked_until = None
        user.failed_logins = 0

    return _update_user(args, unlock, "unlock", "unlocked")


def _update_user(args: argparse.Namespace, change: Callable[[StaffUser], None], action: str, done: str) -> int:
    """Change one account and record it in the account's history (`staff` revisions)."""
    with session_factory(_engine(args)).begin() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.username == args.username)).first()
        if user is None:
            print(f"no staff account {args.username}", file=sys.stderr)
            return 1
        before = staff_snapshot(user)
        change(user)
        audit(session, "staff", user.username, action, _cli_user(), before, staff_snapshot(user))
    print(f"{args.username}: {done}")
    return 0


def _cli_user() -> str:
    """Who ran the command, for the audit: `cli:<login name>`, or `cli` if the system cannot say."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


if __name__ == "__main__":
    sys.exit(main())
