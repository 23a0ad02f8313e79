"""The visit-grain facility-day marts: their one definition, for full and incremental loads.

mart_session_day, mart_dose_day, mart_screening_day and mart_certificate_day (METRICS.md) are
computed here from visit and certificate frames. A first (full) load passes the frames it
writes, on the client while the server is still writing the core tables; an incremental load
reads back the visits and certificates of the facility-days it touched and passes those
(etl/marts.py), keeping the rows of those facility-days.

Timestamps are first cut to what the warehouse keeps (microseconds on PostgreSQL, seconds on
SQLite), so that a full load's frames and the same rows read back give the same sums. The
work runs on integer codes (text keys encoded once in Arrow, days and times as integers):
grouping millions of text keys is slow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from etl.arrowutil import arrow_strings, contiguous, positions

US_PER_MINUTE = 60 * 1_000_000
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
LOCAL_DAY_END_US = (24 - 7) * US_PER_HOUR  # end of a local (UTC+7) day, in UTC
NO_DAY = np.iinfo(np.int64).max


class _Text:
    """A text column as integer codes (-1 where missing) and its distinct values."""

    def __init__(self, s: pd.Series) -> None:
        encoded = pc.dictionary_encode(contiguous(arrow_strings(s)))
        self.codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
        self.values = np.asarray(encoded.dictionary.to_pylist(), dtype=object)

    def code_of(self, value: str) -> int:
        found = np.flatnonzero(self.values == value)
        return int(found[0]) if len(found) else -2

    def equals(self, value: str) -> np.ndarray:
        return self.codes == self.code_of(value)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """The values of `codes`, None where missing."""
        if not len(self.values):
            return np.full(len(codes), None, dtype=object)
        return np.where(codes >= 0, self.values[np.maximum(codes, 0)], None)


def _micros(ts: pd.Series, unit: str) -> np.ndarray:
    """UTC times as integer microseconds, cut to what the warehouse keeps; NaT stays NaT."""
    values = pd.to_datetime(ts, utc=True).dt.tz_localize(None).to_numpy("datetime64[us]")
    if unit == "s":
        values = values.astype("datetime64[s]").astype("datetime64[us]")
    return values


def _days(s: pd.Series) -> np.ndarray:
    return pd.to_datetime(s).to_numpy("datetime64[D]").astype(np.int64)


def _diff(later: np.ndarray, earlier: np.ndarray, per: int) -> np.ndarray:
    """(later - earlier) in units of `per` microseconds; NaN where either is missing."""
    out = (later - earlier).astype(np.int64).astype(np.float64) / per
    out[np.isnat(later) | np.isnat(earlier)] = np.nan
    return out


def _grouped(keys: dict[str, np.ndarray], values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Sums of `values` per distinct combination of the integer `keys`; float columns stay
    missing where no row had a value (as SQL SUM does)."""
    frame = pd.DataFrame({**keys, **values})
    grouped = frame.groupby(list(keys), sort=False)
    out = pd.DataFrame(index=grouped.size().index)
    for name, column in values.items():
        floats = np.issubdtype(column.dtype, np.floating)
        out[name] = grouped[name].sum(min_count=1) if floats else grouped[name].sum()
    return out.reset_index()


def facility_day_marts(
    visit: pd.DataFrame, certificate: pd.DataFrame, timestamp_unit: str = "us"
) -> dict[str, pd.DataFrame]:
    """Rows of the four visit-grain marts (mart_certificate_day without its running backlog,
    which SQL adds over the whole table)."""
    v = _Visits(visit, timestamp_unit)
    return {
        "mart_session_day": v.session_day(),
        "mart_dose_day": v.dose_day(),
        "mart_screening_day": v.screening_day(),
        "mart_certificate_day": v.certificate_day(certificate, timestamp_unit),
    }


class _Visits:
    def __init__(self, visit: pd.DataFrame, unit: str) -> None:
        self.ids = visit["visit_id"]
        self.facility = _Text(visit["facility_id"])
        self.day = _days(visit["session_date"])
        self.active = (visit["status"] == "active").fillna(False).to_numpy(bool)
        self.injected_at = _micros(visit["injected_at"], unit)
        self.injected = ~np.isnat(self.injected_at)
        self.visit = visit
        self.unit = unit

    def _facility_day(self, mask: np.ndarray, day: np.ndarray | None = None) -> dict:
        return {"f": self.facility.codes[mask], "d": (self.day if day is None else day)[mask]}

    def _finish(self, grouped: pd.DataFrame, extra: dict[str, _Text] | None = None):
        out = {"facility_id": self.facility.decode(grouped.pop("f").to_numpy())}
        out["date"] = grouped.pop("d").to_numpy().astype("datetime64[D]")
        for name, text in (extra or {}).items():
            out[name] = text.decode(grouped.pop(name).to_numpy())
        return pd.DataFrame({**out, **{c: grouped[c].array for c in grouped.columns}})

    def session_day(self) -> pd.DataFrame:
        a = self.active
        v = self.visit
        checked_in = _micros(v["checked_in_at"], self.unit)[a]
        screened_at = _micros(v["screened_at"], self.unit)[a]
        recorded_at = _micros(v["recorded_at"], self.unit)[a]
        observed = ~np.isnat(_micros(v["observed_until"], self.unit)[a])
        injected_at = self.injected_at[a]
        injected = self.injected[a]
        result = _Text(v["screening_result"][a])
        reaction = _Text(v["immediate_reaction"][a])
        day_end = self.day[a] * US_PER_DAY + LOCAL_DAY_END_US
        lag = _diff(recorded_at, day_end.astype("datetime64[us]"), US_PER_DAY)
        recorded = injected & ~np.isnat(recorded_at)
        inject_wait = _diff(injected_at, screened_at, US_PER_MINUTE)
        inject_wait[~injected] = np.nan
        lag[~recorded] = np.nan
        values = {
            "checked_in": np.ones(int(a.sum()), dtype=np.int64),
            "screened": ~np.isnat(screened_at),
            "eligible": result.equals("eligible"),
            "deferred": result.equals("deferred"),
            "contraindicated": result.equals("contraindicated"),
            "referred": result.equals("referred"),
            "doses": injected,
            "observed": injected & observed,
            "reactions_mild": injected & reaction.equals("mild"),
            "reactions_serious": injected & reaction.equals("serious"),
            "screen_wait_minutes_sum": _diff(screened_at, checked_in, US_PER_MINUTE),
            "inject_wait_minutes_sum": inject_wait,
            "recording_lag_days_sum": lag,
            "recorded_late": recorded & (np.nan_to_num(lag, nan=0.0) > 0),
        }
        keys = self._facility_day(a)
        out = _grouped(keys, values)
        # First and last injection: min and max over injected visits (NaT is skipped; missing
        # where none), aligned with the sums' groups.
        times = pd.DataFrame({**keys, "t": injected_at}).groupby(["f", "d"], sort=False)["t"]
        index = pd.MultiIndex.from_arrays([out["f"], out["d"]])
        for column, values in (
            ("first_injection_at", times.min()),
            ("last_injection_at", times.max()),
        ):
            out[column] = values.reindex(index).dt.tz_localize("UTC").array
        return self._finish(out)

    def dose_day(self) -> pd.DataFrame:
        m = self.active & self.injected
        v = self.visit
        vaccine = _Text(v["vaccine_code"][m])
        kind = _Text(v["dose_kind"][m])
        number = v["dose_number"][m].astype("Int64").fillna(-1).to_numpy(np.int64)
        reaction = _Text(v["immediate_reaction"][m])
        keys = {
            **self._facility_day(m),
            "vaccine_code": vaccine.codes,
            "dose_number": number,
            "dose_kind": kind.codes,
        }
        values = {
            "doses": np.ones(int(m.sum()), dtype=np.int64),
            "reactions_mild": reaction.equals("mild"),
            "reactions_serious": reaction.equals("serious"),
        }
        out = self._finish(_grouped(keys, values), {"vaccine_code": vaccine, "dose_kind": kind})
        number = out["dose_number"].to_numpy()
        out["dose_number"] = pd.array(number, dtype="Int64")
        out.loc[number == -1, "dose_number"] = pd.NA
        return out

    def screening_day(self) -> pd.DataFrame:
        v = self.visit
        kept = (
            self.active
            & v["screening_result"].isin(["deferred", "contraindicated", "referred"]).to_numpy()
        )
        result = _Text(v["screening_result"][kept])
        reason = _Text(v["deferral_reason"][kept].fillna(""))
        keys = {
            **self._facility_day(kept),
            "screening_result": result.codes,
            "deferral_reason": reason.codes,
        }
        values = {"visits": np.ones(int(kept.sum()), dtype=np.int64)}
        return self._finish(
            _grouped(keys, values), {"screening_result": result, "deferral_reason": reason}
        )

    def certificate_day(self, certificate: pd.DataFrame, unit: str) -> pd.DataFrame:
        valid = certificate[certificate["revoked_at"].isna().to_numpy()]
        issued_day = _days(valid["issued_date"])
        # Issued: unrevoked certificates by the day issued, at their visit's facility.
        at = positions(valid["visit_id"], self.ids)
        joined = at >= 0
        at = at[joined]
        issued_at = _micros(valid["issued_at"], unit)[joined]
        issued = {
            "f": self.facility.codes[at],
            "d": issued_day[joined],
            "issued": np.ones(len(at), dtype=np.int64),
            "backlog_in": np.zeros(len(at), dtype=np.int64),
            "backlog_out": np.zeros(len(at), dtype=np.int64),
            "lag_hours_sum": _diff(issued_at, self.injected_at[at], US_PER_HOUR),
            "lag_count": self.injected[at].astype(np.int64),
        }
        # Backlog: each injected active visit's first unrevoked certificate day.
        first = np.full(len(self.day), NO_DAY, dtype=np.int64)
        np.minimum.at(first, at, issued_day[joined])
        m = self.active & self.injected
        cert_day, session = first[m], self.day[m]
        later = (cert_day != NO_DAY) & (cert_day > session)
        waiting = (cert_day == NO_DAY) | later
        fac = self.facility.codes[m]

        def part(mask: np.ndarray, day: np.ndarray, column: str) -> dict:
            n = int(mask.sum())
            zeros = np.zeros(n, dtype=np.int64)
            counts = {"issued": zeros, "backlog_in": zeros, "backlog_out": zeros}
            counts[column] = np.ones(n, dtype=np.int64)
            return {
                "f": fac[mask],
                "d": day[mask],
                **counts,
                "lag_hours_sum": np.full(n, np.nan),
                "lag_count": zeros,
            }

        parts = [issued, part(waiting, session, "backlog_in"), part(later, cert_day, "backlog_out")]
        stacked = {k: np.concatenate([p[k] for p in parts]) for k in issued}
        keys = {"f": stacked.pop("f"), "d": stacked.pop("d")}
        out = self._finish(_grouped(keys, stacked))
        out["backlog"] = pd.array([pd.NA] * len(out), dtype="Int64")
        return out
