"""Who is due for their next dose: the definitions of queries/due.py on hand-made people whose
due dates were worked out by hand, across intervals and both warehouse dialects, and the
shipped interval file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from conftest import ROOT
from platform_builder import _ts, _visit, create_platform, insert_rows, tiny_platform_rows
from warehouse_snapshot import assert_same, snapshot

from queries import due
from queries.scope import Scope
from warehouse import engine as wh_engine

ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}
ENV.pop("VAX_ETL_PAUSE_AT", None)

# Intervals of the test, independent of the shipped file: AstraZeneca 56 days to dose 2,
# Pfizer 21, every booster 90; due for 28 days, then overdue; "due soon" looks 7 days ahead.
INTERVALS = due.parse_intervals(
    """
grace_days = 28
upcoming_days = 7
[vaccines.AZ]
next_primary_days = 56
next_primary_source = "test"
booster_days = 90
booster_source = "test"
[vaccines.PFIZER]
next_primary_days = 21
next_primary_source = "test"
booster_days = 90
booster_source = "test"
[vaccines.JANSSEN]
booster_days = 90
booster_source = "test"
"""
)


def _people_platform_rows() -> dict[str, list[dict]]:
    """The tiny platform's sites, stores and vaccines with these people (commune 13633 of
    district 356 unless said):
    - P1: AZ dose 1 on 2021-08-02: waits for dose 2, due 2021-09-27, overdue from 2021-10-26;
    - P2: Pfizer 2021-09-01 and 2021-09-25: dose 2 due 2021-09-22; then a booster, due
      2021-12-24;
    - P3: Janssen (one-dose series) 2021-09-15: waits for a booster, due 2021-12-14;
    - P4: AZ 2021-06-01 and 2021-08-20, Pfizer booster 2021-11-20: booster due 2021-11-18;
    - P5 (13771, district 359): a voided Pfizer dose 1 on 2021-09-10 (counts for nothing),
      then Pfizer dose 1 on 2021-09-12: dose 2 due 2021-10-03;
    - P6: deferred on 2021-09-15, never injected: waits for nothing.
    """
    rows = tiny_platform_rows()
    for table in ("certificate", "aefi_report"):
        rows[table] = []

    def citizen(cid, commune):
        return {
            "citizen_id": cid,
            "national_id": f"0360900001{int(cid[1:]):02d}",
            "full_name": f"Người dân {cid}",
            "birth_date": "1980-01-01",
            "sex": "F",
            "residence_commune_code": commune,
            "priority_group": 0,
            "updated_at": _ts("2021-05-01 00:00"),
        }

    rows["citizen"] = [citizen(f"P{i}", "13771" if i == 5 else "13633") for i in range(1, 7)]

    def dose(vid, cid, day, vaccine, number, kind, status="active"):
        return _visit(vid, cid, "F1", day, f"{day} 01:00", injected=f"{day} 01:20",
                      vaccine=vaccine, dose=number, kind=kind, status=status)  # fmt: skip

    rows["visit"] = [
        dose("W1", "P1", "2021-08-02", "AZ", 1, "primary"),
        dose("W2", "P2", "2021-09-01", "PFIZER", 1, "primary"),
        dose("W3", "P2", "2021-09-25", "PFIZER", 2, "primary"),
        dose("W4", "P3", "2021-09-15", "JANSSEN", 1, "primary"),
        dose("W5", "P4", "2021-06-01", "AZ", 1, "primary"),
        dose("W6", "P4", "2021-08-20", "AZ", 2, "primary"),
        dose("W7", "P4", "2021-11-20", "PFIZER", 3, "booster"),
        dose("W8", "P5", "2021-09-10", "PFIZER", 1, "primary", status="voided"),
        dose("W9", "P5", "2021-09-12", "PFIZER", 1, "primary"),
        _visit(
            "W10", "P6", "F1", "2021-09-15", "2021-09-15 02:00", result="deferred", reason="fever"
        ),  # fmt: skip
    ]
    return rows


# As of each day, per (district, vaccine of the last dose, dose waited for): waiting, due
# soon, due, overdue, worked out by hand from the dates above.
EXPECTED = {
    # P1 has waited 49 days of 56: due within 7 days. P2 19 of 21: due soon. P3 5 and P4 31
    # of 90: waiting. P5 8 of 21: waiting (due soon only from day 14).
    "2021-09-20": {
        ("356", "AZ", "primary"): (1, 1, 0, 0),
        ("356", "PFIZER", "primary"): (1, 1, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 0, 0, 0),
        ("356", "AZ", "booster"): (1, 0, 0, 0),
        ("359", "PFIZER", "primary"): (1, 0, 0, 0),
    },
    # P1 reaches day 56: due. P2 got dose 2 on 09-25 and waits 2 days for a booster. P5 waited
    # 15 days: due soon.
    "2021-09-27": {
        ("356", "AZ", "primary"): (1, 0, 1, 0),
        ("356", "PFIZER", "booster"): (1, 0, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 0, 0, 0),
        ("356", "AZ", "booster"): (1, 0, 0, 0),
        ("359", "PFIZER", "primary"): (1, 1, 0, 0),
    },
    # P1: day 84 = 56 + 28, the last day due. P5: day 43, due (overdue after day 49).
    "2021-10-25": {
        ("356", "AZ", "primary"): (1, 0, 1, 0),
        ("356", "PFIZER", "booster"): (1, 0, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 0, 0, 0),
        ("356", "AZ", "booster"): (1, 0, 0, 0),
        ("359", "PFIZER", "primary"): (1, 0, 1, 0),
    },
    # P1 day 85: overdue. P5 day 44: still due.
    "2021-10-26": {
        ("356", "AZ", "primary"): (1, 0, 0, 1),
        ("356", "PFIZER", "booster"): (1, 0, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 0, 0, 0),
        ("356", "AZ", "booster"): (1, 0, 0, 0),
        ("359", "PFIZER", "primary"): (1, 0, 1, 0),
    },
    # P5 day 50 = 21 + 28 + 1: overdue.
    "2021-11-01": {
        ("356", "AZ", "primary"): (1, 0, 0, 1),
        ("356", "PFIZER", "booster"): (1, 0, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 0, 0, 0),
        ("356", "AZ", "booster"): (1, 0, 0, 0),
        ("359", "PFIZER", "primary"): (1, 0, 0, 1),
    },
    # P4's booster due date (2021-08-20 + 90); P3 day 64 of 90; P2 day 54 of 90.
    "2021-11-18": {
        ("356", "AZ", "primary"): (1, 0, 0, 1),
        ("356", "PFIZER", "booster"): (1, 0, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 0, 0, 0),
        ("356", "AZ", "booster"): (1, 0, 1, 0),
        ("359", "PFIZER", "primary"): (1, 0, 0, 1),
    },
    # P4 boosted on 11-20: waits for nothing. P3 day 66 of 90: waiting.
    "2021-11-20": {
        ("356", "AZ", "primary"): (1, 0, 0, 1),
        ("356", "PFIZER", "booster"): (1, 0, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 0, 0, 0),
        ("359", "PFIZER", "primary"): (1, 0, 0, 1),
    },
    # P3 day 84 of 90 (2021-09-15 + 90 = 12-14): due soon; P2 day 80.
    "2021-12-08": {
        ("356", "AZ", "primary"): (1, 0, 0, 1),
        ("356", "PFIZER", "booster"): (1, 0, 0, 0),
        ("356", "JANSSEN", "booster"): (1, 1, 0, 0),
        ("359", "PFIZER", "primary"): (1, 0, 0, 1),
    },
}


def _as_dict(counts: pd.DataFrame) -> dict:
    by = due.summarise(counts, ["district_code", "vaccine_code", "next_kind"])
    return {
        (r.district_code, r.vaccine_code, r.next_kind): (r.waiting, r.due_soon, r.due, r.overdue)
        for r in by.itertuples()
    }


def _etl(platform: str, warehouse: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform,
         "--warehouse-url", warehouse],
        cwd=ROOT, env=ENV, check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def _counts(url: str, scope: Scope, day: str) -> pd.DataFrame:
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            return due.due_counts(conn, scope, date.fromisoformat(day), INTERVALS)
    finally:
        engine.dispose()


def test_due_and_overdue_follow_each_vaccines_interval_on_hand_made_people(dbs):
    platform, warehouse = dbs.new_url("platform"), dbs.new_url("wh")
    create_platform(platform, _people_platform_rows())
    _etl(platform, warehouse)
    for day, expected in EXPECTED.items():
        assert _as_dict(_counts(warehouse, Scope.province(), day)) == expected, day
    # A district's scope holds its own communes only; nobody waits before their first dose.
    district = _counts(warehouse, Scope("district", "359"), "2021-10-25")
    assert set(district["commune_code"]) == {"13771"}
    assert _counts(warehouse, Scope.province(), "2021-05-31").empty


def test_later_doses_loaded_incrementally_give_the_same_waits_as_one_load(dbs):
    rows = _people_platform_rows()
    later = [v for v in rows["visit"] if v["session_date"] > "2021-09-20"]
    rows["visit"] = [v for v in rows["visit"] if v["session_date"] <= "2021-09-20"]
    platform, incremental, full = dbs.new_url("p"), dbs.new_url("inc"), dbs.new_url("full")
    create_platform(platform, rows)
    _etl(platform, incremental)
    before = _as_dict(_counts(incremental, Scope.province(), "2021-09-27"))
    # Without P2's dose 2 of 09-25 she still waits for it, now due.
    assert before[("356", "PFIZER", "primary")] == (1, 0, 1, 0)
    insert_rows(platform, "visit", later)
    _etl(platform, incremental)
    _etl(platform, full)
    assert_same(snapshot(incremental), snapshot(full))
    assert _as_dict(_counts(incremental, Scope.province(), "2021-11-20")) == EXPECTED["2021-11-20"]


def test_classification_boundaries_on_a_hand_made_wait():
    # 10 people waiting since 2021-01-01 for an AZ dose 2 (due 2021-02-26), 3 without interval.
    waiting = pd.DataFrame(
        {
            "commune_code": ["13633", "13633"],
            "district_code": ["356", "356"],
            "vaccine_code": ["AZ", "SPUTNIK_V"],
            "next_kind": ["primary", "primary"],
            "start_date": pd.to_datetime(["2021-01-01", "2021-01-01"]),
            "people": [10, 3],
        }
    )

    def status(day: str) -> tuple:
        row = due.classify(waiting, date.fromisoformat(day), INTERVALS).iloc[0]
        return row["due_soon"], row["due"], row["overdue"], row["no_interval"]

    assert status("2021-02-18") == (0, 0, 0, 0)  # 8 days before the due date
    assert status("2021-02-19") == (10, 0, 0, 0)  # 7 days before
    assert status("2021-02-25") == (10, 0, 0, 0)
    assert status("2021-02-26") == (0, 10, 0, 0)  # the due date
    assert status("2021-03-26") == (0, 10, 0, 0)  # due date + 28
    assert status("2021-03-27") == (0, 0, 10, 0)  # overdue
    other = due.classify(waiting, date(2021, 3, 27), INTERVALS).iloc[1]
    assert (other["waiting"], other["no_interval"], pd.isna(other["interval_days"])) == (3, 3, True)


def test_the_shipped_intervals_cover_every_vaccine_with_a_source():
    intervals = due.load_intervals(ROOT / "config" / "dose_intervals.toml")
    table = intervals.table()
    catalogue = {"AZ", "PFIZER", "MODERNA", "VERO_CELL", "SPUTNIK_V", "ABDALA", "JANSSEN"}
    assert set(table["vaccine_code"]) == catalogue
    assert table["booster_days"].notna().all() and table["booster_source"].str.len().gt(10).all()
    two_dose = table[table["vaccine_code"] != "JANSSEN"]
    assert two_dose["next_primary_days"].notna().all()
    assert (
        intervals.interval("AZ", "primary") == 56 and intervals.interval("PFIZER", "primary") == 21
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("grace_days = -1", "grace_days must be a whole number of days >= 0"),
        ("[vaccines.AZ]\nbooster_days = 90", "vaccines.AZ.booster_source must say where"),
        ("[vaccines.AZ]\nbooster_days = 'x'\nbooster_source = 's'", "must be a number of days"),
        ("grace = 3", "unknown setting 'grace'"),
        ("grace_days = ", "not valid TOML"),
    ],
)
def test_a_bad_interval_file_gives_a_one_line_reason(text, message):
    with pytest.raises(due.DoseIntervalsError) as caught:
        due.parse_intervals(text)
    assert message in str(caught.value) and "\n" not in str(caught.value)
