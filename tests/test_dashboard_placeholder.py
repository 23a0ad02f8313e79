"""The placeholder dashboard renders in both languages, with or without a warehouse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"

TITLE_VI = "Ban Chỉ đạo tiêm chủng COVID-19 — Nam Định"
TITLE_EN = "COVID-19 Vaccination Steering Committee — Nam Định"


@pytest.fixture
def no_warehouse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'missing.db'}")


@pytest.fixture
def warehouse(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table fact_dose (dose_id integer primary key)")
    conn.close()
    monkeypatch.setenv("VAX_WAREHOUSE_URL", f"sqlite:///{path}")
    return path


def run_app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    if lang is not None:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_vietnamese_by_default(no_warehouse: None) -> None:
    at = run_app()
    assert at.title[0].value == TITLE_VI
    assert at.header[0].value == "Tổng quan"
    assert at.sidebar.radio(key="language_switch").value == "vi"
    assert at.query_params["lang"] == "vi"


def test_english_from_query_params(no_warehouse: None) -> None:
    at = run_app(lang="en")
    assert at.title[0].value == TITLE_EN
    assert at.header[0].value == "Weekly overview"
    assert at.query_params["lang"] == "en"


def test_unknown_language_falls_back_to_vietnamese(no_warehouse: None) -> None:
    at = run_app(lang="fr")
    assert at.title[0].value == TITLE_VI
    assert at.query_params["lang"] == "vi"


def test_language_switch(no_warehouse: None) -> None:
    at = run_app()
    at.sidebar.radio(key="language_switch").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == TITLE_EN
    assert at.query_params["lang"] == "en"
    at.sidebar.radio(key="language_switch").set_value("vi").run()
    assert at.title[0].value == TITLE_VI
    assert at.query_params["lang"] == "vi"


def test_language_kept_when_url_loses_it(no_warehouse: None) -> None:
    at = run_app(lang="en")
    at.query_params = {}  # e.g. a page change that drops the query string
    at.run()
    assert at.title[0].value == TITLE_EN
    assert at.query_params["lang"] == "en"


def test_url_wins_over_session(no_warehouse: None) -> None:
    at = run_app(lang="en")
    at.query_params["lang"] = "vi"
    at.run()
    assert at.title[0].value == TITLE_VI
    assert at.sidebar.radio(key="language_switch").value == "vi"


def test_without_warehouse_says_so(no_warehouse: None, tmp_path: Path) -> None:
    at = run_app()
    assert len(at.warning) == 1
    assert "Chưa tìm thấy kho dữ liệu" in at.warning[0].value
    assert not at.info
    assert not (tmp_path / "missing.db").exists(), "the check must not create the SQLite file"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("vi", "đang được xây dựng"), ("en", "under construction")],
)
def test_with_warehouse_says_under_construction(warehouse: Path, lang: str, expected: str) -> None:
    at = run_app(lang=lang)
    assert len(at.info) == 1
    assert expected in at.info[0].value
    assert not at.warning


def test_unreachable_warehouse_does_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", "postgresql://nobody@127.0.0.1:1/none")
    at = run_app()
    assert at.title[0].value == TITLE_VI
    assert len(at.warning) == 1


def test_malformed_warehouse_url_does_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", "not a url")
    at = run_app()
    assert at.title[0].value == TITLE_VI
    assert len(at.warning) == 1
