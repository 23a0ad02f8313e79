"""Moving pandas columns into Arrow without per-value conversion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


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


def positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """The position of each value among `keys` (unique), -1 where absent or missing.

    Like pandas' Index.get_indexer, with the hash table built in Arrow's C++ (several times
    faster on millions of text keys).
    """
    value_set = contiguous(arrow_strings(keys))
    found = pc.index_in(arrow_strings(values), value_set=value_set)
    return pc.fill_null(found, -1).to_numpy().astype(np.int64, copy=False)
