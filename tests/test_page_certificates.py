"""The Certificates page and `queries.certificates`: hand-checked figures on a tiny platform,
agreement with METRICS.md computed from the platform tables (tests/reference_metrics.py) on a
simulated period, and the page rendering the query results for a demo-like, an empty, a
single-district and a single-site warehouse view."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import pytest
from page_support import default_period, metrics, open_rejects, read, table_with
from page_support import open_page as open_app_page
from reference_metrics import Platform, reference_dataset

from dashboard import format as fmt
from queries import certificates
from queries.scope import Period

PAGE = "app_pages/certificates.py"
open_page = partial(open_app_page, PAGE)
W37 = Period(date(2021, 9, 13), date(2021, 9, 19))


@pytest.fixture(scope="module")
def demo(small_province) -> tuple[str, str]:
    """The small simulated province (shared, read only)."""
    return small_province


@pytest.fixture(scope="module")
def tiny(warehouses) -> tuple[str, str]:
    return warehouses.tiny_with_platform()


@pytest.fixture(scope="module")
def empty(no_visit_warehouse) -> str:
    """Facilities, stores and vaccines, but no visit at all (shared, read only)."""
    return no_visit_warehouse


def reference_lag_hours(platform_url: str, period: Period, excluded=None) -> float:
    """Mean issued_at - injected_at (hours) over unrevoked certificates issued in the period
    (local days), straight from the platform tables."""
    platform = Platform(platform_url, excluded)
    certs = platform.table("certificate")
    visits = platform.table("visit")[["visit_id", "injected_at"]]
    certs = certs[certs["revoked_at"].isna()].merge(visits, on="visit_id")
    issued = pd.to_datetime(certs["issued_at"], utc=True)
    injected = pd.to_datetime(certs["injected_at"], utc=True)
    day = (issued + pd.Timedelta(hours=7)).dt.tz_localize(None).dt.normalize()
    inside = (day >= pd.Timestamp(period.start)) & (day <= pd.Timestamp(period.end))
    return float(((issued - injected)[inside] / pd.Timedelta(hours=1)).mean())


# --- queries on the tiny platform -----------------------------------------------------------
def test_totals_by_hand(tiny):
    platform, url = tiny
    row = read(url, certificates.totals, "36", W37).iloc[0]
    # CE08 (09-14), CE12 (local 09-15), CE02 (09-16), CE03 (local 09-17), CE07 (09-19);
    # CE06 was revoked and CE05 is issued on 09-20.
    assert int(row["issued"]) == 5
    ref = reference_dataset(platform, "certificates", W37.start, W37.end)
    last = ref[ref["date"] == ref["date"].max()]
    assert int(row["backlog"]) == int(last["backlog"].sum())
    assert int(row["backlog"]) > 0  # V07 and V15 never get one; V13 waits until 09-20
    assert row["lag_hours"] == pytest.approx(reference_lag_hours(platform, W37))
    weekly = read(url, certificates.weekly, "36", W37, 3)
    assert len(weekly) == 3
    assert weekly.iloc[-1]["issued"] == row["issued"]
    assert weekly.iloc[-1]["backlog"] == row["backlog"]
    assert weekly.iloc[-1]["backlog_before"] == row["backlog_before"]


def test_areas_add_up(tiny):
    _, url = tiny
    total = read(url, certificates.totals, "36", W37).iloc[0]
    areas = read(url, certificates.by_area, "36", W37)
    assert set(areas["level"]) == {"district"}
    for column in ("issued", "doses", "backlog", "backlog_before"):
        assert int(areas[column].sum()) == int(total[column]), column
    backlogs = areas["backlog"].tolist()
    assert backlogs == sorted(backlogs, reverse=True)
    sites = read(url, certificates.top_sites, "36", W37)
    assert int(sites["backlog"].sum()) == int(total["backlog"])


def test_weekly_trend_is_on_iso_weeks_for_a_period_ending_midweek(tiny):
    """The trend's weeks are ISO weeks (Monday to Sunday), the last one cut at the period end;
    they were seven-day blocks ending on the period's last day (Thursday to Wednesday here)."""
    _, url = tiny
    period = Period(date(2021, 9, 8), date(2021, 9, 15))  # Wednesday to Wednesday
    weekly = read(url, certificates.weekly, "36", period, 3)
    assert weekly["week_start"].tolist() == [date(2021, 8, 30), date(2021, 9, 6), date(2021, 9, 13)]
    assert weekly["week_end"].tolist() == [date(2021, 9, 5), date(2021, 9, 12), date(2021, 9, 15)]
    # The last week runs to the period end: its backlog is the one at the end of 15/09.
    upto = read(url, certificates.totals, "36", Period(date(2021, 9, 13), date(2021, 9, 15)))
    assert weekly.iloc[-1]["backlog"] == upto.iloc[0]["backlog"]
    assert weekly.iloc[-1]["issued"] == upto.iloc[0]["issued"]
    assert weekly.iloc[-1]["backlog_before"] == weekly.iloc[-2]["backlog"]
    full = read(url, certificates.weekly, "36", W37, 3)
    assert full.iloc[:2].equals(weekly.iloc[:2])


def test_empty_warehouse_queries(empty):
    row = read(empty, certificates.totals, "36", W37).iloc[0]
    assert int(row["issued"]) == 0 and int(row["backlog"]) == 0
    assert read(empty, certificates.by_area, "36", W37).empty
    assert int(read(empty, certificates.weekly, "36", W37)["issued"].sum()) == 0


# --- queries against METRICS.md computed from the platform tables ----------------------------
def test_queries_equal_the_reference_on_a_simulated_period(demo):
    platform, warehouse = demo
    period = Period(date(2021, 10, 4), date(2021, 10, 17))
    excluded = open_rejects(warehouse)
    ref = reference_dataset(platform, "certificates", period.start, period.end, excluded)
    row = read(warehouse, certificates.totals, "36", period).iloc[0]
    assert int(row["issued"]) == int(ref["issued"].sum()) > 0
    last = ref[ref["date"] == ref["date"].max()]
    assert int(row["backlog"]) == int(last["backlog"].sum())
    doses = reference_dataset(platform, "doses", period.start, period.end, excluded)
    assert int(row["doses"]) == int(doses["doses"].sum())
    assert row["lag_hours"] == pytest.approx(
        reference_lag_hours(platform, period, excluded), rel=1e-6
    )


# --- the page -------------------------------------------------------------------------------
def test_page_shows_the_query_numbers(monkeypatch, demo):
    _, url = demo
    at = open_page(monkeypatch, url)
    assert at.title[0].value == "Chứng nhận tiêm"
    period = default_period(url)
    now = read(url, certificates.totals, "36", period).iloc[0]
    shown = metrics(at)
    assert shown["Chứng nhận đã cấp"].value == fmt.number(int(now["issued"]))
    assert shown["Số mũi đã tiêm"].value == fmt.number(int(now["doses"]))
    assert shown["Chưa cấp chứng nhận"].value == fmt.number(int(now["backlog"]))
    change = fmt.signed(int(now["backlog"]) - int(now["backlog_before"]))
    assert shown["Chưa cấp chứng nhận"].delta.startswith(change)
    lag = shown["Thời gian chờ cấp"].value
    assert lag.startswith(fmt.number(now["lag_hours"], "vi", 1))
    areas = read(url, certificates.by_area, "36", period)
    table = table_with(at, "Địa bàn")
    assert table["Địa bàn"].tolist() == areas["name"].tolist()
    assert table["Tồn đọng"].tolist() == areas["backlog"].tolist()
    assert table["Chờ cấp (giờ)"].tolist() == pytest.approx(
        areas["lag_hours"].tolist(), nan_ok=True
    )
    weekly = read(url, certificates.weekly, "36", period, certificates.TREND_WEEKS)
    trend = table_with(at, "Tuần")
    assert trend["Đã cấp"].tolist() == weekly["issued"].tolist()
    assert trend["Tồn đọng"].tolist() == weekly["backlog"].tolist()
    assert trend["Tuần"].iloc[-1] == f"{fmt.day(period.start)} – {fmt.day(period.end)}"
    top = read(url, certificates.top_sites, "36", period)
    if len(top):
        assert table_with(at, "Điểm tiêm")["Điểm tiêm"].tolist() == top["name"].tolist()


def test_single_district(monkeypatch, demo):
    _, url = demo
    at = open_page(monkeypatch, url, district="359")
    now = read(url, certificates.totals, "359", default_period(url)).iloc[0]
    assert metrics(at)["Chứng nhận đã cấp"].value == fmt.number(int(now["issued"]))
    assert any("Theo xã, phường, thị trấn" in m.value for m in at.markdown)


def test_single_site(monkeypatch, tiny):
    _, url = tiny
    at = open_page(monkeypatch, url, week="2021-W37", district="356", commune="13633", site="F1")
    now = read(url, certificates.totals, "F1", W37).iloc[0]
    assert metrics(at)["Chứng nhận đã cấp"].value == fmt.number(int(now["issued"]))
    assert metrics(at)["Chưa cấp chứng nhận"].value == fmt.number(int(now["backlog"]))


def test_empty_warehouse_page(monkeypatch, empty):
    at = open_page(monkeypatch, empty)
    assert at.title


def test_english_switch(monkeypatch, demo):
    _, url = demo
    at = open_page(monkeypatch, url, lang="en")
    assert at.title[0].value == "Certificates"
    assert {"Certificates issued", "Certificate backlog", "Certificate lag"} <= set(metrics(at))
