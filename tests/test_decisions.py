"""The overview's decisions (queries/decisions.py) and expired / near-expiry doses
(queries/expiry.py) on hand-made marts and ledger, on SQLite and PostgreSQL: every expected
number is worked out by hand in the comments. The period is the week 20-26/06/2022."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from handmade_marts import build, day, facility, read, store

from queries import decisions, expiry
from queries.alerts import EPOCH, AlertsConfigError, Thresholds, parse_thresholds
from queries.scope import Period, Scope

WEEK = Period(day("2022-06-20"), day("2022-06-26"))
PROVINCE = Scope("province", "36")


def ledger_day(store_id: str, vaccine: str, date: str, on_hand: int, **flows) -> dict:
    return {"store_id": store_id, "vaccine_code": vaccine, "date": day(date), "on_hand": on_hand,
            **flows}  # fmt: skip


def txn(n: int, store_id: str, vaccine: str, lot: str, expiry: str, kind: str, qty: int,
        date: str) -> dict:  # fmt: skip
    return {
        "txn_id": f"T{n}",
        "store_id": store_id,
        "txn_date": day(date),
        "vaccine_code": vaccine,
        "lot_number": lot,
        "expiry_date": day(expiry),
        "txn_type": kind,
        "quantity_doses": qty,
    }


def area(code: str, level: str, parent: str | None, name: str) -> dict:
    district = code if level == "district" else None
    return {"area_code": code, "area_level": level, "name": name, "parent_code": parent,
            "district_code": district}  # fmt: skip


def rows() -> dict:
    return {
        "area": [
            area("36", "province", None, "Tỉnh Nam Định"),
            area("356", "district", "36", "Thành phố Nam Định"),
            area("359", "district", "36", "Huyện Vụ Bản"),
        ],
        "facility": [
            facility("F1", "356", "13633"),
            facility("F2", "356", "13636"),
            facility("F4", "356", "13639"),
            facility("F3", "359", "13771"),
        ],
        "store": [
            store("S1", "F1", "356", "13633"),
            store("S2", "F2", "356", "13636"),
            store("S4", "F4", "356", "13639"),
            store("S3", "F3", "359", "13771"),
            store("SD", None, "356", "356"),
        ],
        # Use over the 14 days 13-26/06 (administered + sent on + wasted) and on hand on 26/06.
        "mart_stock_day": [
            # S1 AZ: 140 used = 10 a day, 50 on hand: 5 days.
            ledger_day("S1", "AZ", "2022-06-13", 120, received=190, administered=70),
            ledger_day("S1", "AZ", "2022-06-25", 50, administered=60, wasted=10),
            # S1 PFIZER: 30 on hand, nothing used in the 14 days: never runs out at this pace.
            ledger_day("S1", "PFIZER", "2022-06-01", 30, received=40, administered=10),
            # S2 AZ: 28 used = 2 a day, none left: out now.
            ledger_day("S2", "AZ", "2022-06-14", 0, received=28, administered=28),
            # S3 PFIZER: 140 used, 1000 on hand: 100 days.
            ledger_day("S3", "PFIZER", "2022-06-20", 1000, received=1140, administered=140),
            # S4 AZ: 400 on hand since 01/06, none used.
            ledger_day("S4", "AZ", "2022-06-01", 400, received=400),
            # The district store sends everything on: not a site's stock-out.
            ledger_day("SD", "AZ", "2022-06-20", 0, received=500, issued_out=500),
        ],
        "stock_transaction": [
            txn(1, "S1", "AZ", "L1", "2022-12-31", "receipt", 190, "2022-06-13"),
            txn(2, "S1", "AZ", "L1", "2022-12-31", "administered", 140, "2022-06-20"),
            # S4: two AZ lots expiring in 10 and 20 days, which S4 does not use.
            txn(3, "S4", "AZ", "A4", "2022-07-06", "receipt", 300, "2022-06-01"),
            txn(4, "S4", "AZ", "A5", "2022-07-16", "receipt", 100, "2022-06-01"),
            # S3: PFIZER expiring in 10 days, more than S3 uses, but no other site in 359.
            txn(5, "S3", "PFIZER", "P1", "2022-07-06", "receipt", 1000, "2022-06-01"),
            # S2: 15 doses of a lot expired on 01/06; a used-up expired lot is not shown.
            txn(6, "S2", "AZ", "X1", "2022-06-01", "receipt", 40, "2022-05-01"),
            txn(7, "S2", "AZ", "X1", "2022-06-01", "administered", 25, "2022-05-20"),
            txn(8, "S2", "AZ", "X2", "2022-06-10", "receipt", 10, "2022-05-01"),
            txn(9, "S2", "AZ", "X2", "2022-06-10", "administered", 10, "2022-05-02"),
        ],
        # 28 days 30/05-26/06: 280 doses in each district (10 a day); backlog 100 in 356
        # (10 days), 60 in 359 (6 days).
        "mart_dose_day": [
            {
                "facility_id": "F1",
                "date": day("2022-06-20"),
                "vaccine_code": "AZ",
                "dose_number": 1,
                "dose_kind": "primary",
                "doses": 280,
            },
            {
                "facility_id": "F3",
                "date": day("2022-06-20"),
                "vaccine_code": "PFIZER",
                "dose_number": 1,
                "dose_kind": "primary",
                "doses": 280,
            },
        ],  # fmt: skip
        "mart_certificate_day": [
            {"facility_id": "F1", "date": day("2022-06-26"), "backlog": 100},
            {"facility_id": "F3", "date": day("2022-06-26"), "backlog": 60},
        ],
    }


@pytest.fixture
def warehouse(dbs) -> str:
    return build(dbs.new_url("decisions"), rows())


def test_stockouts_within_a_week(warehouse):
    df = read(warehouse, decisions.stockouts, PROVINCE, WEEK, Thresholds())
    got = df[["store_id", "vaccine_code", "on_hand", "daily_use", "days_left"]].values.tolist()
    assert got == [["S2", "AZ", 0, 2.0, 0.0], ["S1", "AZ", 50, 10.0, 5.0]]
    assert df["facility_id"].tolist() == ["F2", "F1"]
    assert df["available"].tolist() == [0, 50]  # S2 is out, not merely under a day's use
    shorter = Thresholds(stockout_within_days=5)  # 5 days is not under 5
    assert read(warehouse, decisions.stockouts, PROVINCE, WEEK, shorter)["store_id"].tolist() == [
        "S2"
    ]
    assert read(warehouse, decisions.stockouts, Scope("district", "359"), WEEK, Thresholds()).empty


def test_expiring_lots_go_to_the_site_of_the_district_that_can_use_them(warehouse):
    df = read(warehouse, decisions.lots_to_move, PROVINCE, WEEK, Thresholds())
    # A4 (10 days): S4 uses none, so all 300 are unused; S1 uses 10 a day and holds 50:
    # room 10 x 10 - 50 = 50; S2: 2 x 10 - 0 = 20. S1 takes 50.
    # A5 (20 days): 100 unused; S1's room 10 x 20 - 50 - 50 already proposed = 100, S2's 40.
    got = df[["lot_number", "unused", "to_facility_id", "can_use"]].values.tolist()
    assert got == [["A5", 100, "F1", 100], ["A4", 300, "F1", 50]]
    assert set(df["facility_id"]) == {"F4"} and set(df["district_code"]) == {"356"}
    assert df.iloc[0]["days_left"] == 20
    # P1 at F3 (district 359) has no other site to go to.
    assert "P1" not in set(df["lot_number"])


def test_certificate_backlogs_past_the_threshold(warehouse):
    df = read(warehouse, decisions.certificate_backlogs, PROVINCE, WEEK, Thresholds())
    assert df[["area_code", "backlog", "doses"]].values.tolist() == [["356", 100, 280]]
    assert df.iloc[0]["backlog_days"] == pytest.approx(10.0)
    looser = replace(Thresholds(), backlog_decision_days=6)
    got = read(warehouse, decisions.certificate_backlogs, PROVINCE, WEEK, looser)
    assert got["area_code"].tolist() == ["356", "359"]
    assert read(warehouse, decisions.certificate_backlogs, PROVINCE, WEEK,
                replace(looser, backlog_min_count=80))["area_code"].tolist() == ["356"]  # fmt: skip


def _coverage_rows() -> dict:
    """Three districts of one commune each, 1,000 people of 18+ in each in 2022 (birth year
    1980). On 26/06 (pace = the last 14 days' gain / 14):
    - 356: 700 fully vaccinated on 01/06, then 10 more a day from 13/06: 840 (84 %), 10 a
      day, 90 % (900) after 6 more days: 02/07/2022;
    - 359: 880, then 2 a day: 908, past 90 % since 22/06 (reached);
    - 360: 500 and no one since: 90 % not at this pace."""
    communes = {"13633": "356", "13771": "359", "13800": "360"}
    areas = [{"area_code": "36", "area_level": "province", "name": "Tỉnh Nam Định",
              "parent_code": None, "district_code": None}]  # fmt: skip
    population = []
    for commune, district in communes.items():
        areas.append({"area_code": district, "area_level": "district", "name": f"Huyện {district}",
                      "parent_code": "36", "district_code": district})  # fmt: skip
        areas.append({"area_code": commune, "area_level": "commune", "name": f"Xã {commune}",
                      "parent_code": district, "district_code": district})  # fmt: skip
    for code, people in [
        ("36", 3000),
        *[(c, 1000) for c in communes],
        *[(d, 1000) for d in communes.values()],
    ]:
        population.append({"area_code": code, "target_group": "18+", "year": 2022,
                           "population": people, "source": "test", "source_year": 2019,
                           "method": "aged_estimate"})  # fmt: skip
    marts = []

    def gain(commune: str, date: str, n: int) -> None:
        marts.append({"commune_code": commune, "date": day(date), "birth_year": 1980,
                      "new_1plus": n, "new_full": n, "new_boosted": 0})  # fmt: skip

    gain("13633", "2022-06-01", 700)
    gain("13771", "2022-06-01", 880)
    gain("13800", "2022-06-01", 500)
    for d in range(13, 27):
        gain("13633", f"2022-06-{d:02d}", 10)
        gain("13771", f"2022-06-{d:02d}", 2)
    return {"area": areas, "population": population, "mart_coverage_day": marts}


def test_districts_missing_the_provinces_coverage_target(dbs):
    url = build(dbs.new_url("targets"), _coverage_rows())
    by_june = replace(Thresholds(), coverage_target_days=(day("2022-06-30") - EPOCH).days)
    df = read(url, decisions.districts_missing_target, PROVINCE, WEEK, by_june)
    # Not at this pace first, then the latest projected date; 359 has reached the target.
    assert df["area_code"].tolist() == ["360", "356"]
    never, late = df.iloc[0], df.iloc[1]
    assert pd.isna(never["date"]) and never["status"] == "not_at_this_pace"
    assert late["date"] == pd.Timestamp("2022-07-02")
    assert late["coverage"] == pytest.approx(0.84) and late["pace"] == pytest.approx(10.0)
    # A later target date leaves 356 on course; a district's own view sees only itself.
    by_july = replace(by_june, coverage_target_days=(day("2022-07-05") - EPOCH).days)
    assert read(url, decisions.districts_missing_target, PROVINCE, WEEK, by_july)[
        "area_code"
    ].tolist() == ["360"]
    assert read(url, decisions.districts_missing_target, Scope("district", "356"), WEEK,
                by_june)["area_code"].tolist() == ["356"]  # fmt: skip


def test_the_coverage_target_date_is_read_from_the_alerts_file():
    t = parse_thresholds({"decisions": {"coverage_target": 0.7, "coverage_target_date":
                                        day("2022-03-31")}})  # fmt: skip
    assert (t.coverage_target, t.coverage_target_date) == (0.7, day("2022-03-31"))
    with pytest.raises(AlertsConfigError, match="must be a date"):
        parse_thresholds({"decisions": {"coverage_target_date": "31/03/2022"}})
    with pytest.raises(AlertsConfigError, match="coverage_target"):
        parse_thresholds({"decisions": {"coverage_target": 1.5}})


def test_expired_and_near_expiry_doses(warehouse):
    lots = read(warehouse, expiry.lots, PROVINCE, WEEK, Thresholds())
    expired = lots[lots["state"] == "expired"]
    assert expired[["store_id", "lot_number", "on_hand", "days_left"]].values.tolist() == [
        ["S2", "X1", 15, -25]
    ]
    near = lots[lots["state"] == "near"]
    assert sorted(near["lot_number"]) == ["A4", "A5", "P1"]
    summary = expiry.summary(lots).set_index("state")
    assert summary.loc["expired"].tolist() == [1, 1, 15]
    assert summary.loc["near"].tolist() == [3, 2, 1400]
    # 15 days ahead: only the lots expiring on 06/07.
    short = read(warehouse, expiry.lots, PROVINCE, WEEK, Thresholds(near_expiry_days=15))
    assert sorted(short[short["state"] == "near"]["lot_number"]) == ["A4", "P1"]
