"""The coverage page ("Độ bao phủ") and its reads (queries/coverage.py).

The reads are checked against METRICS.md on the hand-made platform (tests/platform_builder.py,
worked out in tests/test_reference_metrics.py): as of 2021-09-19, commune 13771 (district 359)
has 3 people with >= 1 dose, 2 fully vaccinated, 1 boosted; commune 13633 (district 356) has
3, 2 and 0; C07 lives outside the province. The page is checked to render (demo-like, empty,
one district) and to show the numbers the reads return.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import ROOT, DatabaseFactory
from platform_builder import create_platform, tiny_platform_rows
from streamlit.testing.v1 import AppTest

from dashboard import format as fmt
from queries import coverage as cv
from queries.definitions import METRICS
from queries.scope import Period, resolve_scope

APP = ROOT / "dashboard" / "app.py"
PAGE = "app_pages/coverage.py"
ENV = {"VAX_PSEUDONYM_KEY": "test-key", "PATH": "/usr/bin:/bin"}
WEEK = "2021-W37"  # 13/09/2021 - 19/09/2021
PERIOD = Period(date(2021, 9, 13), date(2021, 9, 19))


def run_cli(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def load_tiny(platform: str, warehouse: str, rows: dict | None = None) -> None:
    create_platform(platform, tiny_platform_rows() if rows is None else rows)
    run_cli("etl", "run", "--platform-url", platform, "--warehouse-url", warehouse)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("coverage")
    url = f"sqlite:///{tmp / 'w.db'}"
    load_tiny(f"sqlite:///{tmp / 'p.db'}", url)
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def warehouse(request, tmp_path_factory, pg_available):
    """The tiny platform loaded by the real ETL, on each dialect."""
    if request.param == "postgresql" and not pg_available:
        pytest.skip("PostgreSQL is not reachable")
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp(f"cov-{request.param}"))
    url = factory.new_url("warehouse")
    load_tiny(factory.new_url("platform"), url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
        factory.drop_all()


def population(conn, code: str, denominator: str) -> int:
    return conn.execute(
        sa.text("SELECT population FROM population WHERE area_code = :c AND denominator = :d"),
        {"c": code, "d": denominator},
    ).scalar()


def people(frame: pd.DataFrame, code: str) -> tuple[int, int, int]:
    row = frame[frame["area_code"] == code].iloc[0]
    return int(row["people_1plus"]), int(row["people_full"]), int(row["people_boosted"])


# --- the reads, against METRICS.md ------------------------------------------------------------
def test_summary_counts_people_by_residence_as_of_the_period_end_and_the_day_before(warehouse):
    conn = warehouse
    summary = cv.coverage_summary(conn, resolve_scope(conn, "36"), PERIOD, "18plus")
    before, end = summary.iloc[0], summary.iloc[1]
    assert before["as_of"] == pd.Timestamp("2021-09-12")
    assert end["as_of"] == pd.Timestamp("2021-09-19")
    # Before the week: P1 (dose 1), C10 (full), C13 (MODERNA dose 1).
    assert (before["people_1plus"], before["people_full"], before["people_boosted"]) == (3, 1, 0)
    # By its end: + C03 (JANSSEN, full), C12 (dose 1 twice: never full), C11; P1 and C13 full;
    # C10 boosted. C07 lives in Hà Nội: outside the numerator, counted apart.
    assert (end["people_1plus"], end["people_full"], end["people_boosted"]) == (6, 4, 1)
    assert (before["outside_residents"], end["outside_residents"]) == (0, 1)
    pop = population(conn, "36", "18plus")
    assert end["population"] == pop and end["year"] == 2019
    assert end["coverage_1plus"] == pytest.approx(6 / pop)
    assert end["coverage_boosted"] == pytest.approx(1 / pop)
    assert end["drop_out"] == pytest.approx((6 - 4) / 6)
    assert not end["above_100_1plus"]


def test_by_area_compares_the_districts_of_the_province(warehouse):
    conn = warehouse
    areas = cv.coverage_by_area(conn, resolve_scope(conn, "36"), PERIOD, "total")
    assert len(areas) == 10 and set(areas["area_level"]) == {"district"}
    assert people(areas, "356") == (3, 2, 0)
    assert people(areas, "359") == (3, 2, 1)
    assert people(areas, "366") == (0, 0, 0)
    row = areas[areas["area_code"] == "359"].iloc[0]
    assert row["population"] == population(conn, "359", "total")
    assert row["coverage_full"] == pytest.approx(2 / population(conn, "359", "total"))
    assert row["name"] == "Huyện Vụ Bản" and not row["is_scope"]
    # Highest coverage of >= 1 dose first.
    assert areas["coverage_1plus"].is_monotonic_decreasing
    assert set(areas["source"]) == {"GSO Population and Housing Census 2019"}


def test_a_district_compares_its_communes_and_a_commune_or_site_its_siblings(warehouse):
    conn = warehouse
    district = cv.coverage_by_area(conn, resolve_scope(conn, "359"), PERIOD, "18plus")
    assert len(district) == 18 and set(district["area_level"]) == {"commune"}
    assert people(district, "13771") == (3, 2, 1)
    assert (
        district.drop(district.index[district["area_code"] == "13771"])["people_1plus"].eq(0).all()
    )
    commune = cv.coverage_by_area(conn, resolve_scope(conn, "13633"), PERIOD, "18plus")
    assert set(commune["parent_code"]) == {"356"}
    assert commune.loc[commune["is_scope"], "area_code"].tolist() == ["13633"]
    assert people(commune, "13633") == (3, 2, 0)
    # A site stands for its commune: coverage is by residence.
    site = cv.coverage_summary(conn, resolve_scope(conn, "F2"), PERIOD, "18plus")
    assert site["area_code"].iloc[-1] == "13771"
    assert people(site.iloc[[-1]], "13771") == (3, 2, 1)


def test_the_period_end_decides_who_is_counted(warehouse):
    conn = warehouse
    early = Period(date(2021, 9, 14), date(2021, 9, 16))
    summary = cv.coverage_summary(conn, resolve_scope(conn, "359"), early, "18plus")
    assert people(summary.iloc[[-1]], "359") == (2, 2, 0)  # P1 full on 09-16, no booster yet


def test_trend_is_cumulative_per_day_for_scope_children_and_parent(warehouse):
    conn = warehouse
    trend = cv.coverage_trend(conn, resolve_scope(conn, "36"), PERIOD, "5plus")
    scope = trend[trend["role"] == "scope"].set_index("date")
    assert scope.index.min() == pd.Timestamp("2021-06-01")  # C10's first dose
    assert scope.index.max() == pd.Timestamp("2021-09-19")
    assert len(scope) == (date(2021, 9, 19) - date(2021, 6, 1)).days + 1
    assert scope.loc["2021-08-01", "people_1plus"] == 1
    assert scope.loc["2021-08-02", "people_1plus"] == 2  # P1
    assert scope.loc["2021-09-15", ["people_1plus", "people_full"]].tolist() == [5, 3]
    assert scope.loc["2021-09-19", ["people_1plus", "people_full", "people_boosted"]].tolist() == [
        6,
        4,
        1,
    ]
    pop = population(conn, "36", "5plus")
    assert scope.loc["2021-09-19", "coverage_1plus"] == pytest.approx(6 / pop)
    assert set(trend.loc[trend["role"] == "child", "area_code"]) == {
        "356", "358", "359", "360", "361", "362", "363", "364", "365", "366",
    }  # fmt: skip
    assert (trend["role"] == "parent").sum() == 0
    district = cv.coverage_trend(conn, resolve_scope(conn, "359"), PERIOD, "5plus")
    parent = district[district["role"] == "parent"].set_index("date")
    assert set(parent["area_code"]) == {"36"}
    assert parent.loc["2021-09-19", "people_1plus"] == 6
    children = district[district["role"] == "child"]
    assert children["area_code"].nunique() == 18  # every commune of Vụ Bản, zeros included
    # The children add up to the scope, day by day.
    summed = children.groupby("date")["people_1plus"].sum()
    own = district[district["role"] == "scope"].set_index("date")["people_1plus"]
    assert summed.equals(own)


def test_reads_agree_with_the_coverage_export(warehouse):
    from queries.datasets import coverage as export

    conn = warehouse
    scope = resolve_scope(conn, "36")
    exported = export(conn, scope, Period(PERIOD.end, PERIOD.end))
    areas = cv.coverage_by_area(conn, scope, PERIOD, "18plus")
    for code in areas["area_code"]:
        assert people(areas, code) == people(exported, code)


def test_coverage_above_100_percent_is_flagged_not_clipped(tmp_path, tiny):
    copy = tmp_path / "w.db"
    shutil.copy(tiny.removeprefix("sqlite:///"), copy)
    engine = sa.create_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE population SET population = 2 WHERE area_code = '359'"))
    with engine.connect() as conn:
        areas = cv.coverage_by_area(conn, resolve_scope(conn, "36"), PERIOD, "total")
    engine.dispose()
    row = areas[areas["area_code"] == "359"].iloc[0]
    assert row["coverage_1plus"] == pytest.approx(1.5)  # 3 people / 2
    assert row["above_100_1plus"] and not row["above_100_boosted"]  # 1 / 2
    assert areas.iloc[0]["area_code"] == "359"  # ranked first, not capped at 100 %


def test_unknown_denominator_is_refused(warehouse):
    with pytest.raises(ValueError, match="denominator"):
        cv.coverage_by_area(warehouse, resolve_scope(warehouse, "36"), PERIOD, "65plus")


# --- the page -----------------------------------------------------------------------------------
HARNESS = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from dashboard import shell
from dashboard.i18n import text
st.set_page_config(layout="wide")
lang = shell.language()
page = st.navigation([
    st.Page({page!r}, title=text("page_coverage", lang), url_path="coverage", default=True),
    st.Page({overview!r}, title=text("page_overview", lang), url_path="overview"),
])
shell.begin()
page.run()
"""


@pytest.fixture(scope="module")
def app_file(tmp_path_factory) -> Path:
    """dashboard/app.py once it lists the coverage page; until then, the same app (shell,
    navigation) with the coverage page registered, so the page is tested the same way."""
    if 'app_pages/coverage.py"' in APP.read_text(encoding="utf-8"):
        return APP
    harness = tmp_path_factory.mktemp("harness") / "app.py"
    harness.write_text(
        HARNESS.format(
            root=str(ROOT),
            overview=str(ROOT / "dashboard" / "app_pages" / "overview.py"),
            page=str(ROOT / "dashboard" / PAGE),
        ),
        encoding="utf-8",
    )
    return harness


def open_page(monkeypatch, app_file: Path, url: str, **params: str) -> AppTest:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    at = AppTest.from_file(str(app_file), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    target = PAGE if app_file == APP else str(ROOT / "dashboard" / PAGE)
    at.switch_page(target)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def read(url: str, func, code: str, *extra):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return func(conn, resolve_scope(conn, code), PERIOD, *extra)
    finally:
        engine.dispose()


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def residence_table(at: AppTest) -> pd.DataFrame:
    """The table by residence (every measure), not the charts' tables (the chosen one)."""
    found = [d.value for d in at.dataframe if "Tỷ lệ bao phủ: mũi nhắc lại" in d.value.columns]
    assert len(found) == 1
    return found[0]


def test_page_renders_for_the_province_and_shows_what_the_reads_return(monkeypatch, app_file, tiny):
    at = open_page(monkeypatch, app_file, tiny, week=WEEK)
    assert at.title[0].value == "Độ bao phủ"
    summary = read(tiny, cv.coverage_summary, "36", "18plus")
    end, before = summary.iloc[-1], summary.iloc[0]
    kpi = metric(at, "Tỷ lệ ít nhất 1 mũi")
    assert kpi.value == fmt.percent(end["coverage_1plus"], "vi")
    assert metric(at, "Tỷ lệ mũi nhắc lại").value == fmt.percent(end["coverage_boosted"], "vi")
    assert metric(at, "Tỷ lệ bỏ mũi").value == fmt.percent(end["drop_out"], "vi") == "33,3 %"
    change = (end["coverage_full"] - before["coverage_full"]) * 100
    assert metric(at, "Tỷ lệ đủ liều cơ bản").delta.startswith(f"+{fmt.number(change, 'vi', 1)}")
    assert kpi.help == METRICS["coverage_1plus"].definition_vi
    captions = " ".join(c.value for c in at.caption)
    assert "6 người / " + fmt.number(int(end["population"]), "vi") in captions
    assert "Tổng điều tra dân số và nhà ở 2019 (Tổng cục Thống kê), năm 2019" in captions
    assert "Ranh giới gần đúng" not in captions  # it is in the map's own footnote
    assert "1 người cư trú ngoài tỉnh" in captions
    table = residence_table(at)
    areas = read(tiny, cv.coverage_by_area, "36", "18plus")
    vu_ban = table[table["Địa bàn"] == "Huyện Vụ Bản"].iloc[0]
    expected = areas[areas["area_code"] == "359"].iloc[0]
    assert vu_ban["Tỷ lệ bao phủ: ít nhất 1 mũi"] == fmt.percent(expected["coverage_1plus"], "vi")
    assert vu_ban["Số người đã tiêm mũi nhắc lại"] == "1"
    total = table[table["Địa bàn"] == "Cộng: Tỉnh Nam Định"].iloc[0]
    assert total["Số người đã tiêm ít nhất 1 mũi"] == "6"
    assert len(table) == 11 and not table["Cảnh báo"].str.len().any()


def test_page_in_english(monkeypatch, app_file, tiny):
    at = open_page(monkeypatch, app_file, tiny, week=WEEK, lang="en")
    assert at.title[0].value == "Coverage by district"
    assert metric(at, "Coverage, at least one dose").help == METRICS["coverage_1plus"].definition_en
    captions = " ".join(c.value for c in at.caption)
    assert "Population and Housing Census 2019 (General Statistics Office), 2019" in captions


def test_page_for_one_district_with_options_from_the_url(monkeypatch, app_file, tiny):
    at = open_page(
        monkeypatch, app_file, tiny, week=WEEK, district="359", measure="full", denominator="total"
    )
    assert "Huyện Vụ Bản" in at.caption[0].value
    assert at.selectbox(key="coverage_denominator_pick").value == "total"
    assert at.button_group(key="coverage_measure_pick").value == "full"
    summary = read(tiny, cv.coverage_summary, "359", "total")
    end = summary.iloc[-1]
    assert metric(at, "Tỷ lệ đủ liều cơ bản").value == fmt.percent(end["coverage_full"], "vi")
    table = residence_table(at)
    areas = read(tiny, cv.coverage_by_area, "359", "total")
    assert len(table) == len(areas) + 1  # the communes of Vụ Bản and their total
    target = "Dân số mục tiêu (Tổng dân số)"
    shown = dict(zip(table["Địa bàn"], table[target], strict=True))
    for name, pop in zip(areas["name"], areas["population"], strict=True):
        assert shown[name] == fmt.number(int(pop), "vi")
    assert at.button(key="coverage_back_province")


def test_changing_the_options_writes_the_url_and_back_returns_to_the_province(
    monkeypatch, app_file, tiny
):
    at = open_page(monkeypatch, app_file, tiny, week=WEEK, district="359")
    at.selectbox(key="coverage_denominator_pick").set_value("5plus").run()
    assert not at.exception
    assert at.query_params["denominator"] in ("5plus", ["5plus"])
    assert any("Mẫu số: Dân số từ 5 tuổi trở lên" in c.value for c in at.caption)
    at.button_group(key="coverage_measure_pick").set_value("boosted").run()
    assert at.query_params["measure"] in ("boosted", ["boosted"])
    at.button(key="coverage_back_province").click().run()
    assert not at.exception
    assert "district" not in at.query_params
    assert "Tỉnh Nam Định" in at.caption[0].value
    assert at.query_params["denominator"] in ("5plus", ["5plus"])  # the options stay


def test_a_click_on_an_area_picks_its_code_only_when_unambiguous():
    from dashboard.app_pages import coverage as page

    allowed = {"356", "359"}
    bar = {"selection": {"points": [{"customdata": "359", "y": "Huyện Vụ Bản"}]}}
    shape = {"selection": {"points": [{"location": "356", "z": 1.0}]}}
    flag = {"selection": {"points": [{"customdata": ["359", "Huyện Vụ Bản", "…"]}]}}
    two = {"selection": {"points": [{"location": "356"}, {"location": "359"}]}}
    assert page._picked_code(bar, allowed) == "359"
    assert page._picked_code(shape, allowed) == "356"
    assert page._picked_code(flag, allowed) == "359"
    assert page._picked_code(two, allowed) is None
    assert page._picked_code({"selection": {"points": [{"location": "999"}]}}, allowed) is None
    assert page._picked_code(None, allowed) is None


def test_the_map_draws_without_internet(tiny):
    """plotly.js fetches a world map from its CDN when a geo subplot's first trace has a
    `locationmode` (every GeoJSON choropleth has one): the first trace must not."""
    from dashboard import boundaries
    from dashboard.app_pages import coverage as page
    from queries import dimensions

    engine = sa.create_engine(tiny)
    with engine.connect() as conn:
        areas = dimensions.areas(conn)
    engine.dispose()
    shapes = boundaries.load(areas, path=None)
    texts = dict.fromkeys(
        ["title", "rate", "people", "target", "flag_legend", "hundred", "first_above"], "x"
    )
    texts["footnote"] = ["x"]
    frame = read(tiny, cv.coverage_by_area, "36", "18plus")
    frame.loc[frame["area_code"] == "359", "coverage_1plus"] = 1.4  # one flagged area
    for level, data in (("district", frame), ("commune", read(tiny, cv.coverage_by_area, "359"))):
        fig = page.map_figure(shapes, data, "1plus", level, "vi", texts, context_districts=True)
        first = fig.data[0]
        assert first.type == "scattergeo" and first.locationmode is None and first.lon
        assert fig.layout.geo.visible is False
        assert any(t.type == "choropleth" for t in fig.data)
    flags = [t for t in fig.data if t.type == "scattergeo" and t.showlegend]
    assert not flags  # no commune of Vụ Bản passes 100 %


def test_flags_on_the_page_when_coverage_passes_100_percent(monkeypatch, app_file, tiny, tmp_path):
    copy = tmp_path / "w.db"
    shutil.copy(tiny.removeprefix("sqlite:///"), copy)
    engine = sa.create_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE population SET population = 2 WHERE area_code = '359'"))
    engine.dispose()
    at = open_page(monkeypatch, app_file, f"sqlite:///{copy}", week=WEEK)
    warning = " ".join(w.value for w in at.warning)
    assert "vượt 100 %" in warning and "Huyện Vụ Bản" in warning
    table = residence_table(at)
    row = table[table["Địa bàn"] == "Huyện Vụ Bản"].iloc[0]
    assert row["Tỷ lệ bao phủ: ít nhất 1 mũi"] == "150,0 %"  # not clipped
    assert row["Cảnh báo"].startswith("⚠ Vượt 100 %")


def test_page_with_no_people_in_the_marts_says_so(monkeypatch, app_file, tiny, tmp_path):
    copy = tmp_path / "w.db"
    shutil.copy(tiny.removeprefix("sqlite:///"), copy)
    engine = sa.create_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM mart_coverage_day"))
    engine.dispose()
    at = open_page(monkeypatch, app_file, f"sqlite:///{copy}", week=WEEK, district="359")
    infos = " ".join(i.value for i in at.info)
    assert "Không có dữ liệu" in infos and "Chưa có người nào" in infos
    assert not at.metric


def test_page_on_an_empty_warehouse(monkeypatch, app_file, tmp_path):
    rows = tiny_platform_rows()
    for table in ("visit", "certificate", "aefi_report"):
        rows[table] = []
    url = f"sqlite:///{tmp_path / 'w.db'}"
    load_tiny(f"sqlite:///{tmp_path / 'p.db'}", url, rows)
    at = open_page(monkeypatch, app_file, url)
    assert any("chưa có buổi tiêm" in i.value for i in at.info)


def map_spec(at: AppTest) -> str:
    """The map figure's title and annotations (its footnote), as text."""
    charts = at.get("plotly_chart")
    assert charts
    layout = json.loads(charts[0].proto.spec)["layout"]
    notes = [a["text"] for a in layout.get("annotations", [])]
    return " ".join([layout["title"]["text"], *notes])


def test_page_uses_a_boundaries_file_and_says_when_it_cannot(monkeypatch, app_file, tiny):
    data = ROOT / "tests" / "data"
    monkeypatch.setenv("VAX_BOUNDARIES_PATH", str(data / "boundaries_codes.geojson"))
    at = open_page(monkeypatch, app_file, tiny, week=WEEK)
    spec = map_spec(at)
    assert "Ranh giới: tệp" in spec and "Ranh giới gần đúng" not in spec
    assert any("Tệp ranh giới: 4 điểm cần kiểm tra" in e.label for e in at.expander)
    monkeypatch.setenv("VAX_BOUNDARIES_PATH", str(data / "boundaries_truncated.geojson"))
    at = open_page(monkeypatch, app_file, tiny, week=WEEK)
    assert any("Không đọc được tệp ranh giới" in w.value for w in at.warning)
    assert "Ranh giới gần đúng (dựng từ tâm xã)" in map_spec(at)
    monkeypatch.delenv("VAX_BOUNDARIES_PATH")
    at = open_page(monkeypatch, app_file, tiny, week=WEEK, lang="en")
    assert "Approximate boundaries (built from commune centres)" in map_spec(at)
