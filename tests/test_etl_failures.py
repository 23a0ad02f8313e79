"""Failures that must end in one clear line (exit status 2, no traceback): files that are not
databases, a read-only warehouse, two loads started at once, the platform given as the
warehouse; and a load killed part way, which `etl status` shows as interrupted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from platform_builder import create_platform, tiny_platform_rows
from test_etl import ENV, etl, load, scalar
from warehouse_snapshot import assert_same, snapshot


def queries(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "queries", *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line(done: subprocess.CompletedProcess, *expected: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("[etl]")]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    for text in expected:
        assert text in lines[0], done.stderr


def test_a_file_that_is_not_a_database_gives_one_line(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(64 * 1024))
    junk_url = f"sqlite:///{junk}"
    platform = f"sqlite:///{tmp_path / 'platform.db'}"
    create_platform(platform, tiny_platform_rows())
    warehouse = f"sqlite:///{tmp_path / 'wh.db'}"
    assert_one_line(load(junk_url, warehouse, check=False), "file is not a database")
    assert_one_line(load(platform, junk_url, check=False), "file is not a database")
    assert_one_line(
        etl("status", "--warehouse-url", junk_url, check=False), "file is not a database"
    )
    assert_one_line(queries("sessions", "--warehouse-url", junk_url), "file is not a database")


def test_a_read_only_warehouse_gives_one_line(tmp_path):
    platform = f"sqlite:///{tmp_path / 'platform.db'}"
    create_platform(platform, tiny_platform_rows())
    path = tmp_path / "wh.db"
    load(platform, f"sqlite:///{path}")
    # (Permissions do not stop root: there the file is made immutable instead.)
    root = os.geteuid() == 0
    if root and shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: cannot make a read-only file")
    if root:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    else:
        path.chmod(0o444)
    try:
        done = load(platform, f"sqlite:///{path}", check=False)
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    assert_one_line(done, "readonly database")


def test_the_platform_given_as_the_warehouse_is_never_advised_deleted(tmp_path):
    platform_file = tmp_path / "platform.db"
    platform = f"sqlite:///{platform_file}"
    create_platform(platform, tiny_platform_rows())
    for done in (
        queries("sessions", "--warehouse-url", platform),
        etl("status", "--warehouse-url", platform, check=False),
        load(platform, platform, check=False),
    ):
        assert_one_line(done, "not a warehouse")
        assert "Delete" not in done.stderr


def test_an_export_period_beyond_the_data_is_clamped_and_says_so(tmp_path):
    platform = f"sqlite:///{tmp_path / 'platform.db'}"
    create_platform(platform, tiny_platform_rows())
    warehouse = f"sqlite:///{tmp_path / 'wh.db'}"
    load(platform, warehouse)
    default = queries("coverage", "--warehouse-url", warehouse)
    wide = queries(
        "coverage", "--warehouse-url", warehouse, "--from", "1900-01-01", "--to", "2100-12-31"
    )
    assert wide.returncode == 0, wide.stderr
    assert wide.stdout == default.stdout
    assert "--from 1900-01-01 is before the data" in wide.stderr
    assert "--to 2100-12-31 is after the data" in wide.stderr
    assert default.stderr == ""


def test_two_loads_started_at_once_on_a_new_warehouse(dbs):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    cmd = [sys.executable, "-m", "etl", "run", "--platform-url", platform]
    procs = [
        subprocess.Popen(
            [*cmd, "--warehouse-url", warehouse],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for code, err in outcomes:
        assert "Traceback" not in err, err
        assert code == 0 or (code == 2 and "another ETL run is in progress" in err), err
    assert 0 in [code for code, _ in outcomes]
    full = dbs.new_url("wh")
    load(platform, full)
    if not all(code == 0 for code, _ in outcomes):
        assert_same(snapshot(warehouse), snapshot(full))


def test_a_killed_load_is_shown_as_interrupted(dbs):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform]
        + ["--warehouse-url", warehouse],
        cwd=ROOT,
        env={**ENV, "VAX_ETL_PAUSE_AT": "marts"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in proc.stderr:
            if "paused at marts" in line:
                break
        during = etl("status", "--warehouse-url", warehouse).stdout
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    assert "A load is in progress now." in during
    assert "running" in during
    time.sleep(0.2)
    after = etl("status", "--warehouse-url", warehouse).stdout
    assert "interrupted" in after and "Unfinished runs: 1 interrupted" in after
    assert "running" not in after
    # The next load marks it so in the log.
    load(platform, warehouse)
    assert scalar(warehouse, "SELECT status FROM etl_run WHERE run_id = 2") == "interrupted"
    assert "Unfinished runs: 1 interrupted" in etl("status", "--warehouse-url", warehouse).stdout


def test_reading_a_platform_file_leaves_its_journal_mode(tmp_path):
    # Switching a source file to WAL is a write that needs its exclusive lock: two loads
    # starting at once could meet "database is locked" there. The ETL only reads a platform.
    import sqlite3

    from etl.run import connect_source

    path = tmp_path / "platform.db"
    create_platform(f"sqlite:///{path}", tiny_platform_rows())
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
    engine = connect_source(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM visit").scalar() > 0
    engine.dispose()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
