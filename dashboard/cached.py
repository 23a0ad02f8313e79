"""Every warehouse read the pages make, cached.

Each wrapper is keyed by small values (the warehouse URL, its data version, a scope code, a
period), so a new load changes the data version and invalidates the caches by itself.
Only this module talks to `queries/`; pages call these functions.
"""

from __future__ import annotations

import importlib
from datetime import date

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from queries import dimensions
from queries.freshness import Freshness, freshness
from queries.scope import Period, resolve_scope
from warehouse import engine as wh_engine
from warehouse import setup

CACHE = {"max_entries": 256, "show_spinner": False}


@st.cache_resource(show_spinner=False)
def engine(url: str) -> sa.Engine:
    return wh_engine.make_engine(url, create_dir=False, must_exist=True)


def warehouse_problem(url: str) -> str | None:
    """None when the warehouse exists and is of this schema version; otherwise "missing", or
    the message saying it is of another schema version and how to rebuild it (never raises)."""
    try:
        with engine(url).connect() as conn:
            setup.check_schema(conn)
        return None
    except setup.SchemaVersionError as exc:
        return "missing" if setup.NO_WAREHOUSE in str(exc) else str(exc)
    except Exception:  # noqa: BLE001 - any other failure means the pages cannot read it
        return "missing"


@st.cache_data(ttl=10, show_spinner=False)
def data_version(url: str) -> str:
    with engine(url).connect() as conn:
        return setup.data_version(conn)


@st.cache_data(**CACHE)
def freshness_info(url: str, version: str) -> Freshness:
    with engine(url).connect() as conn:
        return freshness(conn)


@st.cache_data(**CACHE)
def areas(url: str, version: str) -> pd.DataFrame:
    with engine(url).connect() as conn:
        return dimensions.areas(conn)


@st.cache_data(**CACHE)
def facilities(url: str, version: str) -> pd.DataFrame:
    with engine(url).connect() as conn:
        return dimensions.facilities(conn)


@st.cache_data(**CACHE)
def population(url: str, version: str) -> pd.DataFrame:
    with engine(url).connect() as conn:
        return dimensions.population(conn)


def _function(name: str):
    module, func = name.rsplit(".", 1)
    return getattr(importlib.import_module(f"queries.{module}"), func)


@st.cache_data(**CACHE)
def read(url: str, version: str, name: str, scope_code: str, start: date, end: date, *extra):
    """`queries.<name>(conn, scope, period, *extra)`, cached by these small values.

    `name` is "module.function" inside `queries` (e.g. "datasets.sessions"); `extra` must be
    hashable small values (strings, numbers, dates, tuples).
    """
    with engine(url).connect() as conn:
        scope = resolve_scope(conn, scope_code)
        return _function(name)(conn, scope, Period(start, end), *extra)


@st.cache_data(**CACHE)
def read_plain(url: str, version: str, name: str, *args):
    """`queries.<name>(conn, *args)` for reads without a scope and period, cached."""
    with engine(url).connect() as conn:
        return _function(name)(conn, *args)
