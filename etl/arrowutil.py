"""Moving pandas columns into Arrow without per-value conversion, and finding keys fast."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Strings = pd.Series | pa.Array | pa.ChunkedArray


def arrow_strings(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The values as Arrow large strings, without copying when they are Arrow-backed already.

    (Asking pa.array for a type instead converts value by value, through Python objects.)
    """
    if not isinstance(s.dtype, pd.StringDtype):
        s = s.astype("string")
    arr = pa.array(s)
    return arr if arr.type == pa.large_string() else pc.cast(arr, pa.large_string())


def contiguous(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One array (the chunks of a chunked array joined): what most Arrow kernels and encoders
    that take an array, not a chunked one, need."""
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _array(values: Strings) -> pa.Array:
    if isinstance(values, pd.Series):
        values = arrow_strings(values)
    return contiguous(values)


# Identifiers such as "VS0000012345": one prefix, then a fixed number of digits. Two of them
# are equal exactly when their numbers are, so finding millions of them among millions runs on
# integers (an array indexed by the number, where the numbers are dense) instead of hashing
# text, which costs about half a microsecond a value.
_MAX_DIGITS = 18  # what an int64 holds


@dataclass(frozen=True)
class IdCodes:
    """Identifiers of one shape (a prefix and a fixed number of digits) as their numbers, -1
    where missing."""

    shape: tuple[str, int]
    codes: np.ndarray


def id_codes(values: Strings) -> IdCodes | None:
    """The identifiers as numbers, or None unless every one (but missing ones) has one shape."""
    arr = _array(values)
    if arr.null_count == len(arr):
        return None
    width = pc.min_max(pc.binary_length(arr)).as_py()
    if width["min"] != width["max"]:
        return None
    first = arr.filter(pc.is_valid(arr))[0].as_py()
    prefix = first.rstrip("0123456789")
    digits = len(first.encode()) - len(prefix.encode())
    if not 0 < digits <= _MAX_DIGITS:
        return None
    if prefix and not pc.all(pc.starts_with(arr, prefix)).as_py():
        return None
    number = pc.utf8_slice_codeunits(arr, len(prefix)) if prefix else arr
    if not pc.all(pc.ascii_is_decimal(number)).as_py():
        return None
    codes = pc.fill_null(pc.cast(number, pa.int64()), -1).to_numpy(zero_copy_only=False)
    return IdCodes((prefix, digits), codes)


class IntIndex:
    """Non-negative integer keys (-1: none), ready to be looked up: `find` gives each value's
    position among them (the first where one repeats), -1 where absent."""

    def __init__(self, codes: np.ndarray) -> None:
        where = np.flatnonzero(codes >= 0)
        keys = codes[where]
        self.low = int(keys.min()) if len(keys) else 0
        self.high = int(keys.max()) if len(keys) else -1
        span = self.high - self.low + 1
        self.table: np.ndarray | None = None
        if span <= 4 * len(keys) + (1 << 20):
            # Written last to first, so that the first of repeated keys stays.
            self.table = np.full(span, -1, dtype=np.int64)
            self.table[keys[::-1] - self.low] = where[::-1]
        else:
            unique, first = np.unique(keys, return_index=True)
            self.index = pd.Index(unique)
            self.where = where[first]

    def find(self, values: np.ndarray) -> np.ndarray:
        out = np.full(len(values), -1, dtype=np.int64)
        inside = (values >= self.low) & (values <= self.high)
        if self.table is not None:
            out[inside] = self.table[values[inside] - self.low]
        else:
            got = self.index.get_indexer(values[inside])
            out[inside] = np.where(got >= 0, self.where[got], -1)
        return out


class KeyIndex:
    """Keys ready to be looked up, many times: `positions` without building them again."""

    def __init__(self, keys: Strings) -> None:
        self.keys = _array(keys)
        self.coded = id_codes(self.keys) if len(self.keys) else None
        self._ints = None if self.coded is None else IntIndex(self.coded.codes)

    def positions(self, values: Strings, coded: IdCodes | None = None) -> np.ndarray:
        """The position of each value among the keys (the first where one repeats), -1 where
        absent or missing. `coded`: id_codes(values), where already known."""
        arr = _array(values)
        if not len(self.keys):
            return np.full(len(arr), -1, dtype=np.int64)
        if self._ints is not None and len(arr):
            coded = coded or id_codes(arr)
            if coded is not None and coded.shape == self.coded.shape:
                return self._ints.find(coded.codes)
        found = pc.index_in(arr, value_set=self.keys, skip_nulls=True)
        return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def positions(values: Strings, keys: Strings) -> np.ndarray:
    """The position of each value among `keys` (the first where one repeats), -1 where absent
    or missing. Like pandas' Index.get_indexer, on integers for identifiers of one shape and
    otherwise with the hash table built in Arrow's C++ (several times faster on millions of
    text keys)."""
    return KeyIndex(keys).positions(values)


def take(arr: pa.Array, at: np.ndarray) -> pa.Array:
    """The values at positions `at`, missing where a position is -1."""
    return arr.take(pa.array(at, mask=at < 0))
