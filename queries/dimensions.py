"""Reference lists: areas, facilities, stores, vaccines and census denominators."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries.scope import Scope


def _read(conn: sa.Connection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params or {})


def areas(conn: sa.Connection) -> pd.DataFrame:
    """Province, districts and communes with names and approximate points."""
    return _read(
        conn,
        "SELECT area_code, area_level, name, area_type, parent_code, district_code, latitude, "
        "longitude, location_quality FROM area ORDER BY area_level, area_code",
    )


def facilities(conn: sa.Connection) -> pd.DataFrame:
    """Vaccination sites with their area, capacity, person in charge and coordinate status."""
    return _read(
        conn,
        "SELECT f.facility_id, f.name, f.facility_type, f.commune_code, f.district_code, "
        "c.name AS commune_name, d.name AS district_name, f.latitude, f.longitude, "
        "f.coordinate_status, f.tables_count, f.vaccinators_count, f.emergency_staff_count, "
        "f.person_in_charge, f.person_in_charge_title, f.active "
        "FROM facility f LEFT JOIN area c ON c.area_code = f.commune_code "
        "LEFT JOIN area d ON d.area_code = f.district_code ORDER BY f.facility_id",
    )


def stores(conn: sa.Connection) -> pd.DataFrame:
    return _read(
        conn,
        "SELECT store_id, name, level, area_code, district_code, facility_id FROM store "
        "ORDER BY store_id",
    )


def vaccines(conn: sa.Connection) -> pd.DataFrame:
    return _read(
        conn,
        "SELECT vaccine_code, name, manufacturer, doses_per_vial, primary_series_doses "
        "FROM vaccine ORDER BY vaccine_code",
    )


def population(conn: sa.Connection) -> pd.DataFrame:
    """Target-group populations by area and year: columns area_code, target_group, year,
    population, source, source_year, method."""
    return _read(
        conn,
        "SELECT area_code, target_group, year, population, source, source_year, method "
        "FROM population",
    )


def children(conn: sa.Connection, scope: Scope, level: str) -> pd.DataFrame:
    """The areas of `level` inside the scope (its sites for level "facility"), each with its
    name and its district's name: columns area_code, name, district_name."""
    if level == "facility":
        where, params = scope.facility_filter("f")
        return _read(
            conn,
            "SELECT f.facility_id AS area_code, f.name, d.name AS district_name FROM facility f "
            f"LEFT JOIN area d ON d.area_code = f.district_code WHERE {where}",
            params,
        )
    return _read(
        conn,
        "SELECT a.area_code, a.name, d.name AS district_name FROM area a "
        "LEFT JOIN area d ON d.area_code = a.district_code "
        "WHERE a.area_level = :level AND a.parent_code = :parent",
        {"level": level, "parent": scope.code},
    )
