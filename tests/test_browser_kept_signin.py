"""A password sign-in kept across reloads and tabs, in a real browser against the dashboard as it
is served (`dashboard/serve.py`): the cookie's attributes, a reload and a new tab of the same
browser signed in on the same address, sign-out ending it everywhere, a forged or altered cookie
getting the sign-in form (and its cookie cleared), an idle session and a disabled user ended,
the cookie route refusing what is not its page's, and the token kept out of the warehouse and
the server's log."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT
from test_browser import (
    browser,  # noqa: F401 - fixtures of the browser tests
    chromium,  # noqa: F401
    problems,
    title,
    wait_for,
    wait_idle,
)
from test_browser_signin import PASSWORD, signin_server  # noqa: F401 - the server fixture

from dashboard import session_cookie
from warehouse import engine as wh_engine

pytestmark = [pytest.mark.browser, pytest.mark.auth]
COOKIE = session_cookie.COOKIE
IDLE_SECONDS = 30 * 60  # the default VAX_SESSION_IDLE_MINUTES


def new_tab(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    return context, tab


def sign_in(tab, address: str, name: str = "huyen") -> None:
    tab.goto(address)
    wait_idle(tab)
    tab.get_by_label("User name").fill(name)
    tab.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    wait_idle(tab)


def cookie(context) -> dict | None:
    found = [c for c in context.cookies() if c["name"] == COOKIE]
    return found[0] if found else None


def rerun(tab) -> None:
    """A new run of the tab's session without loading the page again (Streamlit's R key)."""
    tab.locator("[data-testid='stMain'] h1").first.click()
    tab.keyboard.press("r")
    wait_idle(tab)


def form_shown(tab) -> bool:
    main = tab.locator("[data-testid='stMain']")
    return main.get_by_role("heading", name="Sign in").count() == 1


def sessions_of(url: str, name: str) -> list[dict]:
    engine = wh_engine.make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT * FROM app_session WHERE user_name = :n"), {"n": name}
            ).mappings()
            return [dict(r) for r in rows]
    finally:
        engine.dispose()


def every_value(url: str) -> str:
    """Every value of every table of the warehouse's accounts, as text."""
    engine = wh_engine.make_engine(url)
    try:
        with engine.connect() as conn:
            return "\n".join(
                str(tuple(row))
                for table in ("app_user", "audit_log", "app_session")
                for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
            )
    finally:
        engine.dispose()


def audit_events(url: str, name: str) -> list[str]:
    engine = wh_engine.make_engine(url)
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    sa.text("SELECT event FROM audit_log WHERE user_name = :n ORDER BY event_id"),
                    {"n": name},
                ).scalars()
            )
    finally:
        engine.dispose()


def test_a_sign_in_survives_a_reload_and_a_new_tab_until_sign_out(signin_server, browser):  # noqa: F811
    context, tab = new_tab(browser)
    address = f"{signin_server.url}/coverage?lang=en"
    sign_in(tab, address)
    assert title(tab) == "Coverage by district" and problems(tab) == []
    assert wait_for(lambda: cookie(context) is not None), "no session cookie was set"
    kept = cookie(context)
    assert kept["httpOnly"] and kept["sameSite"] == "Strict" and kept["path"] == "/"
    assert not kept["secure"]  # served over http here; Secure over https
    assert abs(kept["expires"] - (time.time() + IDLE_SECONDS)) < 120  # Max-Age: the idle time
    assert tab.evaluate("document.cookie").find(COOKIE) == -1  # no script of the page reads it
    token = kept["value"]
    assert len(token) == 43  # token_urlsafe(32)
    # Only the token's hash is stored, and the token is in no table, file or log.
    rows = sessions_of(signin_server.warehouse, "huyen")
    assert [r["token_hash"] for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in every_value(signin_server.warehouse)
    database = Path(sa.make_url(signin_server.warehouse).database)
    for path in database.parent.glob(database.name + "*"):  # the file, its -wal and -shm
        assert token.encode() not in path.read_bytes(), path.name
    address = tab.url
    tab.reload()
    wait_idle(tab)
    assert tab.url == address and title(tab) == "Coverage by district" and not form_shown(tab)
    assert "huyen" in tab.locator("[data-testid='stSidebar']").inner_text()
    other = context.new_page()
    other.goto(address)
    wait_idle(other)
    assert other.url == address and title(other) == "Coverage by district"
    assert not form_shown(other) and problems(other) == []
    events = audit_events(signin_server.warehouse, "huyen")
    assert events.count("sign_in") == 1 and events.count("session_resumed") == 2
    # Sign-out: the stored session ends and the cookie is cleared; after a reload, the form.
    tab.locator("[data-testid='stSidebar']").get_by_role("button", name="Sign out").click()
    wait_idle(tab)
    assert tab.get_by_text("Signed out.", exact=True).count() == 1
    assert wait_for(lambda: cookie(context) is None), "sign-out left the cookie"
    assert sessions_of(signin_server.warehouse, "huyen") == []
    tab.reload()
    wait_idle(tab)
    assert form_shown(tab) and tab.locator("[data-testid='stMetric']").count() == 0
    # The other tab's session ended with it: its next action shows the form.
    rerun(other)
    assert form_shown(other)
    assert token not in signin_server.log.read_text(errors="replace")
    context.close()


def test_a_forged_or_altered_cookie_gets_the_sign_in_form(signin_server, browser):  # noqa: F811
    context, tab = new_tab(browser)
    sign_in(tab, f"{signin_server.url}/?lang=en")
    assert wait_for(lambda: cookie(context) is not None)
    token = cookie(context)["value"]
    host = signin_server.url.split("//")[1].split(":")[0]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for value in (altered, "forged-" + token[7:], "x" * 500):
        forger, forged_tab = new_tab(browser)
        forger.add_cookies([{"name": COOKIE, "value": value, "domain": host, "path": "/"}])
        forged_tab.goto(f"{signin_server.url}/coverage?lang=en")
        wait_idle(forged_tab)
        assert form_shown(forged_tab), value
        assert forged_tab.locator("[data-testid='stSidebar']").count() == 0
        assert wait_for(lambda f=forger: cookie(f) is None), "the bad cookie was not cleared"
        forger.close()
    # The real session is untouched by the attempts.
    tab.reload()
    wait_idle(tab)
    assert not form_shown(tab) and title(tab) == "Weekly overview"
    context.close()


def test_an_idle_session_and_a_disabled_user_are_not_resumed(signin_server, browser):  # noqa: F811
    context, tab = new_tab(browser)
    sign_in(tab, f"{signin_server.url}/?lang=en", name="xem")
    assert wait_for(lambda: cookie(context) is not None)
    # Idle longer than the idle time (as stored): the reload gets the form, the row is gone.
    engine = wh_engine.make_engine(signin_server.warehouse)
    with engine.begin() as conn:
        past = datetime.now(UTC) - timedelta(minutes=31)
        conn.execute(
            sa.text("UPDATE app_session SET last_seen_at = :t, expires_at = :e"),
            {"t": past, "e": past + timedelta(minutes=30)},
        )
    engine.dispose()
    tab.reload()
    wait_idle(tab)
    assert form_shown(tab) and sessions_of(signin_server.warehouse, "xem") == []
    assert wait_for(lambda: cookie(context) is None)
    # Disabling the user ends a live session (its next action) and its cookie's use.
    sign_in(tab, f"{signin_server.url}/?lang=en", name="xem")
    assert wait_for(lambda: cookie(context) is not None)
    other = context.new_page()
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.users", "--warehouse-url", signin_server.warehouse,
         "disable", "xem"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and "1 session ended" in done.stdout, done.stderr
    other.goto(f"{signin_server.url}/?lang=en")
    wait_idle(other)
    assert form_shown(other)
    rerun(tab)
    assert form_shown(tab)
    assert tab.get_by_text("The session has ended", exact=False).count() == 1
    context.close()


def _post(base: str, body: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        base + session_cookie.PATH, data=body.encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_cookie_route_answers_only_its_own_page_once(signin_server):  # noqa: F811
    key = json.dumps("")  # any key: none is waiting in the server for this test
    assert _post(signin_server.url, "unknown-key", {}) == 403  # without the page's header
    cross = {session_cookie.HEADER: "1", "Sec-Fetch-Site": "cross-site"}
    assert _post(signin_server.url, "unknown-key", cross) == 403
    assert _post(signin_server.url, "unknown-key", {session_cookie.HEADER: "1"}) == 404
    assert _post(signin_server.url, key * 40, {session_cookie.HEADER: "1"}) == 404
