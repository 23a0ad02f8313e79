"""A password sign-in kept across reloads and tabs of the browser: the session stored in the
warehouse (`queries.sessions`, only the token's hash) and the browser's cookie holding the token
(`dashboard.session_cookie`).

A new Streamlit session (a reload, a new tab, a reconnection) with nobody signed in looks for
the cookie; a token of a stored session that has not ended, of an active user, signs that user
in again (recorded as `session_resumed`), and any other token is ignored and its cookie cleared.
Every run of a signed-in session checks that its stored session still stands (sign-out in
another tab, a disabled user or a new password end it at once) and, at most every
`TOUCH_EVERY`, marks it used and renews the cookie. Nothing of this applies to a sign-in through
the identity provider (Streamlit keeps its own cookie) or with sign-in off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
import streamlit as st

import settings
from dashboard import cached, session_cookie
from dashboard.access import User
from dashboard.session_cookie import Order
from queries import accounts, sessions

ORDER = "_auth_cookie_order"  # the key of the cookie order the page has still to post
TRIED = "_auth_cookie_tried"  # the hash of the request's token, once looked up
TOUCH_EVERY = timedelta(seconds=60)
# A write that finds the warehouse locked (SQLite while a load runs) waits this long, then is
# left for the next run: a page never waits on a load for the sake of its session's last use.
QUICK_WRITE_MS = 300
SQLITE_BUSY_MS = 30_000  # the warehouse engines' own (warehouse/engine.py: timeout=30)
log = logging.getLogger("dashboard.auth")


def _idle() -> timedelta:
    return settings.session_idle()


def _max_age() -> int:
    return int(_idle().total_seconds())


def _order(order: Order) -> None:
    if session_cookie.mounted():
        st.session_state[ORDER] = session_cookie.hand(order)


def _engine() -> sa.Engine:
    return cached.engine(cached.warehouse_url())


def _quick_write(work: Callable[[sa.Connection], None]) -> bool:
    """Run `work` in a transaction that gives up soon when the warehouse is locked."""
    try:
        with _engine().connect() as conn:
            raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout = {QUICK_WRITE_MS}")
            try:
                with conn.begin():
                    work(conn)
            finally:
                if raw is not None:
                    raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        return True
    except sa.exc.OperationalError as exc:
        log.warning("the session's last use was not written: %s", type(exc.orig).__name__)
        return False


def begin(conn: sa.Connection, user: User, now: datetime) -> dict:
    """After a password sign-in (in its transaction): the stored session and the cookie order;
    returns what the Streamlit session keeps of it (the token's hash, never the token)."""
    token = sessions.start(conn, user.name, now, _idle())
    _order(Order(max_age=_max_age(), token=token))
    return {"token_hash": sessions.token_hash(token), "written": now}


def resume(now: datetime) -> tuple[User, dict] | None:
    """The user the request's cookie keeps signed in, and the session's keeping, or None."""
    token = session_cookie.request_token()
    if token is None:
        return None
    hashed = sessions.token_hash(token)
    if st.session_state.get(TRIED) == hashed:  # looked up already (e.g. signed out here since)
        return None
    st.session_state[TRIED] = hashed
    try:
        with _engine().begin() as conn:
            found = accounts.resumable(conn, token, now, _idle())
    except Exception:  # noqa: BLE001 - the sign-in form then; the log says why
        log.exception("could not look up the stored session")
        return None
    if found is None:
        _order(Order())
        return None

    def used(conn: sa.Connection) -> None:
        sessions.touch(conn, hashed, now, _idle())
        accounts.record(conn, found.name, "session_resumed", None, found.scope_code, now)

    written = _quick_write(used)
    _order(Order(max_age=_max_age(), renew=hashed))
    user = User(found.name, found.role, found.scope_code)
    return user, {"token_hash": hashed, "written": now if written else now - TOUCH_EVERY}


def stands(keeping: dict, user: User, now: datetime) -> bool:
    """Whether the stored session still stands; marks it used at most every TOUCH_EVERY."""
    hashed = keeping.get("token_hash")
    if hashed is None:
        return True
    try:
        with _engine().connect() as conn:
            standing = accounts.session_stands(conn, hashed, user.name)
    except Exception:  # noqa: BLE001 - the page's own reads fail then too; checked next run
        log.exception("could not check the stored session")
        return True
    if not standing:
        _order(Order())
        return False
    if now - keeping["written"] >= TOUCH_EVERY and _quick_write(
        lambda conn: sessions.touch(conn, hashed, now, _idle())
    ):
        keeping["written"] = now
        _order(Order(max_age=_max_age(), renew=hashed))
    return True


def used_elsewhere(keeping: dict, now: datetime) -> bool:
    """Whether another tab of the browser used the stored session within the idle time (the
    idle time is the browser's: a tab left alone stays signed in while another is used)."""
    hashed = keeping.get("token_hash")
    if hashed is None:
        return False
    try:
        with _engine().connect() as conn:
            return sessions.in_use(conn, hashed, now, _idle())
    except Exception:  # noqa: BLE001 - then the tab's own idle time decides
        log.exception("could not check the stored session")
        return False


def end(keeping: dict) -> None:
    """Sign-out or idle expiry: the stored session ends and the cookie is cleared."""
    hashed = keeping.get("token_hash")
    if hashed is None:
        return
    try:
        with _engine().begin() as conn:
            sessions.end(conn, hashed)
    except Exception:  # noqa: BLE001 - the cookie is cleared all the same
        log.exception("could not end the stored session")
    _order(Order())


# The order's script sits in a container the page hides, so it takes no room.
HIDDEN = "<style>.st-key-session_cookie { display: none; }</style>"


def render_order(where=st) -> None:
    """Put the script posting the waiting cookie order in the page (until it is fetched)."""
    key = st.session_state.get(ORDER)
    if key is None:
        return
    if not session_cookie.waiting(key):
        st.session_state.pop(ORDER, None)
        return
    where.html(HIDDEN)
    with where.container(key="session_cookie"):
        st.html(session_cookie.page_script(key), unsafe_allow_javascript=True)
