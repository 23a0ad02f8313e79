"""The keys an incremental load touched, gathered for the marts they feed.

Temporary tables, filled while the core tables are upserted and read by the mart rebuilds:
- touched_fd (facility_id, date): facility-day marts (sessions, doses, screening,
  certificates, AEFI, plans);
- touched_sv (store_id, vaccine_code, date): the stock days changed; a series' marts are
  rebuilt from its earliest changed day on, the day-grain ones (waste, transfers received)
  on the changed days only;
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
TOUCHED_SV = {"store_id": "TEXT", "vaccine_code": "TEXT", "date": "DATE"}
AFFECTED_VISIT = {"visit_id": "TEXT"}
AFFECTED_PERSON = {"person_key": "TEXT"}


KEY_TABLES = ("touched_fd", "touched_sv", "affected_visit", "affected_person")


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
    if conn.dialect.name == "postgresql":
        # A temporary table has no statistics: the planner would take it for a large one and
        # scan the whole certificate or visit table instead of looking the keys up.
        conn.exec_driver_sql("ANALYZE inc_keys")


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
    elif name == "stock_transaction":
        add_keys_frame(conn, "touched_sv", _sv(valid, "txn_date"))
    elif name == "stock_report":
        add_keys_frame(conn, "touched_sv", _sv(valid, "report_date"))


def final_keys(conn: sa.Connection) -> None:
    """The keys under which the affected visits count now, once every table is loaded."""
    for statement in _KEYS_FINAL:
        conn.exec_driver_sql(statement)


def _fd(frame: pd.DataFrame, fac: str, day: str) -> pd.DataFrame:
    return pd.DataFrame({"facility_id": frame[fac], "date": frame[day].dt.strftime("%Y-%m-%d")})


def _sv(frame: pd.DataFrame, day: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "store_id": frame["store_id"],
            "vaccine_code": frame["vaccine_code"],
            "date": frame[day].dt.strftime("%Y-%m-%d"),
        }
    )


# SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT to parse it unambiguously.
IGNORE_CONFLICTS = _IGNORE = " WHERE 1 = 1 ON CONFLICT DO NOTHING"


def _insert(into: str, select: str, tables: str, where: str) -> str:
    """INSERT of the distinct keys of a join that starts from a (small) key table: CROSS JOIN
    makes SQLite keep that order (it has no statistics of the temporary tables and would
    otherwise scan the large one); PostgreSQL plans it as any inner join."""
    return (
        f"INSERT INTO {into} SELECT DISTINCT {select} FROM {tables} WHERE {where} "
        "ON CONFLICT DO NOTHING"
    )


_FD = "touched_fd"
_AV = "affected_visit"
_AP = "affected_person"
_SV = "touched_sv"
_INC = "inc_keys i CROSS JOIN"
# Keys under which the current warehouse rows count, taken before they are replaced.
_KEYS_BEFORE = {
    "vaccination_plan": [
        _insert(
            _FD, "p.facility_id, p.session_date", f"{_INC} vaccination_plan p", "p.plan_id = i.k"
        )
    ],
    "visit": [
        "INSERT INTO affected_visit SELECT k FROM inc_keys" + _IGNORE,
        _insert(_FD, "v.facility_id, v.session_date", f"{_INC} visit v", "v.visit_id = i.k"),
        _insert(
            _FD,
            "v.facility_id, c.issued_date",
            f"{_INC} visit v CROSS JOIN certificate c",
            "v.visit_id = i.k AND c.visit_id = v.visit_id",
        ),
        _insert(
            _FD,
            "v.facility_id, a.onset_date",
            f"{_INC} visit v CROSS JOIN aefi_report a",
            "v.visit_id = i.k AND a.visit_id = v.visit_id",
        ),
        _insert(
            _AP,
            "c.person_key",
            f"{_INC} visit v CROSS JOIN citizen c",
            "v.visit_id = i.k AND c.citizen_key = v.citizen_key",
        ),
    ],
    "certificate": [
        _insert(_AV, "c.visit_id", f"{_INC} certificate c", "c.certificate_id = i.k"),
        _insert(
            _FD,
            "v.facility_id, c.issued_date",
            f"{_INC} certificate c CROSS JOIN visit v",
            "c.certificate_id = i.k AND v.visit_id = c.visit_id",
        ),
    ],
    "aefi_report": [
        _insert(_AV, "a.visit_id", f"{_INC} aefi_report a", "a.aefi_id = i.k"),
        _insert(
            _FD,
            "v.facility_id, a.onset_date",
            f"{_INC} aefi_report a CROSS JOIN visit v",
            "a.aefi_id = i.k AND v.visit_id = a.visit_id",
        ),
    ],
    "citizen": [_insert(_AP, "c.person_key", f"{_INC} citizen c", "c.citizen_key = i.k")],
    "stock_transaction": [
        _insert(
            _SV,
            "s.store_id, s.vaccine_code, s.txn_date",
            f"{_INC} stock_transaction s",
            "s.txn_id = i.k",
        )
    ],
    "stock_report": [
        _insert(
            _SV,
            "s.store_id, s.vaccine_code, s.report_date",
            f"{_INC} stock_report s",
            "s.report_id = i.k",
        )
    ],
}
_AFFECTED = "affected_visit a CROSS JOIN visit v"
_KEYS_FINAL = [
    _insert(_FD, "v.facility_id, v.session_date", _AFFECTED, "v.visit_id = a.visit_id"),
    _insert(
        _FD,
        "v.facility_id, c.issued_date",
        f"{_AFFECTED} CROSS JOIN certificate c",
        "v.visit_id = a.visit_id AND c.visit_id = v.visit_id",
    ),
    _insert(
        _FD,
        "v.facility_id, r.onset_date",
        f"{_AFFECTED} CROSS JOIN aefi_report r",
        "v.visit_id = a.visit_id AND r.visit_id = v.visit_id",
    ),
    _insert(
        _AP,
        "c.person_key",
        f"{_AFFECTED} CROSS JOIN citizen c",
        "v.visit_id = a.visit_id AND c.citizen_key = v.citizen_key",
    ),
]
