"""Helpers the page tests share: loading a platform into a warehouse, reading a query."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa
from conftest import ROOT

from queries.scope import Period, resolve_scope

ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}


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
    engine = sa.create_engine(url)
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
