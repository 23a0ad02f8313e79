"""The weekly overview page (dashboard/app_pages/overview.py): it renders on a demo-like, a tiny
and an empty warehouse, for the province and a district, in both languages, and the numbers it
shows are those `queries.overview` returns."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from conftest import ROOT
from platform_builder import create_platform, tiny_platform_rows
from streamlit.testing.v1 import AppTest
from test_queries_overview import build_warehouse, overview_rows

from dashboard import format as fmt
from queries import overview
from queries.scope import Period, resolve_scope
from warehouse import engine as wh_engine

APP = str(ROOT / "dashboard" / "app.py")
ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}
CARDS_VI = [
    "Số mũi đã tiêm",
    "Tỷ lệ hoàn thành kế hoạch",
    "Người đã tiêm ≥ 1 mũi",
    "Người tiêm đủ liều cơ bản",
    "Bao phủ ≥ 1 mũi (18+)",
    "Số hoãn tiêm",
    "Tỷ lệ hoãn tiêm",
    "Tai biến nặng sau tiêm",
    "Chứng nhận đã cấp",
    "Chưa cấp chứng nhận",
    "Số tồn (sổ kho)",
    "Số ngày đủ dùng",
]


# --- warehouses ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    return build_warehouse(tmp_path_factory.mktemp("overview_tiny"), overview_rows())


@pytest.fixture(scope="module")
def demo(small_province) -> str:
    """The small simulated province (0.5 % of residents, to October 2021; shared, read only)."""
    return small_province[1]


@pytest.fixture(scope="module")
def empty(tmp_path_factory) -> str:
    """A warehouse loaded from a platform with sites, stores and plans but no visit yet."""
    rows = tiny_platform_rows()
    for table in ("citizen", "visit", "certificate", "aefi_report"):
        rows[table] = []
    tmp = tmp_path_factory.mktemp("overview_empty")
    platform, wh = f"sqlite:///{tmp / 'p.db'}", f"sqlite:///{tmp / 'w.db'}"
    create_platform(platform, rows)
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform, "--warehouse-url", wh],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
    )
    return wh


def run_page(monkeypatch, url: str, alerts_config: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    if alerts_config is None:
        monkeypatch.delenv("VAX_ALERTS_CONFIG", raising=False)
    else:
        monkeypatch.setenv("VAX_ALERTS_CONFIG", alerts_config)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("app_pages/overview.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def kpis(url: str, code: str, start: date, end: date, denominator: str = "18plus"):
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            df = overview.kpis(conn, resolve_scope(conn, code), Period(start, end), denominator)
    finally:
        engine.dispose()
    return df.set_index("window")


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def shown_period(at: AppTest) -> tuple[date, date]:
    """The period in the header caption ("<scope> · dd/mm/yyyy – dd/mm/yyyy")."""
    text = at.caption[0].value.split(" · ")[-1]
    start, end = (date(*map(int, reversed(part.strip().split("/")))) for part in text.split("–"))
    return start, end


def expected_cards(df, lang: str = "vi") -> dict[str, str]:
    cur = df.loc["current"]
    unit = "ngày" if lang == "vi" else "days"
    return {
        "Số mũi đã tiêm": fmt.number(cur["doses"], lang),
        "Tỷ lệ hoàn thành kế hoạch": fmt.percent(cur["plan_achievement"], lang),
        "Người đã tiêm ≥ 1 mũi": fmt.number(cur["people_1plus"], lang),
        "Người tiêm đủ liều cơ bản": fmt.number(cur["people_full"], lang),
        "Bao phủ ≥ 1 mũi (18+)": fmt.percent(cur["coverage_1plus"], lang),
        "Số hoãn tiêm": fmt.number(cur["deferrals"], lang),
        "Tỷ lệ hoãn tiêm": fmt.percent(cur["deferral_rate"], lang),
        "Tai biến nặng sau tiêm": fmt.number(cur["aefi_serious"], lang),
        "Chứng nhận đã cấp": fmt.number(cur["issued"], lang),
        "Chưa cấp chứng nhận": fmt.number(cur["backlog"], lang),
        "Số tồn (sổ kho)": fmt.number(cur["on_hand"], lang),
        "Số ngày đủ dùng": (
            "—"
            if cur["days_of_stock"] != cur["days_of_stock"]
            else f"{fmt.number(cur['days_of_stock'], lang, 1)} {unit}"
        ),
    }


# --- the demo-like warehouse -----------------------------------------------------------------
def test_the_province_view_shows_what_the_queries_return(monkeypatch, demo):
    at = run_page(monkeypatch, demo)
    assert at.title[0].value == "Tổng quan tuần"
    start, end = shown_period(at)
    assert (start, end) == (date(2021, 10, 25), date(2021, 10, 31))  # last complete week
    shown = metrics(at)
    assert list(shown)[:12] == CARDS_VI
    expected = expected_cards(kpis(demo, "36", start, end))
    assert {k: shown[k][0] for k in CARDS_VI} == expected
    doses = kpis(demo, "36", start, end)["doses"]
    change = fmt.signed(doses["current"] - doses["previous"], "vi")
    assert shown["Số mũi đã tiêm"][1] == f"{change}"
    subheaders = [s.value for s in at.subheader]
    assert subheaders == [
        "Chỉ số chính",
        "Số mũi tiêm theo ngày",
        "Xếp hạng huyện, thành phố",
        "Cảnh báo",
    ]


def test_the_daily_trend_and_the_ranking_tables_match_the_queries(monkeypatch, demo):
    at = run_page(monkeypatch, demo, week="2021-W42")
    period = Period(date(2021, 10, 18), date(2021, 10, 24))
    engine = wh_engine.make_engine(demo, create_dir=False, must_exist=True)
    with engine.connect() as conn:
        scope = resolve_scope(conn, "36")
        daily = overview.daily_doses(conn, scope, period)
        ranking = overview.ranking(conn, scope, period)
    engine.dispose()
    trend = at.dataframe[0].value
    assert trend["Ngày"].tolist() == [fmt.day(d) for d in period.days]
    for group, column in (
        ("dose1", "Mũi 1"),
        ("dose2", "Mũi 2"),
        ("dose3plus", "Mũi 3 trở lên, mũi nhắc lại"),
    ):
        values = daily[daily["dose_group"] == group]["doses"]
        assert trend[column].tolist() == [fmt.number(v) for v in values]
    coverage_table = at.dataframe[1].value
    best = ranking.sort_values("coverage_1plus", ascending=False).iloc[0]
    assert coverage_table.iloc[0]["Địa bàn"] == best["name"]
    assert coverage_table.iloc[0]["Tỷ lệ bao phủ"] == fmt.percent(best["coverage_1plus"])
    doses_table = at.dataframe[2].value.set_index("Địa bàn")
    for row in ranking.itertuples():
        assert doses_table.loc[row.name, "Số mũi đã tiêm"] == fmt.number(row.doses)
        assert doses_table.loc[row.name, "Tỷ lệ hoàn thành kế hoạch"] == fmt.percent(
            row.plan_achievement
        )


def test_a_single_district_ranks_its_communes(monkeypatch, demo):
    at = run_page(monkeypatch, demo, district="366")
    assert "Huyện Hải Hậu" in at.caption[0].value
    start, end = shown_period(at)
    shown = metrics(at)
    expected = expected_cards(kpis(demo, "366", start, end))
    assert {k: shown[k][0] for k in CARDS_VI} == expected
    assert "Xếp hạng xã, phường, thị trấn — Huyện Hải Hậu" in [s.value for s in at.subheader]
    names = set(at.dataframe[2].value["Địa bàn"])
    assert "Thị trấn Yên Định" in names and "Huyện Hải Hậu" not in names


def test_english_on_request(monkeypatch, demo):
    at = run_page(monkeypatch, demo, lang="en")
    assert at.title[0].value == "Weekly overview"
    labels = [m.label for m in at.metric]
    assert "Doses administered" in labels and "Days of stock" in labels
    start, end = shown_period(at)
    cur = kpis(demo, "36", start, end).loc["current"]
    doses = next(m for m in at.metric if m.label == "Doses administered")
    assert doses.value == fmt.number(cur["doses"], "en")
    assert "Alerts" in [s.value for s in at.subheader]


# --- the tiny warehouse: hand-checked numbers ------------------------------------------------
def test_the_week_of_the_tiny_platform(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37")
    shown = metrics(at)
    assert shown["Số mũi đã tiêm"] == ("8", "+8")
    assert shown["Tỷ lệ hoàn thành kế hoạch"][0] == "4,2 %"  # 8 / 190
    assert shown["Người đã tiêm ≥ 1 mũi"] == ("6", "+3")
    assert shown["Người tiêm đủ liều cơ bản"] == ("4", "+3")
    assert shown["Số hoãn tiêm"][0] == "3"
    assert shown["Tỷ lệ hoãn tiêm"][0] == "25,0 %"
    assert shown["Tai biến nặng sau tiêm"][0] == "1"
    assert shown["Chứng nhận đã cấp"][0] == "5"
    assert shown["Chưa cấp chứng nhận"][0] == "3"
    assert shown["Số tồn (sổ kho)"] == ("1.620", "+620")
    assert shown["Số ngày đủ dùng"][0] == "378,0 ngày"
    plan = at.dataframe[0].value["Số mũi theo kế hoạch"].tolist()
    assert plan == ["0", "0", "100", "30", "60", "0", "0"]


def _site_links(at):
    return [link for link in at.get("page_link") if "site=" in link.proto.query_string]


def test_the_figures_and_alerts_link_to_the_pages_behind_them_with_the_same_view(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", district="356")
    targets = {}
    for link in at.get("page_link"):
        if "site=" not in link.proto.query_string:
            targets[link.proto.page] = link.proto.query_string
    for name in ("stock", "certificates", "aefi", "screening", "flow", "quality"):
        query = next(
            q for page, q in targets.items() if page.endswith(f"{name}.py") or page.endswith(name)
        )
        assert "week=2021-W37" in query and "district=356" in query


def test_the_site_that_sent_no_data_is_listed_with_a_link_to_it(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37")
    texts = [m.value for m in at.markdown]
    alert = next(t for t in texts if "Bệnh viện Đa khoa tỉnh Nam Định" in t)
    assert "Điểm tiêm chưa báo cáo" in alert and "16/09" in alert
    links = _site_links(at)
    assert len(links) == 1
    query = links[0].proto.query_string
    assert "site=F3" in query and "district=356" in query and "commune=13633" in query
    assert "week=2021-W37" in query


def test_thresholds_come_from_the_administrators_file(monkeypatch, tiny, tmp_path):
    config = tmp_path / "alerts.toml"
    config.write_text(
        "[low_stock]\nmin_days_of_stock = 200\nserious_days_of_stock = 50\n"
        "[deferral_spike]\nmin_screened = 1\n"
        "[certificate_backlog]\nmin_count = 1\nmin_days = 0\n"
    )
    at = run_page(monkeypatch, tiny, str(config), week="2021-W37")
    counts = {m.label: m.value for m in at.metric}
    assert counts["Sắp hết vắc xin"] == "2"
    assert counts["Hoãn tiêm tăng đột biến"] == "1"
    assert counts["Tồn đọng chứng nhận"] == "2"
    assert counts["Điểm tiêm chưa báo cáo"] == "1"
    assert len(_site_links(at)) == 6
    assert not at.warning or all("ngưỡng cảnh báo" not in w.value for w in at.warning)


def test_a_broken_thresholds_file_is_reported_and_the_defaults_used(monkeypatch, tiny, tmp_path):
    config = tmp_path / "alerts.toml"
    config.write_text("[low_stock]\nmin_days_of_stok = 3\n")
    at = run_page(monkeypatch, tiny, str(config), week="2021-W37")
    warning = next(w.value for w in at.warning if "ngưỡng cảnh báo" in w.value)
    assert "min_days_of_stok" in warning and "mặc định" in warning
    assert len(_site_links(at)) == 1  # the default thresholds: F3's missing data only


def test_coverage_measure_and_denominator_are_page_options(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", measure="full", denominator="total")
    card = next(m for m in at.metric if m.label.startswith("Bao phủ"))
    assert card.label == "Bao phủ đủ liều (tổng DS)"
    cur = kpis(tiny, "36", date(2021, 9, 13), date(2021, 9, 19), "total").loc["current"]
    assert card.value == fmt.percent(cur["coverage_full"])
    assert at.query_params["measure"] in ("full", ["full"])
    at.segmented_control(key="overview_opt_measure").set_value("boosted").run()
    assert at.query_params["measure"] in ("boosted", ["boosted"])
    card = next(m for m in at.metric if m.label.startswith("Bao phủ"))
    assert card.label == "Bao phủ nhắc lại (tổng DS)"


def test_an_area_without_activity_says_so(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", district="360")
    infos = [i.value for i in at.info]
    assert any("Không có buổi tiêm nào" in t for t in infos)
    assert any("Không có dữ liệu" in t for t in infos)  # the trend and the ranking
    assert any("Không có cảnh báo" in t for t in infos)
    assert metrics(at)["Số mũi đã tiêm"][0] == "0"


# --- the empty warehouse ---------------------------------------------------------------------
def test_an_empty_warehouse_gives_a_plain_message(monkeypatch, empty):
    at = run_page(monkeypatch, empty)
    assert any("chưa có buổi tiêm nào" in i.value for i in at.info)
    assert not at.metric
