"""Helpers the page tests share: loading a platform into a warehouse, reading a query, the
shared small warehouses, and opening a page through AppTest."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from conftest import ROOT, copy_database
from platform_builder import create_platform, make_engine, tiny_platform_rows
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1 import AppTest

from dashboard.state import ViewState
from queries.freshness import freshness
from queries.scope import Period, resolve_scope

ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}
APP = str(ROOT / "dashboard" / "app.py")


def etl(platform: str, wh: str) -> str:
    """Load `platform` into the warehouse `wh` with the real CLI; returns `wh`."""
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform, "--warehouse-url", wh],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return wh


def read(url: str, func, code: str, period: Period, *extra):
    """`func(conn, scope, period, *extra)` on the warehouse at `url`."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return func(conn, resolve_scope(conn, code), period, *extra)
    finally:
        engine.dispose()


def open_rejects(url: str) -> dict[str, set[str]]:
    """{platform table: primary keys} the loads into `url` rejected and never loaded since; the
    reference implementation treats those rows as absent, as the warehouse does."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT source_table, source_pk FROM etl_reject WHERE resolved_run_id IS NULL"
                )
            ).all()
    finally:
        engine.dispose()
    excluded: dict[str, set[str]] = {}
    for table, key in found:
        excluded.setdefault(table, set()).add(str(key))
    return excluded


# --- warehouses the page tests share, and reading a page through AppTest ----------------------
def simulated_province(tmp: Path) -> tuple[str, str]:
    """A small simulated province (0.5 % of residents, to 2021-10-31) loaded into SQLite under
    `tmp`: (platform url, warehouse url)."""
    platform = f"sqlite:///{tmp / 'p.db'}"
    subprocess.run(
        [sys.executable, "-m", "simulator", "--platform-url", platform, "--scale", "0.005",
         "--end", "2021-10-31"],
        cwd=ROOT, env=ENV, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    return platform, etl(platform, f"sqlite:///{tmp / 'w.db'}")


def no_visit_warehouse(tmp: Path) -> str:
    """A warehouse loaded from facilities, stores and vaccines, but no visit at all."""
    rows = tiny_platform_rows()
    platform = f"sqlite:///{tmp / 'p.db'}"
    create_platform(platform, {k: rows[k] for k in ("facility", "vaccine", "store")})
    return etl(platform, f"sqlite:///{tmp / 'w.db'}")


class Warehouses:
    """Builds each kind of test warehouse once and hands out its URL (see the `warehouses`
    fixture). A variant of the tiny platform is named, and its rows edited by `edit`.

    Under pytest-xdist the test processes share one build of each kind: the first process to
    ask builds it under a file lock in the run's common temporary folder, and every process
    (the builder too) reads its own copy of the files, so no process sees another's writes."""

    def __init__(self, tmp_factory) -> None:
        self._tmp = tmp_factory
        self._built: dict[str, object] = {}
        base = tmp_factory.getbasetemp()
        self._shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / (
            "shared-warehouses"
        )
        self._shared.mkdir(exist_ok=True)

    def _once(self, key: str, build):
        if key not in self._built:
            self._built[key] = self._copy(key, self._build_shared(key, build))
        return self._built[key]

    def _build_shared(self, key: str, build) -> Path:
        """The folder of the one build of `key`, built by whichever process asks first."""
        folder = self._shared / key
        with (self._shared / f"{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not (folder / "result.json").exists():
                    shutil.rmtree(folder, ignore_errors=True)
                    folder.mkdir()
                    result = build(folder)
                    (folder / "result.json").write_text(json.dumps(result))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return folder

    def _copy(self, key: str, folder: Path):
        """This process's copy of the build in `folder`, with its URLs pointing at the copy."""
        mine = self._tmp.mktemp(key)
        for path in folder.iterdir():
            if path.suffix == ".db":
                copy_database(path, mine / path.name)
        text = (folder / "result.json").read_text().replace(str(folder), str(mine))
        result = json.loads(text)
        return tuple(result) if isinstance(result, list) else result

    def tiny_with_platform(self, variant: str = "tiny", edit=None) -> tuple[str, str]:
        """(platform url, warehouse url): the tiny hand-made platform (tests/platform_builder.py),
        or a named variant of its rows edited by `edit`, loaded by the real ETL."""

        def build(tmp: Path) -> tuple[str, str]:
            rows = tiny_platform_rows()
            if edit is not None:
                edit(rows)
            platform = f"sqlite:///{tmp / 'p.db'}"
            create_platform(platform, rows)
            return platform, etl(platform, f"sqlite:///{tmp / 'w.db'}")

        return self._once(variant, build)

    def tiny(self, variant: str = "tiny", edit=None) -> str:
        """The warehouse of `tiny_with_platform`."""
        return self.tiny_with_platform(variant, edit)[1]

    def demo(self) -> tuple[str, str]:
        return self._once("demo", simulated_province)

    def empty(self) -> str:
        return self._once("empty", no_visit_warehouse)


def open_page(page: str, monkeypatch, url: str, **params: str) -> AppTest:
    """The app on the warehouse at `url` with the query `params`, switched to `page`."""
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def param(at: AppTest, key: str) -> str | None:
    """A query parameter of the app's address (AppTest may hold it as a one-item list)."""
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def metrics(at: AppTest) -> dict:
    """The page's KPI cards by label."""
    return {m.label: m for m in at.metric}


def open_folded(at: AppTest) -> AppTest:
    """Open every folded section whose content is made on demand (`widgets.folded`: the tables
    under charts and lists) as a user would, and run the page again; the page is returned."""
    keys = [
        user_key_from_element_id(e.proto.id)
        for e in at.expander
        if e.proto.id and not e.proto.expanded
    ]
    keys = [k for k in keys if k]
    if keys:
        for key in keys:
            at.session_state[key] = True
        at.run()
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table the page shows with a column of that name (its folded sections opened
    when it is not in sight)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    if not found:
        found = [d.value for d in open_folded(at).dataframe if column in d.value.columns]
    assert found, f"no table with a column {column!r}"
    return found[0]


def periods(url: str) -> tuple[Period, Period]:
    """The default period (the last complete week of data) and the week before it."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            last = freshness(conn).last_day
    finally:
        engine.dispose()
    state = ViewState()
    return Period(*state.period(last)), Period(*state.previous_period(last))


def default_period(url: str) -> Period:
    return periods(url)[0]
