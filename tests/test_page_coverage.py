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
from datetime import date
from functools import partial

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import ROOT, DatabaseFactory
from page_support import etl, metrics
from page_support import open_page as open_app_page
from page_support import read as read_query
from platform_builder import create_platform, tiny_platform_rows
from streamlit import dataframe_util

from dashboard import format as fmt
from queries import coverage as cv
from queries.definitions import METRICS
from queries.scope import Period, resolve_scope

PAGE = "app_pages/coverage.py"
open_page = partial(open_app_page, PAGE)
WEEK = "2021-W37"  # 13/09/2021 - 19/09/2021
PERIOD = Period(date(2021, 9, 13), date(2021, 9, 19))


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    return warehouses.tiny()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def warehouse(request, tmp_path_factory, pg_available, warehouses):
    """The tiny platform loaded by the real ETL, on each dialect."""
    if request.param == "postgresql" and not pg_available:
        pytest.skip("PostgreSQL is not reachable")
    factory = None
    if request.param == "sqlite":
        url = warehouses.tiny()
    else:
        factory = DatabaseFactory(request.param, tmp_path_factory.mktemp(f"cov-{request.param}"))
        platform, url = factory.new_url("platform"), factory.new_url("warehouse")
        create_platform(platform, tiny_platform_rows())
        etl(platform, url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
        if factory is not None:
            factory.drop_all()


def population(conn, code: str, group: str, year: int = 2021) -> int:
    return conn.execute(
        sa.text(
            "SELECT population FROM population WHERE area_code = :c AND target_group = :g "
            "AND year = :y"
        ),
        {"c": code, "g": group, "y": year},
    ).scalar()


def people(frame: pd.DataFrame, code: str) -> tuple[int, int, int]:
    row = frame[frame["area_code"] == code].iloc[0]
    return int(row["people_1plus"]), int(row["people_full"]), int(row["people_boosted"])


# --- the reads, against METRICS.md ------------------------------------------------------------
def test_summary_counts_people_by_residence_as_of_the_period_end_and_the_day_before(warehouse):
    conn = warehouse
    summary = cv.coverage_summary(conn, resolve_scope(conn, "36"), PERIOD, "18+")
    before, end = summary.iloc[0], summary.iloc[1]
    assert before["as_of"] == pd.Timestamp("2021-09-12")
    assert end["as_of"] == pd.Timestamp("2021-09-19")
    # Before the week: P1 (dose 1), C10 (full), C13 (MODERNA dose 1).
    assert (before["people_1plus"], before["people_full"], before["people_boosted"]) == (3, 1, 0)
    # By its end: + C03 (JANSSEN, full), C12 (dose 1 twice: never full), C11; P1 and C13 full;
    # C10 boosted. C07 lives in Hà Nội: outside the numerator, counted apart.
    assert (end["people_1plus"], end["people_full"], end["people_boosted"]) == (6, 4, 1)
    assert (before["outside_residents"], end["outside_residents"]) == (0, 1)
    pop = population(conn, "36", "18+")
    assert end["population"] == pop and end["year"] == 2021 and end["source_year"] == 2019
    assert end["method"] == "aged_estimate" and end["target_group"] == "18+"
    assert end["coverage_1plus"] == pytest.approx(6 / pop)
    assert end["coverage_boosted"] == pytest.approx(1 / pop)
    assert end["drop_out"] == pytest.approx((6 - 4) / 6)
    assert not end["above_100_1plus"]


def test_by_area_compares_the_districts_of_the_province(warehouse):
    conn = warehouse
    areas = cv.coverage_by_area(conn, resolve_scope(conn, "36"), PERIOD, "all")
    assert len(areas) == 10 and set(areas["area_level"]) == {"district"}
    assert people(areas, "356") == (3, 2, 0)
    assert people(areas, "359") == (3, 2, 1)
    assert people(areas, "366") == (0, 0, 0)
    row = areas[areas["area_code"] == "359"].iloc[0]
    assert row["population"] == population(conn, "359", "all")
    assert row["coverage_full"] == pytest.approx(2 / population(conn, "359", "all"))
    assert row["name"] == "Huyện Vụ Bản" and not row["is_scope"]
    # Highest coverage of >= 1 dose first.
    assert areas["coverage_1plus"].is_monotonic_decreasing
    assert set(areas["source"]) == {"GSO Population and Housing Census 2019"}


def test_a_district_compares_its_communes_and_a_commune_or_site_its_siblings(warehouse):
    conn = warehouse
    district = cv.coverage_by_area(conn, resolve_scope(conn, "359"), PERIOD, "18+")
    assert len(district) == 18 and set(district["area_level"]) == {"commune"}
    assert people(district, "13771") == (3, 2, 1)
    assert (
        district.drop(district.index[district["area_code"] == "13771"])["people_1plus"].eq(0).all()
    )
    commune = cv.coverage_by_area(conn, resolve_scope(conn, "13633"), PERIOD, "18+")
    assert set(commune["parent_code"]) == {"356"}
    assert commune.loc[commune["is_scope"], "area_code"].tolist() == ["13633"]
    assert people(commune, "13633") == (3, 2, 0)
    # A site stands for its commune: coverage is by residence.
    site = cv.coverage_summary(conn, resolve_scope(conn, "F2"), PERIOD, "18+")
    assert site["area_code"].iloc[-1] == "13771"
    assert people(site.iloc[[-1]], "13771") == (3, 2, 1)


def test_the_period_end_decides_who_is_counted(warehouse):
    conn = warehouse
    early = Period(date(2021, 9, 14), date(2021, 9, 16))
    summary = cv.coverage_summary(conn, resolve_scope(conn, "359"), early, "18+")
    assert people(summary.iloc[[-1]], "359") == (2, 2, 0)  # P1 full on 09-16, no booster yet


def test_trend_is_cumulative_per_day_for_scope_children_and_parent(warehouse):
    conn = warehouse
    trend = cv.coverage_trend(conn, resolve_scope(conn, "36"), PERIOD, "18+")
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
    pop = population(conn, "36", "18+")
    assert scope.loc["2021-09-19", "coverage_1plus"] == pytest.approx(6 / pop)
    assert set(trend.loc[trend["role"] == "child", "area_code"]) == {
        "356", "358", "359", "360", "361", "362", "363", "364", "365", "366",
    }  # fmt: skip
    assert (trend["role"] == "parent").sum() == 0
    district = cv.coverage_trend(conn, resolve_scope(conn, "359"), PERIOD, "18+")
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
    areas = cv.coverage_by_area(conn, scope, PERIOD, "18+")
    for code in areas["area_code"]:
        assert people(areas, code) == people(exported, code)


def test_coverage_above_100_percent_is_flagged_not_clipped(tmp_path, tiny):
    copy = tmp_path / "w.db"
    shutil.copy(tiny.removeprefix("sqlite:///"), copy)
    engine = sa.create_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE population SET population = 2 WHERE area_code = '359'"))
    with engine.connect() as conn:
        areas = cv.coverage_by_area(conn, resolve_scope(conn, "36"), PERIOD, "all")
    engine.dispose()
    row = areas[areas["area_code"] == "359"].iloc[0]
    assert row["coverage_1plus"] == pytest.approx(1.5)  # 3 people / 2
    assert row["above_100_1plus"] and not row["above_100_boosted"]  # 1 / 2
    assert areas.iloc[0]["area_code"] == "359"  # ranked first, not capped at 100 %


def test_unknown_target_group_is_refused(warehouse):
    with pytest.raises(ValueError, match="target group"):
        cv.coverage_by_area(warehouse, resolve_scope(warehouse, "36"), PERIOD, "65plus")


def test_scope_weekly_is_the_last_day_of_each_iso_week_with_its_drop_out(warehouse):
    conn = warehouse
    trend = cv.coverage_trend(conn, resolve_scope(conn, "36"), PERIOD, "18+")
    weekly = cv.scope_weekly(trend)
    assert len(weekly) == 16
    assert weekly["date"].dt.day_of_week.eq(0).all()  # labelled by their Mondays
    last = weekly.iloc[-1]
    assert last["date"] == pd.Timestamp("2021-09-13")
    assert (last["people_1plus"], last["people_full"]) == (6, 4)  # as of Sunday 19/09
    assert last["drop_out"] == pytest.approx(2 / 6)
    week_36 = weekly[weekly["date"] == pd.Timestamp("2021-09-06")].iloc[0]
    scope = trend[trend["role"] == "scope"].set_index("date")
    assert week_36["people_1plus"] == scope.loc["2021-09-12", "people_1plus"]


def test_population_source_is_the_most_common_one():
    frame = pd.DataFrame(
        {
            "source": ["A", "B", "B", None],
            "source_year": pd.array([2019, 2019, 2019, None], "Int64"),
            "year": pd.array([2021, 2022, 2022, None], "Int64"),
            "method": ["census", "aged_estimate", "aged_estimate", None],
        }
    )
    assert cv.population_source(frame) == {
        "source": "B", "source_year": 2019, "year": 2022, "method": "aged_estimate",
    }  # fmt: skip
    assert cv.population_source(frame.iloc[3:]) is None


# --- the page -----------------------------------------------------------------------------------
def read(url: str, func, code: str, *extra):
    return read_query(url, func, code, PERIOD, *extra)


def metric(at, label: str):
    found = metrics(at)
    assert label in found, list(found)
    return found[label]


def shown(element) -> pd.DataFrame:
    """A table as the page shows it (the Styler's display values), not the values it holds."""
    return dataframe_util.convert_arrow_bytes_to_pandas_df(
        element.proto.arrow_data.styler.display_values
    )


def residence_table(at, display: bool = False) -> pd.DataFrame:
    """The table by residence (every measure), not the charts' tables (the chosen one)."""
    found = [d for d in at.dataframe if "Tỷ lệ bao phủ: mũi nhắc lại" in d.value.columns]
    assert len(found) == 1
    if not display:
        return found[0].value
    return shown(found[0]).set_axis(found[0].value.columns, axis=1)


def test_page_renders_for_the_province_and_shows_what_the_reads_return(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week=WEEK)
    assert at.title[0].value == "Độ bao phủ"
    summary = read(tiny, cv.coverage_summary, "36", "18+")
    end, before = summary.iloc[-1], summary.iloc[0]
    kpi = metric(at, "Tỷ lệ ít nhất 1 mũi")
    assert kpi.value == fmt.percent(end["coverage_1plus"], "vi")
    assert metric(at, "Tỷ lệ mũi nhắc lại").value == fmt.percent(end["coverage_boosted"], "vi")
    assert metric(at, "Tỷ lệ bỏ mũi").value == fmt.percent(end["drop_out"], "vi") == "33,3 %"
    change = end["coverage_full"] - before["coverage_full"]
    assert metric(at, "Tỷ lệ đủ liều cơ bản").delta == fmt.points(change, "vi")
    assert kpi.help == METRICS["coverage_1plus"].definition_vi
    captions = " ".join(c.value for c in at.caption)
    assert "6 người / " + fmt.number(int(end["population"]), "vi") in captions
    assert (
        "Mẫu số: dân số 18+ năm 2021, ước tính từ Tổng điều tra dân số và nhà ở 2019 "
        "(Tổng cục Thống kê)" in captions
    )
    assert "Vượt 100 % nghĩa là dân số ước tính thấp" in captions
    assert "Ranh giới gần đúng" not in captions  # it is in the map's own footnote
    assert "1 người cư trú ngoài tỉnh" in captions
    assert "Đường đậm: Tỉnh Nam Định. Đường nhạt: từng huyện, thành phố" in captions
    areas = read(tiny, cv.coverage_by_area, "36", "18+")
    expected = areas[areas["area_code"] == "359"].iloc[0]
    table = residence_table(at)
    vu_ban = table[table["Địa bàn"] == "Huyện Vụ Bản"].iloc[0]
    assert vu_ban["Tỷ lệ bao phủ: ít nhất 1 mũi"] == pytest.approx(expected["coverage_1plus"])
    assert vu_ban["Số người đã tiêm mũi nhắc lại"] == 1
    total = table[table["Địa bàn"] == "Cộng: Tỉnh Nam Định"].iloc[0]
    assert total["Số người đã tiêm ít nhất 1 mũi"] == 6
    assert len(table) == 11
    display = residence_table(at, display=True)
    assert not display.apply(lambda col: col.str.contains("⚠")).any().any()
    vu_ban = display[display["Địa bàn"] == "Huyện Vụ Bản"].iloc[0]
    assert vu_ban["Tỷ lệ bao phủ: ít nhất 1 mũi"] == fmt.percent(expected["coverage_1plus"], "vi")
    target = "Dân số mục tiêu (Từ 18 tuổi trở lên)"
    assert vu_ban[target] == fmt.number(expected["population"], "vi")


def test_page_projects_the_targets_at_the_recent_pace(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week=WEEK)
    assert "Dự báo ngày đạt mục tiêu tiêm đủ liều cơ bản" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "Mục tiêu" in d.value.columns)
    province = table[table["Địa bàn"] == "Tỉnh Nam Định"]
    # 3 people fully vaccinated in 14 days against 1,322,989 aged 18+: never at this pace.
    assert province["Mục tiêu"].tolist() == ["70 %", "90 %"]
    assert set(province["Ngày đạt (dự báo)"]) == {"chưa đạt với tốc độ hiện tại"}
    assert len(table) == 2 * 11  # the province and its ten districts
    en = open_page(monkeypatch, tiny, week=WEEK, lang="en")
    table = next(d.value for d in en.dataframe if "Target" in d.value.columns)
    assert set(table["Reached on (projected)"]) == {"not at this pace"}


def test_page_in_english(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week=WEEK, lang="en")
    assert at.title[0].value == "Coverage by district"
    assert metric(at, "Coverage, at least one dose").help == METRICS["coverage_1plus"].definition_en
    captions = " ".join(c.value for c in at.caption)
    assert (
        "Denominator: population 18+ in 2021, estimated from the 2019 Population and Housing "
        "Census (GSO)" in captions
    )
    assert "Numerator: people aged 18 and over (age = year − birth year)" in captions


def test_page_for_one_district_with_options_from_the_url(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week=WEEK, district="359", measure="full", group="all")
    assert "Huyện Vụ Bản" in at.caption[0].value
    assert at.selectbox(key="opt_group").value == "all"
    assert at.button_group(key="opt_measure").value == "full"
    summary = read(tiny, cv.coverage_summary, "359", "all")
    end = summary.iloc[-1]
    assert metric(at, "Tỷ lệ đủ liều cơ bản").value == fmt.percent(end["coverage_full"], "vi")
    table = residence_table(at)
    areas = read(tiny, cv.coverage_by_area, "359", "all")
    assert len(table) == len(areas) + 1  # the communes of Vụ Bản and their total
    target = "Dân số mục tiêu (Mọi lứa tuổi)"
    held = dict(zip(table["Địa bàn"], table[target], strict=True))
    for name, pop in zip(areas["name"], areas["population"], strict=True):
        assert held[name] == int(pop)
    assert at.button(key="coverage_back_province")


def test_changing_the_options_writes_the_url_and_back_returns_to_the_province(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week=WEEK, district="359")
    at.selectbox(key="opt_group").set_value("65+").run()
    assert not at.exception
    assert at.query_params["group"] in ("65+", ["65+"])
    # Everyone on the tiny platform was born in 1980.
    assert any("Chưa có người nào (từ 65 tuổi trở lên)" in i.value for i in at.info)
    at.selectbox(key="opt_group").set_value("all").run()
    assert at.query_params["group"] in ("all", ["all"])
    assert any("Mẫu số: tổng dân số theo Tổng điều tra dân số" in c.value for c in at.caption)
    at.button_group(key="opt_measure").set_value("boosted").run()
    assert at.query_params["measure"] in ("boosted", ["boosted"])
    at.button(key="coverage_back_province").click().run()
    assert not at.exception
    assert "district" not in at.query_params
    assert "Tỉnh Nam Định" in at.caption[0].value
    assert at.query_params["group"] in ("all", ["all"])  # the options stay


def test_opening_the_page_adds_nothing_and_a_default_option_leaves_the_address(monkeypatch, tiny):
    """The page's options are in the address only when they differ from the default: opening
    the page adds nothing (Back works with one press) and going back to the default removes
    the option (it used to stay as `denominator=18plus`)."""
    at = open_page(monkeypatch, tiny, week=WEEK)
    assert set(at.query_params) <= {"lang", "week"}
    # Opened after the overview, whose own group control shares the option's name: the
    # page shows its default, as its address says (it showed the overview's first choice).
    assert at.selectbox(key="opt_group").value == "18+"
    assert any("Mẫu số: dân số 18+ năm 2021" in c.value for c in at.caption)
    at.selectbox(key="f_district").set_value("359").run()  # the first change is kept
    assert at.query_params["district"] in ("359", ["359"])
    at.selectbox(key="opt_group").set_value("5-11").run()
    assert at.query_params["group"] in ("5-11", ["5-11"])
    at.selectbox(key="opt_group").set_value("18+").run()
    assert "group" not in at.query_params
    assert at.query_params["district"] in ("359", ["359"])
    at.selectbox(key="f_district").set_value("356").run()
    assert "Thành phố Nam Định" in at.caption[0].value


def test_an_unknown_option_in_a_link_says_so_in_one_line(monkeypatch, tiny):
    """`?measure=all` used to fall back to the default without a word."""
    at = open_page(monkeypatch, tiny, week=WEEK, group="all")
    at.query_params["measure"] = "all"  # the address edited by hand
    at.run()
    lines = [w.value for w in at.warning if "“all”" in w.value]
    assert len(lines) == 1 and "không phải là lựa chọn" in lines[0]
    assert at.button_group(key="opt_measure").value == "1plus"
    assert at.selectbox(key="opt_group").value == "all"
    assert "measure" not in at.query_params


def test_a_hand_typed_plus_in_the_group_is_read_as_the_group(monkeypatch, tiny):
    """`?group=65+` typed by hand reaches the server as "65 " (a "+" is a space in a query)."""
    at = open_page(monkeypatch, tiny, week=WEEK, group="65 ")
    assert at.selectbox(key="opt_group").value == "65+"
    assert not [w.value for w in at.warning if "không phải là lựa chọn" in w.value]
    assert at.query_params["group"] in ("65+", ["65+"])


def test_flags_on_the_page_when_coverage_passes_100_percent(monkeypatch, tiny, tmp_path):
    copy = tmp_path / "w.db"
    shutil.copy(tiny.removeprefix("sqlite:///"), copy)
    engine = sa.create_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE population SET population = 2 WHERE area_code = '359'"))
    engine.dispose()
    at = open_page(monkeypatch, f"sqlite:///{copy}", week=WEEK)
    warning = " ".join(w.value for w in at.warning)
    assert "vượt 100 %" in warning and "Huyện Vụ Bản" in warning
    table = residence_table(at)
    row = table[table["Địa bàn"] == "Huyện Vụ Bản"].iloc[0]
    assert row["Tỷ lệ bao phủ: ít nhất 1 mũi"] == pytest.approx(1.5)  # not clipped
    display = residence_table(at, display=True)
    row = display[display["Địa bàn"] == "Huyện Vụ Bản"].iloc[0]
    assert row["Tỷ lệ bao phủ: ít nhất 1 mũi"] == "150,0 % ⚠"  # the flag in its cell
    assert row["Tỷ lệ bao phủ: mũi nhắc lại"] == "50,0 %"
    assert "⚠ Vượt 100 %: dân số ước tính có thể thấp" in [c.value for c in at.caption]


def test_page_with_no_people_in_the_marts_says_so(monkeypatch, tiny, tmp_path):
    copy = tmp_path / "w.db"
    shutil.copy(tiny.removeprefix("sqlite:///"), copy)
    engine = sa.create_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM mart_coverage_day"))
        conn.execute(sa.text("DELETE FROM mart_coverage_group_day"))
    engine.dispose()
    at = open_page(monkeypatch, f"sqlite:///{copy}", week=WEEK, district="359")
    infos = " ".join(i.value for i in at.info)
    assert "Không có dữ liệu" in infos and "Chưa có người nào" in infos
    assert not at.metric


def test_page_on_an_empty_warehouse(monkeypatch, no_visit_warehouse):
    at = open_page(monkeypatch, no_visit_warehouse)
    assert any("chưa có buổi tiêm" in i.value for i in at.info)


def test_page_for_a_site_shows_its_commune(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week=WEEK, district="359", commune="13771", site="F2")
    assert any("đang hiển thị" in i.value for i in at.info)
    assert at.button(key="coverage_up").label == "Lên Huyện Vụ Bản"
    at.button(key="coverage_up").click().run()
    assert not at.exception
    assert "site" not in at.query_params and "commune" not in at.query_params
    assert at.query_params["district"] in ("359", ["359"])


def map_spec(at) -> str:
    """The map figure's title and annotations (its footnote), as text."""
    charts = at.get("plotly_chart")
    assert charts
    layout = json.loads(charts[0].proto.spec)["layout"]
    notes = [a["text"] for a in layout.get("annotations", [])]
    return " ".join([layout["title"]["text"], *notes])


def test_page_uses_a_boundaries_file_and_says_when_it_cannot(monkeypatch, tiny):
    data = ROOT / "tests" / "data"
    monkeypatch.setenv("VAX_BOUNDARIES_PATH", str(data / "boundaries_codes.geojson"))
    at = open_page(monkeypatch, tiny, week=WEEK)
    spec = map_spec(at)
    assert "Ranh giới: tệp" in spec and "Ranh giới gần đúng" not in spec
    assert any("Tệp ranh giới: 4 điểm cần kiểm tra" in e.label for e in at.expander)
    monkeypatch.setenv("VAX_BOUNDARIES_PATH", str(data / "boundaries_truncated.geojson"))
    at = open_page(monkeypatch, tiny, week=WEEK)
    assert any("Không đọc được tệp ranh giới" in w.value for w in at.warning)
    assert "Ranh giới gần đúng (dựng từ tâm xã)" in map_spec(at)
    monkeypatch.delenv("VAX_BOUNDARIES_PATH")
    at = open_page(monkeypatch, tiny, week=WEEK, lang="en")
    assert "Approximate boundaries (built from commune centres)" in map_spec(at)
