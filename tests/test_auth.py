"""Users and signing in: Argon2 hashes only, the same answer (and time) for an unknown name and a
wrong password, lock-out and its reset, the sign-in page before any page, idle expiry, sign-out,
the user-management command line and the audit rows."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard import auth
from dashboard.access import User, can_export, can_open
from queries import accounts
from warehouse import engine as wh_engine
from warehouse import schema, setup

APP = str(ROOT / "dashboard" / "app.py")
NOW = datetime(2022, 1, 10, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
pytestmark = pytest.mark.auth


def new_warehouse(url: str) -> sa.Engine:
    """An empty warehouse of this schema with the reference areas (no load needed)."""
    engine = wh_engine.make_engine(url)
    with engine.begin() as conn:
        setup.ensure_schema(conn)
        setup.refresh_reference(conn)
    return engine


def sign_in(conn, name, password, now=NOW, max_failures=3, lock_minutes=15):
    return accounts.authenticate(
        conn, name, password, now, max_failures=max_failures, lock_minutes=lock_minutes
    )


def audit(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT user_name, event, what, scope_code FROM audit_log ORDER BY event_id")
        ).all()


def users_cli(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.users", "--warehouse-url", url, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_passwords_are_stored_only_as_argon2_hashes(dbs):
    url = dbs.new_url("auth")
    engine = new_warehouse(url)
    done = users_cli(url, "add", "an.vb", "--role", "district", "--scope", "356", stdin=PASSWORD)
    assert done.returncode == 0, done.stderr
    with engine.connect() as conn:
        row = conn.execute(sa.select(schema.app_user)).one()._mapping
    assert row["password_hash"].startswith("$argon2id$")
    assert PasswordHasher().verify(row["password_hash"], PASSWORD)
    assert all(PASSWORD not in str(value) for value in row.values())
    assert (row["role"], row["scope_code"], row["active"]) == ("district", "356", True)
    if url.startswith("sqlite"):  # nowhere in the file either
        engine.dispose()
        path = Path(sa.make_url(url).database)
        assert PASSWORD.encode() not in path.read_bytes()
    # The command line takes no password argument at all.
    refused = users_cli(url, "add", "b.vb", "--role", "viewer", "--password", PASSWORD)
    assert refused.returncode == 2 and "unrecognized arguments" in refused.stderr


def test_user_commands_add_list_disable_reset_with_one_line_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = new_warehouse(url)
    assert users_cli(url, "add", "tinh", "--role", "province", stdin=PASSWORD).returncode == 0
    bad = users_cli(url, "add", "x.y", "--role", "district", "--scope", "999", stdin=PASSWORD)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines() == [
        "error: '999' is not a district code of the province (e.g. 356)"
    ]
    short = users_cli(url, "add", "x.y", "--role", "viewer", stdin="short")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    listed = users_cli(url, "list").stdout
    assert "tinh\tprovince\t36\tyes" in listed and "$argon2" not in listed
    assert users_cli(url, "disable", "tinh").returncode == 0
    with engine.begin() as conn:
        assert sign_in(conn, "tinh", PASSWORD).outcome == "failed"  # disabled: same answer
    assert users_cli(url, "reset-password", "tinh", stdin="another password").returncode == 0
    with engine.begin() as conn:
        assert sign_in(conn, "tinh", "another password").outcome == "ok"
    assert users_cli(url, "disable", "nobody").stderr.strip() == "error: no user 'nobody'"


def test_unknown_name_and_wrong_password_get_the_same_answer_and_lock_out_alike(dbs):
    engine = new_warehouse(dbs.new_url("auth"))
    with engine.begin() as conn:
        accounts.add_user(conn, "an.vb", PASSWORD, "district", "356", NOW)
    with engine.begin() as conn:
        wrong = sign_in(conn, "an.vb", "not the password")
        unknown = sign_in(conn, "nobody", "not the password")
    assert (wrong.outcome, wrong.account) == (unknown.outcome, unknown.account) == ("failed", None)
    # The third failure in a row locks the name, known or not; the right password is then
    # refused too, until the lock ends.
    with engine.begin() as conn:
        for name in ("an.vb", "nobody"):
            sign_in(conn, name, "again wrong", NOW + timedelta(minutes=1))
            third = sign_in(conn, name, "again wrong", NOW + timedelta(minutes=2))
            assert third.outcome == "locked"
        locked = sign_in(conn, "an.vb", PASSWORD, NOW + timedelta(minutes=10))
        assert locked.outcome == "locked" and locked.account is None
        assert locked.retry_after == NOW + timedelta(minutes=17)
        assert sign_in(conn, "an.vb", PASSWORD, NOW + timedelta(minutes=18)).outcome == "ok"
    # A reset lifts the lock at once.
    with engine.begin() as conn:
        for minute in range(3):
            sign_in(conn, "an.vb", "wrong", NOW + timedelta(minutes=20 + minute))
        assert sign_in(conn, "an.vb", PASSWORD, NOW + timedelta(minutes=24)).outcome == "locked"
        accounts.reset_password(conn, "an.vb", "a new password", NOW + timedelta(minutes=25))
        ok = sign_in(conn, "an.vb", "a new password", NOW + timedelta(minutes=26))
    assert ok.outcome == "ok" and ok.account == accounts.Account("an.vb", "district", "356")
    events = [(u, e) for u, e, _, _ in audit(engine)]
    assert events.count(("an.vb", "sign_in_failed")) == 6
    assert events.count(("nobody", "sign_in_failed")) == 3
    assert events.count(("an.vb", "sign_in_locked")) == 2
    assert events.count(("an.vb", "sign_in")) == 2
    assert ("an.vb", "password_reset") in events


def test_unknown_name_and_wrong_password_take_the_same_time(tmp_path):
    engine = new_warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        accounts.add_user(conn, "an.vb", PASSWORD, "district", "356", NOW)
    times: dict[str, list[float]] = {"an.vb": [], "nobody": []}
    for i in range(12):
        for name in ("an.vb", "nobody") if i % 2 else ("nobody", "an.vb"):
            with engine.begin() as conn:
                start = time.perf_counter()
                result = sign_in(conn, name, f"wrong {i}", max_failures=1000)
                times[name].append(time.perf_counter() - start)
            assert result.outcome == "failed"
    wrong, unknown = statistics.median(times["an.vb"]), statistics.median(times["nobody"])
    # An Argon2 verification dominates both (tens of milliseconds); without the dummy hash
    # an unknown name would answer in well under a millisecond.
    assert min(wrong, unknown) > 0.005
    assert abs(wrong - unknown) / max(wrong, unknown) < 0.35, (wrong, unknown)


def test_loads_leave_the_users_and_the_audit_log_alone(dbs, tmp_path):
    from page_support import etl
    from platform_builder import create_platform, tiny_platform_rows

    platform = f"sqlite:///{tmp_path / 'p.db'}"
    rows = tiny_platform_rows()
    create_platform(platform, rows)
    url = etl(platform, dbs.new_url("keep"))
    engine = wh_engine.make_engine(url)
    with engine.begin() as conn:
        accounts.add_user(conn, "an.vb", PASSWORD, "district", "356", NOW)
        sign_in(conn, "an.vb", PASSWORD)
    before = audit(engine)
    etl(platform, url)  # a second load (nothing new)
    with engine.begin() as conn:
        assert [u["user_name"] for u in accounts.list_users(conn)] == ["an.vb"]
        assert sign_in(conn, "an.vb", PASSWORD).outcome == "ok"
    assert audit(engine)[: len(before)] == before
    engine.dispose()


def test_roles_decide_pages_and_exports():
    province, district = User("t", "province", "36"), User("h", "district", "356")
    viewer = User("v", "viewer", "356")
    assert can_export(province) and can_export(district) and not can_export(viewer)
    assert not can_export(None)
    assert can_open(province, "quality") and not can_open(district, "quality")
    assert not can_open(viewer, "quality") and can_open(viewer, "overview")
    assert viewer.allowed.code == "356" and province.allowed.is_province


# --- the sign-in page (AppTest) --------------------------------------------------------------
@pytest.fixture
def app_warehouse(small_province, tmp_path) -> tuple[str, sa.Engine]:
    """A copy of the small simulated province (the shared one stays read only), with a
    province user and a district user."""
    source = Path(sa.make_url(small_province[1]).database)
    shutil.copy(source, tmp_path / "w.db")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = wh_engine.make_engine(url)
    with engine.begin() as conn:
        accounts.add_user(conn, "tinh", PASSWORD, "province", "36", NOW)
        accounts.add_user(conn, "huyen", PASSWORD, "district", "356", NOW)
    return url, engine


def open_app(url: str, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def submit(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_nothing_renders_before_signing_in_and_both_failures_read_the_same(
    app_warehouse, monkeypatch
):
    url, engine = app_warehouse
    at = open_app(url, monkeypatch, lang="en", district="360")
    assert [s.value for s in at.subheader] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    submit(at, "huyen", "wrong password")
    wrong = [e.value for e in at.error]
    submit(at, "nobody", "wrong password")
    assert [e.value for e in at.error] == wrong == ["The user name or the password is not right."]
    assert not at.metric
    submit(at, "huyen", PASSWORD)
    assert [t.value for t in at.title] == ["Weekly overview"]
    # The link asked for another district: refused, the user's own district shown.
    warnings = [w.value for w in at.warning]
    assert any("Code 360 is outside the area your account may see" in w for w in warnings)
    assert at.sidebar.selectbox[1].value == "356" and at.sidebar.selectbox[1].options == [
        "Thành phố Nam Định"
    ]
    events = [(u, e, w) for u, e, w, _ in audit(engine)]
    assert events[:3] == [
        ("huyen", "sign_in_failed", None),
        ("nobody", "sign_in_failed", None),
        ("huyen", "sign_in", None),
    ]
    assert events[3] == ("huyen", "refused", "link: 360")
    # Signing out: back to the form, recorded.
    at.sidebar.button(key="sign_out").click()
    at.run()
    assert [s.value for s in at.subheader] == ["Sign in"] and not at.metric
    assert [i.value for i in at.info] == ["Signed out."]
    assert audit(engine)[-1][:2] == ("huyen", "sign_out")


def test_a_session_idle_longer_than_the_setting_ends(app_warehouse, monkeypatch):
    url, engine = app_warehouse
    monkeypatch.setenv("VAX_SESSION_IDLE_MINUTES", "20")
    at = submit(open_app(url, monkeypatch), "tinh", PASSWORD)
    assert [t.value for t in at.title] == ["Tổng quan tuần"]
    session = at.session_state[auth.SESSION]
    session["last_seen"] = datetime.now(UTC) - timedelta(minutes=19)
    at.session_state[auth.SESSION] = session
    at.run()
    assert [t.value for t in at.title] == ["Tổng quan tuần"]  # 19 minutes: still signed in
    session = at.session_state[auth.SESSION]
    session["last_seen"] = datetime.now(UTC) - timedelta(minutes=21)
    at.session_state[auth.SESSION] = session
    # The browser's stored session (any tab of it) unused for as long.
    with engine.begin() as conn:
        conn.execute(
            schema.app_session.update().values(
                last_seen_at=datetime.now(UTC) - timedelta(minutes=21),
                expires_at=datetime.now(UTC) - timedelta(minutes=1),
            )
        )
    at.run()
    assert [s.value for s in at.subheader] == ["Đăng nhập"] and not at.metric
    assert [i.value for i in at.info] == [
        "Phiên làm việc đã hết hạn sau 20 phút không thao tác. Hãy đăng nhập lại."
    ]
    assert audit(engine)[-1][:2] == ("tinh", "session_expired")


def test_province_users_see_the_audit_log_on_the_quality_page(app_warehouse, monkeypatch):
    url, _ = app_warehouse
    at = submit(open_app(url, monkeypatch, lang="en"), "tinh", PASSWORD)
    at.switch_page("app_pages/quality.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    log = [d.value for d in at.dataframe if "Event" in d.value.columns]
    assert log and list(log[0]["User"])[0] == "tinh"
    assert list(log[0]["Event"])[0] == "signed in"


def test_sign_in_off_opens_as_the_province_under_a_red_banner(small_province, monkeypatch):
    monkeypatch.setenv("VAX_AUTH", "off")
    at = open_app(small_province[1], monkeypatch, lang="en")
    assert [t.value for t in at.title] == ["Weekly overview"]
    assert at.error[0].value.startswith("SIGN-IN IS OFF (VAX_AUTH=off)")
