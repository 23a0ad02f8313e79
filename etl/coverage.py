"""Each person's vaccination milestones (METRICS.md, "People and coverage").

A person is a national ID where one is recorded, else a citizen record (`person_key`). Their
residence is that of the most recently updated of their citizen rows. Milestones, by the
visits' session dates:
- first_dose_date: the first active injected visit;
- full_date: the first day on which the person's active injected `primary` visits so far cover
  at least N distinct dose numbers, N being the smallest `primary_series_doses` among the
  vaccines of those visits;
- boosted_date: the first active injected `booster` visit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import sqlalchemy as sa

from etl import coverage_groups
from etl.arrowutil import IntIndex, arrow_strings, contiguous, positions
from etl.load import upsert
from etl.sqlutil import add_keys_frame, create_temp_table, read_frame, write_changes
from etl.transform import CITIZEN_CODE
from warehouse import schema


def person_milestones(residence: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """Milestones from citizen rows (person_key, residence_commune_code, birth_year, updated_at,
    citizen_key) and injected active visits (person_key, session_date, dose_number, dose_kind,
    primary_series_doses)."""
    persons = pd.Series(pd.unique(residence["person_key"]), dtype="string")
    return _milestones(
        persons,
        residence.assign(p=positions(residence["person_key"], persons)),
        doses.assign(p=positions(doses["person_key"], persons)),
    )


def _milestones(persons: pd.Series, residence: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """person_milestones on integer person codes `p` (positions in `persons`); sorting and
    grouping millions of text keys is slow."""
    res = _residence(residence)
    doses = doses[doses["p"] >= 0][
        ["p", "session_date", "dose_number", "dose_kind", "primary_series_doses"]
    ]
    first = doses.groupby("p")["session_date"].min().rename("first_dose_date")
    boosted = (doses[doses["dose_kind"] == "booster"].groupby("p")["session_date"].min()).rename(
        "boosted_date"
    )
    primary = doses[(doses["dose_kind"] == "primary").to_numpy(bool)]
    order = np.lexsort((primary["session_date"].to_numpy(), primary["p"].to_numpy()))
    primary = primary.iloc[order]
    primary = primary.assign(
        new_dose=~primary.duplicated(["p", "dose_number"]),
        psd=primary["primary_series_doses"].astype("float64"),
    )
    per_day = primary.groupby(["p", "session_date"], sort=True).agg(
        new_doses=("new_dose", "sum"), psd=("psd", "min")
    )
    per_day["distinct_so_far"] = per_day.groupby(level=0)["new_doses"].cumsum()
    per_day["needed"] = per_day.groupby(level=0)["psd"].cummin()
    done = per_day[per_day["distinct_so_far"] >= per_day["needed"]].reset_index()
    full = done.groupby("p")["session_date"].min().rename("full_date")
    out = pd.concat([first, full, boosted], axis=1)
    out["residence_commune_code"] = res["residence_commune_code"].reindex(out.index)
    out["birth_year"] = res["birth_year"].reindex(out.index).astype("Int64")
    out = out[out["residence_commune_code"].notna()]
    out.insert(0, "person_key", persons.to_numpy()[out.index.to_numpy()])
    return out.reset_index(drop=True)


def _residence(residence: pd.DataFrame) -> pd.DataFrame:
    """Each person's commune and birth year: those of their most recently updated citizen row
    (the greatest citizen_key among rows updated at the same time), indexed by person code.
    Text is compared only for the few persons with more than one row."""
    p = residence["p"].to_numpy()
    several = np.bincount(p[p >= 0], minlength=1)[np.maximum(p, 0)] > 1
    single = residence[~several & (p >= 0)]
    picked = (
        residence[several]
        .sort_values(["p", "updated_at", "citizen_key"])
        .drop_duplicates("p", keep="last")
    )
    both = pd.concat([single, picked])
    return pd.DataFrame(
        {
            "residence_commune_code": both["residence_commune_code"].to_numpy(),
            "birth_year": pd.array(both["birth_year"], dtype="Int64"),
        },
        index=both["p"].to_numpy(),
    )


def milestones_from_frames(
    citizen: pd.DataFrame, visit: pd.DataFrame, vaccine: pd.DataFrame
) -> pd.DataFrame:
    """person_milestones of everyone from the frames of a first, full load."""
    person = pc.dictionary_encode(contiguous(arrow_strings(citizen["person_key"])))
    citizen_p = pc.fill_null(person.indices, -1).to_numpy().astype(np.int64)
    persons = pd.Series(pd.array(person.dictionary, dtype="string"))
    residence = pd.DataFrame(
        {
            "p": citizen_p,
            "residence_commune_code": citizen["residence_commune_code"].array,
            "birth_year": citizen["birth_year"].array,
            "updated_at": citizen["updated_at"].array,
            "citizen_key": citizen["citizen_key"].array,
        }
    )
    injected = ((visit["status"] == "active") & visit["injected_at"].notna()).to_numpy(bool)
    # Each visit's citizen row: on the integers standing for citizens where the load gave them
    # (transform.CITIZEN_CODE), else through an Arrow hash table of the keys.
    codes = [_integers(frame, CITIZEN_CODE) for frame in (citizen, visit)]
    if codes[0] is not None and codes[1] is not None:
        pos = IntIndex(codes[0]).find(codes[1][injected])
    else:
        pos = positions(visit["citizen_key"][injected], citizen["citizen_key"])
    series = vaccine.set_index("vaccine_code")["primary_series_doses"]
    psd = visit["vaccine_code"][injected].map(series)
    doses = pd.DataFrame(
        {
            "p": np.where(pos >= 0, citizen_p[np.maximum(pos, 0)], -1),
            "session_date": visit["session_date"].to_numpy()[injected],
            "dose_number": visit["dose_number"][injected].array,
            "dose_kind": visit["dose_kind"][injected].array,
            "primary_series_doses": pd.to_numeric(psd).to_numpy(),
        }
    )
    doses = doses[pd.notna(doses["primary_series_doses"]).to_numpy()]
    return _milestones(persons, residence, doses)


def _integers(frame: pd.DataFrame, column: str) -> np.ndarray | None:
    if column not in frame or not pd.api.types.is_integer_dtype(frame[column].dtype):
        return None
    return frame[column].to_numpy(dtype=np.int64)


def coverage_rows(milestones: pd.DataFrame) -> pd.DataFrame:
    """mart_coverage_day from everyone's milestones: people reaching each milestone, by
    residence commune, day and birth year (UNKNOWN_BIRTH_YEAR when none is recorded): the
    mart's one definition, for full and incremental loads."""
    born = milestones["birth_year"].astype("Int64").fillna(UNKNOWN_BIRTH_YEAR).astype("int64")
    frame = milestones.assign(birth_year=born)
    parts = [
        frame[["residence_commune_code", column, "birth_year"]]
        .dropna()
        .groupby(["residence_commune_code", column, "birth_year"])
        .size()
        .rename(name)
        .rename_axis(COVERAGE_KEY)
        for column, name in (
            ("first_dose_date", "new_1plus"),
            ("full_date", "new_full"),
            ("boosted_date", "new_boosted"),
        )
    ]
    if all(part.empty for part in parts):
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in COVERAGE_KEY + COVERAGE_COUNTS})
    out = pd.concat(parts, axis=1).fillna(0).astype("int64")
    return out.reset_index()


def _read_inputs(conn: sa.Connection, full: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Only the affected persons unless `full`: driven from their key table (CROSS JOIN keeps
    # that order on SQLite), through the indexes on person_key and citizen_key.
    persons = "" if full else "affected_person ap CROSS JOIN "
    of_persons = "" if full else " AND c.person_key = ap.person_key"
    residence = read_frame(
        conn,
        "SELECT c.person_key, c.residence_commune_code, c.birth_year, c.updated_at, "
        "c.citizen_key "
        f"FROM {persons}citizen c WHERE 1 = 1{of_persons}",
    )
    doses = read_frame(
        conn,
        "SELECT c.person_key, v.session_date, v.dose_number, v.dose_kind, v.vaccine_code, "
        f"vac.primary_series_doses FROM {persons}citizen c CROSS JOIN visit v "
        "CROSS JOIN vaccine vac WHERE v.citizen_key = c.citizen_key "
        "AND vac.vaccine_code = v.vaccine_code AND v.status = 'active' "
        f"AND v.injected_at IS NOT NULL{of_persons}",
    )
    return residence, doses


def milestones_of(residence: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """person_milestones of inputs read from the warehouse (text)."""
    residence = residence.assign(
        updated_at=pd.to_datetime(residence["updated_at"], utc=True, format="ISO8601"),
        birth_year=pd.to_numeric(residence["birth_year"]).astype("Int64"),
    )
    doses = doses.assign(
        session_date=pd.to_datetime(doses["session_date"]),
        primary_series_doses=pd.to_numeric(doses["primary_series_doses"]),
        dose_number=pd.to_numeric(doses["dose_number"]),
    )
    return person_milestones(residence, doses)


def refresh_people(
    conn: sa.Connection,
    full: bool,
    milestones: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    keep: dict[str, pd.DataFrame] | None = None,
) -> int:
    """Recompute person_vax, mart_coverage_day and mart_coverage_group_day for the affected
    persons (everyone when `full`). Returns the person rows written.

    A full rebuild may be given everyone's `milestones` and their `coverage_rows`, computed from
    the frames of the load. An incremental one takes the affected persons' milestones out of
    the coverage mart as they were and puts them back as they are now: coverage_rows, the one
    definition of the mart, of the new milestones less that of the old ones; the group mart
    then follows that change (etl/coverage_groups.py). It puts the affected persons' new
    milestones and the doses read for them in `keep`, when given, for their waits
    (etl.due.refresh_waits), which would read the same rows again."""
    if full:
        if milestones is None:
            milestones = milestones_of(*_read_inputs(conn, True))
        conn.execute(schema.person_vax.delete())
        upsert(conn, schema.person_vax, milestones)
        conn.execute(schema.mart_coverage_day.delete())
        rows = coverage_rows(milestones) if coverage is None else coverage
        upsert(conn, schema.mart_coverage_day, rows)
        coverage_groups.rebuild(conn, rows)
        return len(milestones)
    if conn.exec_driver_sql("SELECT 1 FROM affected_person LIMIT 1").first() is None:
        return 0  # nobody's milestones can have changed
    before = _dated(
        read_frame(
            conn,
            "SELECT p.person_key, p.residence_commune_code, p.birth_year, p.first_dose_date, "
            "p.full_date, p.boosted_date FROM affected_person ap CROSS JOIN person_vax p "
            "WHERE p.person_key = ap.person_key",
        ),
        MILESTONES,
    )
    residence, doses = _read_inputs(conn, False)
    after = milestones_of(residence, doses)
    if keep is not None:
        keep.update(milestones=after, doses=doses)
    write_changes(conn, schema.person_vax, before, after)
    change = _coverage_change(coverage_rows(before), coverage_rows(after))
    _add_to_coverage_mart(conn, change)
    coverage_groups.apply_change(conn, change)
    return len(after)


MILESTONES = ("first_dose_date", "full_date", "boosted_date")
COVERAGE_KEY = ["commune_code", "date", "birth_year"]
# The mart's birth year of people whose citizen row has none (a key cannot be NULL).
UNKNOWN_BIRTH_YEAR = 0
COVERAGE_COUNTS = ["new_1plus", "new_full", "new_boosted"]


def _dated(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Date columns read back from the warehouse (text) as the load's datetime64 values, and a
    birth year as a nullable integer."""
    frame = frame.assign(**{c: pd.to_datetime(frame[c], format="ISO8601") for c in columns})
    if "birth_year" in frame:
        frame["birth_year"] = pd.to_numeric(frame["birth_year"]).astype("Int64")
    return frame


def _coverage_change(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per commune and day, the counts of `after` less those of `before` (changes only)."""
    change = (
        after.set_index(COVERAGE_KEY)[COVERAGE_COUNTS]
        .sub(before.set_index(COVERAGE_KEY)[COVERAGE_COUNTS], fill_value=0)
        .astype("int64")
    )
    return change[(change != 0).any(axis=1)].reset_index()


def _add_to_coverage_mart(conn: sa.Connection, change: pd.DataFrame) -> None:
    """Add `change` to the mart's rows of its keys; rows left at zero go (a full rebuild has
    no such rows)."""
    if change.empty:
        return
    create_temp_table(
        conn, "touched_cd", {"commune_code": "TEXT", "date": "DATE", "birth_year": "INTEGER"}
    )
    keys = change[COVERAGE_KEY].assign(date=change["date"].dt.strftime("%Y-%m-%d"))
    add_keys_frame(conn, "touched_cd", keys)
    now = read_frame(
        conn,
        "SELECT m.commune_code, m.date, m.birth_year, m.new_1plus, m.new_full, m.new_boosted "
        "FROM touched_cd t CROSS JOIN mart_coverage_day m "
        "WHERE m.commune_code = t.commune_code AND m.date = t.date "
        "AND m.birth_year = t.birth_year",
    )
    now = _dated(now, ["date"]).astype({c: "int64" for c in [*COVERAGE_COUNTS, "birth_year"]})
    rows = (
        now.set_index(COVERAGE_KEY)[COVERAGE_COUNTS]
        .add(change.set_index(COVERAGE_KEY)[COVERAGE_COUNTS], fill_value=0)
        .astype("int64")
    )
    rows = rows[(rows != 0).any(axis=1)].reset_index()
    write_changes(conn, schema.mart_coverage_day, now, rows)
