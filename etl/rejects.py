"""Rows that failed validation: kept in etl_reject with the reason, retried on later loads,
resolved when a later load accepts them."""

from __future__ import annotations

import hashlib

import pandas as pd
import sqlalchemy as sa

from etl import transform
from etl.contract import BY_NAME
from etl.load import upsert
from etl.sqlutil import add_keys_frame
from warehouse import schema

# What each table's rows refer to (checked in validation): its rejects can become valid only
# when such rows arrive (or when they are themselves corrected, and so read again).
REFERS_TO = {
    "vaccine": (),
    "facility": (),  # communes: reference data of this program version
    "store": ("facility",),
    "stock_transaction": ("store", "vaccine"),
    "stock_report": ("store", "vaccine"),
    "vaccination_plan": ("facility",),
    "citizen": (),
    "visit": ("facility", "vaccine", "citizen"),
    "aefi_report": ("visit",),
    "certificate": ("visit",),
}


def worth_retrying(name: str, loaded: dict[str, int]) -> bool:
    """Whether the open rejects of table `name` can pass now: some of what its rows refer to
    arrived in this run (`loaded`: rows loaded so far per table)."""
    return any(loaded.get(parent, 0) for parent in REFERS_TO[name])


def tables_with_open_rejects(conn: sa.Connection) -> set[str]:
    rej = schema.etl_reject
    return set(
        conn.execute(
            sa.select(rej.c.source_table).where(rej.c.resolved_run_id.is_(None)).distinct()
        ).scalars()
    )


def open_rejects(conn: sa.Connection, name: str, reread: pd.Series) -> pd.DataFrame:
    """Earlier rejects of table `name` to validate again, except rows read again now
    (`reread`: their source keys)."""
    rej = schema.etl_reject
    rows = conn.execute(
        sa.select(rej.c.source_pk, rej.c.row_json).where(
            rej.c.source_table == name, rej.c.resolved_run_id.is_(None)
        )
    ).all()
    # A row without a key can never pass; a numbered key ("V1 #2", a duplicate) is its
    # source key's.
    rows = [r for r in rows if not r.source_pk.startswith("(no ")]
    if rows:
        base = [r.source_pk.rsplit(NUMBERED, 1)[0] for r in rows]
        again = set(reread[reread.isin(base)])
        rows = [r for r, b in zip(rows, base, strict=True) if b not in again]
    if not rows:
        return pd.DataFrame()
    frame = transform.rows_from_json(name, [r.row_json for r in rows])
    frame["_source_pk"] = pd.array([r.source_pk for r in rows], dtype="string")
    return frame


def record_rejects(
    conn: sa.Connection,
    name: str,
    rejected: pd.DataFrame,
    valid: pd.DataFrame,
    run_id: int,
    had_open: bool,
) -> None:
    """Resolve the open rejects of `name` loaded now (`had_open`: the table had open rejects
    when the run began) and record (or update) the rows rejected now."""
    rej = schema.etl_reject
    loaded = set(valid["_source_pk"].dropna()) if had_open else set()
    if loaded:
        _resolve_numbered(conn, name, loaded, run_id)
        if len(loaded) < 50_000:
            conn.execute(
                rej.update()
                .where(
                    rej.c.source_table == name,
                    rej.c.resolved_run_id.is_(None),
                    rej.c.source_pk.in_(sa.bindparam("pks", expanding=True)),
                )
                .values(resolved_run_id=run_id),
                {"pks": sorted(loaded)},
            )
        else:
            _resolve_many(conn, name, loaded, run_id)
    if rejected.empty:
        return
    rows = rejected[
        [c for c in rejected.columns if not c.startswith("_") or c == transform.PROBLEM]
    ]
    json_rows = transform.rows_to_json(rows)
    frame = pd.DataFrame(
        {
            "source_table": name,
            "source_pk": _reject_keys(name, rejected["_source_pk"], json_rows),
            "reason": rejected["_reason"].to_numpy(),
            "row_json": json_rows,
            "source_updated_at": rejected["updated_at"].to_numpy(),
            "first_run_id": run_id,
            "last_run_id": run_id,
            "resolved_run_id": None,
        }
    )
    existing = dict(
        conn.execute(
            sa.select(rej.c.source_pk, rej.c.first_run_id).where(rej.c.source_table == name)
        ).all()
    )
    frame["first_run_id"] = frame["source_pk"].map(existing).fillna(run_id).astype(int)
    frame["resolved_run_id"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    upsert(conn, rej, frame)


def _reject_keys(name: str, source_pk: pd.Series, json_rows: list[str]) -> list[str]:
    """A distinct key for each rejected row: its source key; for a row without one, a digest
    of its content ("(no visit_id) 3f2a..."), the same when the row is read again; a key
    rejected twice in one read (duplicates) numbered from its second row ("V1 #2")."""
    keys = source_pk.fillna("").astype(str).tolist()
    for i, key in enumerate(keys):
        if key == "":
            digest = hashlib.blake2b(json_rows[i].encode(), digest_size=8).hexdigest()
            keys[i] = f"(no {BY_NAME[name].key}) {digest}"
    seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            keys[i] = f"{key}{NUMBERED}{seen[key]}"
    return keys


NUMBERED = " #"  # between a source key and the number of its second or later rejected row


def _resolve_numbered(conn: sa.Connection, name: str, loaded: set[str], run_id: int) -> None:
    """Resolve the numbered rejects ("V1 #2") of keys loaded now."""
    rej = schema.etl_reject
    numbered = conn.execute(
        sa.select(rej.c.source_pk).where(
            rej.c.source_table == name,
            rej.c.resolved_run_id.is_(None),
            rej.c.source_pk.contains(NUMBERED),
        )
    ).scalars()
    done = [pk for pk in numbered if pk.rsplit(NUMBERED, 1)[0] in loaded]
    if done:
        conn.execute(
            rej.update()
            .where(rej.c.source_table == name, rej.c.source_pk.in_(done))
            .values(resolved_run_id=run_id)
        )


def _resolve_many(conn: sa.Connection, name: str, loaded: set[str], run_id: int) -> None:
    conn.exec_driver_sql("DELETE FROM inc_keys")
    add_keys_frame(conn, "inc_keys", pd.DataFrame({"k": sorted(loaded)}))
    conn.execute(
        sa.text(
            "UPDATE etl_reject SET resolved_run_id = :run WHERE source_table = :t AND "
            "resolved_run_id IS NULL AND source_pk IN (SELECT k FROM inc_keys)"
        ),
        {"run": run_id, "t": name},
    )
