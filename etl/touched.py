"""The keys an incremental load touched, gathered for the marts they feed.

Temporary tables, filled while the core tables are upserted and read by the mart rebuilds:
- touched_fd (facility_id, date): facility-day marts (sessions, doses, screening,
  certificates, AEFI, plans);
- touched_sv (store_id, vaccine_code): stock series and the transfers a store received;
- affected_visit, affected_person: visits and persons whose rows changed, resolved into the
  keys above once every table is loaded.
A changed row counts under the keys of both its old and its new version: the old keys are
taken before the row is replaced (keys_before), the new ones after (keys_after, final_keys).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from etl.sqlutil import add_keys_frame, create_temp_table

TOUCHED_FD = {"facility_id": "TEXT", "date": "DATE"}
TOUCHED_SV = {"store_id": "TEXT", "vaccine_code": "TEXT"}
AFFECTED_VISIT = {"visit_id": "TEXT"}
AFFECTED_PERSON = {"person_key": "TEXT"}


def create_key_tables(conn: sa.Connection) -> None:
    create_temp_table(conn, "touched_fd", TOUCHED_FD)
    create_temp_table(conn, "touched_sv", TOUCHED_SV)
    create_temp_table(conn, "affected_visit", AFFECTED_VISIT)
    create_temp_table(conn, "affected_person", AFFECTED_PERSON)
    create_temp_table(conn, "inc_keys", {"k": "TEXT"})


def fill_inc_keys(conn: sa.Connection, keys: pd.Series) -> None:
    """inc_keys: the primary keys of the rows being loaded."""
    conn.exec_driver_sql("DELETE FROM inc_keys")
    add_keys_frame(conn, "inc_keys", pd.DataFrame({"k": keys}))


def keys_before(conn: sa.Connection, name: str, valid: pd.DataFrame, pk: str) -> None:
    """Record the mart keys under which the warehouse rows about to be replaced count."""
    if valid.empty or not _KEYS_BEFORE.get(name):
        return
    fill_inc_keys(conn, valid[pk])
    for statement in _KEYS_BEFORE[name]:
        conn.exec_driver_sql(statement)


def keys_after(conn: sa.Connection, name: str, valid: pd.DataFrame) -> None:
    """Record the keys of the rows just written (visits and persons resolved in final_keys)."""
    if valid.empty:
        return
    if name == "vaccination_plan":
        add_keys_frame(conn, "touched_fd", _fd(valid, "facility_id", "session_date"))
    elif name in ("visit", "certificate", "aefi_report"):
        add_keys_frame(conn, "affected_visit", valid[["visit_id"]])
    elif name == "citizen":
        add_keys_frame(conn, "affected_person", valid[["person_key"]])
    elif name in ("stock_transaction", "stock_report"):
        add_keys_frame(conn, "touched_sv", valid[["store_id", "vaccine_code"]])


def final_keys(conn: sa.Connection) -> None:
    """The keys under which the affected visits count now, once every table is loaded."""
    for statement in _KEYS_FINAL:
        conn.exec_driver_sql(statement)


def _fd(frame: pd.DataFrame, fac: str, day: str) -> pd.DataFrame:
    return pd.DataFrame({"facility_id": frame[fac], "date": frame[day].dt.strftime("%Y-%m-%d")})


# SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT to parse it unambiguously.
IGNORE_CONFLICTS = _IGNORE = " WHERE 1 = 1 ON CONFLICT DO NOTHING"
# Keys under which the current warehouse rows count, taken before they are replaced.
_KEYS_BEFORE = {
    "vaccination_plan": [
        "INSERT INTO touched_fd SELECT DISTINCT p.facility_id, p.session_date "
        "FROM vaccination_plan p JOIN inc_keys i ON i.k = p.plan_id" + _IGNORE
    ],
    "visit": [
        "INSERT INTO affected_visit SELECT k FROM inc_keys" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, v.session_date "
        "FROM visit v JOIN inc_keys i ON i.k = v.visit_id" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, c.issued_date FROM visit v "
        "JOIN inc_keys i ON i.k = v.visit_id JOIN certificate c ON c.visit_id = v.visit_id"
        + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, a.onset_date FROM visit v "
        "JOIN inc_keys i ON i.k = v.visit_id JOIN aefi_report a ON a.visit_id = v.visit_id"
        + _IGNORE,
        "INSERT INTO affected_person SELECT DISTINCT c.person_key FROM visit v "
        "JOIN inc_keys i ON i.k = v.visit_id JOIN citizen c ON c.citizen_key = v.citizen_key"
        + _IGNORE,
    ],
    "certificate": [
        "INSERT INTO affected_visit SELECT DISTINCT c.visit_id FROM certificate c "
        "JOIN inc_keys i ON i.k = c.certificate_id" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, c.issued_date FROM certificate c "
        "JOIN inc_keys i ON i.k = c.certificate_id JOIN visit v ON v.visit_id = c.visit_id"
        + _IGNORE,
    ],
    "aefi_report": [
        "INSERT INTO affected_visit SELECT DISTINCT a.visit_id FROM aefi_report a "
        "JOIN inc_keys i ON i.k = a.aefi_id" + _IGNORE,
        "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, a.onset_date FROM aefi_report a "
        "JOIN inc_keys i ON i.k = a.aefi_id JOIN visit v ON v.visit_id = a.visit_id" + _IGNORE,
    ],
    "citizen": [
        "INSERT INTO affected_person SELECT DISTINCT c.person_key FROM citizen c "
        "JOIN inc_keys i ON i.k = c.citizen_key" + _IGNORE
    ],
    "stock_transaction": [
        "INSERT INTO touched_sv SELECT DISTINCT s.store_id, s.vaccine_code "
        "FROM stock_transaction s JOIN inc_keys i ON i.k = s.txn_id" + _IGNORE
    ],
    "stock_report": [
        "INSERT INTO touched_sv SELECT DISTINCT s.store_id, s.vaccine_code "
        "FROM stock_report s JOIN inc_keys i ON i.k = s.report_id" + _IGNORE
    ],
}
_KEYS_FINAL = [
    "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, v.session_date FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id" + _IGNORE,
    "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, c.issued_date FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id "
    "JOIN certificate c ON c.visit_id = v.visit_id" + _IGNORE,
    "INSERT INTO touched_fd SELECT DISTINCT v.facility_id, r.onset_date FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id "
    "JOIN aefi_report r ON r.visit_id = v.visit_id" + _IGNORE,
    "INSERT INTO affected_person SELECT DISTINCT c.person_key FROM visit v "
    "JOIN affected_visit a ON a.visit_id = v.visit_id "
    "JOIN citizen c ON c.citizen_key = v.citizen_key" + _IGNORE,
]
