"""The Data quality page and `queries.quality`: ETL runs, rejected rows (never the person keys),
sites late on a planned day (no visit, no stock report), sites with bad coordinates, and doses in
visits against doses declared in stock reports; checked by hand on the tiny platform, against the
platform tables on a simulated one, and on the rendered page."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

import pandas as pd
import pytest
import sqlalchemy as sa
from page_support import default_period, metrics, open_rejects, read, table_with
from page_support import open_page as open_app_page
from reference_metrics import reference_view

from dashboard import format as fmt
from queries import quality
from queries.scope import Period

PAGE = "app_pages/quality.py"
open_page = partial(open_app_page, PAGE)
W37 = Period(date(2021, 9, 13), date(2021, 9, 19))


def add_late_days_and_rejects(rows: dict) -> None:
    """The tiny platform plus four approved plans on days a site sent no visit, no stock report
    or neither, and three rows the ETL must reject."""
    plan = dict(rows["vaccination_plan"][0])
    rows["vaccination_plan"] += [
        {**plan, "plan_id": "P05", "facility_id": "F3", "session_date": "2021-09-19",
         "planned_doses": 40},  # a voided visit only; F3 has no store
        {**plan, "plan_id": "P06", "facility_id": "F1", "session_date": "2021-09-16",
         "planned_doses": 30},  # no visit, no report from SF1
        {**plan, "plan_id": "P07", "facility_id": "F1", "session_date": "2021-09-14",
         "planned_doses": 25},  # V14 given, no report from SF1
        {**plan, "plan_id": "P08", "facility_id": "F2", "session_date": "2021-09-13",
         "planned_doses": 20},  # no visit, SF2 reported (R05)
    ]  # fmt: skip
    visit = dict(rows["visit"][0])
    rows["visit"].append({**visit, "visit_id": "VX1", "facility_id": "F9"})
    citizen = dict(rows["citizen"][2])
    rows["citizen"].append({**citizen, "citizen_id": "C99", "residence_commune_code": "1363"})
    txn = dict(rows["stock_transaction"][0])
    rows["stock_transaction"].append({**txn, "txn_id": "T99", "quantity_doses": 0})


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    return warehouses.tiny("quality", add_late_days_and_rejects)


@pytest.fixture(scope="module")
def demo(small_province) -> tuple[str, str]:
    """The small simulated province (shared, read only)."""
    return small_province


@pytest.fixture(scope="module")
def empty(no_visit_warehouse) -> str:
    """Facilities, stores and vaccines, but no visit at all (shared, read only)."""
    return no_visit_warehouse


def read_plain(url: str, func, *args):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return func(conn, *args)
    finally:
        engine.dispose()


# --- queries on the tiny platform (by hand) ---------------------------------------------------
def test_reason_kind_and_value():
    assert quality.reason_kind("unknown facility_id 'F9'") == "unknown facility_id"
    assert quality.reason_value("unknown facility_id 'F9'") == "F9"
    kind = quality.reason_kind("quantity_doses must be positive, got '0'")
    assert kind == "quantity_doses must be positive"
    assert quality.reason_value("missing citizen_id") == ""


def test_rejects_are_grouped_by_kind_and_hide_person_keys(tiny):
    summary = read_plain(tiny, quality.reject_summary)
    got = {(r.source_table, r.kind): r.open for r in summary.itertuples()}
    assert got == {
        ("visit", "unknown facility_id"): 1,
        ("citizen", "malformed residence_commune_code"): 1,
        ("stock_transaction", "quantity_doses must be positive"): 1,
    }
    visits = read_plain(tiny, quality.reject_rows, "visit")
    assert visits["source_pk"].tolist() == ["VX1"]
    assert visits["value"].tolist() == ["F9"]
    assert visits["facility_id"].tolist() == ["F9"]
    citizens = read_plain(tiny, quality.reject_rows, "citizen")
    assert citizens["residence_commune_code"].tolist() == ["1363"]
    for frame in (visits, citizens):
        assert not {"citizen_key", "person_key"} & set(frame.columns)
    assert read_plain(tiny, quality.reject_rows, "vaccine").empty


def test_etl_runs_record_the_load(tiny):
    runs = read_plain(tiny, quality.etl_runs)
    assert len(runs) == 1
    run = runs.iloc[0]
    assert run["status"] == "success"
    assert run["rows_rejected"] == 3
    assert run["finished_at"] >= run["started_at"]


def test_late_sites_are_approved_plans_without_visits_or_a_stock_report(tiny):
    late = read(tiny, quality.late_sites, "36", W37)
    got = list(
        zip(late["facility_id"], late["date"], late["planned_doses"], late["missing"], strict=True)
    )
    # P01 (F1, 15/09) and P03 (F2, 17/09) had visits and a stock report; P02 is cancelled, P04
    # a draft. Latest day first.
    assert got == [
        ("F3", date(2021, 9, 19), 40, "both"),
        ("F1", date(2021, 9, 16), 30, "both"),
        ("F1", date(2021, 9, 14), 25, "stock_report"),
        ("F2", date(2021, 9, 13), 20, "visits"),
    ]
    assert late["no_visits"].tolist() == [True, True, False, True]
    assert late["no_stock_report"].tolist() == [True, True, True, False]
    district = read(tiny, quality.late_sites, "359", W37)
    assert district["missing"].tolist() == ["visits"]


def test_bad_coordinates_by_scope(tiny):
    bad = read(tiny, quality.bad_coordinates, "36", W37)
    assert bad["facility_id"].tolist() == ["F2"]
    assert bad["coordinate_status"].tolist() == ["missing"]
    assert read(tiny, quality.bad_coordinates, "356", W37).empty


def test_dose_reconciliation_by_hand(tiny):
    recon = read(tiny, quality.dose_reconciliation, "36", W37).set_index("district_code")
    # 356: F1 V14, V03, V07, V15 and F3 V17 (V08, V18 voided); declared by SF1: 0 + 10 (the
    # later submission). 359: F2 V02, V12, V13; declared by SF2: 0 + 20.
    assert recon.loc["356", ["visit_doses", "declared_doses", "gap"]].tolist() == [5, 10, 5]
    assert recon.loc["359", ["visit_doses", "declared_doses", "gap"]].tolist() == [3, 20, 17]
    assert recon.loc["359", "ledger_doses"] == 20
    assert recon.loc["359", "gap_rate"] == pytest.approx(17 / 3)
    one = read(tiny, quality.dose_reconciliation, "359", W37)
    assert one["district_code"].tolist() == ["359"]


# --- queries against the platform tables (simulated) ------------------------------------------
def _platform(platform: str, sql: str, params: dict) -> pd.DataFrame:
    engine = sa.create_engine(platform)
    try:
        with engine.connect() as conn:
            return pd.read_sql_query(sa.text(sql), conn, params=params)
    finally:
        engine.dispose()


def test_reconciliation_equals_the_platform_tables(demo):
    platform, wh = demo
    period = default_period(wh)
    params = {"start": str(period.start), "end": str(period.end)}
    facilities = _platform(platform, "SELECT facility_id, commune_code FROM facility", {})
    district_of = read_plain(
        wh, lambda c: pd.read_sql_query("SELECT facility_id, district_code FROM facility", c)
    )
    district = dict(zip(district_of["facility_id"], district_of["district_code"], strict=True))
    assert len(district) == len(facilities)
    visits = _platform(
        platform,
        "SELECT facility_id, COUNT(*) AS n FROM visit WHERE status = 'active' AND "
        "injected_at IS NOT NULL AND substr(session_date, 1, 10) BETWEEN :start AND :end "
        "GROUP BY facility_id",
        params,
    )
    expected_visits = visits.assign(d=visits["facility_id"].map(district)).groupby("d")["n"].sum()
    reports = _platform(
        platform,
        "SELECT r.store_id, s.facility_id, r.vaccine_code, substr(r.report_date, 1, 10) AS day, "
        "r.administered_doses, r.submitted_at, r.updated_at FROM stock_report r "
        "JOIN store s ON s.store_id = r.store_id WHERE s.facility_id IS NOT NULL "
        "AND substr(r.report_date, 1, 10) BETWEEN :start AND :end",
        params,
    )
    latest = reports.sort_values(["submitted_at", "updated_at"]).drop_duplicates(
        ["store_id", "vaccine_code", "day"], keep="last"
    )
    expected_declared = (
        latest.assign(d=latest["facility_id"].map(district))
        .groupby("d")["administered_doses"]
        .sum()
    )
    recon = read(wh, quality.dose_reconciliation, "36", period).set_index("district_code")
    assert recon["visit_doses"].sum() > 0
    for code, row in recon.iterrows():
        assert row["visit_doses"] == expected_visits.get(code, 0), code
        assert row["declared_doses"] == expected_declared.get(code, 0), code


def test_late_sites_equal_the_platform_tables(demo):
    platform, wh = demo
    period = default_period(wh)
    excluded = open_rejects(wh)
    for scope in ("36", "360"):
        expected = reference_view(platform, "late_sites", period.start, period.end, excluded, scope)
        late = read(wh, quality.late_sites, scope, period)
        got = set(
            zip(late["facility_id"], late["date"].map(str), late["planned_doses"],
                late["missing"], strict=True)
        )  # fmt: skip
        assert got == set(expected.itertuples(index=False, name=None)), scope
        assert len(late) == len(got)
    # The visits half, once more straight from the platform's SQL.
    params = {"start": str(period.start), "end": str(period.end)}
    no_visits = _platform(
        platform,
        "SELECT DISTINCT p.facility_id, substr(p.session_date, 1, 10) AS day FROM "
        "vaccination_plan p JOIN facility f ON f.facility_id = p.facility_id "
        "WHERE p.status = 'approved' AND (f.active IS NULL OR f.active) "
        "AND substr(p.session_date, 1, 10) BETWEEN :start AND :end AND NOT EXISTS ("
        "  SELECT 1 FROM visit v WHERE v.facility_id = p.facility_id AND v.status = 'active' "
        "  AND substr(v.session_date, 1, 10) = substr(p.session_date, 1, 10))",
        params,
    )
    late = read(wh, quality.late_sites, "36", period)
    late = late[late["no_visits"]]
    got = set(zip(late["facility_id"], late["date"].map(str), strict=True))
    assert got == set(zip(no_visits["facility_id"], no_visits["day"], strict=True))


def test_no_person_key_in_any_rejected_row(demo):
    _, wh = demo
    summary = read_plain(wh, quality.reject_summary)
    for table in summary["source_table"].unique():
        rows = read_plain(wh, quality.reject_rows, table)
        assert not {"citizen_key", "person_key"} & set(rows.columns)
        raw = read_plain(
            wh,
            lambda c, t=table: pd.read_sql_query(
                sa.text("SELECT row_json FROM etl_reject WHERE source_table = :t LIMIT 1"),
                c,
                params={"t": t},
            ),
        )
        keys = set(json.loads(raw["row_json"].iloc[0]))
        assert keys - {"citizen_key", "person_key"} <= set(rows.columns)


# --- the page ---------------------------------------------------------------------------------
def test_page_shows_the_query_numbers(monkeypatch, demo):
    _, wh = demo
    at = open_page(monkeypatch, wh)
    assert at.title[0].value == "Chất lượng dữ liệu"
    period = default_period(wh)
    shown = metrics(at)
    summary = read_plain(wh, quality.reject_summary)
    assert shown["Bản ghi bị loại"].value == fmt.number(int(summary["open"].sum()))
    late = read(wh, quality.late_sites, "36", period)
    assert shown["Điểm tiêm chưa báo cáo"].value == fmt.number(late["facility_id"].nunique())
    if len(late):
        table = table_with(at, "Thiếu")
        assert table["Điểm tiêm"].tolist() == late["name"].tolist()
        assert table["Ngày"].tolist() == [fmt.day(d) for d in late["date"]]
        names = {"visits": "Lượt tiêm", "stock_report": "Báo cáo kho", "both": "Cả hai"}
        assert table["Thiếu"].tolist() == [names[m] for m in late["missing"]]
    coords = read(wh, quality.bad_coordinates, "36", period)
    assert shown["Điểm tiêm sai tọa độ"].value == fmt.number(len(coords))
    recon = read(wh, quality.dose_reconciliation, "36", period)
    rate = recon["gap"].sum() / recon["visit_doses"].sum()
    assert shown["Lệch báo cáo kho"].value == fmt.percent(rate)
    table = table_with(at, "Số mũi đã tiêm (lượt tiêm)")
    assert table["Huyện, Thành phố"].tolist() == recon["name"].tolist()
    assert table["Số mũi đã tiêm (lượt tiêm)"].tolist() == recon["visit_doses"].tolist()
    assert table["Số sử dụng (báo cáo kho)"].tolist() == recon["declared_doses"].tolist()
    runs = read_plain(wh, quality.etl_runs)
    run_table = table_with(at, "Bản ghi đọc vào")
    assert run_table["Bản ghi đọc vào"].tolist() == runs["rows_extracted"].astype(float).tolist()
    for frame in (d.value for d in at.dataframe):
        assert not {"citizen_key", "person_key"} & set(frame.columns)


def test_tiny_page_lists_late_sites_and_rejected_rows(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    late = table_with(at, "Số mũi theo kế hoạch")
    assert late["Điểm tiêm"].tolist() == [
        "Bệnh viện Đa khoa tỉnh Nam Định",
        "Trạm Y tế Phường Hạ Long",
        "Trạm Y tế Phường Hạ Long",
        "Trung tâm Y tế huyện Vụ Bản",
    ]
    assert late["Ngày"].tolist() == ["19/09/2021", "16/09/2021", "14/09/2021", "13/09/2021"]
    assert late["Thiếu"].tolist() == ["Cả hai", "Cả hai", "Báo cáo kho", "Lượt tiêm"]
    assert metrics(at)["Điểm tiêm chưa báo cáo"].value == "3"  # F1 late on two days
    assert any(
        c.value.startswith("3 điểm tiêm, 4 ngày có kế hoạch thiếu số liệu: 1 ngày không có lượt")
        for c in at.caption
    )
    coords = table_with(at, "Vấn đề")
    assert coords["Vấn đề"].tolist() == ["Thiếu tọa độ"]
    reasons = table_with(at, "Chưa xử lý")
    assert set(reasons["Lý do"]) == {
        "Mã điểm tiêm không có trong danh mục",
        "Mã xã nơi cư trú sai định dạng",
        "Số liều giao dịch phải lớn hơn 0",
    }
    rows = table_with(at, "Mã bản ghi")
    assert len(rows) == 1 and "Năm sinh" in rows.columns  # the first table: citizens
    assert not {"citizen_key", "person_key", "Mã người tiêm"} & set(rows.columns)


def test_rejected_rows_follow_the_url(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", rejects="visit")
    rows = table_with(at, "Mã bản ghi")
    assert rows["Mã bản ghi"].tolist() == ["VX1"]
    assert rows["Giá trị sai"].tolist() == ["F9"]


def test_single_district(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="359")
    shown = metrics(at)
    assert shown["Điểm tiêm chưa báo cáo"].value == "1"
    assert shown["Điểm tiêm sai tọa độ"].value == "1"
    assert shown["Lệch báo cáo kho"].value == fmt.percent(17 / 3)
    table = table_with(at, "Số mũi đã tiêm (lượt tiêm)")
    assert table["Huyện, Thành phố"].tolist() == ["Huyện Vụ Bản"]
    assert table_with(at, "Thiếu")["Thiếu"].tolist() == ["Lượt tiêm"]


def test_single_site(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F3")
    shown = metrics(at)
    assert shown["Điểm tiêm chưa báo cáo"].value == "1"
    assert shown["Điểm tiêm sai tọa độ"].value == "0"


def test_english_switch(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", lang="en")
    assert at.title[0].value == "Data quality"
    assert "Rejected rows" in metrics(at)
    reasons = table_with(at, "Open")
    assert "Unknown site id" in set(reasons["Reason"])
    assert table_with(at, "Missing")["Missing"].tolist()[-2:] == ["Stock report", "Visits"]


def test_empty_warehouse_says_so(monkeypatch, empty):
    at = open_page(monkeypatch, empty)
    assert any("chưa có buổi tiêm" in i.value for i in at.info)


def test_a_period_without_data(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W30")
    shown = metrics(at)
    assert shown["Điểm tiêm chưa báo cáo"].value == "0"
    assert shown["Lệch báo cáo kho"].value == "—"
    assert any("Không có mũi tiêm hay báo cáo kho" in i.value for i in at.info)
    assert table_with(at, "Chưa xử lý")["Chưa xử lý"].sum() == 3  # rejects are not by period


def test_late_sites_kpi_counts_distinct_sites(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    late = read(tiny, quality.late_sites, "36", W37)
    assert len(late) == 4  # site-days
    assert late["facility_id"].nunique() == 3
    assert metrics(at)["Điểm tiêm chưa báo cáo"].value == "3"


def _recon_labels(at) -> dict[str, str]:
    """The reconciliation chart's bars: {area name: the label drawn beside its bar}."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            if trace.get("type") == "bar" and trace.get("orientation") == "h":
                return dict(zip(trace["y"], trace["text"], strict=True))
    raise AssertionError("no reconciliation chart")


def test_with_a_site_chosen_the_district_keeps_its_own_reconciliation(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", district="356", commune="13633", site="F1")
    district = read(tiny, quality.dose_reconciliation, "356", W37).iloc[0]
    site = read(tiny, quality.dose_reconciliation, "F1", W37)
    bars = _recon_labels(at)
    # 356: 5 visit doses, 10 declared (+100 %); F1 alone: 4 and 10 (+150 %).
    assert bars[district["name"]] == fmt.percent(district["gap_rate"]) == "100,0 %"
    assert bars["Trạm Y tế Phường Hạ Long"] == fmt.percent(site["gap"].sum() / 4) == "150,0 %"
    assert metrics(at)["Lệch báo cáo kho"].value == "150,0 %"  # the card is the site's own
    table = table_with(at, "Địa bàn")
    assert table["Địa bàn"].tolist() == [district["name"], "Trạm Y tế Phường Hạ Long"]
