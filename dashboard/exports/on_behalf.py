"""Files a command line makes on behalf of a dashboard user (`--user NAME`), as the dashboard
would make them for that user: only of the user's own area (a district user's default scope is
their district; another district, commune or site is refused), none for a viewer, and the file
made or the request refused written to the audit log. Without a user the command reads the
whole province, as whoever holds the warehouse's URL can."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.access import User, can_export
from queries import accounts
from queries.scope import Allowed, Scope, ScopeError, ScopeRefused, check_allowed, resolve_scope


class ExportRefused(ScopeError):
    """A named user who may not have the file made (unknown, inactive or a viewer)."""


def user_of(conn: sa.Connection, name: str | None) -> User | None:
    """The active dashboard user `name` (None without a name); ExportRefused otherwise."""
    if name is None:
        return None
    found = accounts.account(conn, name)
    if found is None:
        raise ExportRefused(f"no active dashboard user {name!r}")
    return User(found.name, found.role, found.scope_code)


def allowed(user: User | None) -> Allowed:
    return user.allowed if user is not None else Allowed.province()


def _record(conn: sa.Connection, name: str, event: str, what: str, scope_code: str) -> None:
    accounts.record(conn, name, event, what, scope_code)
    conn.commit()


def scope_for(conn: sa.Connection, user: User | None, code: str | None) -> Scope:
    """The scope `code` names (default: the user's own area, or the province without a user),
    if the user may have files made of it; a refusal is written to the audit log and raised
    (ExportRefused for a viewer, ScopeRefused for a scope outside the user's area)."""
    if user is None:
        return resolve_scope(conn, code)
    area = user.allowed
    if not can_export(user):
        refused = ExportRefused(f"refused: {user.name} is a viewer and may not make files")
        _record(conn, user.name, "refused", str(refused), area.code)
        raise refused
    scope = resolve_scope(conn, code) if code else area.default_scope()
    try:
        check_allowed(conn, area, scope)
    except ScopeRefused as exc:
        _record(conn, user.name, "refused", str(exc), area.code)
        raise
    return scope


def record_made(conn: sa.Connection, user: User | None, what: str, scope: Scope) -> None:
    """The file made, in the audit log, when made on behalf of a user."""
    if user is not None:
        _record(conn, user.name, "export", what, scope.code)
