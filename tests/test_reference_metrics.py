"""The independent reference implementation of METRICS.md equals numbers worked out by hand.

The platform is `tiny_platform_rows()` (tests/platform_builder.py); the period is
2021-09-14 .. 2021-09-20. Local time is UTC+7, so 17:00 UTC is already the next local day.
Facilities: F1 and F3 in commune 13633 (district 356), F2 in commune 13771 (district 359).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import sqlalchemy as sa
from platform_builder import (
    PLATFORM_SCHEMA,
    create_platform,
    insert_rows,
    make_engine,
    tiny_platform_rows,
    update_rows,
)
from reference_metrics import COLUMNS, VIEWS, load_communes, reference_dataset, reference_view

FROM, TO = "2021-09-14", "2021-09-20"
PERIOD = [f"2021-09-{day}" for day in range(14, 21)]


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('tiny') / 'platform.db'}"
    create_platform(url, tiny_platform_rows())
    return url


def tiny_with(tmp_path, name: str) -> str:
    url = f"sqlite:///{tmp_path / f'{name}.db'}"
    create_platform(url, tiny_platform_rows())
    return url


def rows(frame: pd.DataFrame) -> list[tuple]:
    """A frame as plain tuples, NaN turned into None, for readable comparisons."""
    return [
        tuple(None if isinstance(v, float) and math.isnan(v) else v for v in record)
        for record in frame.itertuples(index=False, name=None)
    ]


def coverage_of(frame: pd.DataFrame, area: str, group: str = "all") -> list[tuple]:
    """(date, people_1plus, people_full, people_boosted) of one area and target group over the
    period."""
    area_rows = frame[(frame["area_code"] == area) & (frame["target_group"] == group)]
    return rows(area_rows[["date", "people_1plus", "people_full", "people_boosted"]])


# --------------------------------------------------------------------------------------------
# Sessions and doses
# --------------------------------------------------------------------------------------------


def test_sessions_count_each_step_of_active_visits_by_session_day(tiny_url):
    result = reference_dataset(tiny_url, "sessions", FROM, TO)

    assert list(result.columns) == COLUMNS["sessions"]
    # (facility, date, checked_in, screened, eligible, deferred, contraindicated, referred, doses)
    assert rows(result) == [
        ("F1", "2021-09-14", 1, 1, 1, 0, 0, 0, 1),  # V14
        # V03 (JANSSEN), V04 deferred, V05 contraindicated, V07 (PFIZER, injected 23:50 local);
        # V08 is voided and counts for nothing.
        ("F1", "2021-09-15", 4, 4, 2, 1, 1, 0, 2),
        ("F1", "2021-09-18", 2, 2, 2, 0, 0, 0, 1),  # V15 injected, V19 eligible without a dose
        ("F2", "2021-09-15", 1, 1, 0, 0, 0, 1, 0),  # V06 referred
        ("F2", "2021-09-16", 2, 1, 1, 0, 0, 0, 1),  # V02; V09 left before screening
        ("F2", "2021-09-17", 2, 2, 2, 0, 0, 0, 2),  # V12 booster, V13 entered three days late
        ("F3", "2021-09-14", 1, 1, 1, 0, 0, 0, 1),  # V17
        # F3 on 09-19 had only the voided V18: no row at all.
    ]
    assert result[COLUMNS["sessions"][2:]].dtypes.eq("int64").all()


def test_sessions_keep_only_days_of_the_period(tiny_url):
    result = reference_dataset(tiny_url, "sessions", "2021-09-16", "2021-09-16")

    assert rows(result[["facility_id", "date", "checked_in"]]) == [("F2", "2021-09-16", 2)]


def test_doses_split_by_vaccine_dose_number_and_kind(tiny_url):
    result = reference_dataset(tiny_url, "doses", FROM, TO)

    assert list(result.columns) == COLUMNS["doses"]
    assert rows(result) == [
        ("F1", "2021-09-14", "AZ", 1, "primary", 1),  # V14
        ("F1", "2021-09-15", "JANSSEN", 1, "primary", 1),  # V03
        ("F1", "2021-09-15", "PFIZER", 1, "primary", 1),  # V07 (V08 voided)
        ("F1", "2021-09-18", "AZ", 1, "primary", 1),  # V15, C12's dose 1 entered again
        ("F2", "2021-09-16", "AZ", 2, "primary", 1),  # V02
        ("F2", "2021-09-17", "AZ", 1, "primary", 1),  # V13
        ("F2", "2021-09-17", "PFIZER", 3, "booster", 1),  # V12
        ("F3", "2021-09-14", "PFIZER", 2, "primary", 1),  # V17
    ]


# --------------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------------


def test_coverage_has_every_area_and_day_with_zeros(tiny_url):
    result = reference_dataset(tiny_url, "coverage", FROM, TO)
    communes = load_communes()

    assert list(result.columns) == COLUMNS["coverage"]
    areas = result.drop_duplicates("area_code")
    assert areas["area_level"].value_counts().to_dict() == {
        "commune": 226,
        "district": 10,
        "province": 1,
    }
    assert set(areas["area_code"]) == (
        set(communes["commune_code"]) | set(communes["district_code"]) | {"36"}
    )
    assert len(result) == 237 * 7 * 6  # areas, days, target groups
    by_group = result.groupby(["area_code", "target_group"])["date"].apply(list)
    assert by_group.map(PERIOD.__eq__).all()
    assert coverage_of(result, "13636") == [(day, 0, 0, 0) for day in PERIOD]
    assert coverage_of(result, "366") == [(day, 0, 0, 0) for day in PERIOD]


def test_coverage_counts_a_duplicated_national_id_once_where_its_latest_row_lives(tiny_url):
    result = reference_dataset(tiny_url, "coverage", FROM, TO)

    # Commune 13771: P1 (national_id on C01 in 13633 and C02 in 13771; C02 is the later row,
    # so P1 lives in 13771) had AZ 1 on 08-02 under C01 and AZ 2 on 09-16 under C02;
    # C10 finished AZ 1+2 in August and got a booster on 09-17; C11 got dose 1 on 09-17.
    assert coverage_of(result, "13771") == [
        ("2021-09-14", 2, 1, 0),  # P1 (one dose), C10 (full)
        ("2021-09-15", 2, 1, 0),
        ("2021-09-16", 2, 2, 0),  # P1 full: doses 1 and 2 across both citizen rows
        ("2021-09-17", 3, 2, 1),  # C11 first dose, C10 boosted
        ("2021-09-18", 3, 2, 1),
        ("2021-09-19", 3, 2, 1),
        ("2021-09-20", 3, 2, 1),
    ]
    # Commune 13633 never sees P1, although C01 (the older row) lives there.
    # C12: AZ 1 on 09-14 and again on 09-18 (one distinct dose number: never full);
    # C13: MODERNA 1 (08-10) + PFIZER 2 (09-14), full on 09-14 (N = 2);
    # C03: JANSSEN, one dose on 09-15 is a full primary series (N = 1).
    # C08 has only a voided dose and C04 was deferred: not counted.
    assert coverage_of(result, "13633") == [
        ("2021-09-14", 2, 1, 0),  # C12, C13 (full)
        ("2021-09-15", 3, 2, 0),  # + C03, full after one JANSSEN dose
        ("2021-09-16", 3, 2, 0),
        ("2021-09-17", 3, 2, 0),
        ("2021-09-18", 3, 2, 0),  # C12's repeated dose 1 does not make them full
        ("2021-09-19", 3, 2, 0),
        ("2021-09-20", 3, 2, 0),
    ]


def test_coverage_sums_communes_into_districts_and_province(tiny_url):
    result = reference_dataset(tiny_url, "coverage", FROM, TO)

    assert coverage_of(result, "356") == coverage_of(result, "13633")
    assert coverage_of(result, "359") == coverage_of(result, "13771")
    # C07 lives in Hà Nội (commune 00004): their PFIZER dose at F1 counts in no area.
    assert coverage_of(result, "36") == [
        ("2021-09-14", 4, 2, 0),
        ("2021-09-15", 5, 3, 0),
        ("2021-09-16", 5, 4, 0),
        ("2021-09-17", 6, 4, 1),
        ("2021-09-18", 6, 4, 1),
        ("2021-09-19", 6, 4, 1),
        ("2021-09-20", 6, 4, 1),
    ]


def test_coverage_counts_doses_before_the_period(tiny_url):
    # One day in August: P1 (AZ 1 on 08-02), C13 (MODERNA 1 on 08-10), C10 (AZ 1 and 2).
    result = reference_dataset(tiny_url, "coverage", "2021-08-20", "2021-08-20")

    assert coverage_of(result, "36") == [("2021-08-20", 3, 1, 0)]


# --------------------------------------------------------------------------------------------
# Stock
# --------------------------------------------------------------------------------------------


def stock_of(frame: pd.DataFrame, store: str, vaccine: str) -> list[tuple]:
    part = frame[(frame["store_id"] == store) & (frame["vaccine_code"] == vaccine)]
    return rows(part.drop(columns=["store_id", "vaccine_code"]))


def test_stock_on_hand_runs_through_transfers_and_adjustments(tiny_url):
    result = reference_dataset(tiny_url, "stock", FROM, TO)

    assert list(result.columns) == COLUMNS["stock"]
    # (date, received, issued_out, administered, wasted, adjustment, on_hand, declared)
    # Province store: 1000 received on 09-10 and 300 sent to S359 on 09-13, both before the
    # period, so it opens at 700; on 09-14 +50 received and 200 sent to SF1.
    assert stock_of(result, "S36", "AZ") == [
        ("2021-09-14", 50, 200, 0, 0, 0, 550, None),
        *[(day, 0, 0, 0, 0, 0, 550, None) for day in PERIOD[1:]],
    ]
    # S359 receives the 300 a day after they left S36, then sends 100 to SF2 on 09-15.
    assert stock_of(result, "S359", "AZ") == [
        ("2021-09-14", 300, 0, 0, 0, 0, 300, None),
        ("2021-09-15", 0, 100, 0, 0, 0, 200, None),
        *[(day, 0, 0, 0, 0, 0, 200, None) for day in PERIOD[2:]],
    ]
    # SF1: 200 in on 09-15; 10 used and 2 wasted on 09-18; adjustment -3 on 09-19.
    assert stock_of(result, "SF1", "AZ") == [
        ("2021-09-15", 200, 0, 0, 0, 0, 200, 200.0),
        ("2021-09-16", 0, 0, 0, 0, 0, 200, None),
        ("2021-09-17", 0, 0, 0, 0, 0, 200, None),
        ("2021-09-18", 0, 0, 10, 2, 0, 188, 188.0),
        ("2021-09-19", 0, 0, 0, 0, -3, 185, None),
        ("2021-09-20", 0, 0, 0, 0, 0, 185, None),
    ]
    # SF2: 100 in on 09-16 (sent on 09-15); 20 used and +5 adjustment on 09-17, when the
    # declaration (80) disagrees with the ledger (85): a finding, kept as is.
    assert stock_of(result, "SF2", "AZ") == [
        ("2021-09-16", 100, 0, 0, 0, 0, 100, None),
        ("2021-09-17", 0, 0, 20, 0, 5, 85, 80.0),
        *[(day, 0, 0, 0, 0, 0, 85, None) for day in PERIOD[4:]],
    ]


def test_stock_rows_start_on_the_first_transaction_or_report(tiny_url):
    result = reference_dataset(tiny_url, "stock", FROM, TO)

    assert sorted(set(zip(result["store_id"], result["vaccine_code"], strict=True))) == [
        ("S359", "AZ"),
        ("S36", "AZ"),
        ("S36", "PFIZER"),
        ("SF1", "AZ"),
        ("SF2", "AZ"),
        ("SF2", "PFIZER"),
    ]
    # S36 has PFIZER only from its receipt on 09-16.
    assert stock_of(result, "S36", "PFIZER") == [
        ("2021-09-16", 600, 0, 0, 0, 0, 600, None),
        *[(day, 0, 0, 0, 0, 0, 600, None) for day in PERIOD[3:]],
    ]
    # SF2 declared PFIZER (0 left) on 09-13 without any transaction: a row every day.
    assert stock_of(result, "SF2", "PFIZER") == [(day, 0, 0, 0, 0, 0, 0, None) for day in PERIOD]


def test_stock_declared_remaining_is_the_latest_submission(tiny_url):
    result = reference_dataset(tiny_url, "stock", "2021-09-18", "2021-09-18")

    # SF1 submitted 190 for 09-18 at 18:00 local, then 188 the next morning: 188 stands.
    sf1 = result[result["store_id"] == "SF1"]
    assert sf1["declared_remaining"].tolist() == [188.0]
    assert result["declared_remaining"].dtype == "float64"


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------


def test_certificates_issued_by_local_day_and_backlog_appearing_and_clearing(tiny_url):
    result = reference_dataset(tiny_url, "certificates", FROM, TO)

    assert list(result.columns) == COLUMNS["certificates"]
    # (facility, date, issued, backlog); days with neither are left out.
    assert rows(result) == [
        ("F1", "2021-09-14", 1, 0),  # CE08 for V14, 16:00 local
        # V03 (09-15) waits: CE03 is 17:30 UTC on 09-16, i.e. 00:30 local on 09-17;
        # V07 (09-15) never gets a certificate.
        ("F1", "2021-09-16", 0, 2),
        ("F1", "2021-09-17", 1, 1),  # CE03 issued, V03 cleared; V07 still waiting
        ("F1", "2021-09-18", 0, 1),
        ("F1", "2021-09-19", 0, 2),  # + V15 (09-18), no certificate
        ("F1", "2021-09-20", 0, 2),
        ("F2", "2021-09-16", 1, 0),  # CE02 for V02 on its session day: never in backlog
        # V12's CE06 (09-17) was revoked and counts for nothing; V13 entered late.
        ("F2", "2021-09-18", 0, 2),
        ("F2", "2021-09-19", 1, 1),  # CE07 re-issued for V12
        ("F2", "2021-09-20", 1, 0),  # CE05, the late certificate of V13
        ("F3", "2021-09-15", 1, 0),  # CE12 at 17:05 UTC on 09-14 = 00:05 local on 09-15
    ]


def test_certificate_backlog_ignores_voided_visits(tiny_url):
    # V08 (F1, 09-15) and V18 (F3, 09-19) are injected but voided, without certificates.
    result = reference_dataset(tiny_url, "certificates", "2021-09-20", "2021-09-20")

    assert rows(result) == [("F1", "2021-09-20", 0, 2), ("F2", "2021-09-20", 1, 0)]


# --------------------------------------------------------------------------------------------
# AEFI
# --------------------------------------------------------------------------------------------


def test_aefi_by_local_onset_day_and_severity_for_active_visits(tiny_url):
    result = reference_dataset(tiny_url, "aefi", FROM, TO)

    assert list(result.columns) == COLUMNS["aefi"]
    assert rows(result) == [
        ("F1", "2021-09-15", "mild", 1),  # A02, noon local
        ("F1", "2021-09-16", "mild", 1),  # A01, 17:10 UTC on 09-15 = 00:10 local on 09-16
        ("F2", "2021-09-16", "serious", 1),  # A04
        ("F2", "2021-09-19", "mild", 1),  # A05, 20:00 UTC on 09-18 = 03:00 local on 09-19
        # A03 (serious, 09-15) belongs to the voided V08: not counted.
    ]


# --------------------------------------------------------------------------------------------
# Operations views
# --------------------------------------------------------------------------------------------


def test_aefi_by_lot_of_the_visit(tiny_url):
    result = reference_view(tiny_url, "aefi_by_lot", FROM, TO)

    # (vaccine, lot, reports, mild, serious, sites); A03's visit V08 is voided.
    assert rows(result) == [
        ("AZ", "LOT-AZ-01", 2, 1, 1, 1),  # A04 (V02) and A05 (V13), both at F2
        ("JANSSEN", "LOT-JANSSEN-01", 1, 1, 0, 1),  # A01
        ("PFIZER", "LOT-PFIZER-01", 1, 1, 0, 1),  # A02
    ]
    district = reference_view(tiny_url, "aefi_by_lot", FROM, TO, scope="356")
    assert list(district["vaccine_code"]) == ["JANSSEN", "PFIZER"]


def test_transfers_by_receiver_day_and_sender(tiny_url):
    result = reference_view(tiny_url, "transfers", FROM, TO)

    # (kind, sender, receiver, vaccine, doses): T03, T05, T07 booked in on 09-14..09-16; T15
    # and T13 received from the national level; T01 (09-10) is before the period.
    assert rows(result) == [
        ("receipt", "", "S36", "AZ", 50),
        ("receipt", "", "S36", "PFIZER", 600),
        ("transfer", "S359", "SF2", "AZ", 100),
        ("transfer", "S36", "S359", "AZ", 300),
        ("transfer", "S36", "SF1", "AZ", 200),
    ]
    # Vụ Bản: what its district store received and sent; no national receipt lands there.
    district = reference_view(tiny_url, "transfers", FROM, TO, scope="359")
    assert rows(district) == [
        ("transfer", "S359", "SF2", "AZ", 100),
        ("transfer", "S36", "S359", "AZ", 300),
    ]
    # T03 is received on 09-14: a period from 09-15 leaves it out though T02 left on 09-13.
    later = reference_view(tiny_url, "transfers", "2021-09-15", TO, scope="359")
    assert rows(later) == [("transfer", "S359", "SF2", "AZ", 100)]


def test_late_sites_lack_visits_or_a_stock_report(tmp_path):
    rows_ = tiny_platform_rows()
    plan = dict(rows_["vaccination_plan"][0])
    rows_["vaccination_plan"] += [
        {**plan, "plan_id": "P05", "facility_id": "F1", "session_date": "2021-09-14",
         "planned_doses": 30},  # V14 was given, SF1 reported nothing that day
        {**plan, "plan_id": "P06", "facility_id": "F2", "session_date": "2021-09-13",
         "planned_doses": None},  # no visit, SF2's report R05 (PFIZER, all zero)
        {**plan, "plan_id": "P07", "facility_id": "F3", "session_date": "2021-09-19",
         "planned_doses": 40},  # only a voided visit, and F3 has no store
    ]  # fmt: skip
    url = f"sqlite:///{tmp_path / 'late.db'}"
    create_platform(url, rows_)

    result = reference_view(url, "late_sites", "2021-09-13", TO)

    # P01 (F1, 09-15) and P03 (F2, 09-17) had visits and reports; P02 is cancelled, P04 a draft.
    assert rows(result) == [
        ("F1", "2021-09-14", 30, "stock_report"),
        ("F2", "2021-09-13", 0, "visits"),
        ("F3", "2021-09-19", 40, "both"),
    ]
    assert rows(reference_view(url, "late_sites", "2021-09-13", TO, scope="359")) == [
        ("F2", "2021-09-13", 0, "visits"),
    ]


# --------------------------------------------------------------------------------------------
# Rows the ETL rejected
# --------------------------------------------------------------------------------------------


def test_excluded_visit_takes_its_certificate_and_aefi_with_it(tiny_url):
    excluded = {"visit": {"V03"}}

    sessions = reference_dataset(tiny_url, "sessions", FROM, TO, excluded)
    doses = reference_dataset(tiny_url, "doses", FROM, TO, excluded)
    certificates = reference_dataset(tiny_url, "certificates", FROM, TO, excluded)
    aefi = reference_dataset(tiny_url, "aefi", FROM, TO, excluded)
    coverage = reference_dataset(tiny_url, "coverage", FROM, TO, excluded)

    # F1 on 09-15 without V03: V04, V05, V07.
    f1 = sessions[(sessions["facility_id"] == "F1") & (sessions["date"] == "2021-09-15")]
    assert rows(f1) == [("F1", "2021-09-15", 3, 3, 1, 1, 1, 0, 1)]
    assert "JANSSEN" not in set(doses["vaccine_code"])
    # CE03 (issued on 09-17) goes with V03; only V07 waits at F1 on 09-16 and 09-17.
    assert rows(certificates[certificates["facility_id"] == "F1"]) == [
        ("F1", "2021-09-14", 1, 0),
        ("F1", "2021-09-16", 0, 1),
        ("F1", "2021-09-17", 0, 1),
        ("F1", "2021-09-18", 0, 1),
        ("F1", "2021-09-19", 0, 2),
        ("F1", "2021-09-20", 0, 2),
    ]
    assert ("F1", "2021-09-16", "mild", 1) not in rows(aefi)  # A01 was on V03
    # C03 is no longer vaccinated.
    assert coverage_of(coverage, "13633")[1:] == [(day, 2, 1, 0) for day in PERIOD[1:]]


def test_excluded_certificate_leaves_its_visit_in_the_backlog(tiny_url):
    result = reference_dataset(tiny_url, "certificates", FROM, TO, {"certificate": {"CE07"}})

    f2 = rows(result[result["facility_id"] == "F2"])
    assert f2 == [
        ("F2", "2021-09-16", 1, 0),
        ("F2", "2021-09-18", 0, 2),
        ("F2", "2021-09-19", 0, 2),  # V12 still waiting: its only valid certificate is gone
        ("F2", "2021-09-20", 1, 1),
    ]


def test_excluded_citizen_row_changes_residence_and_drops_its_visits(tiny_url):
    # Without C02, P1 is C01 alone (commune 13633) and V02 (dose 2, under C02) has no person.
    result = reference_dataset(tiny_url, "coverage", FROM, TO, {"citizen": {"C02"}})

    assert coverage_of(result, "13633")[0] == ("2021-09-14", 3, 1, 0)  # + P1, one dose
    assert coverage_of(result, "13633")[-1] == ("2021-09-20", 4, 2, 0)  # P1 never full
    assert coverage_of(result, "13771")[-1] == ("2021-09-20", 2, 1, 1)  # C10, C11


def test_excluded_keys_are_compared_as_text(tiny_url):
    # etl_reject stores keys as text; a key given as another type still matches.
    result = reference_dataset(tiny_url, "stock", FROM, TO, {"store": ["S359"]})

    assert "S359" not in set(result["store_id"])


# --------------------------------------------------------------------------------------------
# The platform builder itself
# --------------------------------------------------------------------------------------------


def test_builder_creates_every_contract_column(tmp_path):
    url = tiny_with(tmp_path, "full")
    inspector = sa.inspect(make_engine(url))

    for table, columns in PLATFORM_SCHEMA.items():
        assert [c["name"] for c in inspector.get_columns(table)] == [c for c, _ in columns]


def test_builder_stores_sqlite_values_as_the_contract_says(tmp_path):
    url = tiny_with(tmp_path, "values")
    with make_engine(url).connect() as conn:
        visit = conn.execute(
            sa.text("SELECT session_date, injected_at FROM visit WHERE visit_id = 'V07'")
        ).one()
        active = conn.execute(sa.text("SELECT active FROM facility WHERE facility_id = 'F1'"))

        assert tuple(visit) == ("2021-09-15", "2021-09-15T16:50:00+00:00")
        assert active.scalar_one() == 1


def test_builder_omits_tables_and_columns_and_edits_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    tables = tiny_platform_rows()
    create_platform(url, tables, omit_tables=["aefi_report"], omit_columns={"visit": ["dose_kind"]})
    inspector = sa.inspect(make_engine(url))

    assert "aefi_report" not in inspector.get_table_names()
    assert "dose_kind" not in {c["name"] for c in inspector.get_columns("visit")}

    insert_rows(url, "vaccine", [{"vaccine_code": "SPUTNIK_V", "primary_series_doses": 2}])
    changed = update_rows(
        url,
        "visit",
        "visit_id",
        [{"visit_id": "V14", "status": "voided", "updated_at": "2021-09-21T00:00:00+00:00"}],
    )
    with make_engine(url).connect() as conn:
        assert changed == 1
        assert conn.execute(sa.text("SELECT count(*) FROM vaccine")).scalar_one() == 6
        status = conn.execute(sa.text("SELECT status FROM visit WHERE visit_id = 'V14'"))
        assert status.scalar_one() == "voided"


def test_reference_is_the_same_on_both_dialects(dbs, tiny_url):
    url = dbs.new_url("tiny")
    create_platform(url, tiny_platform_rows())

    for dataset in COLUMNS:
        on_dialect = reference_dataset(url, dataset, FROM, TO)
        on_sqlite = reference_dataset(tiny_url, dataset, FROM, TO)
        pd.testing.assert_frame_equal(on_dialect, on_sqlite, obj=f"{dataset} on {dbs.dialect}")
    for view in VIEWS:
        on_dialect = reference_view(url, view, FROM, TO)
        on_sqlite = reference_view(tiny_url, view, FROM, TO)
        pd.testing.assert_frame_equal(on_dialect, on_sqlite, obj=f"{view} on {dbs.dialect}")


def test_full_series_counts_two_doses_entered_on_the_same_day(tmp_path):
    # C15 (13771) gets AZ doses 1 and 2 recorded at one session (a backfilled earlier dose):
    # at the end of that day they cover two distinct dose numbers.
    url = tiny_with(tmp_path, "same-day")
    day = "2021-09-19"
    insert_rows(
        url,
        "visit",
        [
            {"visit_id": f"W{dose}", "citizen_id": "C15", "facility_id": "F2",
             "session_date": day, "checked_in_at": f"{day}T01:00:00+00:00",
             "screened_at": f"{day}T01:05:00+00:00", "screening_result": "eligible",
             "injected_at": f"{day}T01:1{dose}:00+00:00", "vaccine_code": "AZ",
             "dose_number": dose, "dose_kind": "primary", "status": "active",
             "recorded_at": f"{day}T01:00:00+00:00", "updated_at": f"{day}T01:20:00+00:00"}
            for dose in (2, 1)
        ],
    )  # fmt: skip
    result = reference_dataset(url, "coverage", FROM, TO)

    assert coverage_of(result, "13771")[-2:] == [(day, 4, 3, 1), ("2021-09-20", 4, 3, 1)]


# --------------------------------------------------------------------------------------------
# Target groups (tests/ages_platform.py: six residents of 13741 around the New Year of 2022)
# --------------------------------------------------------------------------------------------
NEW_YEAR = ["2021-12-31", "2022-01-01", "2022-01-02", "2022-01-03"]


@pytest.fixture(scope="module")
def ages_url(tmp_path_factory) -> str:
    from ages_platform import create_ages_platform

    url = f"sqlite:///{tmp_path_factory.mktemp('ages') / 'platform.db'}"
    create_ages_platform(url)
    return url


def test_groups_follow_the_age_reached_in_the_year_of_each_day(ages_url):
    result = reference_dataset(ages_url, "coverage", NEW_YEAR[0], NEW_YEAR[-1])

    def first_doses(group):
        return [row[1] for row in coverage_of(result, "13741", group)]

    # (people with >= 1 dose on 31/12/2021, 01/01, 02/01, 03/01/2022)
    assert first_doses("all") == [5, 5, 5, 6]  # A1, A2, A3, A5, A6; A4 from 03/01
    # A1 (born 2004) turns 18 in 2022: 17 on 31/12/2021, in 18+ from 01/01/2022.
    assert first_doses("18+") == [1, 2, 2, 3]  # A2; + A1; + A4
    assert first_doses("12-17") == [1, 1, 1, 1]  # A1 in 2021, A5 (born 2010) in 2022
    assert first_doses("5-11") == [1, 0, 0, 0]  # A5, 11 in 2021
    assert first_doses("50+") == [0, 0, 0, 1]  # A4 (born 1956)
    assert first_doses("65+") == [0, 0, 0, 1]
    # A3 (no birth date) and A6 (born 2024) count in all ages only.
    full = [row[2] for row in coverage_of(result, "13741", "18+")]
    assert full == [0, 0, 1, 1]  # A2's dose 2 on 02/01/2022


def test_a_communes_estimated_denominator_worked_out_by_hand(ages_url):
    result = reference_dataset(ages_url, "coverage", NEW_YEAR[0], NEW_YEAR[1])
    pop = result[result["area_code"] == "13741"].set_index(["date", "target_group"])["population"]
    # Vụ Bản (359) at the 2019 census: 130,862 people; Thị trấn Gôi: 7,340. Aged forward by
    # two years, 18+ in 2021 is everyone aged 16 or more in 2019: 4/5 of the 15-19 band
    # (7,560) = 6,048, plus the bands from 20-24 up (92,063) = 98,111. Gôi's share:
    # 7,340 x 98,111 / 130,862 = 5,503.01 -> 5,503.
    assert pop[("2021-12-31", "18+")] == 5503
    # In 2022 (three years): ages 15+ in 2019 = 7,560 + 92,063 = 99,623;
    # 7,340 x 99,623 / 130,862 = 5,587.8 -> 5,588.
    assert pop[("2022-01-01", "18+")] == 5588
    # 12-17 in 2021: ages 10-15 in 2019 = 8,823 + 7,560 / 5 = 10,335 -> 579.68 -> 580.
    assert pop[("2021-12-31", "12-17")] == 580
    # 5-11 in 2021: ages 3-9 in 2019 = 2/5 x 11,275 + 11,141 = 15,651 -> 877.87 -> 878.
    assert pop[("2021-12-31", "5-11")] == 878
    assert pop[("2021-12-31", "all")] == pop[("2022-01-01", "all")] == 7340
    # A district is the sum of its communes; the province, of its districts.
    district = result[(result["area_level"] == "commune") & (result["date"] == "2021-12-31")]
    district = district[district["target_group"] == "18+"]
    communes = load_communes()
    in_359 = district["area_code"].isin(
        communes.loc[communes["district_code"] == "359", "commune_code"]
    )
    row = result[(result["area_code"] == "359") & (result["date"] == "2021-12-31")]
    assert (
        row.set_index("target_group").loc["18+", "population"]
        == district.loc[in_359, "population"].sum()
    )
