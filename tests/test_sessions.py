"""Stored sessions that keep a password sign-in across reloads and tabs: only the token's hash in
the warehouse, sliding idle expiry, disabling or resetting a user ending their sessions (both
dialects), a warehouse made before the sessions table getting it, the dashboard storing a
session at sign-in and ending it at sign-out, idle expiry or a change of the user, the token in
no table, file or log line, and the cookie route's answers."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.requests import Request
from test_auth import (  # noqa: F401 - app_warehouse is a fixture
    NOW,
    PASSWORD,
    app_warehouse,
    audit,
    new_warehouse,
    open_app,
    submit,
    users_cli,
)

from dashboard import auth, kept_signin, session_cookie
from dashboard.session_cookie import Order
from etl.run import connect_warehouse
from queries import accounts, sessions
from warehouse import schema, setup

pytestmark = pytest.mark.auth
IDLE = timedelta(minutes=30)


def stored(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(schema.app_session))]


def every_value(engine: sa.Engine) -> str:
    """Every value of the account tables, as text."""
    with engine.connect() as conn:
        return "\n".join(
            str(tuple(row))
            for table in schema.ACCOUNT_TABLES
            for row in conn.execute(sa.select(table))
        )


def test_only_the_hash_is_stored_and_a_session_ends_when_idle(dbs):
    engine = new_warehouse(dbs.new_url("sessions"))
    with engine.begin() as conn:
        accounts.add_user(conn, "an.vb", PASSWORD, "district", "356", NOW)
        token = sessions.start(conn, "an.vb", NOW, IDLE)
    assert len(token) == 43  # token_urlsafe(32)
    [row] = stored(engine)
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert row["user_name"] == "an.vb" and token not in every_value(engine)
    assert sessions._aware(row["expires_at"]) == NOW + IDLE
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with engine.begin() as conn:
        assert sessions.find(conn, token, NOW + timedelta(minutes=29), IDLE) == "an.vb"
        for bad in (altered, "", "x" * 500, token + token):
            assert sessions.find(conn, bad, NOW + timedelta(minutes=1), IDLE) is None
        # Used at 29 minutes: it lasts to 59; idle from then on, it ends (and is deleted).
        sessions.touch(conn, sessions.token_hash(token), NOW + timedelta(minutes=29), IDLE)
        assert sessions.find(conn, token, NOW + timedelta(minutes=58), IDLE) == "an.vb"
        assert sessions.find(conn, token, NOW + timedelta(minutes=60), IDLE) is None
        assert sessions.count(conn) == 0
        # A shorter idle time than the one it was stored with applies at once.
        token = sessions.start(conn, "an.vb", NOW, IDLE)
        assert sessions.find(conn, token, NOW + timedelta(minutes=10), timedelta(minutes=5)) is None
        # Sessions that ended more than an idle time ago go when a new one starts.
        sessions.start(conn, "an.vb", NOW, IDLE)
        sessions.start(conn, "an.vb", NOW + timedelta(minutes=50), IDLE)
        assert sessions.count(conn) == 2
        sessions.start(conn, "an.vb", NOW + timedelta(hours=2), IDLE)
        assert sessions.count(conn, "an.vb") == 1
    engine.dispose()


def test_disabling_or_resetting_a_user_ends_their_sessions(dbs):
    url = dbs.new_url("sessions")
    engine = new_warehouse(url)
    with engine.begin() as conn:
        accounts.add_user(conn, "an.vb", PASSWORD, "district", "356", NOW)
        accounts.add_user(conn, "binh", PASSWORD, "viewer", "356", NOW)
        first = sessions.start(conn, "an.vb", NOW, IDLE)
        sessions.start(conn, "an.vb", NOW, IDLE)
        sessions.start(conn, "binh", NOW, IDLE)
        assert accounts.session_stands(conn, sessions.token_hash(first), "an.vb")
        assert not accounts.session_stands(conn, sessions.token_hash(first), "binh")
        assert accounts.resumable(conn, first, NOW, IDLE) == accounts.Account(
            "an.vb", "district", "356"
        )
        assert accounts.reset_password(conn, "an.vb", "a new password", NOW) == 2
        assert sessions.count(conn, "an.vb") == 0 and sessions.count(conn, "binh") == 1
        assert accounts.resumable(conn, first, NOW, IDLE) is None
        assert not accounts.session_stands(conn, sessions.token_hash(first), "an.vb")
        sessions.start(conn, "an.vb", NOW, IDLE)
    done = users_cli(url, "disable", "an.vb")
    assert done.returncode == 0 and done.stdout.strip() == "disabled an.vb; 1 session ended"
    reset = users_cli(url, "reset-password", "binh", stdin="another password")
    assert reset.returncode == 0 and reset.stdout.strip().endswith("; 1 session ended")
    with engine.begin() as conn:
        assert sessions.count(conn) == 0
        # A user made inactive some other way: the session is not resumed, and it ends.
        token = sessions.start(conn, "binh", NOW, IDLE)
        conn.execute(schema.app_user.update().values(active=False))
        assert accounts.resumable(conn, token, NOW, IDLE) is None
        assert sessions.count(conn) == 0
    engine.dispose()


def test_a_warehouse_made_before_the_sessions_table_gets_it(dbs):
    url = dbs.new_url("sessions")
    engine = new_warehouse(url)
    with engine.begin() as conn:
        accounts.add_user(conn, "an.vb", PASSWORD, "district", "356", NOW)
        conn.execute(sa.text("DROP TABLE app_session"))
    with engine.begin() as conn:
        assert not setup.ensure_schema(conn)
        assert "app_session" in sa.inspect(conn).get_table_names()
        conn.execute(sa.text("DROP TABLE app_session"))
    connect_warehouse(url).dispose()  # what a load does first
    with engine.begin() as conn:
        assert "app_session" in sa.inspect(conn).get_table_names()
        conn.execute(sa.text("DROP TABLE app_session"))
    assert users_cli(url, "disable", "an.vb").returncode == 0  # the command line makes it
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE app_session"))
    with engine.begin() as conn:  # and so does a sign-in
        sessions.start(conn, "an.vb", NOW, IDLE)
    assert len(stored(engine)) == 1
    engine.dispose()


# --- the dashboard (AppTest) -------------------------------------------------------------------
@pytest.fixture
def served(monkeypatch):
    """As when served through dashboard/serve.py: the cookie route is mounted."""
    monkeypatch.setattr(session_cookie, "_mounted", threading.Event())
    session_cookie.route()


def test_signing_in_stores_a_session_and_sign_out_ends_it(
    app_warehouse,  # noqa: F811
    monkeypatch,
    served,
    caplog,
):
    url, engine = app_warehouse
    caplog.set_level(logging.DEBUG)
    at = submit(open_app(url, monkeypatch, lang="en"), "huyen", PASSWORD)
    assert [t.value for t in at.title] == ["Weekly overview"]
    [row] = stored(engine)
    kept = at.session_state[auth.SESSION]["kept"]
    assert row["user_name"] == "huyen" and kept["token_hash"] == row["token_hash"]
    order = session_cookie.take(at.session_state[kept_signin.ORDER])
    assert order.max_age == 30 * 60 and order.renew is None
    token = order.token
    assert sessions.token_hash(token) == row["token_hash"]
    assert token not in repr(order) and token not in repr(at.session_state[auth.SESSION])
    # The token is in no table, no file of the warehouse and no log line.
    assert token not in every_value(engine)
    database = Path(sa.make_url(url).database)
    for path in database.parent.glob(database.name + "*"):
        assert token.encode() not in path.read_bytes(), path.name
    assert caplog.records and token not in caplog.text
    at.sidebar.button(key="sign_out").click()
    at.run()
    assert [i.value for i in at.info] == ["Signed out."] and stored(engine) == []
    assert session_cookie.take(at.session_state[kept_signin.ORDER]) == Order()  # clear it
    assert [e for _, e, _, _ in audit(engine)] == ["sign_in", "sign_out"]


def test_a_disabled_user_s_open_session_ends_at_its_next_run(app_warehouse, monkeypatch):  # noqa: F811
    url, engine = app_warehouse
    at = submit(open_app(url, monkeypatch, lang="en"), "huyen", PASSWORD)
    at.run()
    assert [t.value for t in at.title] == ["Weekly overview"]
    done = users_cli(url, "disable", "huyen")
    assert done.stdout.strip() == "disabled huyen; 1 session ended"
    at.run()
    assert [s.value for s in at.subheader] == ["Sign in"] and not at.metric
    assert [i.value for i in at.info] == [
        "The session has ended (signed out in another tab, or the account was changed). "
        "Please sign in again."
    ]


def test_a_tab_left_idle_ends_only_when_no_tab_used_the_session(app_warehouse, monkeypatch):  # noqa: F811
    url, engine = app_warehouse
    at = submit(open_app(url, monkeypatch), "tinh", PASSWORD)
    [row] = stored(engine)

    def idle_tab() -> None:
        session = at.session_state[auth.SESSION]
        session["last_seen"] = datetime.now(UTC) - timedelta(minutes=31)
        at.session_state[auth.SESSION] = session

    # This tab idle 31 minutes, but another tab of the browser used the session just now.
    idle_tab()
    at.run()
    assert [t.value for t in at.title] == ["Tổng quan tuần"]
    # No tab used it: the session ends, stored session and all.
    with engine.begin() as conn:
        sessions.touch(conn, row["token_hash"], datetime.now(UTC) - timedelta(minutes=31), IDLE)
    idle_tab()
    at.run()
    assert [s.value for s in at.subheader] == ["Đăng nhập"] and stored(engine) == []
    assert [e for _, e, _, _ in audit(engine)][-1] == "session_expired"


def test_with_sign_in_off_no_session_is_stored(app_warehouse, monkeypatch, served):  # noqa: F811
    url, engine = app_warehouse
    monkeypatch.setenv("VAX_AUTH", "off")
    at = open_app(url, monkeypatch, lang="en")
    assert [t.value for t in at.title] == ["Weekly overview"]
    assert stored(engine) == [] and kept_signin.ORDER not in at.session_state


# --- the cookie route --------------------------------------------------------------------------
def post(key: str, headers: dict[str, str] | None = None, cookie: str | None = None):
    """The route's answer to a POST of `key`, through its real handler."""
    headers = {session_cookie.HEADER: "1", **(headers or {})}
    if cookie is not None:
        headers["Cookie"] = f"{session_cookie.COOKIE}={cookie}"
    scope = {
        "type": "http", "method": "POST", "path": session_cookie.PATH, "scheme": "http",
        "server": ("127.0.0.1", 8501), "query_string": b"", "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip

    async def receive() -> dict:
        return {"type": "http.request", "body": key.encode(), "more_body": False}

    return asyncio.run(session_cookie.answer(Request(scope, receive)))


def set_cookie(response) -> str:
    return response.headers.get("set-cookie", "")


def test_the_cookie_route_sets_renews_and_clears_once_per_order():
    token = sessions.new_token()
    key = session_cookie.hand(Order(max_age=1800, token=token))
    answer = post(key)
    assert answer.status_code == 204
    header = set_cookie(answer)
    assert header.startswith(f"{session_cookie.COOKIE}={token};")
    assert all(part in header for part in ("HttpOnly", "Max-Age=1800", "Path=/"))
    assert "samesite=strict" in header.lower() and "Secure" not in header
    assert post(key).status_code == 404  # once
    over_https = session_cookie.hand(Order(max_age=1800, token=token))
    assert "Secure" in set_cookie(post(over_https, {"X-Forwarded-Proto": "https"}))
    renew = Order(max_age=600, renew=sessions.token_hash(token))
    assert post(session_cookie.hand(renew), cookie="another").status_code == 409
    renewed = post(session_cookie.hand(renew), cookie=token)
    assert renewed.status_code == 204 and "Max-Age=600" in set_cookie(renewed)
    assert set_cookie(renewed).startswith(f"{session_cookie.COOKIE}={token};")
    cleared = set_cookie(post(session_cookie.hand(Order())))
    assert cleared.startswith(f'{session_cookie.COOKIE}="";') and "Max-Age=0" in cleared
    for refused in ({session_cookie.HEADER: "0"}, {"Sec-Fetch-Site": "cross-site"}):
        waiting = session_cookie.hand(Order())
        assert post(waiting, refused).status_code == 403
        assert session_cookie.waiting(waiting)  # a refused request does not use the order
