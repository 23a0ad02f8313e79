"""The Adverse events page and `queries.aefi`: hand-checked numbers on the tiny platform, METRICS.md
recomputed from the platform tables of a simulated period, and the page renders for a demo-like,
an empty and a hand-made warehouse showing what the queries return."""

from __future__ import annotations

import json
from datetime import date
from functools import partial

import pandas as pd
import pytest
import sqlalchemy as sa
from page_support import metrics, open_rejects, periods, read, table_with
from page_support import open_page as open_app_page
from reference_metrics import reference_dataset, reference_view

from dashboard import format as fmt
from queries import aefi
from queries.scope import Period

PAGE = "app_pages/aefi.py"
open_page = partial(open_app_page, PAGE)
W37 = Period(date(2021, 9, 13), date(2021, 9, 19))
REPORTS, SERIOUS, RATE, DOSES = (
    "Phản ứng sau tiêm",
    "Tai biến nặng sau tiêm",
    "Phản ứng / 100.000 mũi",
    "Số mũi đã tiêm",
)


@pytest.fixture(scope="module")
def demo_platform(small_province) -> tuple[str, str]:
    """The small simulated province (shared, read only)."""
    return small_province


@pytest.fixture(scope="module")
def demo(demo_platform) -> str:
    return demo_platform[1]


def second_lot(rows: dict) -> None:
    for visit in rows["visit"]:
        if visit["visit_id"] == "V13":
            visit["lot_number"] = "LOT-AZ-02"


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    """The tiny platform with V13 (AZ, A05's visit) from a second lot, LOT-AZ-02."""
    return warehouses.tiny("aefi", second_lot)


@pytest.fixture(scope="module")
def empty(no_visit_warehouse) -> str:
    """Facilities, stores and vaccines, but no visit at all (shared, read only)."""
    return no_visit_warehouse


# --- queries on the hand-made platform --------------------------------------------------------
def test_totals_count_reports_on_active_visits_by_local_onset_day(tiny):
    # A01 (JANSSEN, mild), A02 (PFIZER, mild), A04 (AZ, serious), A05 (AZ, mild); A03's visit
    # is voided. Doses in the week: AZ 4, PFIZER 3, JANSSEN 1.
    row = read(tiny, aefi.totals, "36", W37).iloc[0]
    assert (row["reports"], row["mild"], row["serious"], row["doses"]) == (4, 3, 1, 8)
    assert row["rate"] == pytest.approx(4 / 8 * 100_000)
    assert row["serious_rate"] == pytest.approx(1 / 8 * 100_000)


def test_rate_is_per_100000_doses_of_the_same_vaccine(tiny):
    df = read(tiny, aefi.by_vaccine, "36", W37).set_index("vaccine_code")
    assert df.loc["AZ", ["reports", "mild", "serious", "doses"]].tolist() == [2, 1, 1, 4]
    assert df.loc["AZ", "rate"] == pytest.approx(50_000)
    assert df.loc["AZ", "serious_rate"] == pytest.approx(25_000)
    assert df.loc["PFIZER", "rate"] == pytest.approx(100_000 / 3)
    assert df.loc["JANSSEN", "rate"] == pytest.approx(100_000)
    assert df.loc["AZ", "vaccine_name"] == "Vaxzevria"
    assert "MODERNA" not in df.index  # neither a dose nor a report in the week


def test_serious_by_outcome_and_channel(tiny):
    out = read(tiny, aefi.serious_by_outcome, "36", W37)
    sums = out.groupby("outcome")["reports"].sum()
    assert sums.to_dict() == {"death": 0, "hospitalised": 1, "recovered": 0, "unknown": 0}
    ch = read(tiny, aefi.by_channel, "36", W37).set_index("channel")
    assert ch["reports"].to_dict() == {"app": 2, "facility": 1, "hotline": 1}
    assert ch.loc["hotline", "serious"] == 1


def test_scope_keeps_the_sites_reports(tiny):
    # F2 (Vụ Bản): A04 serious on V02, A05 mild on V13; its doses: V02, V12, V13.
    row = read(tiny, aefi.totals, "359", W37).iloc[0]
    assert (row["reports"], row["serious"], row["doses"]) == (2, 1, 3)
    assert read(tiny, aefi.totals, "F3", W37).iloc[0]["reports"] == 0


def test_by_lot_splits_reports_by_the_visits_lot(tiny):
    lots = read(tiny, aefi.by_lot, "36", W37)
    got = {
        (r.vaccine_code, r.lot_number): (r.reports, r.mild, r.serious, r.sites)
        for r in lots.itertuples()
    }
    # A04 (serious, V02) and A05 (mild, V13) are both AZ at F2, from two lots; A03's visit is
    # voided.
    assert got == {
        ("AZ", "LOT-AZ-01"): (1, 0, 1, 1),
        ("AZ", "LOT-AZ-02"): (1, 1, 0, 1),
        ("JANSSEN", "LOT-JANSSEN-01"): (1, 1, 0, 1),
        ("PFIZER", "LOT-PFIZER-01"): (1, 1, 0, 1),
    }
    assert lots["lot_number"].iloc[0] == "LOT-AZ-01"  # ties: serious first
    assert lots.loc[lots["vaccine_code"] == "AZ", "vaccine_name"].tolist() == ["Vaxzevria"] * 2
    assert "rate" not in lots.columns  # no doses per lot in the marts: no rate
    assert read(tiny, aefi.by_lot, "F1", W37)["vaccine_code"].tolist() == ["JANSSEN", "PFIZER"]
    assert read(tiny, aefi.by_lot, "36", Period(date(2021, 7, 1), date(2021, 7, 7))).empty


def test_outcome_totals_list_every_outcome_in_order(tiny):
    out = aefi.outcome_totals(read(tiny, aefi.serious_by_outcome, "36", W37))
    assert out["outcome"].tolist() == list(aefi.OUTCOMES)
    assert out["reports"].tolist() == [0, 1, 0, 0]


def test_weekly_lists_every_week_ending_with_the_period(tiny):
    weekly = read(tiny, aefi.weekly, "36", W37, 4)
    assert weekly["week_start"].tolist()[-1] == W37.start
    assert len(weekly) == 4
    assert weekly["reports"].tolist() == [0, 0, 0, 4]
    assert weekly["doses"].iloc[-1] == 8
    # A period stopping mid-week: its last week is named by the days it counts.
    cut = read(tiny, aefi.weekly, "36", Period(date(2021, 9, 13), date(2021, 9, 15)), 2)
    assert cut["week_start"].tolist() == [date(2021, 9, 6), date(2021, 9, 13)]
    assert cut["week_end"].tolist() == [date(2021, 9, 12), date(2021, 9, 15)]


def test_queries_equal_metrics_md_from_the_platform(demo_platform):
    platform, wh = demo_platform
    period = Period(date(2021, 9, 1), date(2021, 10, 31))
    excluded = open_rejects(wh)  # rows the ETL rejected are absent from both
    ref = reference_dataset(platform, "aefi", period.start, period.end, excluded)
    by_sev = ref.groupby("severity")["reports"].sum()
    got = read(wh, aefi.totals, "36", period).iloc[0]
    assert got["reports"] > 0
    assert got["mild"] == by_sev.get("mild", 0)
    assert got["serious"] == by_sev.get("serious", 0)
    doses = reference_dataset(platform, "doses", period.start, period.end, excluded)
    per_vaccine = doses.groupby("vaccine_code")["doses"].sum()
    vac = read(wh, aefi.by_vaccine, "36", period).set_index("vaccine_code")
    for code, n in per_vaccine.items():
        assert vac.loc[code, "doses"] == n
    # Reports by vaccine, from the platform: active visits, local onset day.
    engine = sa.create_engine(platform)
    with engine.connect() as conn:
        reports = pd.read_sql_query(
            sa.text(
                "SELECT a.onset_at, v.vaccine_code FROM aefi_report a "
                "JOIN visit v ON v.visit_id = a.visit_id WHERE v.status = 'active'"
            ),
            conn,
        )
    engine.dispose()
    onset = pd.to_datetime(reports["onset_at"], utc=True, format="ISO8601")
    day = onset.dt.tz_convert("Asia/Ho_Chi_Minh").dt.date
    reports = reports[(day >= period.start) & (day <= period.end)]
    expected = reports["vaccine_code"].fillna("").groupby(reports["vaccine_code"].fillna("")).size()
    for code, n in expected.items():
        assert vac.loc[code, "reports"] == n
        if vac.loc[code, "doses"]:
            assert vac.loc[code, "rate"] == pytest.approx(n / vac.loc[code, "doses"] * 100_000)
    # By lot: the reference from the platform tables, for the province and one district.
    excluded = open_rejects(wh)
    for scope in ("36", "359"):
        lots = read(wh, aefi.by_lot, scope, period)
        ref = reference_view(platform, "aefi_by_lot", period.start, period.end, excluded, scope)
        assert len(ref) > 0
        columns = ["vaccine_code", "lot_number", "reports", "mild", "serious", "sites"]
        got = lots[columns].sort_values(columns[:2]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, ref[columns], check_dtype=False)


# --- the page ---------------------------------------------------------------------------------
def test_page_shows_the_totals_and_vaccine_table(monkeypatch, demo):
    at = open_page(monkeypatch, demo)
    assert at.title[0].value == "Phản ứng sau tiêm"
    assert any("chưa được xác minh" in w.value for w in at.warning)
    now, before = periods(demo)
    cur = read(demo, aefi.totals, "36", now).iloc[0]
    prev = read(demo, aefi.totals, "36", before).iloc[0]
    shown = metrics(at)
    assert shown[REPORTS].value == fmt.number(cur["reports"])
    assert shown[REPORTS].delta.startswith(fmt.signed(cur["reports"] - prev["reports"]))
    assert shown[SERIOUS].value == fmt.number(cur["serious"])
    assert shown[DOSES].value == fmt.number(cur["doses"])
    assert shown[RATE].value == fmt.number(cur["rate"], "vi", 1)
    vac = read(demo, aefi.by_vaccine, "36", now)
    table = table_with(at, "Tỷ lệ / 100.000 mũi")
    assert table["Số báo cáo"].tolist() == vac["reports"].tolist()
    assert table["Tỷ lệ / 100.000 mũi"].tolist() == pytest.approx(vac["rate"].tolist(), nan_ok=True)
    lots = read(demo, aefi.by_lot, "36", now)
    shown = table_with(at, "Số lô")
    assert len(lots) > 0
    assert shown["Số lô"].tolist() == lots["lot_number"].tolist()
    assert shown["Vắc xin"].tolist() == lots["vaccine_name"].tolist()
    for column, key in (("Phản ứng thông thường", "mild"), ("Tai biến nặng", "serious"),
                        ("Số báo cáo", "reports"), ("Số điểm tiêm", "sites")):  # fmt: skip
        assert shown[column].tolist() == lots[key].tolist(), column
    assert any("không tính tỷ lệ" in c.value for c in at.caption)


def test_single_district(monkeypatch, demo):
    at = open_page(monkeypatch, demo, district="359")
    now, _ = periods(demo)
    cur = read(demo, aefi.totals, "359", now).iloc[0]
    assert metrics(at)[REPORTS].value == fmt.number(cur["reports"])
    assert metrics(at)[DOSES].value == fmt.number(cur["doses"])


def test_hand_checked_week_and_one_site(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37")
    shown = metrics(at)
    assert [shown[k].value for k in (REPORTS, SERIOUS, DOSES)] == ["4", "1", "8"]
    assert shown[RATE].value == "50.000,0"
    outcome = table_with(at, "Kết cục")
    assert dict(zip(outcome["Kết cục"], outcome["Số báo cáo"], strict=True))["Nhập viện"] == 1
    channel = table_with(at, "Kênh báo cáo")
    assert set(channel["Kênh báo cáo"]) == {"Ứng dụng", "Điểm tiêm", "Đường dây nóng"}
    lots = table_with(at, "Số lô")
    assert lots["Số lô"].tolist() == ["LOT-AZ-01", "LOT-AZ-02", "LOT-JANSSEN-01", "LOT-PFIZER-01"]
    assert lots["Tai biến nặng"].tolist() == [1, 0, 0, 0]
    # Every chart, the lots' one included, has its toolbar in Vietnamese.
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert len(configs) == 4
    assert all(c.get("locale") == "vi" for c in configs)
    assert all("Tải biểu đồ" in str(c["locales"]) for c in configs)
    at = open_page(monkeypatch, tiny, week="2021-W37", district="359", commune="13771", site="F2")
    assert [metrics(at)[k].value for k in (REPORTS, SERIOUS, DOSES)] == ["2", "1", "3"]
    assert table_with(at, "Số lô")["Số lô"].tolist() == ["LOT-AZ-01", "LOT-AZ-02"]


def test_english_switch(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W37", lang="en")
    assert at.title[0].value == "Adverse events"
    assert "AEFI reports" in metrics(at)
    assert set(table_with(at, "Channel")["Channel"]) == {"App", "Vaccination site", "Hotline"}
    assert table_with(at, "Lot")["Lot"].tolist()[:2] == ["LOT-AZ-01", "LOT-AZ-02"]


def test_an_empty_warehouse_says_so(monkeypatch, empty):
    at = open_page(monkeypatch, empty)
    assert at.info, "an empty warehouse must say there is no data"


def test_a_week_without_reports_says_so(monkeypatch, tiny):
    at = open_page(monkeypatch, tiny, week="2021-W30")
    assert metrics(at)[REPORTS].value == "0"
    assert metrics(at)[RATE].value == "—"
    assert any("Không có dữ liệu" in i.value for i in at.info)
