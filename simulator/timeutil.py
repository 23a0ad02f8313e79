"""Day indices and UTC second timestamps.

Internally a calendar day is an integer index counted from DAY0 (a local date in
Asia/Ho_Chi_Minh) and an instant is an int64 count of seconds since the Unix epoch (UTC).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

DAY0 = dt.date(2021, 1, 1)
LOCAL_OFFSET_S = 7 * 3600  # Asia/Ho_Chi_Minh has been UTC+7 without DST since 1975
_EPOCH_DAY0 = (DAY0 - dt.date(1970, 1, 1)).days
DAY_S = 86400


def day_index(d: dt.date | str) -> int:
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return (d - DAY0).days


def index_date(i: int) -> dt.date:
    return DAY0 + dt.timedelta(days=int(i))


def local_midnight(day) -> np.ndarray | int:
    """UTC seconds of local midnight at the start of day index `day` (scalar or array)."""
    return (np.asarray(day, dtype=np.int64) + _EPOCH_DAY0) * DAY_S - LOCAL_OFFSET_S


def cutoff_for_end(end_day: int) -> int:
    """First instant after the end of local day `end_day` (exclusive upper bound)."""
    return int(local_midnight(end_day + 1))


def local_day_of(ts) -> np.ndarray:
    """Local calendar day index of UTC-second instants."""
    return (np.asarray(ts, dtype=np.int64) + LOCAL_OFFSET_S) // DAY_S - _EPOCH_DAY0


def weekday(day) -> np.ndarray:
    """Monday = 0 ... Sunday = 6 for day indices."""
    return (np.asarray(day, dtype=np.int64) + DAY0.weekday()) % 7


_SECOND_OF_DAY = np.array(
    [f"T{h:02d}:{m:02d}:{s:02d}+00:00" for h in range(24) for m in range(60) for s in range(60)],
    dtype="U15",
).view("V60")


def _with_nulls(values: list, na: np.ndarray) -> list:
    if not na.any():
        return values
    obj = np.array(values, dtype=object)
    obj[na] = None
    return obj.tolist()


def format_ts(ts) -> list:
    """ISO 8601 UTC strings with offset ('2021-09-15T01:12:03+00:00'); None where ts is NA_TS."""
    ts = np.asarray(ts, dtype=np.int64)
    n = len(ts)
    if n == 0:
        return []
    na = ts == NA_TS
    days, secs = np.divmod(np.where(na, 0, ts), DAY_S)
    d0 = int(days.min())
    nd = int(days.max()) - d0 + 1
    dstr = np.datetime_as_string((np.arange(nd) + d0).astype("datetime64[D]"), unit="D").astype(
        "U10"
    )
    out = np.empty(n, dtype=[("d", "V40"), ("t", "V60")])
    out["d"] = dstr.view("V40")[days - d0]
    out["t"] = _SECOND_OF_DAY[secs]
    return _with_nulls(out.view("U25").tolist(), na)


def format_day(day) -> list:
    """'YYYY-MM-DD' strings for day indices; None where day is NA_DAY."""
    day = np.asarray(day, dtype=np.int64)
    if len(day) == 0:
        return []
    na = day == NA_DAY
    d = np.where(na, 0, day)
    d0 = int(d.min())
    nd = int(d.max()) - d0 + 1
    dstr = np.datetime_as_string(
        (np.arange(nd) + d0 + _EPOCH_DAY0).astype("datetime64[D]"), unit="D"
    ).astype("U10")
    return _with_nulls(dstr[d - d0].tolist(), na)


NA_TS = np.iinfo(np.int64).min
NA_DAY = np.iinfo(np.int64).min
