"""The anomaly flags of the overview's alerts (queries/anomalies.py, through
queries/site_alerts.py) on hand-made marts, on SQLite and PostgreSQL: every expected number is
worked out by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from handmade_marts import build, day, facility, read, store

from queries import anomalies, site_alerts
from queries.alerts import Thresholds
from queries.scope import Period, Scope

WEEK = Period(day("2022-06-20"), day("2022-06-26"))
PROVINCE = Scope("province", "36")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def session(fid: str, date: str, doses: int, first: str, last: str, late: int = 0) -> dict:
    return {
        "facility_id": fid,
        "date": day(date),
        "checked_in": doses,
        "screened": doses,
        "eligible": doses,
        "doses": doses,
        "first_injection_at": at(f"{date} {first}"),
        "last_injection_at": at(f"{date} {last}"),
        "recorded_late": late,
        "recording_lag_days_sum": late * 2.0 - (doses - late) * 0.5,
    }


def declared(store_id: str, vaccine: str, date: str, remaining: int, on_hand: int) -> dict:
    return {
        "store_id": store_id,
        "vaccine_code": vaccine,
        "date": day(date),
        "administered": 20,
        "on_hand": on_hand,
        "declared_remaining": remaining,
    }


def rows() -> dict:
    return {
        "facility": [
            facility("F1", "356", "13633", tables_count=2),
            facility("F2", "356", "13636"),
            facility("F3", "359", "13771"),
        ],
        "store": [
            store("S1", "F1", "356", "13633"),
            store("S2", "F2", "356", "13636"),
            store("S3", "F3", "359", "13771"),
        ],
        "mart_session_day": [
            # F1, 2 tables: 300 doses in 2 hours = 75 a table-hour (over 60); 100 in 3 hours
            # = 16.7. 100 of its 400 doses recorded late: 25 %.
            session("F1", "2022-06-21", 300, "08:00", "10:00", late=100),
            session("F1", "2022-06-22", 100, "08:00", "11:00"),
            # F2, 1 table: 61 doses in an hour (over 60); 40 of 61 late: 65.6 %, serious.
            session("F2", "2022-06-21", 61, "08:00", "09:00", late=40),
            # F3: exactly 60 (not over); 50 doses in 12 minutes have no throughput (under 15
            # minutes); 10 of 110 late: 9.1 %.
            session("F3", "2022-06-21", 60, "08:00", "09:00", late=10),
            session("F3", "2022-06-23", 50, "08:00", "08:12"),
        ],
        "mart_stock_day": [
            # S1 AZ: 500 declared five times in a row while the ledger went 520 -> 440.
            declared("S1", "AZ", "2022-06-16", 500, 520),
            declared("S1", "AZ", "2022-06-17", 500, 500),
            declared("S1", "AZ", "2022-06-18", 500, 480),
            declared("S1", "AZ", "2022-06-20", 500, 460),
            declared("S1", "AZ", "2022-06-21", 500, 440),
            declared("S1", "AZ", "2022-06-22", 430, 430),
            # S2 AZ: 300 five times, and so was the ledger: a store that did not move.
            *(declared("S2", "AZ", f"2022-06-2{d}", 300, 300) for d in range(5)),
            # S3 PFIZER: 200, 100 and 100 are round and not the ledger's; 300 is the ledger's;
            # 150 is not round: 3 of 5 round (60 %).
            declared("S3", "PFIZER", "2022-06-20", 200, 213),
            declared("S3", "PFIZER", "2022-06-21", 100, 190),
            declared("S3", "PFIZER", "2022-06-22", 300, 300),
            declared("S3", "PFIZER", "2022-06-23", 150, 170),
            declared("S3", "PFIZER", "2022-06-24", 100, 120),
        ],
    }


@pytest.fixture
def warehouse(dbs) -> str:
    return build(dbs.new_url("anomalies"), rows())


def by_site(df) -> dict:
    return {r.facility_id: r for r in df.itertuples()}


def test_implausible_throughput(warehouse):
    got = by_site(read(warehouse, anomalies.high_throughput, PROVINCE, WEEK, Thresholds()))
    assert set(got) == {"F1", "F2"}
    assert got["F1"].value == pytest.approx(75.0) and got["F2"].value == pytest.approx(61.0)
    assert (got["F1"].sessions, got["F1"].dates, got["F1"].severity) == (1, "2022-06-21", "warning")
    two = Thresholds(max_doses_per_table_hour=15, throughput_serious_sessions=2)
    got = by_site(read(warehouse, anomalies.high_throughput, PROVINCE, WEEK, two))
    assert got["F1"].sessions == 2 and got["F1"].severity == "serious"
    assert got["F1"].dates == "2022-06-21,2022-06-22"


def test_late_recording(warehouse):
    got = by_site(read(warehouse, anomalies.late_recording, PROVINCE, WEEK, Thresholds()))
    assert set(got) == {"F1", "F2"}
    assert got["F1"].value == pytest.approx(0.25) and got["F1"].severity == "warning"
    assert got["F2"].value == pytest.approx(40 / 61) and got["F2"].severity == "serious"
    # mean lag over the doses: (100 x 2 - 300 x 0.5) / 400
    assert got["F1"].lag_days == pytest.approx((200 - 150) / 400)
    fewer = Thresholds(late_min_doses=100)  # F2 gave 61 doses: too few to judge
    assert set(by_site(read(warehouse, anomalies.late_recording, PROVINCE, WEEK, fewer))) == {"F1"}


def test_repeated_stock_reports(warehouse):
    got = by_site(read(warehouse, anomalies.repeated_stock_report, PROVINCE, WEEK, Thresholds()))
    assert set(got) == {"F1"}  # S2 repeats too, but its ledger did not move
    f1 = got["F1"]
    assert (f1.value, f1.declared, f1.vaccine_code) == (5, 500, "AZ")
    assert f1.dates == "2022-06-16,2022-06-21"
    six = Thresholds(repeat_min_reports=6)
    assert read(warehouse, anomalies.repeated_stock_report, PROVINCE, WEEK, six).empty
    # A run that ended before the period is not this period's.
    before = Period(day("2022-06-27"), day("2022-07-03"))
    assert read(warehouse, anomalies.repeated_stock_report, PROVINCE, before, Thresholds()).empty


def test_round_stock_reports(warehouse):
    got = by_site(read(warehouse, anomalies.round_stock_report, PROVINCE, WEEK, Thresholds()))
    # S1's two 500s are round and share 100 %, but two reports are too few.
    assert set(got) == {"F3"}
    assert (got["F3"].reports, got["F3"].declarations) == (3, 5)
    assert got["F3"].value == pytest.approx(0.6)
    strict = Thresholds(round_min_share=0.7)
    assert read(warehouse, anomalies.round_stock_report, PROVINCE, WEEK, strict).empty


def test_the_anomalies_are_alerts_of_the_sites_in_scope(warehouse):
    df = read(warehouse, site_alerts.alerts, Scope("district", "356"), WEEK, Thresholds())
    df = df[df["kind"].isin(anomalies.KINDS)]  # (the hand-made ledger also runs out of stock)
    kinds = set(map(tuple, df[["kind", "facility_id"]].values))
    assert kinds == {
        ("high_throughput", "F1"),
        ("high_throughput", "F2"),
        ("late_recording", "F1"),
        ("late_recording", "F2"),
        ("repeated_stock_report", "F1"),
    }
    # F2's 61 over 60 is shown over its threshold (61.0 > 60.0), never at it.
    f2 = df[(df["kind"] == "high_throughput") & (df["facility_id"] == "F2")].iloc[0]
    assert f2["shown_value"] > f2["shown_threshold"]
    assert df.iloc[0][["kind", "facility_id", "severity"]].tolist() == [
        "late_recording",
        "F2",
        "serious",
    ]
