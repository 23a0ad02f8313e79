"""Behaviour of the platform simulator, on real SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import unicodedata
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from simulator.cli import main as simulate

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "VAX_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)

# The source contract (the platform tables), column by column.
CONTRACT = {
    "facility": """facility_id name facility_type commune_code address latitude longitude
        tables_count vaccinators_count emergency_staff_count person_in_charge
        person_in_charge_title active updated_at""",
    "citizen": """citizen_id national_id full_name birth_date sex phone residence_commune_code
        priority_group updated_at""",
    "vaccination_plan": """plan_id facility_id session_date vaccine_code planned_doses status
        approved_at updated_at""",
    "visit": """visit_id citizen_id facility_id session_date checked_in_at screened_at
        screening_result deferral_reason injected_at vaccine_code lot_number dose_number dose_kind
        observed_until immediate_reaction status recorded_at updated_at""",
    "certificate": "certificate_id visit_id citizen_id dose_number issued_at revoked_at updated_at",
    "aefi_report": """aefi_id visit_id citizen_id onset_at reported_at severity outcome channel
        updated_at""",
    "vaccine": "vaccine_code name manufacturer doses_per_vial primary_series_doses updated_at",
    "store": "store_id name level area_code facility_id updated_at",
    "stock_transaction": """txn_id store_id txn_date vaccine_code lot_number expiry_date txn_type
        quantity_doses counterparty_store_id waste_reason updated_at""",
    "stock_report": """report_id store_id report_date vaccine_code received_doses
        administered_doses remaining_doses submitted_at updated_at""",
}
CONTRACT = {t: cols.split() for t, cols in CONTRACT.items()}
TS_COLUMNS = {
    "updated_at", "checked_in_at", "screened_at", "injected_at", "observed_until", "recorded_at",
    "issued_at", "revoked_at", "onset_at", "reported_at", "approved_at", "submitted_at",
}  # fmt: skip
DATE_COLUMNS = {"birth_date", "session_date", "txn_date", "expiry_date", "report_date"}
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_INTERVAL = {
    "AZ": 56,
    "PFIZER": 21,
    "MODERNA": 28,
    "VERO_CELL": 21,
    "SPUTNIK_V": 21,
    "ABDALA": 14,
}
INJECTED = "status = 'active' AND injected_at IS NOT NULL"
KNOWN_SITE = "facility_id IN (SELECT facility_id FROM facility)"


def _run(*args: str) -> int:
    return simulate(list(args))


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _one(con: sqlite3.Connection, sql: str):
    return con.execute(sql).fetchone()[0]


def _dump_sqlite(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in sorted(names)}
    finally:
        con.close()


def _end_cutoff(day: str) -> str:
    """The first instant (UTC, ISO text) after the end of a local day in Asia/Ho_Chi_Minh."""
    d = dt.date.fromisoformat(day) + dt.timedelta(days=1)
    first = dt.datetime(d.year, d.month, d.day) - dt.timedelta(hours=7)
    return first.strftime("%Y-%m-%dT%H:%M:%S+00:00")


@pytest.fixture(scope="module")
def platform(tmp_path_factory) -> sqlite3.Connection:
    """A small province (0.5 %) simulated to the end of 2021."""
    path = tmp_path_factory.mktemp("platform") / "platform.db"
    assert _run("--platform-url", _url(path), "--scale", "0.005", "--end", "2021-12-31") == 0
    con = sqlite3.connect(path)
    yield con
    con.close()


def _cli(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_cli_runs_as_a_module_and_reports_elapsed_time(tmp_path):
    db = tmp_path / "data" / "platform.db"
    out = _cli(["--platform-url", _url(db), "--scale", "0.002", "--end", "2021-05-31"])
    assert out.returncode == 0, out.stderr
    assert re.search(r"done in \d+\.\d+s", out.stdout)
    assert db.exists()


def test_default_url_comes_from_the_environment(tmp_path):
    db = tmp_path / "env" / "platform.db"
    env = dict(os.environ, VAX_PLATFORM_URL=_url(db))
    out = _cli(["--scale", "0.002", "--end", "2021-04-30"], env=env)
    assert out.returncode == 0, out.stderr
    assert db.exists()


def test_schema_matches_the_platform_contract(platform):
    for table, expected in CONTRACT.items():
        cols = [r[1] for r in platform.execute(f"PRAGMA table_info({table})")]
        assert cols[: len(expected)] == expected, table
        assert _one(platform, f"SELECT count(*) FROM {table}") > 0, table
    meta = dict(platform.execute("SELECT key, value FROM sim_meta"))
    assert (meta["seed"], meta["start"], meta["end"]) == ("2021", "2021-03-08", "2021-12-31")
    assert float(meta["scale"]) == 0.005


def test_timestamps_dates_and_booleans_use_the_sqlite_conventions(platform):
    for table, cols in CONTRACT.items():
        rows = platform.execute(f"SELECT {', '.join(cols)} FROM {table} LIMIT 2000").fetchall()
        for i, col in enumerate(cols):
            values = [r[i] for r in rows if r[i] is not None]
            if col in TS_COLUMNS:
                assert all(TS_RE.match(v) for v in values), (table, col, values[:3])
            elif col in DATE_COLUMNS:
                assert all(DATE_RE.match(v) for v in values), (table, col, values[:3])
    assert {r[0] for r in platform.execute("SELECT DISTINCT active FROM facility")} <= {0, 1}


def test_nothing_is_visible_after_the_end_day(platform):
    cutoff = _end_cutoff("2021-12-31")
    for table in CONTRACT:
        assert _one(platform, f"SELECT max(updated_at) FROM {table}") < cutoff, table
    assert _one(platform, "SELECT max(recorded_at) FROM visit") < cutoff
    assert _one(platform, "SELECT max(session_date) FROM visit") <= "2021-12-31"


def test_sites_stores_and_vaccines(platform):
    types = dict(platform.execute("SELECT facility_type, count(*) FROM facility GROUP BY 1"))
    assert types["commune_station"] == 226 and types["district_centre"] == 10
    assert types["hospital"] >= 5 and types["mobile"] >= 10 and types["private"] >= 2
    ids = [r[0] for r in platform.execute("SELECT facility_id FROM facility")]
    assert all(re.fullmatch(r"F36\d{4}", i) for i in ids)
    levels = dict(platform.execute("SELECT level, count(*) FROM store GROUP BY 1"))
    assert levels == {"province": 1, "district": 10, "facility": len(ids)}
    orphan = "SELECT count(*) FROM store WHERE level = 'facility' AND facility_id IS NULL"
    assert _one(platform, orphan) == 0
    codes = {r[0] for r in platform.execute("SELECT vaccine_code FROM vaccine")}
    assert {"AZ", "PFIZER", "MODERNA", "VERO_CELL"} <= codes


def test_deliberate_mess_is_present(platform):
    names = [r[0] for r in platform.execute("SELECT full_name FROM citizen")]
    assert any(unicodedata.normalize("NFC", n) != n for n in names), "NFD-decomposed names"
    assert any("\u00d0" in n for n in names), "U+00D0 in place of U+0110"
    assert any("  " in n or n.endswith(" ") for n in names), "stray spaces"

    shared = (
        "SELECT count(*) FROM (SELECT national_id FROM citizen WHERE national_id IS NOT NULL "
        "GROUP BY national_id HAVING count(*) > 1)"
    )
    assert _one(platform, shared) >= 2
    voided = "SELECT count(*) FROM visit WHERE status = 'voided' AND updated_at > recorded_at"
    assert _one(platform, voided) >= 2
    n_visits = _one(platform, "SELECT count(*) FROM visit")
    late = "SELECT count(*) FROM visit WHERE date(recorded_at, '+7 hours') > session_date"
    assert 0.02 < _one(platform, late) / n_visits < 0.08
    corrected = (
        "SELECT count(*) FROM visit "
        "WHERE status = 'active' AND updated_at > datetime(recorded_at, '+5 days')"
    )
    assert _one(platform, corrected) >= 2, "corrections of older visits"
    no_coords = "SELECT count(*) FROM facility WHERE latitude IS NULL"
    outside = (
        "SELECT count(*) FROM facility "
        "WHERE latitude NOT BETWEEN 19.5 AND 21 OR longitude NOT BETWEEN 105.5 AND 107"
    )
    assert _one(platform, no_coords) >= 2 and _one(platform, outside) >= 2


def test_invalid_rows_for_the_etl_to_reject(platform):
    unknown_site = f"SELECT count(*) FROM visit WHERE NOT ({KNOWN_SITE})"
    unknown_vaccine = (
        "SELECT count(*) FROM visit WHERE injected_at IS NOT NULL "
        "AND vaccine_code NOT IN (SELECT vaccine_code FROM vaccine)"
    )
    bad_quantity = (
        "SELECT count(*) FROM stock_transaction "
        "WHERE quantity_doses <= 0 AND txn_type <> 'adjustment'"
    )
    codes = [r[0] for r in platform.execute("SELECT residence_commune_code FROM citizen")]
    malformed = sum(1 for c in codes if c is None or not re.fullmatch(r"\d{5}", c))
    assert _one(platform, unknown_site) >= 2
    assert _one(platform, unknown_vaccine) >= 2
    assert _one(platform, bad_quantity) >= 2
    assert malformed >= 2


def test_residents_of_other_provinces_are_a_small_share(platform):
    codes = [
        r[0]
        for r in platform.execute(
            f"SELECT residence_commune_code FROM citizen "
            f"WHERE citizen_id IN (SELECT citizen_id FROM visit WHERE {INJECTED})"
        )
    ]
    ours = {r[0] for r in platform.execute("SELECT commune_code FROM facility")}
    outside = [c for c in codes if c and re.fullmatch(r"\d{5}", c) and c not in ours]
    assert 0.003 < len(outside) / len(codes) < 0.015


def test_doses_rise_into_the_autumn_2021_surge(platform):
    by_month = dict(
        platform.execute(
            f"SELECT substr(session_date, 1, 7), count(*) FROM visit WHERE {INJECTED} GROUP BY 1"
        )
    )
    spring = sum(
        by_month.get(m, 0) for m in ("2021-03", "2021-04", "2021-05", "2021-06", "2021-07")
    )
    autumn = ("2021-09", "2021-10", "2021-11", "2021-12")
    assert max(by_month, key=by_month.get) in autumn
    assert min(by_month[m] for m in autumn) > spring / 5
    assert by_month["2021-11"] > by_month["2021-09"] > by_month["2021-07"]
    # Order of magnitude: Nam Định had given about 1.71 million doses by 2021-12-09.
    by_dec9 = _one(
        platform,
        f"SELECT count(*) FROM visit WHERE {INJECTED} AND session_date <= '2021-12-09' "
        "AND vaccine_code IN (SELECT vaccine_code FROM vaccine)",
    )
    assert 1.2e6 < by_dec9 / 0.005 < 2.2e6


def test_screening_outcomes_have_realistic_rates(platform):
    active = _one(platform, "SELECT count(*) FROM visit WHERE status = 'active'")
    rates = {
        k: n / active
        for k, n in platform.execute(
            "SELECT screening_result, count(*) FROM visit WHERE status = 'active' GROUP BY 1"
        )
    }
    assert 0.02 < rates["deferred"] < 0.06
    assert rates.get("contraindicated", 0) < 0.005
    assert 0.002 < rates["referred"] < 0.012
    unexplained = (
        "SELECT count(*) FROM visit "
        "WHERE screening_result <> 'eligible' AND deferral_reason IS NULL"
    )
    assert _one(platform, unexplained) == 0


def test_second_doses_respect_the_vaccine_interval(platform):
    rows = platform.execute(
        "SELECT coalesce(c.national_id, v.citizen_id), v.dose_number, v.session_date, "
        "v.vaccine_code FROM visit v JOIN citizen c USING (citizen_id) "
        f"WHERE v.{INJECTED} AND v.dose_kind = 'primary' AND v.dose_number <= 2 "
        f"AND v.{KNOWN_SITE}"
    ).fetchall()
    doses = defaultdict(dict)
    for person, n, day, vaccine in rows:
        doses[person][n] = (dt.date.fromisoformat(day), vaccine)
    gaps = [
        (d[2][0] - d[1][0]).days - MIN_INTERVAL[d[1][1]]
        for d in doses.values()
        if 1 in d and 2 in d and d[1][1] in MIN_INTERVAL
    ]
    assert len(gaps) > 500
    assert min(gaps) >= 0


def test_lots_come_from_the_site_store(platform):
    used = set(
        platform.execute(
            f"SELECT DISTINCT 'KHO-' || facility_id, lot_number FROM visit "
            f"WHERE {INJECTED} AND {KNOWN_SITE}"
        )
    )
    received = set(
        platform.execute(
            "SELECT DISTINCT store_id, lot_number FROM stock_transaction "
            "WHERE txn_type = 'transfer_in'"
        )
    )
    assert len(used - received) / len(used) < 0.05  # the rest: lot numbers entered wrongly


def test_ledger_administered_matches_visits_on_almost_all_site_days(platform):
    visits = {
        (s, d, v): n
        for s, d, v, n in platform.execute(
            f"SELECT 'KHO-' || facility_id, session_date, vaccine_code, count(*) FROM visit "
            f"WHERE {INJECTED} GROUP BY 1, 2, 3"
        )
    }
    ledger = {
        (s, d, v): n
        for s, d, v, n in platform.execute(
            "SELECT store_id, txn_date, vaccine_code, sum(quantity_doses) FROM stock_transaction "
            "WHERE txn_type = 'administered' AND quantity_doses > 0 GROUP BY 1, 2, 3"
        )
    }
    keys = set(visits) & set(ledger)
    same = sum(1 for k in keys if visits[k] == ledger[k])
    assert same / len(keys) > 0.95
    assert same < len(keys), "a few deliberate disagreements"
    total_v, total_l = sum(visits[k] for k in keys), sum(ledger[k] for k in keys)
    assert abs(total_v - total_l) / total_v < 0.02


def test_transfers_arrive_on_a_later_day(platform):
    transfer_in = "txn_type = 'transfer_in' AND quantity_doses > 0"
    ins = _one(platform, f"SELECT count(*) FROM stock_transaction WHERE {transfer_in}")
    matched = _one(
        platform,
        f"SELECT count(*) FROM stock_transaction i WHERE {transfer_in} AND EXISTS ("
        "SELECT 1 FROM stock_transaction o WHERE o.txn_type = 'transfer_out' "
        "AND o.store_id = i.counterparty_store_id AND o.counterparty_store_id = i.store_id "
        "AND o.lot_number = i.lot_number AND o.quantity_doses = i.quantity_doses "
        "AND o.txn_date BETWEEN date(i.txn_date, '-3 days') AND date(i.txn_date, '-1 day'))",
    )
    assert ins > 100
    assert matched / ins > 0.99  # the rest carry a quantity typed wrongly, corrected later


def test_stock_reports_are_resubmitted_sometimes(platform):
    twice = (
        "SELECT count(*) FROM (SELECT store_id, report_date, vaccine_code FROM stock_report "
        "GROUP BY 1, 2, 3 HAVING count(*) > 1)"
    )
    assert _one(platform, twice) >= 2


def test_same_seed_gives_identical_tables(tmp_path):
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    for path, seed in ((a, "7"), (b, "7"), (c, "8")):
        args = ["--seed", seed, "--scale", "0.002", "--end", "2021-09-30"]
        assert _run("--platform-url", _url(path), *args) == 0
    assert _dump_sqlite(a) == _dump_sqlite(b)
    assert _dump_sqlite(a)["visit"] != _dump_sqlite(c)["visit"]


def test_continuation_equals_a_fresh_run_on_sqlite(tmp_path):
    fresh, cont = tmp_path / "fresh.db", tmp_path / "cont.db"
    args = ("--seed", "11", "--scale", "0.003")
    assert _run("--platform-url", _url(fresh), *args, "--end", "2022-01-20") == 0
    assert _run("--platform-url", _url(cont), *args, "--end", "2021-09-14") == 0
    assert _run("--platform-url", _url(cont), "--end", "2021-11-02") == 0
    assert _run("--platform-url", _url(cont), *args, "--end", "2022-01-20") == 0
    a, b = _dump_sqlite(fresh), _dump_sqlite(cont)
    assert set(a) == set(b) == set(CONTRACT) | {"sim_meta"}
    for table in a:
        assert a[table] == b[table], table


def test_following_writes_the_next_rows_and_a_continuation_after_it_equals_a_fresh_run(
    tmp_path,
):
    fresh, live = tmp_path / "fresh.db", tmp_path / "live.db"
    args = ("--seed", "11", "--scale", "0.003")
    assert _run("--platform-url", _url(fresh), *args, "--end", "2021-09-30") == 0
    assert _run("--platform-url", _url(live), *args, "--end", "2021-09-14") == 0
    con = sqlite3.connect(live)
    before = _one(con, "SELECT COUNT(*) FROM visit")
    con.close()
    # Three writes of about one simulated day each (0.2 s of real time at 432,000x).
    follow = ("--follow", "--speed", "432000", "--tick", "0.2", "--max-ticks", "3")
    assert _run("--platform-url", _url(live), *follow) == 0
    con = sqlite3.connect(live)
    assert _one(con, "SELECT COUNT(*) FROM visit") > before
    assert _one(con, "SELECT MAX(updated_at) FROM visit") >= _end_cutoff("2021-09-14")
    assert _one(con, "SELECT value FROM sim_meta WHERE key = 'end'") > "2021-09-14"
    con.close()
    assert _run("--platform-url", _url(live), "--end", "2021-09-30") == 0
    assert _dump_sqlite(fresh) == _dump_sqlite(live)


def test_continuation_rejects_conflicting_parameters_and_earlier_ends(tmp_path, capsys):
    path = tmp_path / "p.db"
    db = _url(path)
    assert _run("--platform-url", db, "--scale", "0.002", "--end", "2021-06-30") == 0
    before = _dump_sqlite(path)
    capsys.readouterr()
    assert _run("--platform-url", db, "--seed", "5", "--end", "2021-08-31") != 0
    assert "--seed 5" in capsys.readouterr().err
    assert _run("--platform-url", db, "--scale", "0.01", "--end", "2021-08-31") != 0
    assert "--scale" in capsys.readouterr().err
    assert _run("--platform-url", db, "--end", "2021-06-30") != 0
    assert "already simulated to 2021-06-30" in capsys.readouterr().err
    assert _run("--platform-url", db, "--end", "2021-05-01") != 0
    assert _dump_sqlite(path) == before


def _create_pg_database() -> str:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"sim_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as con:
            con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_databases():
    """Two fresh PostgreSQL databases, dropped afterwards."""
    try:
        urls = [_create_pg_database()]
    except sa.exc.OperationalError as e:  # the server is part of the test environment
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {e.orig}")
    try:
        urls.append(_create_pg_database())
        yield urls
    finally:
        for url in urls:
            _drop_pg_database(url)


def _dump_pg(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            names = sa.inspect(con).get_table_names()
            return {
                t: [tuple(r) for r in con.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1"))]
                for t in names
            }
    finally:
        engine.dispose()


def test_continuation_equals_a_fresh_run_on_postgresql(pg_databases):
    fresh, cont = pg_databases
    args = ("--seed", "3", "--scale", "0.002")
    assert _run("--platform-url", fresh, *args, "--end", "2021-12-15") == 0
    assert _run("--platform-url", cont, *args, "--end", "2021-08-20") == 0
    plain = sa.engine.make_url(cont).set(drivername="postgresql")  # no driver named in the URL
    assert _run("--platform-url", plain.render_as_string(False), "--end", "2021-12-15") == 0
    a, b = _dump_pg(fresh), _dump_pg(cont)
    assert set(a) == set(CONTRACT) | {"sim_meta"}
    for table in a:
        assert a[table] == b[table], table
    engine = sa.create_engine(fresh)
    try:
        with engine.connect() as con:
            types = dict(
                con.execute(
                    sa.text(
                        "SELECT table_name || '.' || column_name, data_type "
                        "FROM information_schema.columns WHERE table_schema = 'public'"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    assert types["visit.checked_in_at"] == "timestamp with time zone"
    assert types["visit.session_date"] == "date"
    assert types["visit.dose_number"] == "integer"
    assert types["facility.active"] == "boolean"
    assert types["facility.latitude"] == "double precision"
