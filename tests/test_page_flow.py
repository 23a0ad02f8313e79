"""The Session flow page and `queries.flow`: hand-checked numbers on the tiny platform, METRICS.md
recomputed from the platform tables of a simulated period, and the page renders for a demo-like,
an empty and a hand-made warehouse showing what the queries return."""

from __future__ import annotations

import shutil
from datetime import date
from functools import partial

import pandas as pd
import pytest
import sqlalchemy as sa
from page_support import metrics, open_rejects, periods, read, table_with
from page_support import open_page as open_app_page
from reference_metrics import reference_dataset

from dashboard import format as fmt
from queries import flow
from queries.scope import Period

PAGE = "app_pages/flow.py"
open_page = partial(open_app_page, PAGE)
W37 = Period(date(2021, 9, 13), date(2021, 9, 19))
KPI_WAIT, KPI_TP, KPI_BELOW, KPI_LATE = (
    "Chờ khám (phút)",
    "Mũi/bàn/giờ",
    "Dưới công suất",
    "Mũi nhập muộn",
)


@pytest.fixture(scope="module")
def demo_platform(small_province) -> tuple[str, str]:
    """The small simulated province (shared, read only)."""
    return small_province


@pytest.fixture(scope="module")
def demo(demo_platform) -> str:
    return demo_platform[1]


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    return warehouses.tiny()


@pytest.fixture(scope="module")
def empty(no_visit_warehouse) -> str:
    """Facilities, stores and vaccines, but no visit at all (shared, read only)."""
    return no_visit_warehouse


# --- queries on the hand-made platform --------------------------------------------------------
def test_funnel_counts_the_five_steps(tiny):
    # 13 active visits in the week, V09 never screened, 8 injected (all watched), certificates
    # issued in the week: CE08, CE12, CE02, CE03 and CE07 (CE06 revoked, CE05 on 09-20).
    row = read(tiny, flow.totals, "36", W37).iloc[0]
    assert [row[s] for s in flow.STEPS] == [13, 12, 8, 8, 5]
    assert row["screen_wait_minutes"] == pytest.approx(10, abs=1e-3)
    assert row["inject_wait_minutes"] == pytest.approx(10, abs=1e-3)


def test_recording_lag_is_recorded_at_minus_end_of_session_day(tiny):
    # V13 (F2, session 17/09) was entered on 20/09: the only dose recorded late.
    row = read(tiny, flow.totals, "359", W37).iloc[0]
    assert row["recorded_late"] == 1
    assert row["doses"] == 3
    assert row["recorded_late_share"] == pytest.approx(1 / 3)
    weekly = read(tiny, flow.weekly, "36", W37, 3)
    assert weekly["recorded_late"].tolist() == [0, 0, 1]
    assert weekly["recorded_late_share"].iloc[-1] == pytest.approx(1 / 8)
    assert weekly["recorded_late_share"].iloc[:2].isna().all()  # no dose, no share
    # A period stopping mid-week: its last week is named by the days it counts.
    cut = read(tiny, flow.weekly, "36", Period(date(2021, 9, 13), date(2021, 9, 15)), 2)
    assert cut["week_end"].tolist() == [date(2021, 9, 12), date(2021, 9, 15)]
    assert cut["doses"].iloc[-1] == int(
        read(tiny, flow.totals, "36", Period(date(2021, 9, 13), date(2021, 9, 15)))["doses"].iloc[0]
    )


def test_throughput_is_doses_per_table_hour_between_first_and_last_injection(tiny):
    s = read(tiny, flow.sessions, "36", W37).set_index(["facility_id", "date"])
    # F1 on 15/09: V03 at 01:20 and V07 at 16:50 UTC, 2 tables: 2 / (2 × 15.5).
    assert s.loc[("F1", date(2021, 9, 15)), "hours"] == pytest.approx(15.5)
    assert s.loc[("F1", date(2021, 9, 15)), "throughput"] == pytest.approx(2 / 31)
    # F2 on 17/09: 01:20 and 02:20, 3 tables: 2 / 3.
    assert s.loc[("F2", date(2021, 9, 17)), "throughput"] == pytest.approx(2 / 3)
    # One dose: no span, no throughput.
    assert pd.isna(s.loc[("F1", date(2021, 9, 14)), "throughput"])
    sites = read(tiny, flow.by_site, "36", W37).set_index("facility_id")
    assert sites.loc["F1", "sessions"] == 3
    assert sites.loc["F1", "table_hours"] == pytest.approx(31)
    assert sites.loc["F2", "throughput"] == pytest.approx(2 / 3)
    assert sites.loc["F2", "threshold"] == pytest.approx(flow.BELOW_SHARE * 2 / 3)
    assert sites["below_sessions"].sum() == 0
    capacity = flow.capacity(read(tiny, flow.by_site, "36", W37))
    assert capacity["sessions"] == 6 and capacity["below_sessions"] == 0
    assert capacity["throughput"] == pytest.approx(4 / 34)
    assert flow.funnel(read(tiny, flow.totals, "36", W37).iloc[0])["share"].tolist() == (
        pytest.approx([1, 12 / 13, 8 / 13, 8 / 13, 5 / 13])
    )


def test_a_session_under_half_the_site_median_is_below_capacity(tiny, tmp_path):
    path = tmp_path / "w.db"
    shutil.copy(tiny.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        # F2 on 18/09: 1 dose over 2 hours at 3 tables = 1/6, under half the median (0.4167).
        conn.execute(
            sa.text(
                "INSERT INTO mart_session_day (facility_id, date, checked_in, screened, "
                "eligible, deferred, contraindicated, referred, doses, observed, "
                "reactions_mild, reactions_serious, first_injection_at, last_injection_at, "
                "recorded_late) VALUES ('F2', '2021-09-18', 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, "
                "'2021-09-18 01:00:00', '2021-09-18 03:00:00', 0)"
            )
        )
    engine.dispose()
    s = read(url, flow.sessions, "F2", W37)
    below = s[s["below"]]
    assert below["date"].tolist() == [date(2021, 9, 18)]
    assert below["throughput"].iloc[0] == pytest.approx(1 / 6)
    assert below["site_median"].iloc[0] == pytest.approx((2 / 3 + 1 / 6) / 2)
    assert read(url, flow.by_site, "F2", W37)["below_sessions"].tolist() == [1]


def test_queries_equal_metrics_md_from_the_platform(demo_platform):
    platform, wh = demo_platform
    period = Period(date(2021, 9, 1), date(2021, 10, 31))
    excluded = open_rejects(wh)  # rows the ETL rejected are absent from both
    ref = reference_dataset(platform, "sessions", period.start, period.end, excluded)
    got = read(wh, flow.totals, "36", period).iloc[0]
    assert got["checked_in"] > 0
    for column in ("checked_in", "screened", "doses"):
        assert got[column] == ref[column].sum(), column
    certs = reference_dataset(platform, "certificates", period.start, period.end, excluded)
    assert got["issued"] == certs["issued"].sum()
    # Doses entered after the session day, and throughput from the visits of one busy site.
    engine = sa.create_engine(platform)
    with engine.connect() as conn:
        visits = pd.read_sql_query(
            sa.text(
                "SELECT v.visit_id, v.facility_id, v.session_date, v.injected_at, v.recorded_at, "
                "f.tables_count FROM visit v JOIN facility f ON f.facility_id = v.facility_id "
                "WHERE v.status = 'active' AND v.injected_at IS NOT NULL"
            ),
            conn,
        )
    engine.dispose()
    visits = visits[~visits["visit_id"].isin(excluded.get("visit", set()))]
    day = pd.to_datetime(visits["session_date"]).dt.date
    visits = visits[(day >= period.start) & (day <= period.end)].copy()
    recorded = pd.to_datetime(visits["recorded_at"], utc=True, format="ISO8601")
    local = recorded.dt.tz_convert("Asia/Ho_Chi_Minh").dt.date
    late = (local > pd.to_datetime(visits["session_date"]).dt.date).sum()
    assert got["recorded_late"] == late
    injected = pd.to_datetime(visits["injected_at"], utc=True, format="ISO8601")
    visits["t"] = injected
    spans = visits.groupby(["facility_id", "session_date"]).agg(
        doses=("t", "size"), first=("t", "min"), last=("t", "max"), tables=("tables_count", "first")
    )
    spans["hours"] = (spans["last"] - spans["first"]).dt.total_seconds() / 3600
    ok = spans[(spans["hours"] >= flow.MIN_HOURS) & (spans["tables"] > 0)]
    expected = ok["doses"] / (ok["tables"] * ok["hours"])
    s = read(wh, flow.sessions, "36", period)
    s = s[s["throughput"].notna()]
    got_tp = s.set_index(["facility_id", s["date"].astype(str)])["throughput"].sort_index()
    assert len(got_tp) == len(expected) > 0
    assert got_tp.to_numpy() == pytest.approx(expected.sort_index().to_numpy(), rel=1e-6)


# --- the page ---------------------------------------------------------------------------------
def test_page_shows_what_the_queries_return(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    assert at.title[0].value == "Quy trình buổi tiêm"
    now, before = periods(demo)
    cur = read(demo, flow.totals, "36", now).iloc[0]
    prev = read(demo, flow.totals, "36", before).iloc[0]
    sites = read(demo, flow.by_site, "36", now)
    shown = metrics(at)
    assert shown[KPI_WAIT].value == fmt.number(cur["screen_wait_minutes"], "vi", 1)
    assert shown[KPI_LATE].value == fmt.percent(cur["recorded_late_share"])
    points = (cur["recorded_late_share"] - prev["recorded_late_share"]) * 100
    assert fmt.number(abs(points), "vi", 1) in shown[KPI_LATE].delta
    tp = sites["doses"].sum() / sites["table_hours"].sum()
    assert shown[KPI_TP].value == fmt.number(tp, "vi", 1)
    below = f"{fmt.number(sites['below_sessions'].sum())} / {fmt.number(sites['sessions'].sum())}"
    assert shown[KPI_BELOW].value == below
    funnel = table_with(at, "Bước")
    assert funnel["Số lượt"].tolist() == [int(cur[s]) for s in flow.STEPS]
    site_table = table_with(at, "Bàn × giờ")
    assert site_table["Điểm tiêm"].tolist() == sites["name"].tolist()
    assert site_table["Huyện, Thành phố"].tolist() == sites["district_name"].tolist()
    assert site_table["Mũi/bàn/giờ"].tolist() == pytest.approx(
        sites["throughput"].tolist(), nan_ok=True
    )


def test_single_district(monkeypatch, demo):
    at = open_page(monkeypatch, demo, district="359")
    now, _ = periods(demo)
    cur = read(demo, flow.totals, "359", now).iloc[0]
    assert table_with(at, "Bước")["Số lượt"].tolist() == [int(cur[s]) for s in flow.STEPS]
    sites = read(demo, flow.by_site, "359", now)
    # Below the province the sites are placed by commune.
    site_table = table_with(at, "Bàn × giờ")
    assert site_table["Xã, Phường, Thị trấn"].tolist() == sites["commune_name"].tolist()
    assert len(sites) > 0


def test_hand_checked_week_and_one_site(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    shown = metrics(at)
    assert shown[KPI_WAIT].value == "10,0"
    assert shown[KPI_LATE].value == "12,5 %"
    assert shown[KPI_TP].value == fmt.number(4 / 34, "vi", 1)
    assert shown[KPI_BELOW].value == "0 / 6"
    assert table_with(at, "Bước")["Số lượt"].tolist() == [13, 12, 8, 8, 5]
    assert any("Không có buổi tiêm nào dưới công suất" in i.value for i in at.info)
    # The chart's title counts the sites it draws: those with a throughput.
    sites = read(tiny, flow.by_site, "36", W37)
    drawn = int(sites["throughput"].notna().sum())
    assert drawn < len(sites)  # a site whose sessions have no throughput
    assert any(f"({drawn} điểm thấp nhất)" in m.value for m in at.markdown)
    at = open_page(monkeypatch, tiny, week="2021-W37", district="359", commune="13771", site="F2")
    assert table_with(at, "Bước")["Số lượt"].tolist() == [5, 4, 3, 3, 2]  # CE02, CE07
    assert metrics(at)[KPI_LATE].value == "33,3 %"


def test_english_switch(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", lang="en")
    assert at.title[0].value == "Session flow"
    assert "Entered late" in metrics(at)
    assert table_with(at, "Step")["Step"].tolist()[0] == "Checked in"


def test_an_empty_warehouse_says_so(monkeypatch, empty):
    at = open_page(monkeypatch, empty)
    assert at.info, "an empty warehouse must say there is no data"


def test_a_week_without_sessions_says_so(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W30")
    assert metrics(at)[KPI_LATE].value == "—"
    assert any("Không có dữ liệu" in i.value for i in at.info)
