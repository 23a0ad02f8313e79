"""Password sign-ins kept across reloads and tabs of one browser: the one place that reads and
writes the `app_session` table.

A sign-in gets a random token (`secrets.token_urlsafe(32)`: 256 random bits). The browser keeps
the token in a cookie; the table keeps only its SHA-256, so the warehouse (or a copy of it) holds
nothing that signs anyone in. A token that random cannot be found from its hash, so it needs no
salt and no slow hash, unlike a password.

A session lasts while it is used: each use moves `last_seen_at`, and `expires_at` to the last use
plus the idle time. It ends at sign-out, once idle longer than the idle time, and when its user is
disabled or given a new password (`accounts.disable_user`, `accounts.reset_password`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from warehouse import schema, setup

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # a token is 43 characters; anything much longer is not one of ours


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token: what the table stores and looks sessions up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ensure_table(conn: sa.Connection) -> None:
    """Create the table in a warehouse made before it (it starts empty: no reload needed)."""
    setup.add_missing_account_tables(conn)


def start(conn: sa.Connection, user_name: str, now: datetime, idle: timedelta) -> str:
    """A new session of `user_name`; returns its token, which is stored nowhere (only its
    hash is). Sessions that ended more than an idle time ago are deleted on the way."""
    ensure_table(conn)
    forget_ended(conn, now - idle)
    token = new_token()
    conn.execute(
        schema.app_session.insert().values(
            token_hash=token_hash(token),
            user_name=user_name,
            created_at=now,
            last_seen_at=now,
            expires_at=now + idle,
        )
    )
    return token


def find(conn: sa.Connection, token: str, now: datetime, idle: timedelta) -> str | None:
    """The user name of the session `token` belongs to, if that session has not ended (used
    within `idle`, and before its `expires_at`). A session found ended is deleted; a token of
    no session (forged, altered, signed out) answers None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    s = schema.app_session
    hashed = token_hash(token)
    row = conn.execute(
        sa.select(s.c.user_name, s.c.last_seen_at, s.c.expires_at).where(s.c.token_hash == hashed)
    ).first()
    if row is None:
        return None
    if _ended(row, now, idle):
        end(conn, hashed)
        return None
    return row.user_name


def _ended(row, now: datetime, idle: timedelta) -> bool:
    return now >= _aware(row.expires_at) or now - _aware(row.last_seen_at) > idle


def in_use(conn: sa.Connection, hashed: str, now: datetime, idle: timedelta) -> bool:
    """Whether the session with this token hash was used within `idle` (in any tab)."""
    s = schema.app_session
    row = conn.execute(
        sa.select(s.c.last_seen_at, s.c.expires_at).where(s.c.token_hash == hashed)
    ).first()
    return row is not None and not _ended(row, now, idle)


def holder(conn: sa.Connection, hashed: str) -> str | None:
    """The user name of the session with this token hash, None once it has ended (signed out
    in another tab, or ended by a change of the user)."""
    s = schema.app_session
    return conn.execute(sa.select(s.c.user_name).where(s.c.token_hash == hashed)).scalar()


def touch(conn: sa.Connection, hashed: str, now: datetime, idle: timedelta) -> None:
    """The session is in use now: it lasts another `idle` from now."""
    s = schema.app_session
    conn.execute(
        s.update().where(s.c.token_hash == hashed).values(last_seen_at=now, expires_at=now + idle)
    )


def end(conn: sa.Connection, hashed: str) -> None:
    s = schema.app_session
    conn.execute(s.delete().where(s.c.token_hash == hashed))


def end_user(conn: sa.Connection, user_name: str) -> int:
    """End every session of the user; returns how many there were."""
    s = schema.app_session
    return conn.execute(s.delete().where(s.c.user_name == user_name)).rowcount


def forget_ended(conn: sa.Connection, before: datetime) -> int:
    """Delete the sessions that ended before `before`."""
    s = schema.app_session
    return conn.execute(s.delete().where(s.c.expires_at < before)).rowcount


def count(conn: sa.Connection, user_name: str | None = None) -> int:
    """The sessions stored, of one user or of all."""
    s = schema.app_session
    query = sa.select(sa.func.count()).select_from(s)
    if user_name is not None:
        query = query.where(s.c.user_name == user_name)
    return conn.execute(query).scalar()
