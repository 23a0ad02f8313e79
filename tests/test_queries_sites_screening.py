"""The Sites map and Screening reads against METRICS.md, on the hand-made tiny platform.

Week 2021-W37 (13-19 September 2021) of tests/platform_builder.tiny_platform_rows, active visits:
- F1 (Hạ Long, 13633, district 356): 14/09 one dose; 15/09 two doses, C04 deferred (fever), C05
  contraindicated (allergy_history), a voided visit; 18/09 one dose, one eligible not injected.
  7 checked in, 7 screened, 4 doses, 4 watched, deferral rate 2/7.
- F2 (Minh Tân, 13771, district 359, no coordinates): 15/09 C06 referred
  (uncontrolled_chronic); 16/09 one dose and one visit never screened; 17/09 two doses.
  5 checked in, 4 screened, 3 doses, deferral rate 1/4.
- F3 (hospital, 13633, no store): 14/09 one dose; 19/09 only a voided visit. 1 screened.
Stock ledger: SF1 receives 200 on 15/09, uses 10 and wastes 2 on 18/09, adjusts -3 on 19/09:
185 on hand at the end of 19/09, 10 used in the 7 days. SF2 receives 100 on 16/09, uses 20 and
adjusts +5 on 17/09; this module adds a ledger use of 80 on 19/09: 5 on hand, 100 used.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import DIALECTS, PG_ADMIN_URL, ROOT, DatabaseFactory
from platform_builder import create_platform, tiny_platform_rows

from queries import screening, sites
from queries.scope import Period, resolve_scope

W37 = Period(date(2021, 9, 13), date(2021, 9, 19))


def run_etl(platform: str, warehouse: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform, "--warehouse-url",
         warehouse],
        cwd=ROOT,
        env={**os.environ, "VAX_PSEUDONYM_KEY": "test-key"},
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip


def tiny_rows_with_low_stock() -> dict:
    """The tiny platform plus a heavy ledger use at F2's store on 19/09 (5 doses left)."""
    rows = tiny_platform_rows()
    rows["stock_transaction"].append(
        {
            "txn_id": "T99",
            "store_id": "SF2",
            "txn_date": "2021-09-19",
            "vaccine_code": "AZ",
            "lot_number": "LOT-AZ-01",
            "expiry_date": "2021-12-31",
            "txn_type": "administered",
            "quantity_doses": 80,
            "updated_at": "2021-09-19T10:00:00+00:00",
        }
    )
    return rows


@pytest.fixture(scope="module", params=DIALECTS)
def conn(request, tmp_path_factory, pg_available):
    """The tiny platform (plus low stock at F2) loaded into a warehouse of each dialect."""
    if request.param == "postgresql" and not pg_available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at " + PG_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable")
    tmp = tmp_path_factory.mktemp(f"sites-screening-{request.param}")
    factory = DatabaseFactory(request.param, tmp)
    try:
        platform, warehouse = f"sqlite:///{tmp / 'p.db'}", factory.new_url("warehouse")
        create_platform(platform, tiny_rows_with_low_stock())
        run_etl(platform, warehouse)
        engine = sa.create_engine(warehouse)
        with engine.connect() as connection:
            yield connection
        engine.dispose()
    finally:
        factory.drop_all()


def scope(conn, code: str):
    return resolve_scope(conn, code)


# --- sites ------------------------------------------------------------------------------------
def test_site_status_counts_the_four_steps_and_deferrals_per_site(conn):
    df = sites.site_status(conn, scope(conn, "36"), W37).set_index("facility_id")
    assert list(df.index) == ["F1", "F2", "F3"]
    f1, f2, f3 = df.loc["F1"], df.loc["F2"], df.loc["F3"]
    assert (f1.checked_in, f1.screened, f1.doses, f1.observed) == (7, 7, 4, 4)
    assert (f1.deferred, f1.contraindicated, f1.referred, f1.deferrals) == (1, 1, 0, 2)
    assert f1.deferral_rate == pytest.approx(2 / 7)
    assert (f2.checked_in, f2.screened, f2.doses, f2.referred) == (5, 4, 3, 1)
    assert f2.deferral_rate == pytest.approx(1 / 4)
    assert (f3.checked_in, f3.screened, f3.doses, f3.deferral_rate) == (1, 1, 1, 0)
    assert f2.coordinate_status == "missing" and f1.coordinate_status == "ok"
    assert f1["name"] == "Trạm Y tế Phường Hạ Long" and f1["commune_name"] == "Phường Hạ Long"


def test_site_status_days_of_stock_is_on_hand_over_mean_daily_ledger_use(conn):
    df = sites.site_status(conn, scope(conn, "36"), W37).set_index("facility_id")
    f1, f2, f3 = df.loc["F1"], df.loc["F2"], df.loc["F3"]
    assert (f1.on_hand, f1.administered_7d) == (185, 10)
    assert f1.days_of_stock == pytest.approx(185 / (10 / 7))
    assert f1.stock_status == "ok"
    assert (f2.on_hand, f2.administered_7d) == (5, 100)
    assert f2.days_of_stock == pytest.approx(5 / (100 / 7))
    assert f2.stock_status == "alert"
    assert not f3.has_store and pd.isna(f3.on_hand) and f3.stock_status == "none"
    assert (f1.deferral_status, f2.deferral_status, f3.deferral_status) == ("alert",) * 2 + ("ok",)


def test_stock_before_the_first_delivery_is_unknown_and_unused_stock_is_enough(conn):
    before = sites.site_status(
        conn, scope(conn, "F1"), Period(date(2021, 9, 14), date(2021, 9, 14))
    )
    assert before["has_store"].iloc[0] and pd.isna(before["on_hand"].iloc[0])
    assert before["stock_status"].iloc[0] == "none"
    unused = sites.site_status(
        conn, scope(conn, "F1"), Period(date(2021, 9, 16), date(2021, 9, 16))
    )
    assert unused["on_hand"].iloc[0] == 200 and unused["administered_7d"].iloc[0] == 0
    assert math.isinf(unused["days_of_stock"].iloc[0]) and unused["stock_status"].iloc[0] == "ok"


def test_site_status_follows_the_scope(conn):
    assert sites.site_status(conn, scope(conn, "356"), W37)["facility_id"].tolist() == ["F1", "F3"]
    assert sites.site_status(conn, scope(conn, "359"), W37)["facility_id"].tolist() == ["F2"]
    assert sites.site_status(conn, scope(conn, "F3"), W37)["facility_id"].tolist() == ["F3"]
    assert sites.site_status(conn, scope(conn, "13765"), W37).empty  # a commune without sites


@pytest.mark.parametrize(
    ("days", "status"),
    [(math.nan, "none"), (0, "alert"), (2.99, "alert"), (3, "warn"), (6.99, "warn"),
     (7, "ok"), (math.inf, "ok"), (-4, "alert")],
)  # fmt: skip
def test_days_of_stock_bins(days, status):
    assert sites.stock_status(days) == status


@pytest.mark.parametrize(
    ("rate", "status"),
    [(math.nan, "none"), (0, "ok"), (0.0499, "ok"), (0.05, "warn"), (0.0999, "warn"),
     (0.10, "alert"), (1, "alert")],
)  # fmt: skip
def test_deferral_rate_bins(rate, status):
    assert sites.deferral_status(rate) == status


def test_days_of_stock_edge_cases():
    assert sites.days_of_stock(70, 70) == 7
    assert math.isnan(sites.days_of_stock(None, 10))
    assert math.isinf(sites.days_of_stock(5, 0)) and sites.days_of_stock(0, 0) == 0


def test_site_daily_has_every_day_of_the_period(conn):
    daily = sites.site_daily(conn, scope(conn, "F1"), W37)
    assert daily["date"].dt.day.tolist() == list(range(13, 20))
    assert daily["checked_in"].tolist() == [0, 1, 4, 0, 0, 2, 0]
    assert daily["screened"].tolist() == [0, 1, 4, 0, 0, 2, 0]
    assert daily["doses"].tolist() == [0, 1, 2, 0, 0, 1, 0]


def test_site_funnel_reception_screening_injection_watch(conn):
    funnel = sites.site_funnel(conn, scope(conn, "F2"), W37)
    assert funnel["step"].tolist() == ["checked_in", "screened", "doses", "observed"]
    assert funnel["count"].tolist() == [5, 4, 3, 3]
    assert funnel["share"].tolist() == pytest.approx([1, 0.8, 0.6, 0.6])
    empty = sites.site_funnel(conn, scope(conn, "F2"), Period(date(2021, 7, 1), date(2021, 7, 7)))
    assert empty["count"].tolist() == [0, 0, 0, 0] and empty["share"].isna().all()


# --- screening --------------------------------------------------------------------------------
def test_totals_and_deferral_rate(conn):
    row = screening.totals(conn, scope(conn, "36"), W37).iloc[0]
    assert (row.screened, row.deferred, row.contraindicated, row.referred) == (12, 1, 1, 1)
    assert row.deferrals == 3 and row.deferral_rate == pytest.approx(3 / 12)
    f1 = screening.totals(conn, scope(conn, "F1"), W37).iloc[0]
    assert f1.screened == 7 and f1.deferral_rate == pytest.approx(2 / 7)
    none = screening.totals(conn, scope(conn, "36"), Period(date(2021, 9, 6), date(2021, 9, 12)))
    assert none["screened"].iloc[0] == 0 and math.isnan(none["deferral_rate"].iloc[0])


def test_by_reason_rates_are_over_everyone_screened(conn):
    df = screening.by_reason(conn, scope(conn, "36"), W37)
    got = {(r.screening_result, r.deferral_reason): (r.visits, r.rate) for r in df.itertuples()}
    assert got == {
        ("deferred", "fever"): (1, pytest.approx(1 / 12)),
        ("contraindicated", "allergy_history"): (1, pytest.approx(1 / 12)),
        ("referred", "uncontrolled_chronic"): (1, pytest.approx(1 / 12)),
    }
    f1 = screening.by_reason(conn, scope(conn, "F1"), W37)
    assert set(f1["deferral_reason"]) == {"fever", "allergy_history"}
    assert f1["rate"].tolist() == pytest.approx([1 / 7, 1 / 7])


def test_by_area_is_one_level_below_the_scope(conn):
    province = screening.by_area(conn, scope(conn, "36"), W37).set_index("area_code")
    assert len(province) == 10 and set(province["level"]) == {"district"}
    assert (province.loc["356", "screened"], province.loc["356", "deferrals"]) == (8, 2)
    assert province.loc["359", "deferral_rate"] == pytest.approx(0.25)
    assert province.loc["360", "screened"] == 0 and math.isnan(province.loc["360", "deferral_rate"])
    district = screening.by_area(conn, scope(conn, "356"), W37).set_index("area_code")
    assert set(district["level"]) == {"commune"} and district.loc["13633", "screened"] == 8
    assert district.loc["13633", "name"] == "Phường Hạ Long"
    commune = screening.by_area(conn, scope(conn, "13633"), W37).set_index("area_code")
    assert list(commune.index) == ["F1", "F3"] and set(commune["level"]) == {"facility"}
    assert commune.loc["F1", "deferral_rate"] == pytest.approx(2 / 7)


def test_weekly_blocks_end_on_the_period_end(conn):
    weeks = screening.weekly(conn, scope(conn, "36"), W37, 12)
    assert len(weeks) == 12
    assert weeks["week_start"].iloc[0] == pd.Timestamp("2021-06-28")
    assert weeks["week_end"].iloc[-1] == pd.Timestamp("2021-09-19")
    assert (weeks["week_end"] - weeks["week_start"]).dt.days.eq(6).all()
    by_start = weeks.set_index(weeks["week_start"].dt.strftime("%m-%d"))
    assert by_start.loc["09-13", "screened"] == 12
    assert by_start.loc["09-13", "deferral_rate"] == pytest.approx(0.25)
    assert by_start.loc["08-02", "screened"] == 1  # F1 on 02/08
    assert by_start.loc["08-16", "screened"] == 1  # F2 on 20/08
    assert by_start.loc["09-06", "screened"] == 0 and math.isnan(
        by_start.loc["09-06", "deferral_rate"]
    )
    assert weeks["screened"].sum() == 12 + 3


def test_weekly_trend_is_on_iso_weeks_when_the_period_ends_mid_week(conn):
    # A range ending on Wednesday 15/09: the bars are still Monday-to-Sunday weeks (the last one
    # cut at the period end), not seven-day blocks ending on a Wednesday.
    weeks = screening.weekly(conn, scope(conn, "36"), Period(date(2021, 9, 1), date(2021, 9, 15)))
    assert (weeks["week_start"].dt.day_of_week == 0).all()
    assert weeks["week_start"].iloc[-1] == pd.Timestamp("2021-09-13")
    assert weeks["week_end"].iloc[-1] == pd.Timestamp("2021-09-15")
    assert weeks["week_end"].iloc[-2] == pd.Timestamp("2021-09-12")
    # F1 on 14/09 (1) and 15/09 (4), F2 on 15/09 (1), F3 on 14/09 (1); nothing after 15/09.
    assert weeks["screened"].iloc[-1] == 7
    assert weeks["screened"].sum() == 7 + 3


def test_result_rates_and_ranked_areas():
    counts = pd.DataFrame(
        {"area_code": ["a", "b", "c"], "screened": [10, 0, 20], "deferred": [1, 0, 1],
         "contraindicated": [1, 0, 0], "referred": [0, 0, 1], "deferral_rate": [0.2, None, 0.1]}
    )  # fmt: skip
    rates = screening.result_rates(counts)
    assert list(rates.columns) == list(screening.RESULTS)
    assert rates["deferred"].iloc[[0, 2]].tolist() == [0.1, 0.05]
    assert math.isnan(rates["deferred"].iloc[1])  # nobody screened: no rate
    assert screening.ranked_areas(counts)["area_code"].tolist() == ["a", "c"]


def test_top_sites_need_a_minimum_number_screened(conn):
    assert screening.top_sites(conn, scope(conn, "36"), W37).empty  # nobody reached 30
    top = screening.top_sites(conn, scope(conn, "36"), W37, min_screened=2)
    assert top["facility_id"].tolist() == ["F1", "F2"]  # F3 screened one person only
    assert top["deferral_rate"].tolist() == pytest.approx([2 / 7, 1 / 4])
    # F1's two reasons tie at one visit each: the first by code wins.
    assert top["main_reason"].tolist() == ["allergy_history", "uncontrolled_chronic"]
    assert top["district_name"].tolist() == ["Thành phố Nam Định", "Huyện Vụ Bản"]


def test_reasons_add_up_to_the_deferrals(conn):
    for code in ("36", "356", "359", "13633", "F1", "F2"):
        s = scope(conn, code)
        assert (
            screening.by_reason(conn, s, W37)["visits"].sum()
            == (screening.totals(conn, s, W37)["deferrals"].iloc[0])
        )


def test_placeable_sites_have_checked_coordinates():
    df = pd.DataFrame(
        {
            "coordinate_status": ["ok", "ok", "missing", "outside_province"],
            "latitude": [20.4, None, None, 0.0],
            "longitude": [106.1, 106.2, None, 0.0],
        }
    )
    assert sites.placeable(df).tolist() == [True, False, False, False]
