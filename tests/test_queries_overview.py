"""The weekly overview's reads (queries/overview.py) against METRICS.md on the tiny platform,
with every expected number worked out by hand from tests/platform_builder.py, and the alert
thresholds file (queries/alerts.py, config/alerts.toml)."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import date

import pytest
import sqlalchemy as sa
from conftest import DIALECTS, ROOT, DatabaseFactory
from page_support import default_period
from page_support import read as page_read
from platform_builder import _ts, create_platform, tiny_platform_rows

from queries import measures, overview, quality, site_alerts
from queries.alerts import (
    DEFAULT_PATH,
    ENV_VAR,
    AlertsConfigError,
    Thresholds,
    load_thresholds,
    parse_thresholds,
)
from queries.scope import Period, resolve_scope
from warehouse import engine as wh_engine

WEEK = Period(date(2021, 9, 13), date(2021, 9, 19))  # ISO week 2021-W37
ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}


def add_missing_day(rows: dict) -> None:
    """An approved plan for F3 on 2021-09-16, a day F3 ran no session (so that one site "sent
    no data")."""
    rows["vaccination_plan"].append(
        {
            "plan_id": "P90",
            "facility_id": "F3",
            "session_date": "2021-09-16",
            "vaccine_code": "PFIZER",
            "planned_doses": 30,
            "status": "approved",
            "approved_at": _ts("2021-09-16 00:00"),
            "updated_at": _ts("2021-09-16 00:00"),
        }
    )


def overview_rows() -> dict:
    """The tiny platform with `add_missing_day`."""
    rows = tiny_platform_rows()
    add_missing_day(rows)
    return rows


def load(platform: str, wh: str, rows: dict) -> str:
    """Create the platform at `platform` with `rows`, then run the ETL into `wh`."""
    create_platform(platform, rows)
    subprocess.run(
        [sys.executable, "-m", "etl", "run", "--platform-url", platform, "--warehouse-url", wh],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
    )
    return wh


def build_warehouse(tmp, rows: dict) -> str:
    """A SQLite warehouse under `tmp` loaded from a platform of `rows`."""
    return load(f"sqlite:///{tmp / 'p.db'}", f"sqlite:///{tmp / 'w.db'}", rows)


@pytest.fixture(scope="module", params=DIALECTS)
def warehouse(request, tmp_path_factory, pg_available) -> Iterator[str]:
    """The tiny platform's warehouse, on SQLite and on PostgreSQL."""
    if request.param == "postgresql" and not pg_available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    factory = DatabaseFactory(request.param, tmp_path_factory.mktemp("overview_q"))
    try:
        yield load(factory.new_url("platform"), factory.new_url("warehouse"), overview_rows())
    finally:
        factory.drop_all()


def read(wh: str, name: str, code: str = "36", period: Period = WEEK, *extra):
    engine = wh_engine.make_engine(wh, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            module = site_alerts if name == "alerts" else overview
            return getattr(module, name)(conn, resolve_scope(conn, code), period, *extra)
    finally:
        engine.dispose()


def population(wh: str, area: str, group: str = "18+", year: int = 2021) -> int:
    engine = wh_engine.make_engine(wh, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text(
                    "SELECT population FROM population WHERE area_code = :a "
                    "AND target_group = :g AND year = :y"
                ),
                {"a": area, "g": group, "y": year},
            ).scalar()
    finally:
        engine.dispose()


def window(df, name: str) -> dict:
    return df.set_index("window").loc[name].to_dict()


# --- headline figures ------------------------------------------------------------------------
def test_the_weeks_headline_figures_follow_the_definitions(warehouse):
    cur = window(read(warehouse, "kpis"), "current")
    # Active injected visits in the week: V14 V17 V03 V07 V02 V12 V13 V15 (V08, V18 voided).
    assert cur["doses"] == 8
    # Approved plans: P01 (F1, 100), P03 (F2, 60), P90 (F3, 30); P02 cancelled, P04 draft.
    assert cur["planned"] == 190
    assert cur["plan_achievement"] == pytest.approx(8 / 190)
    # 13 active visits in the week, V09 never screened; V04 deferred, V05 contraindicated,
    # V06 referred.
    assert (cur["screened"], cur["deferrals"]) == (12, 3)
    assert cur["deferral_rate"] == pytest.approx(0.25)
    # Unrevoked certificates by local issue day: CE08, CE12 (00:05 on 09-15), CE02, CE03, CE07;
    # CE06 was revoked, CE05 is issued on 09-20.
    assert cur["issued"] == 5
    # Backlog at the end of 09-19: V07 and V15 never certified, V13 certified only on 09-20.
    assert cur["backlog"] == 3
    # A03 is serious but on a voided visit; A04 (V02) counts.
    assert cur["aefi_serious"] == 1
    # People by residence in Nam Định (C07 lives in Hà Nội): P1 (C01/C02), C03, C10, C11,
    # C12, C13; full: P1, C03 (Janssen), C10, C13 (mixed); boosted: C10.
    assert (cur["people_1plus"], cur["people_full"], cur["people_boosted"]) == (6, 4, 1)
    pop = population(warehouse, "36")
    assert cur["population"] == pop
    assert cur["coverage_1plus"] == pytest.approx(6 / pop)
    assert cur["coverage_full"] == pytest.approx(4 / pop)
    # Ledger at the end of 09-19: S36 AZ 550 + PFIZER 600, S359 200, SF1 185, SF2 85.
    assert cur["on_hand"] == 1620
    # Ledger `administered` in 09-13..09-19: SF2 20, SF1 10.
    assert cur["used_7d"] == 30
    assert cur["days_of_stock"] == pytest.approx(1620 / (30 / 7))


def test_the_previous_week_and_people_as_of_its_end(warehouse):
    prev = window(read(warehouse, "kpis"), "previous")
    assert (prev["start"].date(), prev["end"].date()) == (date(2021, 9, 6), date(2021, 9, 12))
    assert (prev["doses"], prev["screened"], prev["issued"], prev["backlog"]) == (0, 0, 0, 0)
    assert math.isnan(prev["deferral_rate"]) and math.isnan(prev["plan_achievement"])
    # As of 09-12: P1 (dose 1 on 08-02), C10 (full on 08-20), C13 (dose 1 on 08-10).
    assert (prev["people_1plus"], prev["people_full"], prev["people_boosted"]) == (3, 1, 0)
    # Only the province store's first receipt (1000 AZ on 09-10); nothing used: no days.
    assert prev["on_hand"] == 1000 and math.isnan(prev["days_of_stock"])


def test_sparklines_are_the_eight_weeks_ending_on_the_period_end(warehouse):
    df = read(warehouse, "kpis")
    weeks = df[df["window"].str.startswith("week_")]
    assert weeks["window"].tolist() == [f"week_{k}" for k in range(1, 9)]
    assert weeks["end"].iloc[-1].date() == WEEK.end
    assert weeks["start"].iloc[0].date() == date(2021, 7, 26)
    assert ((weeks["end"] - weeks["start"]).dt.days == 6).all()
    # V01 (08-02), V16 (08-10), V11 (08-20), then the eight doses of the week.
    assert weeks["doses"].tolist() == [0, 1, 1, 1, 0, 0, 0, 8]
    assert weeks["people_1plus"].tolist() == [1, 2, 3, 3, 3, 3, 3, 6]
    # For a custom range the sparkline weeks still end on its last day.
    longer = read(warehouse, "kpis", "36", Period(date(2021, 9, 1), date(2021, 9, 19)))
    assert window(longer, "current")["doses"] == 8
    assert window(longer, "previous")["start"].date() == date(2021, 8, 13)
    assert window(longer, "week_8")["start"].date() == date(2021, 9, 13)


def test_a_district_counts_its_own_sites_stores_and_residents(warehouse):
    cur = window(read(warehouse, "kpis", "359"), "current")
    # F2 only: V02, V12, V13 injected; V06 referred; V09 not screened.
    assert (cur["doses"], cur["screened"], cur["deferrals"], cur["planned"]) == (3, 4, 1, 60)
    assert (cur["issued"], cur["backlog"], cur["aefi_serious"]) == (2, 1, 1)
    # Residents of 13771: P1, C10, C11.
    assert (cur["people_1plus"], cur["people_full"], cur["people_boosted"]) == (3, 2, 1)
    assert cur["population"] == population(warehouse, "359")
    # Stores of the district: S359 (200) and SF2 (85); SF2 used 20.
    assert (cur["on_hand"], cur["used_7d"]) == (285, 20)
    assert cur["days_of_stock"] == pytest.approx(285 / (20 / 7))


def test_a_site_is_counted_with_the_people_of_its_commune(warehouse):
    cur = window(read(warehouse, "kpis", "F3"), "current")
    assert (cur["doses"], cur["planned"]) == (1, 30)  # V17; plan P90
    # Residents of 13633 (F3's commune): C03, C12, C13.
    assert cur["people_1plus"] == 3
    assert cur["population"] == population(warehouse, "13633")
    # F3 has no store of its own.
    assert cur["on_hand"] == 0 and math.isnan(cur["days_of_stock"])


def test_coverage_follows_the_chosen_target_group(warehouse):
    cur = window(read(warehouse, "kpis", "36", WEEK, "all"), "current")
    assert cur["population"] == population(warehouse, "36", "all")
    assert cur["coverage_1plus"] == pytest.approx(6 / cur["population"])
    with pytest.raises(ValueError, match="unknown target group"):
        read(warehouse, "kpis", "36", WEEK, "adults")


def test_an_area_without_sites_reads_zeros_not_errors(warehouse):
    cur = window(read(warehouse, "kpis", "360"), "current")  # Ý Yên: no site, no resident
    assert (cur["doses"], cur["people_1plus"], cur["on_hand"], cur["backlog"]) == (0, 0, 0, 0)
    assert math.isnan(cur["deferral_rate"]) and math.isnan(cur["days_of_stock"])
    assert read(warehouse, "daily_doses", "360")["doses"].sum() == 0
    assert read(warehouse, "alerts", "360").empty
    ranking = read(warehouse, "ranking", "360")
    assert len(ranking) > 0 and ranking["doses"].sum() == 0


# --- daily trend -----------------------------------------------------------------------------
def test_daily_doses_by_dose_group(warehouse):
    df = read(warehouse, "daily_doses")
    assert len(df) == 7 * 3  # every day and group, zeros included
    got = {(r.date.strftime("%m-%d"), r.dose_group): r.doses for r in df.itertuples() if r.doses}
    assert got == {
        ("09-14", "dose1"): 1,  # V14
        ("09-14", "dose2"): 1,  # V17 (PFIZER dose 2 after MODERNA dose 1)
        ("09-15", "dose1"): 2,  # V03 JANSSEN, V07 PFIZER (V08 voided)
        ("09-16", "dose2"): 1,  # V02
        ("09-17", "dose1"): 1,  # V13
        ("09-17", "dose3plus"): 1,  # V12 booster
        ("09-18", "dose1"): 1,  # V15 (C12's dose 1 entered again: still a dose given)
    }
    assert df["doses"].sum() == window(read(warehouse, "kpis"), "current")["doses"]


def test_daily_plan_counts_approved_plans_only(warehouse):
    df = read(warehouse, "daily_plan")
    assert df["planned"].tolist() == [0, 0, 100, 30, 60, 0, 0]


# --- ranking ---------------------------------------------------------------------------------
def test_districts_ranked_with_coverage_doses_and_plan_achievement(warehouse):
    df = read(warehouse, "ranking").set_index("area_code")
    assert len(df) == 10 and set(df["area_level"]) == {"district"}
    city, vu_ban = df.loc["356"], df.loc["359"]
    # City: F1 (V14 V03 V07 V15) and F3 (V17); plans P01 100 + P90 30.
    assert (city["doses"], city["planned"]) == (5, 130)
    assert city["plan_achievement"] == pytest.approx(5 / 130)
    assert (city["people_1plus"], city["people_full"], city["people_boosted"]) == (3, 2, 0)
    assert city["coverage_1plus"] == pytest.approx(3 / population(warehouse, "356"))
    assert (vu_ban["doses"], vu_ban["planned"], vu_ban["plan_achievement"]) == (3, 60, 0.05)
    assert (vu_ban["people_1plus"], vu_ban["people_full"], vu_ban["people_boosted"]) == (3, 2, 1)
    others = df.drop(index=["356", "359"])
    assert (others["doses"] == 0).all() and others["plan_achievement"].isna().all()


def test_communes_of_the_district_are_ranked_for_a_district_commune_or_site(warehouse):
    by_district = read(warehouse, "ranking", "356")
    assert set(by_district["area_level"]) == {"commune"}
    assert len(by_district) == 25  # Thành phố Nam Định's communes
    row = by_district.set_index("area_code").loc["13633"]
    assert (row["doses"], row["planned"], row["people_1plus"]) == (5, 130, 3)
    for scope in ("13633", "F1", "F3"):
        assert read(warehouse, "ranking", scope).equals(by_district)


# --- alerts ----------------------------------------------------------------------------------
LOW = Thresholds(
    min_days_of_stock=200,
    serious_days_of_stock=50,
    spike_min_screened=1,
    spike_min_deferrals=1,
    spike_significance=1.0,
    spike_min_baseline_screened=1,
    backlog_min_count=1,
    backlog_min_days=0,
)


def test_default_thresholds_flag_only_the_site_that_sent_no_data(warehouse):
    df = read(warehouse, "alerts")
    assert df[["kind", "facility_id", "severity"]].values.tolist() == [["no_data", "F3", "warning"]]
    row = df.iloc[0]
    assert (row["value"], row["threshold"], row["dates"]) == (1, 1, "2021-09-16")
    # F3 has no store: no stock report on its planned day either.
    assert (row["no_visit_days"], row["no_report_days"]) == (1, 1)
    assert row["facility_name"] == "Bệnh viện Đa khoa tỉnh Nam Định"


def test_every_alert_kind_with_its_value_and_threshold(warehouse):
    df = read(warehouse, "alerts", "36", WEEK, LOW)
    got = {(r.kind, r.facility_id): r for r in df.itertuples()}
    assert set(got) == {
        ("low_stock", "F1"),
        ("low_stock", "F2"),
        ("deferral_spike", "F2"),
        ("certificate_backlog", "F1"),
        ("certificate_backlog", "F2"),
        ("no_data", "F3"),
    }
    # SF1: 185 on hand, 10 used in 7 days; SF2: 85 on hand, 20 used.
    f1, f2 = got[("low_stock", "F1")], got[("low_stock", "F2")]
    assert f1.value == pytest.approx(185 / (10 / 7)) and f1.severity == "warning"
    assert f2.value == pytest.approx(85 / (20 / 7)) and f2.severity == "serious"
    assert (f1.on_hand, f1.threshold) == (185, 200)
    # F2: 1 of 4 screened in the week; 0 of 1 (V11) in the 4 weeks before.
    spike = got[("deferral_spike", "F2")]
    assert (spike.value, spike.baseline_rate, spike.screened) == (0.25, 0.0, 4)
    assert spike.severity == "serious"  # infinitely many times the baseline
    # Backlog at the end of 09-19: F1 V07 and V15 (4 doses in 28 days), F2 V13 (3 doses).
    b1, b2 = got[("certificate_backlog", "F1")], got[("certificate_backlog", "F2")]
    assert (b1.value, b2.value) == (2, 1)
    assert b1.backlog_days == pytest.approx(2 / (4 / 28))
    assert b2.backlog_days == pytest.approx(1 / (3 / 28))


def test_alerts_are_sorted_serious_first_then_furthest_past_the_threshold(warehouse):
    df = read(warehouse, "alerts", "36", WEEK, LOW)
    severities = df["severity"].tolist()
    assert severities == sorted(severities, key=lambda s: s != "serious")
    for _, part in df.groupby("severity"):
        assert part["score"].is_monotonic_decreasing


def test_alerts_stay_inside_the_scope(warehouse):
    df = read(warehouse, "alerts", "359", WEEK, LOW)
    assert set(df["facility_id"]) == {"F2"}
    assert read(warehouse, "alerts", "F3", WEEK, LOW)["facility_id"].tolist() == ["F3"]


def test_stricter_thresholds_remove_alerts(warehouse):
    strict = replace(LOW, spike_min_screened=5, backlog_min_count=2, no_data_min_days=2)
    kinds = set(
        map(tuple, read(warehouse, "alerts", "36", WEEK, strict)[["kind", "facility_id"]].values)
    )
    assert ("deferral_spike", "F2") not in kinds
    assert ("certificate_backlog", "F2") not in kinds and ("certificate_backlog", "F1") in kinds
    assert ("no_data", "F3") not in kinds


def test_an_inactive_site_raises_no_alert(tmp_path):
    rows = overview_rows()
    for facility in rows["facility"]:
        if facility["facility_id"] == "F3":
            facility["active"] = False
    wh = build_warehouse(tmp_path, rows)
    assert read(wh, "alerts").empty


def test_a_site_is_late_on_a_planned_day_without_visits_or_without_a_stock_report(tmp_path):
    # F3 gets a plan on 09-14 too: it vaccinated that day (V17) but, having no store, sent no
    # stock report, so it is late on both planned days (METRICS.md "late sites").
    rows = overview_rows()
    rows["vaccination_plan"].append(
        {**rows["vaccination_plan"][-1], "plan_id": "P91", "session_date": "2021-09-14"}
    )
    wh = build_warehouse(tmp_path, rows)
    row = read(wh, "alerts").set_index("kind").loc["no_data"]
    assert (row["facility_id"], row["value"]) == ("F3", 2)
    assert row["dates"] == "2021-09-14,2021-09-16"
    assert (row["no_visit_days"], row["no_report_days"]) == (1, 2)


@pytest.mark.parametrize("code", ["36", "366"])
def test_sites_that_sent_no_data_are_the_late_sites_of_the_quality_page(small_province, code):
    wh = small_province[1]
    period = default_period(wh)
    alerts = read(wh, "alerts", code, period)
    late = page_read(wh, quality.late_sites, code, period)
    no_data = alerts[alerts["kind"] == "no_data"]
    assert len(late) > 0
    assert sorted(no_data["facility_id"]) == sorted(late["facility_id"].unique())
    days = late.groupby("facility_id").size()
    assert no_data.set_index("facility_id")["value"].to_dict() == days.astype(float).to_dict()


def test_shown_values_never_contradict_their_threshold(warehouse):
    # F2 holds 85 / (20 / 7) = 29.75 days: under a 29.8-day threshold it must not read 29.8.
    t = Thresholds(min_days_of_stock=29.8, serious_days_of_stock=1)
    row = read(warehouse, "alerts", "36", WEEK, t).set_index("kind").loc["low_stock"]
    assert row["facility_id"] == "F2" and row["value"] == pytest.approx(29.75)
    assert (row["shown_value"], row["shown_threshold"]) == (29.7, 29.8)
    # Under the serious threshold it must not read as the serious threshold either.
    t = Thresholds(min_days_of_stock=200, serious_days_of_stock=29.8)
    got = read(warehouse, "alerts", "36", WEEK, t)
    f2 = got[(got["kind"] == "low_stock") & (got["facility_id"] == "F2")].iloc[0]
    assert (f2["severity"], f2["shown_value"]) == ("serious", 29.7)


def test_rounding_for_display_keeps_each_value_on_its_side():
    assert measures.shown_over(0.08334, 0.08333, 3) == 0.084  # 8.33 % over 8.33 %: 8.4 %
    assert measures.shown_over(0.0912, 0.05, 3) == 0.091
    # A threshold is shown rounded to the nearest unless the value shown would then be on
    # the wrong side of it: then down for ">", up for "<".
    assert measures.shown_threshold(0.04984, 0.125, 3, below=False) == 0.05
    assert measures.shown_threshold(0.08336, 0.084, 3, below=False) == 0.083
    assert measures.shown_threshold(0.57, 0.6, 2, below=False) == 0.57
    assert measures.shown_threshold(2.74, 2.7, 1, below=True) == 2.8
    assert measures.shown_threshold(2.76, 2.7, 1, below=True) == 2.8


# --- the thresholds file ---------------------------------------------------------------------
def test_the_shipped_file_documents_every_setting_and_holds_the_defaults():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert parse_thresholds(data) == Thresholds()
    lines = text.splitlines()
    settings = [i for i, line in enumerate(lines) if re.match(r"^\w+\s*=", line)]
    assert len(settings) == len(fields(Thresholds))
    for i in settings:
        assert lines[i - 1].startswith("#"), f"undocumented setting: {lines[i]}"


def test_the_environment_variable_points_to_another_file(tmp_path, monkeypatch):
    path = tmp_path / "alerts.toml"
    path.write_text("[low_stock]\nmin_days_of_stock = 5\n\n[no_data]\nmin_days = 2\n")
    monkeypatch.setenv(ENV_VAR, str(path))
    t = load_thresholds()
    assert (t.min_days_of_stock, t.no_data_min_days) == (5.0, 2)
    assert t.spike_factor == Thresholds().spike_factor  # left out: the default


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[low_stock\nmin_days_of_stock = 3", "not valid TOML"),
        ("[low_stock]\nmin_days_of_stok = 3\n", "unknown setting low_stock.min_days_of_stok"),
        ("[stock]\nmin_days = 3\n", "unknown section [stock]"),
        ("[low_stock]\nmin_days_of_stock = 'three'\n", "must be a number"),
        ("[deferral_spike]\nmin_screened = 2.5\n", "must be a whole number"),
        ("[certificate_backlog]\nmin_count = -1\n", ">= 0"),
        ("[low_stock]\nmin_days_of_stock = 1\nserious_days_of_stock = 2\n", "must not exceed"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_reason(tmp_path, content, message):
    path = tmp_path / "alerts.toml"
    path.write_text(content)
    with pytest.raises(AlertsConfigError, match=re.escape(message)):
        load_thresholds(path)


def test_a_missing_file_named_by_the_environment_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere.toml"))
    with pytest.raises(AlertsConfigError, match="does not exist"):
        load_thresholds()
