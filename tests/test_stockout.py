"""Days until stock-out: the formula of queries/stockout.py on numbers worked out by hand, and
on the hand-made platform with a transfer still on the road and an upcoming session plan, on
both warehouse dialects."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from conftest import ROOT
from platform_builder import _ts, create_platform, tiny_platform_rows

from queries import stockout
from queries.scope import Scope
from warehouse import engine as wh_engine

ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}
ENV.pop("VAX_ETL_PAUSE_AT", None)


@pytest.mark.parametrize(
    "on_hand, in_transit, used, planned, daily, days",
    [
        (140, 0, 140, 0, 10.0, 14),  # 10 a day for 14 days
        (100, 40, 70, 140, 10.0, 14),  # plans (10 a day) above the recent pace (5 a day)
        (100, 0, 140, 28, 10.0, 10),  # the recent pace above the plans
        (99, 0, 140, 0, 10.0, 9),  # whole days only
        (0, 0, 140, 0, 10.0, 0),  # out of stock now
        (-5, 3, 14, 0, 1.0, 0),  # a negative balance is out of stock
        (500, 0, 0, 0, 0.0, None),  # no use: never runs out at this pace
    ],
)
def test_days_until_stockout_by_hand(on_hand, in_transit, used, planned, daily, days):
    assert stockout.days_until_stockout(on_hand, in_transit, used, planned) == (daily, days)


def _platform_rows() -> dict:
    """The tiny platform, plus 40 AZ doses the district store sends site F2 on 2021-09-20
    (not yet booked in) and an approved session of 140 AZ doses at F2 on 2021-09-22."""
    rows = tiny_platform_rows()
    rows["stock_transaction"].append(
        {
            "txn_id": "T20", "store_id": "S359", "txn_date": "2021-09-20", "vaccine_code": "AZ",
            "lot_number": "LOT-AZ-01", "expiry_date": "2021-12-31", "txn_type": "transfer_out",
            "quantity_doses": 40, "counterparty_store_id": "SF2",
            "updated_at": _ts("2021-09-20 10:00"),
        }
    )  # fmt: skip
    rows["vaccination_plan"].append(
        {
            "plan_id": "P20", "facility_id": "F2", "session_date": "2021-09-22",
            "vaccine_code": "AZ", "planned_doses": 140, "status": "approved",
            "approved_at": _ts("2021-09-19 00:00"), "updated_at": _ts("2021-09-19 00:00"),
        }
    )  # fmt: skip
    return rows


def test_stockout_outlook_on_the_hand_made_platform(dbs):
    platform, warehouse = dbs.new_url("platform"), dbs.new_url("wh")
    create_platform(platform, _platform_rows())
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform,
         "--warehouse-url", warehouse],
        cwd=ROOT, env=ENV, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    engine = wh_engine.make_engine(warehouse, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            df = stockout.outlook(conn, Scope.province(), date(2021, 9, 20))
            soon = stockout.stockouts_within(conn, Scope.province(), date(2021, 9, 20), 12)
            district = stockout.outlook(conn, Scope("district", "359"), date(2021, 9, 20))
    finally:
        engine.dispose()
    got = {
        (r.store_id, r.vaccine_code): (r.on_hand, r.in_transit, r.used_recent, r.planned_next,
                                       None if r.days_left is None else int(r.days_left))
        for r in df.astype(object).where(df.notna(), None).itertuples()
    }  # fmt: skip
    assert got == {
        # SF2: 100 in, 20 given, +5 adjusted = 85 on hand; 40 on the road (140 sent, 100
        # booked in); the plan's 140 doses over 14 days (10 a day) beat the recent 20 / 14:
        # 125 / 10 = 12 days.
        ("SF2", "AZ"): (85, 40, 20, 140, 12),
        # SF1: 200 in, 10 given, 2 wasted, -3 adjusted = 185; used 12 in 14 days:
        # 185 / (12 / 14) = 215.8 -> 215 days.
        ("SF1", "AZ"): (185, 0, 12, 0, 215),
        # S359: 300 in, 100 and 40 sent = 160; 140 left in 14 days: 10 a day -> 16 days.
        ("S359", "AZ"): (160, 0, 140, 0, 16),
        # S36: 1000 + 50 in, 300 and 200 sent = 550; 500 in 14 days: 550 / 35.7 -> 15 days.
        ("S36", "AZ"): (550, 0, 500, 0, 15),
        # Pfizer received and not used: never runs out at this pace.
        ("S36", "PFIZER"): (600, 0, 0, 0, None),
    }
    first = df.iloc[0]
    assert (first["store_id"], first["stockout_date"]) == ("SF2", date(2021, 10, 2))
    assert df.iloc[-1]["store_id"] == "S36" and df.iloc[-1]["vaccine_code"] == "PFIZER"
    assert list(soon["store_id"]) == ["SF2"]
    assert set(district["store_id"]) == {"S359", "SF2"}
