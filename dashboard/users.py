"""Command line: `python -m dashboard.users add | list | disable | reset-password | demo`.

Passwords are read from a prompt (asked twice) or, when standard input is not a terminal, from
its first line; never from an argument, so they stay out of the shell's history and the process
list. Users live in the warehouse (`app_user`); the ETL never touches them.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from queries import accounts, readiness, sessions
from warehouse import engine as wh_engine

DEMO_DISTRICT = "356"  # Thành phố Nam Định


class UsageError(Exception):
    """A one-line message for the user (exit status 2)."""


def _password(stdin=None) -> str:
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise UsageError("the two passwords differ")
        return first
    line = stdin.readline().rstrip("\r\n")
    if not line:
        raise UsageError("no password on standard input")
    return line


def _engine(url: str | None) -> sa.Engine:
    return wh_engine.make_engine(wh_engine.warehouse_url(url), create_dir=False, must_exist=True)


def cmd_add(args: argparse.Namespace, conn: sa.Connection) -> int:
    if args.provider_only:
        found = accounts.add_user(conn, args.name, None, args.role, args.scope, _now())
    else:
        accounts.check_new_user(conn, args.name, args.role, args.scope)  # before asking
        password = _password()
        found = accounts.add_user(conn, args.name, password, args.role, args.scope, _now())
    print(f"added {found.name}: {found.role}, scope {found.scope_code}")
    return 0


def cmd_list(args: argparse.Namespace, conn: sa.Connection) -> int:
    rows = accounts.list_users(conn)
    print("user\trole\tscope\tactive\tcreated\tlast sign-in")
    for r in rows:
        last = r["last_sign_in_at"].isoformat(timespec="minutes") if r["last_sign_in_at"] else "-"
        created = r["created_at"].isoformat(timespec="minutes")
        active = "yes" if r["active"] else "no"
        print(f"{r['user_name']}\t{r['role']}\t{r['scope_code']}\t{active}\t{created}\t{last}")
    return 0


def _ended(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'} ended"


def cmd_disable(args: argparse.Namespace, conn: sa.Connection) -> int:
    ended = accounts.disable_user(conn, args.name)
    print(f"disabled {args.name}; {_ended(ended)}")
    return 0


def cmd_reset(args: argparse.Namespace, conn: sa.Connection) -> int:
    ended = accounts.reset_password(conn, args.name, _password(), _now())
    print(f"new password set for {args.name}; any lock-out of the name is lifted; {_ended(ended)}")
    return 0


def cmd_demo(args: argparse.Namespace, conn: sa.Connection) -> int:
    """On a warehouse without users: a demo province user and a demo district user, with
    their passwords printed this once."""
    if accounts.has_users(conn):
        return 0
    made = []
    for name, role, scope in (
        ("demo.tinh", "province", "36"),
        (f"demo.huyen{DEMO_DISTRICT}", "district", DEMO_DISTRICT),
    ):
        password = secrets.token_urlsafe(12)
        accounts.add_user(conn, name, password, role, scope, _now())
        made.append((name, role, scope, password))
    print("Demo users created (the passwords are shown only this once):")
    for name, role, scope, password in made:
        print(f"  {name:18} {role:9} scope {scope:4} password: {password}")
    print(
        "Add real users with `python -m dashboard.users add NAME --role province|district|"
        "viewer --scope CODE` (the password is asked for), and disable the demo ones with "
        "`python -m dashboard.users disable NAME`."
    )
    return 0


def _now() -> datetime:
    return datetime.now(UTC)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dashboard.users", description="Manage the dashboard's users."
    )
    p.add_argument("--warehouse-url", help="default: VAX_WAREHOUSE_URL or data/")
    sub = p.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="add a user (the password is asked for)")
    add.add_argument("name", help="user name, e.g. an e-mail address")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument("--scope", default="36", help="36 (the province) or a district code")
    add.add_argument(
        "--provider-only",
        action="store_true",
        help="no password: the user signs in only through the identity provider (st.login)",
    )
    add.set_defaults(func=cmd_add)
    sub.add_parser("list", help="list the users").set_defaults(func=cmd_list)
    disable = sub.add_parser("disable", help="stop a user signing in, ending their sessions")
    disable.add_argument("name")
    disable.set_defaults(func=cmd_disable)
    reset = sub.add_parser(
        "reset-password", help="set a new password, lift a lock-out, end the user's sessions"
    )
    reset.add_argument("name")
    reset.set_defaults(func=cmd_reset)
    sub.add_parser(
        "demo", help="demo users on a warehouse that has none (passwords printed once)"
    ).set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        engine = _engine(args.warehouse_url)
        with engine.begin() as conn:
            problem = readiness.schema_problem(conn)
            if problem is not None:
                if problem == "missing":
                    problem = "the database holds no warehouse yet: run `python -m etl demo` first"
                raise UsageError(problem)
            sessions.ensure_table(conn)
            return args.func(args, conn)
    except (accounts.AccountError, UsageError, wh_engine.DatabaseUrlError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OperationalError as exc:
        print(f"error: cannot use the warehouse: {exc.orig}", file=sys.stderr)
    except (KeyboardInterrupt, EOFError):
        print("interrupted: nothing was changed", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
