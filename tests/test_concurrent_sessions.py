"""The dashboard under concurrent use: the load benchmark (bench/concurrent_sessions.py) at a
small size against a real server, and concurrent cold reads of one query sharing one
computation in the server-side cache (dashboard/cached.py)."""

from __future__ import annotations

import threading
import time
import uuid

import pandas as pd
import pytest
import sqlalchemy as sa

from bench import concurrent_sessions
from dashboard import cached
from queries import stock
from queries.freshness import freshness
from queries.periods import last_complete_week, week_start
from queries.scope import Allowed, Period, Scope, ScopeRefused, resolve_scope

ALL = Allowed.province()

SESSIONS = 5


def test_concurrent_sessions_answer_every_page(warehouses, tmp_path):
    """Five sessions at once through Streamlit's client protocol, two rounds: every page of
    every session answers with its own title, no exception, no run left unfinished."""
    _, url = warehouses.demo()
    report = concurrent_sessions.run_load(
        url, sessions=SESSIONS, rounds=2, districts=2, weeks=2, timeout=120, settle=1,
        log_dir=tmp_path, warm_up_weeks=0,  # every first visit computes (tests/test_warmup.py)
    )  # fmt: skip
    assert report.errors() == [], (report.errors(), (tmp_path / "streamlit.log").read_text())
    pages = concurrent_sessions.PAGES
    for runs in report.rounds:
        assert sorted(r.page for r in runs) == sorted(pages * SESSIONS)
        assert all(r.finished == "FINISHED_SUCCESSFULLY" and r.elements > 0 for r in runs)
    # every session kept its own view: the queries are those of the views, in session order
    assert len({r.query for r in report.rounds[0]}) == min(SESSIONS, len(report.views))
    assert report.rss_peak is not None and report.rss_idle is not None


def _period(url: str) -> Period:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            start = week_start(last_complete_week(freshness(conn).last_day))
            district = resolve_scope(conn, "356")
    finally:
        engine.dispose()
    assert district.level == "district"
    return Period(start, start + pd.Timedelta(days=6).to_pytimedelta())


computed: list[tuple[str, str]] = []


def counted_totals(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """`stock.totals`, counting its computations; it lingers so that every concurrent caller
    arrives while the first one computes."""
    computed.append((scope.code, str(period.start)))
    time.sleep(0.5)
    return stock.totals(conn, scope, period)


def _at_once(calls: list) -> list:
    """Runs the callables in threads released together; their results in order."""
    results: list = [None] * len(calls)
    errors: list[BaseException] = []
    gate = threading.Barrier(len(calls))

    def run(i: int) -> None:
        gate.wait()
        try:
            results[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_concurrent_identical_cold_reads_compute_once(warehouses):
    """Eight sessions asking at once for the same cold read: one computation, every caller
    gets its result; two different reads at once are computed once each."""
    _, url = warehouses.demo()
    period = _period(url)
    version = uuid.uuid4().hex  # a data version no other test used: every read is cold
    province, district = Scope.province(), Scope("district", "356")
    computed.clear()

    def read(scope: Scope):
        return lambda: cached.read(url, version, ALL, counted_totals, scope, period)

    results = _at_once([read(province) for _ in range(8)])
    assert computed == [(province.code, str(period.start))]
    expected = read(province)()  # now a cache hit
    assert len(computed) == 1
    for frame in results:
        pd.testing.assert_frame_equal(frame, expected)

    computed.clear()
    results = _at_once([read(district), read(district), read(province), read(district)])
    assert computed == [(district.code, str(period.start))]  # the province was already cached
    pd.testing.assert_frame_equal(results[2], expected)
    for i in (1, 3):
        pd.testing.assert_frame_equal(results[i], results[0])


def test_different_cold_reads_do_not_wait_for_each_other(warehouses):
    """The lock is per read: two different cold reads compute at the same time (each waits
    for the other inside its computation, which a lock shared by all reads would deadlock)."""
    _, url = warehouses.demo()
    period = _period(url)
    version = uuid.uuid4().hex
    both = threading.Barrier(2, timeout=20)

    def meeting(conn: sa.Connection, scope: Scope, period: Period) -> str:
        both.wait()  # raises BrokenBarrierError when the other read cannot start meanwhile
        return scope.code

    meeting.__qualname__ = f"meeting_{version}"
    got = _at_once(
        [
            lambda: cached.read(
                url, version, Allowed.province(), meeting, Scope.province(), period
            ),
            lambda: cached.read(
                url, version, Allowed.province(), meeting, Scope("district", "356"), period
            ),
        ]
    )
    assert sorted(got) == sorted([Scope.province().code, "356"])


def test_dashboard_connections_keep_a_small_sqlite_page_cache(warehouses):
    """The dashboard's pooled SQLite connections keep 2 MB of pages each, not the 200 MB
    the loads use: under many sessions they held the server's memory above its idle level."""
    _, url = warehouses.demo()
    with cached.engine(url).connect() as conn:
        kb = -conn.exec_driver_sql("PRAGMA cache_size").scalar()
    assert kb == cached.SQLITE_PAGE_CACHE_KB
    assert kb * 1024 <= 16 * 2**20


def test_the_reads_of_many_views_stay_cached(warehouses):
    """Twenty views' worth of distinct reads (about 30 per view) are all kept: asking for them
    again computes none."""
    _, url = warehouses.demo()
    period = _period(url)
    version = uuid.uuid4().hex
    seen: list[str] = []

    def tagged(conn: sa.Connection, scope: Scope, period: Period, tag: int) -> int:
        seen.append(tag)
        return tag

    tagged.__qualname__ = f"tagged_{version}"
    reads = range(20 * 30)
    assert [
        cached.read(url, version, ALL, tagged, Scope.province(), period, i) for i in reads
    ] == list(reads)
    assert [
        cached.read(url, version, ALL, tagged, Scope.province(), period, i) for i in reads
    ] == list(reads)
    assert len(seen) == len(reads)


def test_a_district_and_the_province_share_the_district_s_reads_but_not_the_refusal(warehouses):
    """A province user and the district's own user looking at the district share one
    computation of each read; the district user is still refused any other area, even one the
    province user's read left in the cache."""
    _, url = warehouses.demo()
    period = _period(url)
    version = uuid.uuid4().hex
    district, other = Scope("district", "356"), Scope("district", "358")
    computed.clear()
    by_province = cached.read(url, version, ALL, counted_totals, district, period)
    by_district = cached.read(url, version, Allowed("356"), counted_totals, district, period)
    assert computed == [("356", str(period.start))]
    pd.testing.assert_frame_equal(by_district, by_province)

    cached.read(url, version, ALL, counted_totals, other, period)
    assert len(computed) == 2
    for _ in range(2):  # a refusal is never kept as an answer
        with pytest.raises(ScopeRefused):
            cached.read(url, version, Allowed("356"), counted_totals, other, period)
    assert len(computed) == 2


def test_entries_of_older_data_versions_are_dropped_and_the_current_ones_kept(warehouses):
    """After a load the older data version's reads, checks and built views are dropped (the
    warming calls this once the new version is warm); the current version's stay."""
    _, url = warehouses.demo()
    period = _period(url)
    old, new = uuid.uuid4().hex, uuid.uuid4().hex
    district = Scope("district", "356")
    built: list[str] = []
    computed.clear()
    for version in (old, new):
        cached.read(url, version, Allowed("356"), counted_totals, district, period)
        cached.built(("t", version), lambda v=version: built.append(v) or v, (url, version))
    assert len(computed) == 2 and built == [old, new]

    assert cached.forget_other_versions(url, new) >= 3  # the read, its check, the built view
    cached.read(url, new, Allowed("356"), counted_totals, district, period)
    cached.built(("t", new), lambda: built.append(new) or new, (url, new))
    assert len(computed) == 2 and built == [old, new]  # still there
    cached.read(url, old, Allowed("356"), counted_totals, district, period)
    cached.built(("t", old), lambda: built.append(old) or old, (url, old))
    assert len(computed) == 3 and built == [old, new, old]  # made again
