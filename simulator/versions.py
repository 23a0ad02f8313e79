"""Rows with a history, and their state as of a moment.

Every table is generated as a `Versions`: `base` holds the first version of every row (with the
moment `_created` from which the row exists) and `changes` holds later full-row versions
(with `_row`, the position of the row in `base`, and their own `updated_at`). The state as of a
cutoff is each created row in its latest version strictly before the cutoff.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import column_names

NA_INT = np.iinfo(np.int64).min
_S = np.dtypes.StringDType()


@dataclass
class Versions:
    table: str
    base: pd.DataFrame
    changes: pd.DataFrame

    def check(self) -> None:
        cols = column_names(self.table)
        missing = [c for c in cols + ["_created"] if c not in self.base.columns]
        assert not missing, (self.table, missing)
        if len(self.changes):
            assert "_row" in self.changes.columns
            created = self.base["_created"].to_numpy()[self.changes["_row"].to_numpy()]
            assert (self.changes["updated_at"].to_numpy() >= created).all(), self.table
        assert (self.base["updated_at"].to_numpy() >= self.base["_created"].to_numpy()).all(), (
            self.table
        )

    def as_of(self, cutoff: int) -> pd.DataFrame:
        """State of every row as of `cutoff` (UTC seconds, exclusive), in base order."""
        cols = column_names(self.table)
        base = self.base
        # A row shows once its first version is complete (its own updated_at), so that no row
        # ever carries a moment after the cutoff.
        visible = base["updated_at"].to_numpy() < cutoff
        out = base.loc[visible, cols].copy()
        ch = self.changes
        if len(ch):
            c = ch[ch["updated_at"].to_numpy() < cutoff]
            if len(c):
                c = c.drop_duplicates("_row", keep="last")
                rows = c["_row"].to_numpy()
                for col in cols:
                    out.loc[rows, col] = c[col].to_numpy()
        return out


def make_frame(columns: dict) -> pd.DataFrame:
    """DataFrame that keeps text columns as Python objects (no string-dtype conversion)."""
    out = {}
    for k, v in columns.items():
        if isinstance(v, np.ndarray) and v.dtype == object:
            out[k] = pd.Series(v, dtype=object, copy=False)
        else:
            out[k] = v
    return pd.DataFrame(out)


def lookup(labels, codes: np.ndarray) -> np.ndarray:
    """Object array of labels[codes], None where code is negative."""
    arr = np.array(list(labels) + [None], dtype=object)
    codes = np.asarray(codes, dtype=np.int64)
    return arr[np.where(codes < 0, len(labels), codes)]


def numbered_ids(prefix: str, n: int, width: int) -> np.ndarray:
    """Object array of ids prefix + 1..n, zero-padded to `width` digits."""
    return np.strings.add(prefix, np.strings.zfill(np.arange(1, n + 1).astype(_S), width)).astype(
        object
    )


def no_changes(base: pd.DataFrame) -> pd.DataFrame:
    """The `changes` of a table whose rows never change after their first version."""
    ch = base.iloc[:0].drop(columns=["_created"]).copy()
    ch["_row"] = np.zeros(0, dtype=np.int64)
    return ch
