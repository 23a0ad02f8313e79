"""Every warehouse read the pages make, cached: the one place the dashboard talks to a database.

Pages call query functions of `queries/` (the objects, not their names) with a frozen `Scope`
and `Period`; each read is cached by the warehouse URL, its data version, the function's
qualified name and these small values, so a new load changes the data version and invalidates
the caches by itself. Scopes are resolved from the cached reference frames, not in SQL.

Sessions share these caches. When several sessions ask at once for a read nobody has made yet
(a meeting opening the same view, every view after a new load), it is computed once: the first
caller computes it and the others wait for its result, because st.cache_data holds a lock per
cache key while it computes (tests/test_concurrent_sessions.py checks both that and that
different reads do not wait for each other).

Every read goes through `queries.access` with the user's `Allowed` scope: a scoped read is
given only after the scope was found inside the allowed area (that check is kept per allowed
area and scope; a refused request raises and is not kept), and its result is kept per scope,
shared by everyone allowed to see that scope. Unscoped reads, cut to the allowed area, are kept
per allowed area.

What the pages build from these reads (figures, tables, texts) is kept too (`built`), keyed the
same way plus the view's address state: a warm page run reads and builds nothing, it only
sends what was made before. Those objects are shared without a copy (st.cache_resource), so
nothing may change them after they are made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from queries import access, dimensions, readiness
from queries.freshness import Freshness, LoaderStatus, freshness, loader_status
from queries.scope import Allowed, Period, Scope
from warehouse import engine as wh_engine

# A view (district and week) opened on the five main pages makes about 36 reads, so 256 entries
# held about seven views, and sessions on more views than that evicted each other's reads. The
# entries are small: the load benchmark's 10 views, 360 reads, held 20 MB. The warming after a
# load (`warmup.py`) opens 22 views of the whole province (2 weeks x the province and its 10
# districts): about 800 reads, and the views people open besides must fit beside them.
MAX_ENTRIES = 2048
CACHE = {"max_entries": MAX_ENTRIES, "show_spinner": False}
# SQLite's page cache per dashboard connection, KB. The warehouse's engines ask for 200 MB (the
# loads write big tables); the dashboard only reads, its reads hit the operating system's file
# cache as fast, and a pool of connections each keeping 200 MB of pages held the server's memory
# far above its idle level after the sessions closed.
SQLITE_PAGE_CACHE_KB = 2000
# What pages build from the reads (figures, tables, texts): a view opened on the five main
# pages builds about 60 of them, so the 22 views warmed after a load build about 1,300.
BUILT_ENTRIES = 4096
R = TypeVar("R")


def warehouse_url() -> str:
    """The warehouse the dashboard reads (VAX_WAREHOUSE_URL, else the demo's SQLite file)."""
    return wh_engine.warehouse_url()


def _small_page_cache(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_PAGE_CACHE_KB}")
    cursor.close()


@st.cache_resource(show_spinner=False)
def engine(url: str) -> sa.Engine:
    made = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    if wh_engine.is_sqlite(made):
        # after the warehouse's own connect listener, which sets its larger cache
        sa.event.listen(made, "connect", _small_page_cache)
    return made


def warehouse_problem(url: str) -> str | None:
    """None when the warehouse exists and is of this schema version; otherwise "missing", or
    the message saying it is of another schema version and how to rebuild it (never raises)."""
    try:
        with engine(url).connect() as conn:
            return readiness.schema_problem(conn)
    except Exception:  # noqa: BLE001 - any other failure means the pages cannot read it
        return "missing"


@st.cache_data(ttl=10, show_spinner=False)
def data_version(url: str) -> str:
    """The warehouse's data version, read again every 10 s. When a load has changed it, what
    the caches hold of older versions is dropped: no page asks for it again."""
    with engine(url).connect() as conn:
        version = readiness.data_version(conn)
    forget_other_versions(url, version)
    return version


@st.cache_data(ttl=10, show_spinner=False)
def loader(url: str) -> LoaderStatus:
    """The loader's last runs: read every 10 s, not by data version (a load that found nothing
    new leaves the data version as it was but shows the loader alive)."""
    with engine(url).connect() as conn:
        return loader_status(conn)


def _name(query: Callable) -> str:
    return f"{query.__module__}.{query.__qualname__}"


def _key(*parts) -> str:
    """A cache key from small values: their repr (frozen dataclasses, dates, strings, numbers,
    tuples), which names every field. Streamlit's own hashing of the same values walks each
    dataclass through `dataclasses.asdict`, which cost more than the rest of a cache hit."""
    return repr(parts)


@st.cache_data(**CACHE)
def _inside(key: str, _url: str, _allowed: Allowed, _scope: Scope) -> bool:
    """True once `scope` was found inside `allowed` (a refusal raises and is not kept)."""
    with engine(_url).connect() as conn:
        access.check(conn, _allowed, _scope)
    return True


@st.cache_data(**CACHE)
def _read(key: str, _url: str, _q, _scope: Scope, _period: Period, _extra):
    with engine(_url).connect() as conn:
        return access.read_checked(conn, _q, _scope, _period, *_extra)


@st.cache_data(**CACHE)
def _read_plain(key: str, _url: str, _allowed: Allowed, _q, _args: tuple):
    with engine(_url).connect() as conn:
        return access.read_plain(conn, _allowed, _q, *_args)


def read(
    url: str,
    version: str,
    allowed: Allowed,
    query: Callable[..., R],
    scope: Scope,
    period: Period,
    *extra,
) -> R:
    """`query(conn, scope, period, *extra)` if `scope` lies inside `allowed`, cached; `extra`
    must be small values with a faithful repr (see `_key`). The check is made (and kept) per
    allowed area; the result is kept per scope, shared by every user allowed to see it (a
    district's own users and the province's, looking at that district)."""
    inside = _key(url, version, allowed, scope)
    _note((url, version), _inside, inside, 3)
    _inside(inside, url, allowed, scope)
    key = _key(url, version, _name(query), scope, period, extra)
    _note((url, version), _read, key, 5)
    return _read(key, url, query, scope, period, extra)


def read_plain(url: str, version: str, allowed: Allowed, query: Callable[..., R], *args) -> R:
    """`query(conn, *args)` for reads without a scope and period, if `allowed` may, cached."""
    key = _key(url, version, allowed, _name(query), args)
    _note((url, version), _read_plain, key, 4)
    return _read_plain(key, url, allowed, query, args)


@st.cache_resource(max_entries=BUILT_ENTRIES, show_spinner=False)
def _built(key: str, _build: Callable[[], R]) -> R:
    return _build()


def built(key: tuple, build: Callable[[], R], of: tuple[str, str] | None = None) -> R:
    """`build()`, made once per `key` and then shared, without a copy, by every session and
    run: for what a page builds from its cached reads (figures, tables, texts). `key` must
    name everything the build reads (small values with a faithful repr), and the result must
    never be changed by its users (a figure, a frame: read them, copy them to change them).
    `of`: the (warehouse url, data version) the build is of, for `forget_other_versions`."""
    text_key = _key(*key)
    if of is not None:
        _note(of, _built, text_key, 1)
    return _built(text_key, build)


# --- dropping what older data versions left ----------------------------------------------------
# The caches are keyed by the data version, so after a load nothing asks for the older
# version's entries again, but they stay until newer ones push them out (least recently used
# first): with the warming after each load, every version's views filled the caches again, and
# the server held three to four versions (130 to 160 MB each on the whole province). So
# `data_version` drops them when it first reads a new version.
# (url, version) -> cache -> (its other arguments, keys)
_kept: dict[tuple[str, str], dict[Callable, tuple[int, set[str]]]] = {}
_kept_lock = threading.Lock()


def _note(of: tuple[str, str], cache, key: str, others: int) -> None:
    """Remember that `cache` holds `key` (its first argument) of `version`; `others`: how many
    more arguments it takes (they are not part of its key)."""
    with _kept_lock:
        _kept.setdefault(of, {}).setdefault(cache, (others, set()))[1].add(key)


def forget_other_versions(url: str, version: str) -> int:
    """Drop the cached reads and built views of the warehouse at `url` of every data version
    but `version`; how many."""
    with _kept_lock:
        old = [_kept.pop(k) for k in list(_kept) if k[0] == url and k[1] != version]
    dropped = 0
    for kept in old:
        for cache, (others, keys) in kept.items():
            for key in keys:
                cache.clear(key, *([None] * others))
                dropped += 1
    return dropped


def freshness_info(url: str, version: str) -> Freshness:
    return read_plain(url, version, Allowed.province(), freshness)


def areas(url: str, version: str, allowed: Allowed) -> pd.DataFrame:
    """The province, and the districts and communes `allowed` covers."""
    return read_plain(url, version, allowed, dimensions.areas)


def facilities(url: str, version: str, allowed: Allowed) -> pd.DataFrame:
    return read_plain(url, version, allowed, dimensions.facilities)


def read_uncached(url: str, allowed: Allowed, query: Callable[..., R], *args) -> R:
    """`query(conn, *args)` read now, for what changes without a load (the audit log)."""
    with engine(url).connect() as conn:
        return access.read_plain(conn, allowed, query, *args)


@st.cache_data(**CACHE)
def province_context(
    url: str, version: str, allowed: Allowed, period: Period, denominator: str, measure: str
) -> access.ProvinceContext | None:
    """The province's totals and the district's rank, for a district user (None otherwise)."""
    with engine(url).connect() as conn:
        return access.province_context(conn, allowed, period, denominator, measure)
