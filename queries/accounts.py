"""The dashboard's users and the audit log, kept in the warehouse (the ETL never writes them):
the one place that reads and writes the `app_user` and `audit_log` tables (a user's stored
sessions are `queries.sessions`'s; disabling a user or resetting the password ends them).

Passwords are stored only as Argon2id hashes (argon2-cffi's encoded form, salt and parameters
included). Signing in answers an unknown name, a disabled user and a wrong password alike, and
hashes a dummy password for an unknown name so that the answers take the same time. Failures
are counted per name as typed, from the audit log, so a name that does not exist is locked out
exactly as one that does: `max_failures` failures in a row (since the last sign-in or password
reset) lock the name for `lock_minutes` after the last one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from queries import sessions
from warehouse import reference, schema

ROLES = ("province", "district", "viewer")
# sign_in, sign_in_failed (wrong name or password), sign_in_locked (refused while locked),
# sign_out, session_expired, session_resumed (a stored session signed a new page load or tab
# in), password_reset, export (a file or download made), refused (a request for an area
# outside the user's scope).
EVENTS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "sign_out",
    "session_expired",
    "session_resumed",
    "password_reset",
    "export",
    "refused",
)
MIN_PASSWORD_LENGTH = 10
NAME_PATTERN = re.compile(r"[A-Za-z0-9._@+-]{2,80}")

_HASHER = PasswordHasher()
_DUMMY: list[str] = []  # a hash of a random password, made once, for unknown names


class AccountError(ValueError):
    """A user-management request that cannot be done, with a one-line message."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    scope_code: str


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in: the account when it succeeded, else why not ("failed" for an
    unknown name, a disabled user or a wrong password alike; "locked")."""

    account: Account | None
    outcome: str  # ok, failed, locked
    retry_after: datetime | None = None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash("not-a-password-of-anyone"))
    return _DUMMY[0]


def _verify(encoded: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(encoded or _dummy_hash(), password) and encoded is not None
    except (VerificationError, InvalidHashError):
        return False


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _check_scope(conn: sa.Connection, role: str, scope_code: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    code = (scope_code or reference.PROVINCE_CODE).strip()
    if role == "province":
        if code != reference.PROVINCE_CODE:
            raise AccountError(f"a province user's scope is {reference.PROVINCE_CODE}")
        return code
    if code == reference.PROVINCE_CODE:
        if role == "district":
            raise AccountError("a district user needs a district code as scope (e.g. 356)")
        return code
    level = conn.execute(
        sa.text("SELECT area_level FROM area WHERE area_code = :c"), {"c": code}
    ).scalar()
    if level != "district":
        raise AccountError(f"{code!r} is not a district code of the province (e.g. 356)")
    return code


def _row(conn: sa.Connection, name: str):
    u = schema.app_user
    return conn.execute(sa.select(u).where(u.c.user_name == name)).first()


def check_new_user(conn: sa.Connection, name: str, role: str, scope_code: str) -> str:
    """Raise AccountError unless a user of that name, role and scope can be added; returns the
    scope code."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise AccountError(
            "a user name is 2 to 80 letters, digits or . _ @ + - (no spaces), e.g. an e-mail"
        )
    code = _check_scope(conn, role, scope_code)
    if _row(conn, name) is not None:
        raise AccountError(f"the user {name!r} exists already")
    return code


def add_user(
    conn: sa.Connection,
    name: str,
    password: str | None,
    role: str,
    scope_code: str,
    now: datetime,
) -> Account:
    """Create a user; the password is stored only as its Argon2 hash. Without a password
    (None) the user signs in only through the identity provider."""
    code = check_new_user(conn, name, role, scope_code)
    if password is not None:
        check_password(password)
    conn.execute(
        schema.app_user.insert().values(
            user_name=name,
            password_hash=None if password is None else hash_password(password),
            role=role,
            scope_code=code,
            active=True,
            created_at=now,
        )
    )
    return Account(name, role, code)


def list_users(conn: sa.Connection) -> list[dict]:
    """Every user without the hash: name, role, scope, active, created and last sign-in."""
    u = schema.app_user
    rows = conn.execute(
        sa.select(
            u.c.user_name, u.c.role, u.c.scope_code, u.c.active, u.c.created_at, u.c.last_sign_in_at
        ).order_by(u.c.user_name)
    ).mappings()
    return [dict(r) for r in rows]


def _existing(conn: sa.Connection, name: str):
    row = _row(conn, name)
    if row is None:
        raise AccountError(f"no user {name!r}")
    return row


def disable_user(conn: sa.Connection, name: str) -> int:
    """Stop the user signing in, and end their sessions; returns how many were ended."""
    _existing(conn, name)
    u = schema.app_user
    conn.execute(u.update().where(u.c.user_name == name).values(active=False))
    return sessions.end_user(conn, name)


def reset_password(conn: sa.Connection, name: str, password: str, now: datetime) -> int:
    """A new password (re-enabling the user), the end of any lock-out of the name, and of the
    user's sessions (signed in with the old password); returns how many were ended."""
    _existing(conn, name)
    check_password(password)
    u = schema.app_user
    conn.execute(
        u.update()
        .where(u.c.user_name == name)
        .values(password_hash=hash_password(password), active=True)
    )
    record(conn, name, "password_reset", now=now)
    return sessions.end_user(conn, name)


def account(conn: sa.Connection, name: str) -> Account | None:
    """An active user by name (for a provider's sign-in, which brings no password)."""
    row = _row(conn, name)
    if row is None or not row.active:
        return None
    return Account(row.user_name, row.role, row.scope_code)


def resumable(conn: sa.Connection, token: str, now: datetime, idle: timedelta) -> Account | None:
    """The active user whose session `token` belongs to, if the session has not ended (it is
    not marked used here). A session of a user no longer active is ended."""
    name = sessions.find(conn, token, now, idle)
    if name is None:
        return None
    found = account(conn, name)
    if found is None:
        sessions.end_user(conn, name)
    return found


def session_stands(conn: sa.Connection, hashed: str, name: str) -> bool:
    """Whether the session with this token hash is still `name`'s and the user still active
    (it ends at sign-out in another tab, and when the user is disabled or reset)."""
    return sessions.holder(conn, hashed) == name and account(conn, name) is not None


def has_users(conn: sa.Connection) -> bool:
    return conn.execute(sa.select(sa.func.count()).select_from(schema.app_user)).scalar() > 0


# --- the audit log ---------------------------------------------------------------------------
def record(
    conn: sa.Connection,
    user_name: str,
    event: str,
    what: str | None = None,
    scope_code: str | None = None,
    now: datetime | None = None,
) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    conn.execute(
        schema.audit_log.insert().values(
            at=now or datetime.now(UTC),
            user_name=(user_name or "")[:80],
            event=event,
            what=(what or None) and what[:300],
            scope_code=scope_code,
        )
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _failures_in_a_row(conn: sa.Connection, name: str) -> list[datetime]:
    """The times of the name's failed sign-ins since its last sign-in or password reset."""
    a = schema.audit_log
    last_good = conn.execute(
        sa.select(sa.func.max(a.c.event_id)).where(
            a.c.user_name == name, a.c.event.in_(("sign_in", "password_reset"))
        )
    ).scalar()
    rows = conn.execute(
        sa.select(a.c.at)
        .where(
            a.c.user_name == name,
            a.c.event == "sign_in_failed",
            a.c.event_id > (last_good or 0),
        )
        .order_by(a.c.event_id)
    ).scalars()
    return [_aware(t) for t in rows]


def authenticate(
    conn: sa.Connection,
    name: str,
    password: str,
    now: datetime,
    *,
    max_failures: int,
    lock_minutes: int,
) -> SignIn:
    """Check a name and password, record the attempt in the audit log, and answer."""
    name = (name or "").strip()[:80]
    failures = _failures_in_a_row(conn, name)
    locked_until = (
        failures[-1] + timedelta(minutes=lock_minutes) if len(failures) >= max_failures else None
    )
    row = _row(conn, name)
    encoded = row.password_hash if row is not None and row.active else None
    matches = _verify(encoded, password)  # always one Argon2 verification, whatever the name
    if locked_until is not None and now < locked_until:
        record(conn, name, "sign_in_locked", now=now)
        return SignIn(None, "locked", locked_until)
    if not matches:
        record(conn, name, "sign_in_failed", now=now)
        if len(failures) + 1 >= max_failures:
            return SignIn(None, "locked", now + timedelta(minutes=lock_minutes))
        return SignIn(None, "failed")
    u = schema.app_user
    conn.execute(u.update().where(u.c.user_name == name).values(last_sign_in_at=now))
    record(conn, name, "sign_in", scope_code=row.scope_code, now=now)
    return SignIn(Account(row.user_name, row.role, row.scope_code), "ok")
