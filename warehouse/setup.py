"""Creating the warehouse and checking that an existing one is of this schema version."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import sqlalchemy as sa

from warehouse import denominators, reference, schema, target_groups

NO_WAREHOUSE = "the database holds no warehouse yet"
NOT_A_WAREHOUSE = "not a warehouse"


class SchemaVersionError(RuntimeError):
    """The warehouse exists but was made by another schema version (or is not a warehouse)."""


def schema_version(conn: sa.Connection) -> str | None:
    """The warehouse's schema version, None when the database holds no warehouse at all."""
    tables = set(sa.inspect(conn).get_table_names())
    if "warehouse_meta" not in tables:
        # Tables of the warehouse's names without its meta table (the platform shares some
        # names): not a warehouse, and nothing here may advise deleting it.
        if tables & {t.name for t in schema.metadata.sorted_tables}:
            return NOT_A_WAREHOUSE
        return None
    row = conn.execute(
        sa.select(schema.warehouse_meta.c.value).where(
            schema.warehouse_meta.c.key == "schema_version"
        )
    ).first()
    return row[0] if row else "unknown"


def check_schema(conn: sa.Connection) -> None:
    """Raise SchemaVersionError unless the warehouse is of this program's schema version."""
    found = schema_version(conn)
    if found is None:
        raise SchemaVersionError(f"{NO_WAREHOUSE}: run `python -m etl run` (or `etl demo`) first")
    if found == NOT_A_WAREHOUSE:
        raise SchemaVersionError(
            "the database holds tables but no warehouse (no warehouse_meta table): it is not a "
            "warehouse; the platform perhaps? Give the warehouse's URL (--warehouse-url or "
            "VAX_WAREHOUSE_URL). Nothing was changed."
        )
    if found != schema.SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the warehouse has schema version {found!r}; this program needs version "
            f"{schema.SCHEMA_VERSION!r}. {rebuild_hint(conn)}"
        )


def rebuild_hint(conn: sa.Connection) -> str:
    """How to replace a warehouse of another schema version: the warehouse is derived data, so
    a new one loaded from the platform loses nothing."""
    url = conn.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return (
            f"Delete the file {url.database} (and its -wal and -shm files if present; the "
            "platform is not touched) and load again: `python -m etl run`, or "
            "`python -m etl demo` / `make run` for the demo data."
        )
    name = url.database or "the warehouse database"
    return (
        f"Drop and re-create the database {name} (or point VAX_WAREHOUSE_URL to a new, empty "
        "one) and load again with `python -m etl run`."
    )


def ensure_schema(conn: sa.Connection) -> bool:
    """Create the warehouse if the database is empty; check its version otherwise.

    Returns True when the schema was created now.
    """
    found = schema_version(conn)
    if found is None:
        schema.metadata.create_all(conn)
        conn.execute(
            schema.warehouse_meta.insert(),
            [
                {"key": "schema_version", "value": schema.SCHEMA_VERSION},
                {"key": "data_version", "value": "0"},
                # which warehouse this is: one rebuilt at the same address starts its data
                # version at 0 again, and must not be taken for the one it replaced
                {"key": "warehouse_id", "value": uuid.uuid4().hex[:12]},
            ],
        )
        return True
    check_schema(conn)
    add_missing_account_tables(conn)
    return False


def add_missing_account_tables(conn: sa.Connection) -> list[str]:
    """Create the account tables this schema version declares that the warehouse lacks (the
    sessions table came after users and the audit log; it starts empty, so a warehouse keeps
    its users instead of being rebuilt). Returns their names."""
    present = set(sa.inspect(conn).get_table_names())
    added = []
    for table in schema.ACCOUNT_TABLES:
        if table.name not in present:
            table.create(conn)
            added.append(table.name)
    return added


def add_missing_indexes(conn: sa.Connection) -> list[str]:
    """Create the indexes this schema version declares that the warehouse lacks (an index
    added for speed needs no reload). Returns their names."""
    inspector = sa.inspect(conn)
    added = []
    for table in schema.metadata.sorted_tables:
        present = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in present:
                index.create(conn)
                added.append(index.name)
    return added


# What the area and population dimensions are made from: the reference files and the code
# that reads them and estimates the groups' populations.
_REFERENCE_INPUTS = (
    reference.REFERENCE_DIR / "communes.csv",
    reference.REFERENCE_DIR / "district_age_2019.csv",
    Path(reference.__file__),
    Path(denominators.__file__),
    Path(target_groups.__file__),
)
REFERENCE_KEY = "reference_version"


def reference_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _REFERENCE_INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def refresh_reference(conn: sa.Connection) -> bool:
    """Rewrite the area and population dimensions from the reference files, unless they were
    written from the same files and code already (a load with nothing new then costs nothing
    here: estimating every group's population takes seconds). Returns True when rewritten."""
    meta = schema.warehouse_meta
    fingerprint = reference_fingerprint()
    stored = conn.execute(sa.select(meta.c.value).where(meta.c.key == REFERENCE_KEY)).scalar()
    if stored == fingerprint and conn.execute(sa.select(schema.area.c.area_code).limit(1)).first():
        return False
    conn.execute(schema.population.delete())
    conn.execute(schema.area.delete())
    conn.execute(schema.area.insert(), reference.area_rows())
    conn.execute(schema.population.insert(), denominators.population_rows())
    conn.execute(meta.delete().where(meta.c.key == REFERENCE_KEY))
    conn.execute(meta.insert().values(key=REFERENCE_KEY, value=fingerprint))
    return True


def cache_version(conn: sa.Connection) -> str:
    """The data version and which warehouse it is of ("<id>-<version>"; the version alone for a
    warehouse made before it had an id): what the dashboard's caches are keyed by, so that a
    warehouse rebuilt at the same address is not served from the one it replaced."""
    meta = schema.warehouse_meta
    found = conn.execute(sa.select(meta.c.value).where(meta.c.key == "warehouse_id")).first()
    version = data_version(conn)
    return f"{found[0]}-{version}" if found else version


def data_version(conn: sa.Connection) -> str:
    """A value that changes whenever a load changes the warehouse (for cache keys)."""
    row = conn.execute(
        sa.select(schema.warehouse_meta.c.value).where(
            schema.warehouse_meta.c.key == "data_version"
        )
    ).first()
    return row[0] if row else "0"
