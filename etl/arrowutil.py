"""Moving pandas columns into Arrow without per-value conversion."""

from __future__ import annotations

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
