"""Hand-made warehouse rows written straight into the warehouse schema (facilities, stores,
marts, ledger), for reads whose right answer is worked out by hand from a few rows. Counts a
row leaves out are 0; `updated_at` is filled in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from warehouse import engine as wh_engine
from warehouse import schema

UPDATED = datetime(2022, 1, 1, tzinfo=UTC)


def _row(table: sa.Table, values: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(values)
    for column in table.columns:
        if column.name in row:
            continue
        if column.name == "updated_at":
            row["updated_at"] = UPDATED
        elif not column.nullable and isinstance(column.type, sa.Integer):
            row[column.name] = 0
    return row


def facility(facility_id: str, district: str, commune: str, **values) -> dict[str, Any]:
    return {
        "facility_id": facility_id,
        "name": f"Điểm tiêm {facility_id}",
        "district_code": district,
        "commune_code": commune,
        "coordinate_status": "ok",
        "tables_count": 1,
        "active": True,
        **values,
    }


def store(store_id: str, facility_id: str | None, district: str, area: str) -> dict[str, Any]:
    return {
        "store_id": store_id,
        "name": f"Kho {store_id}",
        "level": "facility" if facility_id else "district",
        "area_code": area,
        "district_code": district,
        "facility_id": facility_id,
    }


def day(text: str) -> date:
    return date.fromisoformat(text)


def build(url: str, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """Create the warehouse schema at `url` and insert `tables` (name -> rows)."""
    engine = wh_engine.make_engine(url)
    try:
        with engine.begin() as conn:
            schema.metadata.create_all(conn)
            for name, rows in tables.items():
                table = schema.metadata.tables[name]
                if rows:
                    conn.execute(table.insert(), [_row(table, r) for r in rows])
    finally:
        engine.dispose()
    return url


def read(url: str, func, *args):
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            return func(conn, *args)
    finally:
        engine.dispose()
