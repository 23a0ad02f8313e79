"""Each person's waits for their next dose (person_wait) and their sum (mart_wait).

A person (METRICS.md, "People and coverage") waits from each day on which they were injected:
- their dose days are the distinct session dates of their active injected visits of a vaccine
  of the catalogue; a day's vaccine is that of its visit with the highest dose number (then
  the greatest vaccine code), the dose the day ended with;
- after a dose day s they wait for the next `primary` dose while the primary series is not yet
  complete on s (full_date is later or unknown), for a `booster` once it is (full_date <= s)
  and they are not boosted, and for nothing once boosted (boosted_date <= s);
- the wait ends on their next dose day (end_date), or has not ended (schema.STILL_WAITING).
Residence is the person's current one, as for coverage.

No interval is applied here: who is due on a day D is decided when read (queries/due.py), so a
changed interval needs no reload. The mart's one definition is `wait_rows`, used by full and
incremental loads alike; an incremental load takes the affected persons' old waits out of the
mart and puts their new ones in, as etl/coverage.py does for milestones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import sqlalchemy as sa

from etl.arrowutil import IntIndex, arrow_strings, contiguous, positions
from etl.load import upsert
from etl.sqlutil import add_keys_frame, create_temp_table, read_frame, write_changes
from etl.transform import CITIZEN_CODE
from warehouse import schema

WAIT_KEY = ["commune_code", "vaccine_code", "next_kind", "start_date", "end_date"]
STILL_WAITING = pd.Timestamp(schema.STILL_WAITING)
PERSON_WAIT_COLUMNS = [
    "person_key", "start_date", "residence_commune_code", "vaccine_code", "next_kind", "end_date",
]  # fmt: skip


def person_waits(milestones: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """person_wait rows from persons' milestones (person_key, residence_commune_code,
    full_date, boosted_date) and their active injected doses (person_key, session_date,
    dose_number, vaccine_code; vaccines of the catalogue only)."""
    persons = pd.Series(pd.unique(milestones["person_key"]), dtype="string")
    return _waits(
        persons,
        milestones.assign(p=positions(milestones["person_key"], persons)),
        doses.assign(p=positions(doses["person_key"], persons)),
    )


def _waits(persons: pd.Series, milestones: pd.DataFrame, doses: pd.DataFrame) -> pd.DataFrame:
    """person_waits on integer person codes `p` (positions in `persons`)."""
    doses = doses[(doses["p"] >= 0).to_numpy(bool)]
    if doses.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PERSON_WAIT_COLUMNS})
    p = doses["p"].to_numpy(np.int64)
    day = pd.to_datetime(doses["session_date"]).to_numpy("datetime64[D]")
    number = pd.to_numeric(doses["dose_number"]).fillna(-1).to_numpy(np.int64)
    vaccine = pd.Categorical(doses["vaccine_code"].astype(str))
    order = np.lexsort((vaccine.codes, number, day, p))
    p, day, vaccine_code = (
        p[order],
        day[order],
        np.asarray(vaccine.categories)[vaccine.codes[order]],
    )
    # The last dose of each (person, day): where the next row is another person or day.
    last = np.ones(len(p), bool)
    last[:-1] = (p[1:] != p[:-1]) | (day[1:] != day[:-1])
    p, day, vaccine_code = p[last], day[last], vaccine_code[last]
    same_next = np.zeros(len(p), bool)
    same_next[:-1] = p[1:] == p[:-1]
    end = np.full(len(p), STILL_WAITING.to_datetime64().astype("datetime64[D]"))
    end[:-1] = np.where(same_next[:-1], day[1:], end[:-1])
    ms = milestones[(milestones["p"] >= 0).to_numpy(bool)].set_index("p")
    full = pd.to_datetime(ms["full_date"]).reindex(p).to_numpy("datetime64[D]")
    boosted = pd.to_datetime(ms["boosted_date"]).reindex(p).to_numpy("datetime64[D]")
    commune = ms["residence_commune_code"].reindex(p).to_numpy(object)
    is_boosted = ~np.isnat(boosted) & (boosted <= day)
    is_full = ~np.isnat(full) & (full <= day)
    keep = ~is_boosted & pd.notna(commune)
    out = pd.DataFrame(
        {
            "person_key": persons.to_numpy()[p[keep]],
            "start_date": day[keep].astype("datetime64[ns]"),
            "residence_commune_code": commune[keep],
            "vaccine_code": vaccine_code[keep],
            "next_kind": np.where(is_full[keep], "booster", "primary"),
            "end_date": end[keep].astype("datetime64[ns]"),
        }
    )
    return out.reset_index(drop=True)


def waits_from_frames(
    citizen: pd.DataFrame, visit: pd.DataFrame, vaccine: pd.DataFrame, milestones: pd.DataFrame
) -> pd.DataFrame:
    """person_waits of everyone from the frames of a first, full load and the milestones
    computed from them (etl.coverage.milestones_from_frames)."""
    person = pc.dictionary_encode(contiguous(arrow_strings(citizen["person_key"])))
    citizen_p = pc.fill_null(person.indices, -1).to_numpy().astype(np.int64)
    persons = pd.Series(pd.array(person.dictionary, dtype="string"))
    injected = ((visit["status"] == "active") & visit["injected_at"].notna()).to_numpy(bool)
    injected &= visit["vaccine_code"].isin(set(vaccine["vaccine_code"])).to_numpy(bool)
    codes = [_integers(frame, CITIZEN_CODE) for frame in (citizen, visit)]
    if codes[0] is not None and codes[1] is not None:
        pos = IntIndex(codes[0]).find(codes[1][injected])
    else:
        pos = positions(visit["citizen_key"][injected], citizen["citizen_key"])
    doses = pd.DataFrame(
        {
            "p": np.where(pos >= 0, citizen_p[np.maximum(pos, 0)], -1),
            "session_date": visit["session_date"].to_numpy()[injected],
            "dose_number": visit["dose_number"][injected].array,
            "vaccine_code": visit["vaccine_code"][injected].array,
        }
    )
    return _waits(persons, milestones.assign(p=positions(milestones["person_key"], persons)), doses)


def _integers(frame: pd.DataFrame, column: str) -> np.ndarray | None:
    if column not in frame or not pd.api.types.is_integer_dtype(frame[column].dtype):
        return None
    return frame[column].to_numpy(dtype=np.int64)


def wait_rows(waits: pd.DataFrame) -> pd.DataFrame:
    """mart_wait from person_wait rows: people per commune, vaccine, dose waited for, start and
    end day. The mart's one definition, for full and incremental loads."""
    if waits.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*WAIT_KEY, "people"]})
    out = (
        waits.rename(columns={"residence_commune_code": "commune_code"})
        .groupby(WAIT_KEY)
        .size()
        .rename("people")
        .astype("int64")
    )
    return out.reset_index()


def _dated(frame: pd.DataFrame, columns) -> pd.DataFrame:
    return frame.assign(**{c: pd.to_datetime(frame[c], format="ISO8601") for c in columns})


def _read_affected(conn: sa.Connection, full: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Milestones (from person_vax, already refreshed) and doses of the affected persons
    (everyone when `full`), driven from the key table as etl/coverage.py does."""
    persons = "" if full else "affected_person ap CROSS JOIN "
    of_persons = "" if full else " AND p.person_key = ap.person_key"
    milestones = read_frame(
        conn,
        "SELECT p.person_key, p.residence_commune_code, p.full_date, p.boosted_date "
        f"FROM {persons}person_vax p WHERE 1 = 1{of_persons}",
    )
    of_citizens = "" if full else " AND c.person_key = ap.person_key"
    doses = read_frame(
        conn,
        "SELECT c.person_key, v.session_date, v.dose_number, v.vaccine_code "
        f"FROM {persons}citizen c CROSS JOIN visit v CROSS JOIN vaccine vac "
        "WHERE v.citizen_key = c.citizen_key AND vac.vaccine_code = v.vaccine_code "
        f"AND v.status = 'active' AND v.injected_at IS NOT NULL{of_citizens}",
    )
    return _dated(milestones, ["full_date", "boosted_date"]), doses


def refresh_waits(
    conn: sa.Connection,
    full: bool,
    waits: pd.DataFrame | None = None,
    people: dict[str, pd.DataFrame] | None = None,
) -> int:
    """Recompute person_wait and mart_wait for the affected persons (everyone when `full`),
    after person_vax is refreshed. Returns the wait rows written. A full rebuild may be given
    everyone's `waits` (computed from the load's frames); an incremental one the affected
    persons' `people` as etl.coverage.refresh_people kept them (their new milestones and
    their doses), else they are read."""
    if full:
        if waits is None:
            waits = person_waits(*_read_affected(conn, True))
        conn.execute(schema.person_wait.delete())
        upsert(conn, schema.person_wait, waits)
        conn.execute(schema.mart_wait.delete())
        upsert(conn, schema.mart_wait, wait_rows(waits))
        return len(waits)
    if conn.exec_driver_sql("SELECT 1 FROM affected_person LIMIT 1").first() is None:
        return 0
    before = _dated(
        read_frame(
            conn,
            "SELECT w.person_key, w.start_date, w.residence_commune_code, w.vaccine_code, "
            "w.next_kind, w.end_date FROM affected_person ap CROSS JOIN person_wait w "
            "WHERE w.person_key = ap.person_key",
        ),
        ["start_date", "end_date"],
    )
    if people:
        milestones = people["milestones"][
            ["person_key", "residence_commune_code", "full_date", "boosted_date"]
        ]
        doses = people["doses"][["person_key", "session_date", "dose_number", "vaccine_code"]]
        after = person_waits(milestones, doses)
    else:
        after = person_waits(*_read_affected(conn, False))
    write_changes(conn, schema.person_wait, before, after)
    _add_to_mart(conn, _change(wait_rows(before), wait_rows(after)))
    return len(after)


def _change(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per mart key, the people of `after` less those of `before` (changes only)."""
    change = (
        after.set_index(WAIT_KEY)["people"]
        .sub(before.set_index(WAIT_KEY)["people"], fill_value=0)
        .astype("int64")
    )
    return change[change != 0].reset_index()


def _add_to_mart(conn: sa.Connection, change: pd.DataFrame) -> None:
    """Add `change` to the mart's rows of its keys; rows left at zero go."""
    if change.empty:
        return
    create_temp_table(
        conn,
        "touched_wait",
        {
            "commune_code": "TEXT",
            "vaccine_code": "TEXT",
            "next_kind": "TEXT",
            "start_date": "DATE",
            "end_date": "DATE",
        },  # fmt: skip
    )
    keys = change[WAIT_KEY].assign(
        start_date=pd.to_datetime(change["start_date"]).dt.strftime("%Y-%m-%d"),
        end_date=pd.to_datetime(change["end_date"]).dt.strftime("%Y-%m-%d"),
    )
    add_keys_frame(conn, "touched_wait", keys)
    match = " AND ".join(f"m.{c} = t.{c}" for c in WAIT_KEY)
    now = _dated(
        read_frame(
            conn,
            f"SELECT {', '.join('m.' + c for c in WAIT_KEY)}, m.people "
            f"FROM touched_wait t CROSS JOIN mart_wait m WHERE {match}",
        ),
        ["start_date", "end_date"],
    )
    now["people"] = now["people"].astype("int64")
    change = change.assign(
        start_date=pd.to_datetime(change["start_date"]), end_date=pd.to_datetime(change["end_date"])
    )
    rows = (
        now.set_index(WAIT_KEY)["people"]
        .add(change.set_index(WAIT_KEY)["people"], fill_value=0)
        .astype("int64")
    )
    rows = rows[rows != 0].reset_index()
    write_changes(conn, schema.mart_wait, now, rows)
