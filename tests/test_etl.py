"""The ETL's promises: incremental = full, idempotence, crash safety, locking, rejects that
lose nothing, privacy, and clear messages for bad sources. SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import ROOT
from platform_builder import create_platform, insert_rows, tiny_platform_rows, update_rows
from warehouse_snapshot import assert_same, snapshot

from etl import transform
from warehouse import engine as wh_engine

ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key", "PYTHONUNBUFFERED": "1"}
ENV.pop("VAX_ETL_PAUSE_AT", None)


def etl(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        env=env or ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"etl {args} failed ({done.returncode}):\n{done.stderr}")
    return done


def load(platform: str, warehouse: str, **kw) -> subprocess.CompletedProcess:
    return etl("run", "--platform-url", platform, "--warehouse-url", warehouse, **kw)


def scalar(url: str, sql: str):
    engine = wh_engine.make_engine(url, create_dir=False)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def later_changes(platform: str) -> None:
    """What a platform does after a first load: new rows and changes to older ones."""
    t = "2021-09-21T03:00:00+00:00"
    rows = tiny_platform_rows()
    new_visit = dict(next(v for v in rows["visit"] if v["visit_id"] == "V13"))
    new_visit.update(
        visit_id="V90",
        session_date="2021-09-21",
        updated_at=t,
        recorded_at=t,
        checked_in_at="2021-09-21T01:00:00+00:00",
        injected_at="2021-09-21T01:30:00+00:00",
        dose_number=2,
    )
    insert_rows(platform, "visit", [new_visit])
    insert_rows(
        platform,
        "certificate",
        [
            {
                "certificate_id": "CE90",
                "visit_id": "V90",
                "citizen_id": new_visit["citizen_id"],
                "dose_number": 2,
                "issued_at": t,
                "updated_at": t,
            }
        ],
    )
    # A visit voided weeks later, a lot number corrected on a visit with an AEFI report, a
    # certificate revoked, a person moving commune, a stock correction, a transfer's sender
    # corrected, a plan cancelled.
    update_rows(
        platform, "visit", "visit_id", [{"visit_id": "V01", "status": "voided", "updated_at": t}]
    )
    update_rows(
        platform,
        "visit",
        "visit_id",
        [{"visit_id": "V02", "lot_number": "LOT-AZ-02", "updated_at": t}],
    )
    update_rows(
        platform,
        "certificate",
        "certificate_id",
        [{"certificate_id": "CE02", "revoked_at": t, "updated_at": t}],
    )
    update_rows(
        platform,
        "citizen",
        "citizen_id",
        [{"citizen_id": "C13", "residence_commune_code": "13771", "updated_at": t}],
    )
    update_rows(
        platform,
        "stock_transaction",
        "txn_id",
        [
            {"txn_id": "T05", "quantity_doses": 150, "updated_at": t},
            {"txn_id": "T07", "counterparty_store_id": "S36", "updated_at": t},
        ],
    )
    update_rows(
        platform,
        "vaccination_plan",
        "plan_id",
        [
            {
                "plan_id": rows["vaccination_plan"][0]["plan_id"],
                "status": "cancelled",
                "updated_at": t,
            }
        ],
    )


def test_incremental_load_equals_a_single_full_load(dbs):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    incremental = dbs.new_url("wh")
    load(platform, incremental)
    later_changes(platform)
    second = load(platform, incremental)
    assert "touched keys only" in second.stderr
    full = dbs.new_url("wh")
    load(platform, full)
    assert_same(snapshot(incremental), snapshot(full))
    assert scalar(incremental, "SELECT status FROM visit WHERE visit_id = 'V01'") == "voided"
    lot = "SELECT lot_number FROM mart_aefi_day WHERE facility_id = 'F2' AND severity = 'serious'"
    assert scalar(incremental, lot) == "LOT-AZ-02"
    sender = "SELECT from_store_id FROM mart_transfer_day WHERE to_store_id = 'SF2'"
    assert scalar(incremental, sender) == "S36"


def test_second_run_with_nothing_new_changes_nothing(dbs):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    before = snapshot(warehouse)
    version = scalar(warehouse, "SELECT value FROM warehouse_meta WHERE key = 'data_version'")
    load(platform, warehouse)
    assert_same(before, snapshot(warehouse))
    assert scalar(warehouse, "SELECT rows_loaded FROM etl_run ORDER BY run_id DESC LIMIT 1") == 0
    assert (
        scalar(warehouse, "SELECT value FROM warehouse_meta WHERE key = 'data_version'") == version
    )


def test_a_load_killed_part_way_leaves_the_previous_state(dbs):
    # Killed while it writes the marts, then killed again at its commit: each time the
    # warehouse is as the load before left it, and the next load completes it.
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    before = snapshot(warehouse)
    later_changes(platform)
    for stage in ("marts", "commit"):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "etl",
                "run",
                "--platform-url",
                platform,
                "--warehouse-url",
                warehouse,
            ],
            cwd=ROOT,
            env={**ENV, "VAX_ETL_PAUSE_AT": stage},
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for line in proc.stderr:
                if f"paused at {stage}" in line:
                    break
            # While paused, the run holds the lock: a second run is refused with a clear message.
            refused = load(platform, warehouse, check=False)
            assert refused.returncode != 0
            assert "another ETL run is in progress" in refused.stderr
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        time.sleep(0.2)
        assert_same(before, snapshot(warehouse))
    load(platform, warehouse)
    full = dbs.new_url("wh")
    load(platform, full)
    assert_same(snapshot(warehouse), snapshot(full))


def test_bad_rows_are_rejected_with_a_reason_and_nothing_loaded_is_lost(dbs):
    platform = dbs.new_url("platform")
    rows = tiny_platform_rows()
    create_platform(platform, rows)
    warehouse = dbs.new_url("wh")
    t = "2021-09-22T00:00:00+00:00"
    bad_visit = dict(rows["visit"][0], visit_id="VBAD", facility_id="F404", updated_at=t)
    insert_rows(platform, "visit", [bad_visit])
    insert_rows(
        platform,
        "certificate",
        [dict(rows["certificate"][0], certificate_id="CEBAD", visit_id="VBAD", updated_at=t)],
    )
    insert_rows(
        platform,
        "stock_transaction",
        [dict(rows["stock_transaction"][0], txn_id="TBAD", quantity_doses=0, updated_at=t)],
    )
    insert_rows(
        platform,
        "citizen",
        [
            dict(
                rows["citizen"][0],
                citizen_id="CBAD",
                national_id="079123456789",
                residence_commune_code="N/A",
                updated_at=t,
            )
        ],
    )
    out = load(platform, warehouse)
    assert "rejected" in out.stderr
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    with engine.connect() as conn:
        rejects = pd.read_sql_query(
            sa.text("SELECT * FROM etl_reject WHERE resolved_run_id IS NULL"), conn
        )
    engine.dispose()
    reasons = dict(zip(rejects["source_pk"], rejects["reason"], strict=True))
    assert reasons == {
        "VBAD": "unknown facility_id 'F404'",
        "CEBAD": "unknown visit_id 'VBAD'",
        "TBAD": "quantity_doses must be positive, got '0'",
        "CBAD": "malformed residence_commune_code 'N/A'",
    }
    # The rejected citizen row is kept for inspection without its personal data.
    citizen_json = rejects.loc[rejects["source_pk"] == "CBAD", "row_json"].iloc[0]
    assert "079123456789" not in citizen_json and "Người dân" not in citizen_json
    assert json.loads(citizen_json)["residence_commune_code"] == "N/A"
    # A correction that breaks an already loaded row is rejected; the loaded version stays.
    good = scalar(warehouse, "SELECT facility_id FROM visit WHERE visit_id = 'V01'")
    update_rows(
        platform,
        "visit",
        "visit_id",
        [{"visit_id": "V01", "facility_id": "F404", "updated_at": "2021-09-23T00:00:00+00:00"}],
    )
    load(platform, warehouse)
    assert scalar(warehouse, "SELECT facility_id FROM visit WHERE visit_id = 'V01'") == good
    assert scalar(warehouse, "SELECT COUNT(*) FROM etl_reject WHERE source_pk = 'V01'") == 1
    # When the missing facility arrives, the waiting visit and certificate load by themselves.
    facility = dict(rows["facility"][0], facility_id="F404", updated_at="2021-09-24T00:00:00+00:00")
    insert_rows(platform, "facility", [facility])
    load(platform, warehouse)
    assert scalar(warehouse, "SELECT facility_id FROM visit WHERE visit_id = 'VBAD'") == "F404"
    assert scalar(warehouse, "SELECT COUNT(*) FROM certificate WHERE certificate_id = 'CEBAD'") == 1
    open_pks = scalar(
        warehouse,
        "SELECT COUNT(*) FROM etl_reject WHERE resolved_run_id IS NULL "
        "AND source_pk IN ('VBAD', 'CEBAD', 'V01')",
    )
    assert open_pks == 0


def test_no_name_national_id_or_phone_reaches_the_warehouse_or_the_log(dbs):
    platform = dbs.new_url("platform")
    rows = tiny_platform_rows()
    for i, c in enumerate(rows["citizen"]):
        c["full_name"] = f"Nguyễn Thị Riêng Tư {i:02d}"
        c["phone"] = f"09{i:08d}"
    rows["citizen"].append(
        dict(
            rows["citizen"][0],
            citizen_id="CBAD",
            national_id="079999888777",
            residence_commune_code="bad",
            full_name="Trần Văn Bí Mật",
            phone="0912345678",
        )
    )
    create_platform(platform, rows)
    warehouse = dbs.new_url("wh")
    out = load(platform, warehouse)
    secrets = set()
    for c in rows["citizen"]:
        secrets |= {c["full_name"], c["phone"]}
        if c["national_id"] and c["national_id"].strip():
            secrets.add(c["national_id"].strip())
    secrets.discard(None)
    found = []
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            df = pd.read_sql_query(sa.text(f"SELECT * FROM {table}"), conn)
            text = df.astype(str).to_csv()
            found += [(table, s) for s in secrets if s in text]
    engine.dispose()
    log = out.stdout + out.stderr + etl("status", "--warehouse-url", warehouse).stdout
    found += [("log", s) for s in secrets if s in log]
    assert not found
    # The warehouse did get the rows: 15 valid citizen rows, two sharing a national ID.
    assert scalar(warehouse, "SELECT COUNT(DISTINCT person_key) FROM citizen") == 14


def test_bad_sources_give_a_clear_message(dbs, tmp_path):
    warehouse = dbs.new_url("wh")
    cases = []
    cases.append(("not a url", "not a database URL"))
    cases.append((f"sqlite:///{tmp_path}/missing.db", "no database file at"))
    cases.append(("postgresql://postgres@127.0.0.1:1/none", "cannot connect to the platform"))
    no_table = dbs.new_url("platform")
    create_platform(no_table, tiny_platform_rows(), omit_tables=["stock_report"])
    cases.append((no_table, "table 'stock_report' is missing"))
    no_column = dbs.new_url("platform")
    create_platform(no_column, tiny_platform_rows(), omit_columns={"visit": ["session_date"]})
    cases.append((no_column, "table 'visit' lacks column(s) session_date"))
    for url, message in cases:
        done = load(url, warehouse, check=False)
        assert done.returncode == 2, (url, done.stderr)
        assert message in done.stderr, (url, done.stderr)
        assert "Traceback" not in done.stderr


def test_a_warehouse_of_another_schema_version_is_refused(dbs):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE warehouse_meta SET value = '0' WHERE key = 'schema_version'"))
    engine.dispose()
    for done in (
        load(platform, warehouse, check=False),
        etl("status", "--warehouse-url", warehouse, check=False),
    ):
        assert done.returncode == 2
        assert "schema version '0'" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_changed_pseudonym_key_is_refused(dbs):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    done = load(platform, warehouse, env={**ENV, "VAX_PSEUDONYM_KEY": "another"}, check=False)
    assert done.returncode == 2
    assert "VAX_PSEUDONYM_KEY differs" in done.stderr


def test_status_reports_runs_rows_and_rejects(dbs):
    platform = dbs.new_url("platform")
    rows = tiny_platform_rows()
    create_platform(platform, rows)
    insert_rows(platform, "visit", [dict(rows["visit"][0], visit_id="VBAD", facility_id="F404")])
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    out = etl("status", "--warehouse-url", warehouse).stdout
    assert "Data as of: platform high-water mark 2021-09-20" in out
    assert "success" in out
    assert "Open rejects: 1 " in out
    assert re.search(r"visit +1  unknown facility_id", out)
    assert "mart_session_day" in out


def test_parsing_keeps_each_value_on_its_row_whatever_the_frame_index():
    # A full load cleans a large table in parts, each keeping its rows' original index.
    index = pd.RangeIndex(1_000_000, 1_000_003)
    stamps = transform.timestamp(
        pd.Series(["2021-09-01T08:00:00+07:00", "", "2021-09-02T01:02:03Z"], index=index)
    )
    assert stamps.index.equals(index)
    assert stamps.iloc[0] == pd.Timestamp("2021-09-01T01:00:00Z")
    assert pd.isna(stamps.iloc[1]) and stamps.iloc[2] == pd.Timestamp("2021-09-02T01:02:03Z")
    days = transform.day(pd.Series(["2021-09-01", "2021-09-02 "], index=index[:2]))
    assert list(days) == [pd.Timestamp("2021-09-01"), pd.Timestamp("2021-09-02")]
    numbers = transform.integer(pd.Series(["3", "", "12"], index=index))
    assert numbers.tolist() == [3, pd.NA, 12]


# Identifiers of one shape (prefix + fixed digits) are looked up as integers, others as text:
# both must give what a plain dictionary gives.
KEY_SETS = {
    "one shape": ["VS0001", "VS0002", None, "VS0010", "VS0002", "VS9999"],
    "sparse numbers": ["N000000000005", "N100000000000", "N000000000002"],
    "digits only": ["036187339836", "036164639322", "001234567890"],
    "non-ASCII prefix": ["Đ01", "Đ02", "Đ10"],
    "no shape": ["a1", "b22", "c", "VS0001"],
}
# Per key set: values of the keys' own shape (looked up as integers), then values of mixed
# shapes (looked up as text).
LOOKED_UP = {
    "one shape": [
        ["VS0010", None, "VS0002", "VS0003", "VS0001", "VS9999", "VS0000"],
        ["VS0010", "VS99999", "vs0001", "VS0002"],
    ],
    "sparse numbers": [
        ["N000000000005", "N100000000000", "N000000000003"],
        ["N000000000005", "N00000000002"],
    ],
    "digits only": [
        ["001234567890", "036164639322", "999999999999"],
        ["36187339836", "036164639322", "+36164639322"],
    ],
    "non-ASCII prefix": [["Đ10", "Đ03", "Đ01"], ["Đ10", "D10", "Đ01"]],
    "no shape": [["c", "VS0001", "b22", None, "d"]],
}


@pytest.mark.parametrize("case", sorted(KEY_SETS))
def test_key_positions_equal_a_dictionary_lookup(case):
    from etl.arrowutil import positions

    def expected(values: list, keys: list) -> list[int]:
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key is not None:
                first.setdefault(key, i)
        return [first.get(v, -1) if v is not None else -1 for v in values]

    # Against its own keys, and against keys of every other shape.
    for values in LOOKED_UP[case]:
        for keys in KEY_SETS.values():
            got = positions(pd.Series(values, dtype="string"), pd.Series(keys, dtype="string"))
            assert got.tolist() == expected(values, keys), (values, keys)


def test_pseudonyms_are_the_keyed_hash_of_each_value_across_calls():
    import hashlib

    from etl.pseudonym import Pseudonymizer

    key = b"test-key"

    def expected(prefix: str, value: str | None) -> str | None:
        if value is None:
            return None
        return hashlib.blake2b(f"{prefix}:{value}".encode(), key=key, digest_size=16).hexdigest()

    pz = Pseudonymizer(key)
    seen: dict[tuple[str, str], int] = {}
    calls = [
        ("cid", ["C000000001", "C000000002", None, "C000000002"]),
        ("cid", ["C000000002", "C000000003", None, "C000000001"]),  # partly seen
        ("cid", ["C000000003", "X-7", "C000000004"]),  # a broken identifier among them
        ("nid", ["036187339836", "036187339836", None]),
        ("nid", ["123456789", "036187339836"]),  # old 9-digit ID beside a 12-digit one
        ("cid", ["C000000004", "C000000001"]),
        ("aid", [None, None]),  # nothing but missing values, under a prefix not seen before
        ("aid", ["A-1", None, "A-1"]),
    ]
    for prefix, values in calls:
        index = pd.RangeIndex(10, 10 + len(values))
        got, codes = pz.hash_coded(pd.Series(values, index=index, dtype="string"), prefix)
        assert got.index.equals(index)
        assert [None if pd.isna(g) else g for g in got] == [expected(prefix, v) for v in values]
        # The integers stand for the values: equal exactly where the values are.
        pairs = list(zip(codes, values, strict=True))
        for (code, value), (other_code, other) in itertools.product(pairs, repeat=2):
            assert (code == -1) == (value is None)
            if value is not None and other is not None:
                assert (code == other_code) == (value == other)
        # ... and across calls: a value keeps its integer, and no two values share one.
        for code, value in zip(codes, values, strict=True):
            if value is not None:
                assert seen.setdefault((prefix, value), code) == code
    for prefix in ("cid", "nid", "aid"):
        mine = {v: c for (p, v), c in seen.items() if p == prefix}
        assert len(set(mine.values())) == len(mine)


@pytest.mark.parametrize(("rows", "slice_rows"), [(10, 3), (120_000, 40_000)])
def test_binary_copy_in_slices_is_the_encoding_of_the_whole_batch(monkeypatch, rows, slice_rows):
    # Small slices, and slices large enough for the encoder to hand out rows before finishing.
    from pgpq import ArrowToPostgresBinaryEncoder

    from etl import load
    from warehouse import schema

    hours = pd.date_range("2021-09-01", periods=rows, freq="min", tz="UTC")
    frame = pd.DataFrame(
        {
            "certificate_id": [f"CN{i:08d}" for i in range(rows)],
            "visit_id": [f"VS{i:010d}" for i in range(rows)],
            "issued_at": hours,
            "issued_date": hours.tz_localize(None).normalize(),
            "revoked_at": hours.where(hours.minute == 7),
            "updated_at": hours + pd.Timedelta(hours=1),
        }
    )
    batch = load._arrow_batch(frame, schema.certificate)
    encoder = ArrowToPostgresBinaryEncoder(batch.schema)
    whole = encoder.write_header() + encoder.write_batch(batch) + encoder.finish()
    monkeypatch.setattr(load._BinaryCopy, "SLICE_ROWS", slice_rows)
    stream = load._BinaryCopy(batch)
    chunks = list(iter(lambda: stream.read(8192), b""))
    slices = -(-rows // slice_rows)
    assert len(chunks) == 1 + slices + 1  # header, the slices, trailer
    assert b"".join(chunks) == whole


def _assert_equals_a_full_load(dbs, platform: str, incremental: str) -> None:
    full = dbs.new_url("wh")
    load(platform, full)
    assert_same(snapshot(incremental), snapshot(full))


def test_incremental_equals_full_after_late_entries_and_a_facility_after_its_visits(dbs):
    platform = dbs.new_url("platform")
    rows = tiny_platform_rows()
    create_platform(platform, rows)
    incremental = dbs.new_url("wh")
    load(platform, incremental)
    # A late entry (a session of 2021-09-10 recorded on 2021-09-25, certificate the same
    # day, on a facility-day whose earlier rows are loaded), and a site that sends its visits
    # and a certificate before the site itself is on the platform.
    t = "2021-09-25T02:00:00+00:00"
    template = next(v for v in rows["visit"] if v["visit_id"] == "V13")
    late = dict(
        template,
        visit_id="V91",
        session_date="2021-09-10",
        checked_in_at="2021-09-10T01:00:00+00:00",
        screened_at="2021-09-10T01:10:00+00:00",
        injected_at="2021-09-10T01:30:00+00:00",
        recorded_at=t,
        updated_at=t,
    )
    early = [
        dict(late, visit_id="V92", facility_id="F9", session_date="2021-09-24", recorded_at=t),
        dict(late, visit_id="V93", facility_id="F9", session_date="2021-09-24", status="voided"),
    ]
    # (A later row, so that the site's visits are outside the next load's overlap window and
    # load from the rejects, not by being read again.)
    later = dict(late, visit_id="V94", recorded_at=t, updated_at="2021-09-25T03:00:00+00:00")
    insert_rows(platform, "visit", [late, *early, later])
    cert = dict(rows["certificate"][0], issued_at=t, updated_at=t, revoked_at=None)
    insert_rows(
        platform,
        "certificate",
        [
            dict(cert, certificate_id="CE91", visit_id="V91"),
            dict(cert, certificate_id="CE92", visit_id="V92"),
        ],
    )
    load(platform, incremental)
    assert scalar(incremental, "SELECT COUNT(*) FROM etl_reject WHERE source_pk = 'V92'") == 1
    _assert_equals_a_full_load(dbs, platform, incremental)
    # The site arrives: its visits and certificate load from the rejects; the late visit is
    # corrected (voided) and its certificate revoked.
    t = "2021-09-26T02:00:00+00:00"
    site = dict(rows["facility"][0], facility_id="F9", commune_code="13771", updated_at=t)
    insert_rows(platform, "facility", [site])
    update_rows(
        platform, "visit", "visit_id", [{"visit_id": "V91", "status": "voided", "updated_at": t}]
    )
    update_rows(
        platform,
        "certificate",
        "certificate_id",
        [{"certificate_id": "CE91", "revoked_at": t, "updated_at": t}],
    )
    out = load(platform, incremental)
    assert "2 earlier rejects retried" in out.stderr  # the two visits of the new site
    assert scalar(incremental, "SELECT COUNT(*) FROM visit WHERE facility_id = 'F9'") == 2
    assert (
        scalar(incremental, "SELECT checked_in FROM mart_session_day WHERE facility_id = 'F9'") == 1
    )
    _assert_equals_a_full_load(dbs, platform, incremental)


def test_incremental_equals_full_after_stock_changes_in_the_past(dbs):
    """Stock series are rebuilt from their first changed day on, continuing the on-hand of
    the day before: a transaction moved to an earlier and one to a later day, a quantity
    corrected in the middle of a series, a transaction entered late for a day that had none,
    a waste reason corrected, and a declared report re-submitted."""
    platform = dbs.new_url("platform")
    rows = tiny_platform_rows()
    create_platform(platform, rows)
    incremental = dbs.new_url("wh")
    load(platform, incremental)
    on_hand = (
        "SELECT on_hand FROM mart_stock_day WHERE store_id = 'SF1' AND vaccine_code = 'AZ' "
        "AND date = '2021-09-19'"
    )
    assert scalar(incremental, on_hand) == 200 - 10 - 2 - 3
    t = "2021-09-22T03:00:00+00:00"
    update_rows(
        platform,
        "stock_transaction",
        "txn_id",
        [
            {"txn_id": "T08", "txn_date": "2021-09-16", "updated_at": t},  # 18 Sep -> 16 Sep
            {"txn_id": "T10", "txn_date": "2021-09-20", "updated_at": t},  # 19 Sep -> 20 Sep
            {"txn_id": "T06", "quantity_doses": 80, "updated_at": t},
            {"txn_id": "T09", "waste_reason": "broken_vial", "updated_at": t},
        ],
    )
    template = next(r for r in rows["stock_transaction"] if r["txn_id"] == "T09")
    insert_rows(
        platform,
        "stock_transaction",
        [dict(template, txn_id="T20", txn_date="2021-09-17", quantity_doses=4, updated_at=t)],
    )
    report = next(r for r in rows["stock_report"] if r["report_id"] == "R01")
    insert_rows(
        platform,
        "stock_report",
        [dict(report, report_id="R06", remaining_doses=199, submitted_at=t, updated_at=t)],
    )
    load(platform, incremental)
    # 200 in, 10 administered, 2 + 4 wasted; the -3 adjustment now on 20 Sep.
    assert scalar(incremental, on_hand.replace("2021-09-19", "2021-09-18")) == 200 - 10 - 6
    assert scalar(incremental, on_hand.replace("2021-09-19", "2021-09-20")) == 200 - 10 - 6 - 3
    declared = on_hand.replace("on_hand", "declared_remaining").replace("2021-09-19", "2021-09-15")
    assert scalar(incremental, declared) == 199
    _assert_equals_a_full_load(dbs, platform, incremental)
