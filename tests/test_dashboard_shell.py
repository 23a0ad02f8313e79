"""The app shell: languages, the URL round trip of the shared filters, drill-down, messages."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT
from platform_builder import create_platform, tiny_platform_rows
from streamlit.testing.v1 import AppTest

from dashboard.state import (
    Known,
    ViewState,
    checked,
    drill_down,
    drill_up,
    from_params,
    parse,
    to_params,
)
from queries.periods import last_complete_week, week_start

APP = str(ROOT / "dashboard" / "app.py")


# --- pure state ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {"lang": "vi"},
        {"lang": "en", "week": "2021-W37"},
        {"lang": "vi", "from": "2021-09-01", "to": "2021-09-30", "district": "360"},
        {"lang": "vi", "week": "2021-W40", "district": "356", "commune": "13633", "site": "F1"},
        {"lang": "en", "week": "2022-W01", "group": "18+", "measure": "full"},
    ],
)
def test_url_round_trip(params):
    assert to_params(from_params(params)) == params


KNOWN = Known(
    first=date(2021, 6, 1),
    last=date(2021, 9, 20),
    districts=frozenset({"356", "359"}),
    district_of_commune={"13633": "356", "13900": "359"},
    commune_of_site={"F1": "13633"},
)


def notices_of(params: dict) -> tuple[ViewState, list[str]]:
    state, notices = parse(params)
    state, more = checked(state, KNOWN)
    return state, [n.kind for n in notices + more]


def test_malformed_url_values_give_the_nearest_view_and_say_so():
    state, kinds = notices_of({"lang": "fr", "week": "2021-W99", "district": "abc"})
    assert (state.lang, state.week, state.district) == ("vi", None, None)
    assert kinds == ["lang", "week_malformed", "district"]


def test_a_reversed_range_is_swapped_and_said():
    state, kinds = notices_of({"from": "2021-07-30", "to": "2021-07-01"})
    assert (state.start, state.end) == (date(2021, 7, 1), date(2021, 7, 30))
    assert kinds == ["range_reversed"]


def test_a_range_wholly_outside_the_data_opens_its_nearest_complete_week():
    state, kinds = notices_of({"from": "2021-01-01", "to": "2021-02-01"})
    assert not state.is_custom_range and state.week == "2021-W22"
    assert kinds == ["range_outside"]
    state, kinds = notices_of({"from": "2022-01-01", "to": "2022-02-01"})
    assert state.week == "2021-W37" and kinds == ["range_outside"]


def test_a_week_outside_the_data_opens_the_nearest_week():
    state, kinds = notices_of({"week": "2020-W10"})
    assert state.week == "2021-W22" and kinds == ["week_outside"]
    state, kinds = notices_of({"week": "2021-W37"})
    assert state.week == "2021-W37" and kinds == []


def test_unknown_areas_fall_back_to_their_known_parent():
    state, kinds = notices_of({"district": "999"})
    assert state.scope_code == "36" and kinds == ["district"]
    state, kinds = notices_of({"district": "356", "commune": "99999"})
    assert state.scope_code == "356" and kinds == ["commune"]
    state, kinds = notices_of({"district": "356", "site": "NOPE"})
    assert state.scope_code == "356" and kinds == ["site"]


def test_a_site_or_commune_sets_its_own_parents():
    state, kinds = notices_of({"district": "359", "site": "F1"})
    assert (state.district, state.commune, state.site) == ("356", "13633", "F1")
    assert kinds == []
    state, _ = notices_of({"commune": "13900"})
    assert (state.district, state.commune) == ("359", "13900")


def test_default_period_is_the_last_complete_iso_week_of_data():
    assert last_complete_week(date(2021, 9, 19)) == "2021-W37"  # a Sunday: its week is complete
    assert last_complete_week(date(2021, 9, 22)) == "2021-W37"  # a Wednesday: the week before
    assert ViewState().period(date(2021, 9, 22)) == (date(2021, 9, 13), date(2021, 9, 19))
    assert week_start("2021-W01") == date(2021, 1, 4)
    state = from_params({"from": "2021-09-01", "to": "2021-09-10"})
    assert state.period(date(2022, 1, 1)) == (date(2021, 9, 1), date(2021, 9, 10))
    assert state.previous_period(date(2022, 1, 1)) == (date(2021, 8, 22), date(2021, 8, 31))


def test_drill_down_and_up_keep_parents_consistent():
    district_of = {"13633": "356"}
    state = drill_down(ViewState(), "356")
    assert (state.district, state.commune, state.site) == ("356", None, None)
    state = drill_down(ViewState(), "13633", district_of=district_of)
    assert (state.district, state.commune) == ("356", "13633")
    state = drill_down(state, "F1", district_of=district_of, commune_of_site={"F1": "13633"})
    assert state.scope_code == "F1" and state.scope_level == "facility"
    assert drill_up(state).scope_code == "13633"
    assert drill_up(drill_up(drill_up(state))).scope_code == "36"


# --- the app ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_warehouse(warehouses) -> str:
    return warehouses.tiny()


def run_app(monkeypatch, url: str, **params: str) -> AppTest:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_without_a_warehouse_the_app_says_how_to_build_one(monkeypatch, tmp_path: Path):
    at = run_app(monkeypatch, f"sqlite:///{tmp_path / 'missing.db'}")
    assert "make run" in at.warning[0].value
    assert not (tmp_path / "missing.db").exists()


def test_a_warehouse_of_another_schema_version_says_how_to_rebuild_it(monkeypatch, tmp_path):
    platform, wh = f"sqlite:///{tmp_path / 'p.db'}", tmp_path / "w.db"
    create_platform(platform, tiny_platform_rows())
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform,
         "--warehouse-url", f"sqlite:///{wh}"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with sqlite3.connect(wh) as conn:
        conn.execute("UPDATE warehouse_meta SET value = '1' WHERE key = 'schema_version'")
    at = run_app(monkeypatch, f"sqlite:///{wh}")
    message = at.warning[0].value
    assert "phiên bản khác" in message
    assert f"Delete the file {wh}" in message
    assert "make run" in message


def test_vietnamese_by_default_english_on_request(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse)
    assert at.title[0].value == "Tổng quan tuần"
    assert any("Dữ liệu cập nhật đến" in c.value for c in at.caption)
    at = run_app(monkeypatch, tiny_warehouse, lang="en")
    assert at.title[0].value == "Weekly overview"
    assert any("Data as of" in c.value for c in at.caption)


def test_the_url_opens_the_same_view_and_the_filters_write_it_back(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, week="2021-W37", district="359")
    assert at.query_params["week"] == ["2021-W37"] or at.query_params["week"] == "2021-W37"
    caption = at.caption[0].value
    assert "Huyện Vụ Bản" in caption and "13/09/2021 – 19/09/2021" in caption
    at.selectbox(key="f_district").set_value("356").run()
    assert not at.exception
    district = at.query_params["district"]
    assert district in ("356", ["356"])
    assert "Thành phố Nam Định" in at.caption[0].value


def test_a_custom_range_outside_the_data_opens_clamped(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, **{"from": "2020-01-01", "to": "2030-01-01"})
    assert "01/06/2021 – 20/09/2021" in at.caption[0].value


# --- hand-edited links: one line each, the nearest valid view, no traceback -------------------
def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def no_error_text(at: AppTest) -> None:
    """Nothing of Python reaches the page: no exception element, no traceback, no file path."""
    assert not at.exception
    shown = " ".join(str(e.value) for e in [*at.warning, *at.info, *at.markdown, *at.caption])
    for marker in ("Traceback", "Error:", "/work/", ".py", "ScopeError", "Streamlit"):
        assert marker not in shown


def test_an_unknown_district_says_so_and_shows_the_province(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, district="999")
    assert "Không có huyện mã 999 — đang hiển thị toàn tỉnh" in notices(at)
    assert at.caption[0].value.startswith("Tỉnh Nam Định")
    assert "district" not in at.query_params
    no_error_text(at)


def test_a_range_before_the_data_opens_its_first_week(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, **{"from": "2021-01-01", "to": "2021-02-01"})
    (line,) = notices(at)
    assert line.startswith("Không có số liệu từ 01/01/2021 đến 01/02/2021")
    assert "31/05/2021 – 06/06/2021" in at.caption[0].value
    no_error_text(at)


@pytest.mark.parametrize(
    ("params", "start"),
    [
        ({"lang": "fr"}, "Không hỗ trợ ngôn ngữ “fr”"),
        ({"week": "2030-W01"}, "Không có số liệu tuần “2030-W01”"),
        ({"week": "next"}, "“next” không phải là một tuần"),
        ({"from": "2021-07-30", "to": "2021-07-01"}, "Ngày bắt đầu 30/07/2021 sau ngày kết thúc"),
        ({"from": "2021-07-01", "to": "soon"}, "Khoảng thời gian “01/07/2021” – “soon”"),
        ({"district": "356", "commune": "00000"}, "Không có xã mã 00000"),
        ({"site": "NO-SUCH-SITE"}, "Không có điểm tiêm mã “NO-SUCH-SITE”"),
        ({"group": "everyone"}, "“everyone” không phải là lựa chọn"),
    ],
)
def test_each_bad_parameter_gets_one_line(monkeypatch, tiny_warehouse, params, start):
    at = run_app(monkeypatch, tiny_warehouse, **params)
    lines = notices(at)
    assert len([x for x in lines if x.startswith(start)]) == 1, lines
    no_error_text(at)


def test_notices_speak_english_when_asked(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, lang="en", district="999")
    assert "There is no district with code 999 — showing the whole province" in notices(at)


def test_a_notice_is_shown_once_then_the_address_is_the_valid_view(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, week="2030-W01")
    assert at.query_params["week"] in ("2021-W37", ["2021-W37"])
    at.run()
    assert not notices(at)


def test_first_change_of_district_is_kept_with_a_page_option(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, district="359", group="all")
    at.selectbox(key="f_district").set_value("356").run()
    assert at.query_params["district"] in ("356", ["356"])
    assert "Thành phố Nam Định" in at.caption[0].value
    assert at.query_params["group"] in ("all", ["all"])


def test_opening_a_page_adds_nothing_to_its_address(monkeypatch, tiny_warehouse):
    at = run_app(monkeypatch, tiny_warehouse, week="2021-W37")
    assert {k for k in at.query_params} <= {"lang", "week"}


# --- freshness: new data without a restart, a stalled loader flagged ---------------------------
def doses_shown(at: AppTest) -> int:
    card = next(m for m in at.metric if m.label == "Số mũi đã tiêm")
    return int(card.value.replace(".", ""))


def test_a_new_load_shows_on_the_open_page_within_the_cache_period(monkeypatch, tmp_path):
    import time

    from page_support import etl
    from platform_builder import _visit, insert_rows

    platform, wh = f"sqlite:///{tmp_path / 'p.db'}", f"sqlite:///{tmp_path / 'w.db'}"
    create_platform(platform, tiny_platform_rows())
    etl(platform, wh)
    at = run_app(monkeypatch, wh, week="2021-W37")
    before = doses_shown(at)
    late_entry = _visit("V99", "C01", "F1", "2021-09-14", "2021-09-14 03:00",
                        injected="2021-09-14 03:20", vaccine="AZ", dose=2, kind="primary",
                        recorded="2021-12-01 08:00")  # fmt: skip
    insert_rows(platform, "visit", [late_entry])
    etl(platform, wh)
    time.sleep(10.5)  # the data version is read again every 10 s
    at.run()
    assert doses_shown(at) == before + 1


def test_a_stalled_loader_is_flagged_with_its_failures(monkeypatch, tiny_warehouse, tmp_path):
    import shutil

    copy = tmp_path / "w.db"
    shutil.copy(tiny_warehouse.removeprefix("sqlite:///"), copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE etl_run SET finished_at = '2026-01-01 00:00:00'")
        conn.execute(
            "INSERT INTO etl_run (started_at, finished_at, status, error) "
            "VALUES ('2026-01-02 00:00:00', '2026-01-02 00:00:05', 'failed', "
            "'could not connect to /srv/platform.db')"
        )
    at = run_app(monkeypatch, f"sqlite:///{copy}")
    (line,) = [w.value for w in at.warning if "bộ nạp dữ liệu có thể đã ngừng" in w.value]
    assert "lần nạp gần nhất xong lúc 07:00 01/01/2026" in line
    assert "1 lần nạp sau đó bị lỗi" in line
    assert "/srv/" not in line  # the error itself stays in the server's log
    fresh = run_app(monkeypatch, tiny_warehouse)
    assert not [w for w in fresh.warning if "bộ nạp" in w.value]
    assert any("lần nạp gần nhất xong lúc" in c.value for c in fresh.caption)
