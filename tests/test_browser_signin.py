"""Signing in through a real browser, in Vietnamese and in English: the form comes before any
page, a wrong password is refused with one line in the user's language, the right one opens the
page the link asked for, in the user's own district, and signing out returns to the form.

The server is started as it is served (`dashboard/serve.py`, with the route of the sign-in
cookie); tests/test_browser_kept_signin.py uses the same one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT
from test_browser import (
    SERVER_START_TIMEOUT,
    Server,
    _free_port,
    _healthy,
    _stop,
    browser,  # noqa: F401 - fixtures of the browser tests
    chromium,  # noqa: F401
    page,  # noqa: F401
    problems,
    title,
    wait_idle,
)

from queries import accounts
from warehouse import engine as wh_engine

pytestmark = [pytest.mark.browser, pytest.mark.auth]
PASSWORD = "a browser password"
SERVE = ROOT / "dashboard" / "serve.py"
SHOTS = os.environ.get("SIGNIN_SCREENSHOTS")  # a folder to keep the screenshots in


@pytest.fixture(scope="module")
def signin_server(chromium, warehouses, tmp_path_factory) -> Iterator[Server]:  # noqa: F811
    """The dashboard with sign-in on, over a copy of the tiny warehouse with a district user."""
    tmp = tmp_path_factory.mktemp("signin")
    shutil.copy(Path(sa.make_url(warehouses.tiny()).database), tmp / "w.db")
    url = f"sqlite:///{tmp / 'w.db'}"
    engine = wh_engine.make_engine(url)
    with engine.begin() as conn:
        accounts.add_user(conn, "huyen", PASSWORD, "district", "356", datetime.now(UTC))
        accounts.add_user(conn, "xem", PASSWORD, "viewer", "356", datetime.now(UTC))
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if k != "VAX_AUTH"}
    env["VAX_WAREHOUSE_URL"] = url
    port = _free_port()
    running = Server(f"http://127.0.0.1:{port}", tmp / "streamlit.log", url)
    with running.log.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(SERVE), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(running.url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start\n{running.tail()}")
            time.sleep(0.2)
        yield running
    finally:
        _stop(proc)


def _fill(tab, name_label: str, password_label: str, name: str, password: str, submit: str):
    tab.get_by_label(name_label).fill(name)
    tab.get_by_label(password_label, exact=True).fill(password)
    tab.get_by_role("button", name=submit).click()
    wait_idle(tab)


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "vi",
            ("Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Tên đăng nhập hoặc mật khẩu không đúng.",
             "Độ bao phủ", "Đăng xuất", "Đã đăng xuất."),
        ),
        (
            "en",
            ("Sign in", "User name", "Password", "The user name or the password is not right.",
             "Coverage by district", "Sign out", "Signed out."),
        ),
    ],
)  # fmt: skip
def test_sign_in_wrong_then_right_then_out(signin_server, page, lang, words):  # noqa: F811
    heading, name_label, password_label, refused, coverage, sign_out, signed_out = words
    page.goto(f"{signin_server.url}/coverage?lang={lang}")
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    assert main.get_by_role("heading", name=heading).count() == 1
    assert page.locator("[data-testid='stSidebar']").count() == 0  # no page, no filters
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/signin_{lang}.png")
    _fill(page, name_label, password_label, "huyen", "not the password", heading)
    assert page.get_by_text(refused, exact=True).count() == 1
    assert page.locator("[data-testid='stMetric']").count() == 0
    _fill(page, name_label, password_label, "huyen", PASSWORD, heading)
    assert title(page) == coverage and problems(page) == []  # the page the link asked for
    sidebar = page.locator("[data-testid='stSidebar']")
    assert "Thành phố Nam Định" in sidebar.inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/district_overview_{lang}.png", full_page=True)
    sidebar.get_by_role("button", name=sign_out).click()
    wait_idle(page)
    assert page.get_by_text(signed_out, exact=True).count() == 1
    assert page.locator("[data-testid='stMetric']").count() == 0


@pytest.mark.parametrize("user, may_export", [("xem", False), ("huyen", True)])
def test_a_viewer_gets_no_table_or_image_download(signin_server, page, user, may_export):  # noqa: F811
    page.goto(f"{signin_server.url}/stock?lang=en&from=2021-06-01&to=2021-09-30")
    wait_idle(page)
    _fill(page, "User name", "Password", user, PASSWORD, "Sign in")
    assert title(page) == "Vaccine and stock" and problems(page) == []
    table = page.locator("[data-testid='stDataFrame']:visible").first
    table.scroll_into_view_if_needed()
    table.hover()
    download = page.locator("[data-testid='stElementToolbar'] button[aria-label='Download as CSV']")
    assert download.count() > 0  # the toolbar is there, its download button shown or not
    assert any(download.nth(i).is_visible() for i in range(download.count())) == may_export
    images = page.locator(".modebar-btn[data-title*='PNG'], .modebar-btn[data-title*='png']")
    assert (images.count() > 0) == may_export
