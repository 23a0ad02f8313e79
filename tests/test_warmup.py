"""The server's warming after a load (dashboard/warmup.py), against a real `streamlit run
dashboard/serve.py`: it opens the main pages of the province and of every district for the
last weeks, so a first visit of those views computes no read; it warms again when a load
changes the data; and its sessions are the only ones that skip signing in."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from conftest import copy_database

from bench import st_client
from bench.st_client import Client, Server
from dashboard import warmup
from dashboard.i18n import text
from queries import dimensions
from queries.freshness import freshness
from queries.periods import complete_weeks, last_complete_week
from warehouse import engine as wh_engine
from warehouse import schema

PAGES = ("", "coverage", "sites", "stock", "quality")
# the warehouse reads a page makes (the data version and the loader's state are read again
# every 10 s, whatever was warmed)
READS = ("dashboard.cached._read", "dashboard.cached._read_plain", "dashboard.cached._inside")


def _facts(url: str) -> tuple[list[str], object]:
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    with engine.connect() as conn:
        areas = dimensions.areas(conn)
        last_day = freshness(conn).last_day
    engine.dispose()
    return sorted(areas.loc[areas["area_level"] == "district", "area_code"]), last_day


def _open(base_url: str, query: str, pages=PAGES) -> list[st_client.PageRun]:
    async def go():
        async with Client(base_url, timeout=120) as client:
            return [await client.open(page, query) for page in pages]

    return asyncio.run(go())


def _server(url: str, tmp_path: Path, **env) -> Server:
    server = Server(url, st_client.free_port(), tmp_path / "streamlit.log", env=env)
    server.wait_ready()
    return server


def _bump_data_version(url: str) -> None:
    """What every load that changes the warehouse does last (etl/loading.py)."""
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    meta = schema.warehouse_meta
    with engine.begin() as conn:
        now = conn.execute(sa.select(meta.c.value).where(meta.c.key == "data_version")).scalar()
        conn.execute(
            meta.update().where(meta.c.key == "data_version").values(value=str(int(now) + 1))
        )
    engine.dispose()


def test_the_views_are_the_province_then_each_district_for_the_newest_weeks_first():
    day = date(2022, 6, 30)
    weeks = complete_weeks(day - timedelta(days=21), day)[:2]
    assert warmup.views(day, ["356", "358"], 2) == [
        f"lang=vi&week={weeks[0]}",
        f"lang=vi&week={weeks[0]}&district=356",
        f"lang=vi&week={weeks[0]}&district=358",
        f"lang=vi&week={weeks[1]}",
        f"lang=vi&week={weeks[1]}&district=356",
        f"lang=vi&week={weeks[1]}&district=358",
    ]
    assert weeks[0] == last_complete_week(day)


def test_after_warming_a_first_visit_computes_no_read_and_a_new_load_is_warmed_again(
    warehouses, tmp_path
):
    copy_database(Path(sa.make_url(warehouses.tiny()).database), tmp_path / "w.db")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    districts, last_day = _facts(url)
    server = _server(url, tmp_path, VAX_WARM_UP_WEEKS="1")
    try:
        status = st_client.wait_warm(server.url, timeout=300)
        assert status["state"] == "ready", (status, server.tail())
        assert status["problems"] == []
        assert status["views"] == 1 + len(districts)
        assert status["pages"] == len(PAGES) * status["views"]

        # A district's analyst opens the default link (no week named: the last complete week):
        # every page reads only what the warming read, and shows its page.
        before = st_client.misses(server.url, READS)
        runs = _open(server.url, f"lang=vi&district={districts[-1]}")
        for page, run in zip(PAGES, runs, strict=True):
            assert run.problems == [], run.problems
            assert text(f"page_{page or 'overview'}", "vi") in run.headings
        assert st_client.misses(server.url, READS) == before

        # A week that was not warmed is computed on its first visit (the count is not blind).
        older = complete_weeks(last_day - timedelta(days=35), last_day)[-1]
        assert older != last_complete_week(last_day)
        _open(server.url, f"lang=vi&week={older}", pages=("",))
        assert st_client.misses(server.url, READS) > before

        # A load changes the data version: the server warms the new data by itself.
        first = status["version"]
        _bump_data_version(url)
        deadline = time.monotonic() + 300
        while True:
            status = st_client.warm_up_status(server.url)
            if status["version"] != first and status["state"] == "ready":
                break
            assert time.monotonic() < deadline, (status, server.tail())
            time.sleep(0.5)
        before = st_client.misses(server.url, READS)
        _open(server.url, "lang=vi", pages=("", "coverage"))
        assert st_client.misses(server.url, READS) == before
    finally:
        server.stop()


def test_with_sign_in_on_the_warming_renders_the_pages_and_a_visitor_still_signs_in(
    warehouses, tmp_path
):
    copy_database(Path(sa.make_url(warehouses.tiny()).database), tmp_path / "w.db")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    server = _server(url, tmp_path, VAX_WARM_UP_WEEKS="1", VAX_AUTH="on")
    try:
        status = st_client.wait_warm(server.url, timeout=300)
        # each warmed page showed its own title, not the sign-in form
        assert status["state"] == "ready" and status["problems"] == [], (status, server.tail())
        assert st_client.misses(server.url, READS) > 0
        (run,) = _open(server.url, "lang=vi", pages=("",))
        assert run.finished == "FINISHED_SUCCESSFULLY"
        assert text("page_overview", "vi") not in run.headings
        assert text("signin_title", "vi") in run.headings, run.headings
    finally:
        server.stop()
