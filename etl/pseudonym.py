"""Keyed hashing of person identifiers: the warehouse never sees the identifiers themselves."""

from __future__ import annotations

import hashlib
import os
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.arrowutil import arrow_strings

DEMO_KEY = "demo-key-not-for-production"
_warned = False


def pseudonym_key() -> bytes:
    """The secret key from VAX_PSEUDONYM_KEY; a demo key, with a warning, when it is unset."""
    global _warned
    key = os.environ.get("VAX_PSEUDONYM_KEY")
    if not key:
        if not _warned:
            print(
                "warning: VAX_PSEUDONYM_KEY is not set; using the public demo key. "
                "Set a secret key for real data.",
                file=sys.stderr,
            )
            _warned = True
        key = DEMO_KEY
    return key.encode("utf-8")


def key_fingerprint(key: bytes) -> str:
    """A value that identifies the key without revealing it (to detect a changed key)."""
    return hashlib.blake2b(b"fingerprint", key=key, digest_size=8).hexdigest()


def _digest(key: bytes, prefix: str, value: str) -> str:
    return hashlib.blake2b(f"{prefix}:{value}".encode(), key=key, digest_size=16).hexdigest()


def _digests(key: bytes, prefix: str, values: pa.Array) -> pa.Array:
    """_digest of each (non-null) value, as an Arrow string array."""
    head = f"{prefix}:".encode()
    raw = b"".join(
        hashlib.blake2b(head + v, key=key, digest_size=16).digest()
        for v in values.cast(pa.large_binary()).to_pylist()
    )
    hexed = pa.py_buffer(raw.hex().encode("ascii"))
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(32), len(values), [None, hexed])
    return fixed.cast(pa.large_binary()).cast(pa.large_string())


class Pseudonymizer:
    """Keyed BLAKE2b of identifiers, each distinct value hashed once per run.

    The citizen table's identifiers come first in a load; the visits, certificates and AEFI
    reports that refer to the same citizens then reuse those digests instead of hashing again.
    Look-ups run in Arrow (hash tables in C++); only values not seen before reach Python.
    """

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._seen: dict[str, tuple[pa.Array, pa.Array]] = {}

    def hash(self, values: pd.Series, prefix: str) -> pd.Series:
        """The digest of each value; missing values stay missing."""
        arr = arrow_strings(values)
        uniques = pc.drop_null(pc.unique(arr))
        uniques = uniques.combine_chunks() if isinstance(uniques, pa.ChunkedArray) else uniques
        seen = self._seen.get(prefix)
        if seen is not None and len(uniques):
            uniques = uniques.filter(pc.is_null(pc.index_in(uniques, value_set=seen[0])))
        if len(uniques):
            digests = _digests(self.key, prefix, uniques)
            if seen is not None:
                uniques = pa.concat_arrays([seen[0], uniques])
                digests = pa.concat_arrays([seen[1], digests])
            seen = self._seen[prefix] = (uniques, digests)
        if seen is None:  # nothing but missing values
            return pd.Series(pd.NA, index=values.index, dtype="string")
        out = pc.take(seen[1], pc.index_in(arr, value_set=seen[0]))
        return pd.Series(pd.array(out, dtype="string"), index=values.index)


def hash_values(values: pd.Series, key: bytes, prefix: str) -> pd.Series:
    """Keyed BLAKE2b of each value (hashing each distinct value once); missing stays missing."""
    return Pseudonymizer(key).hash(values, prefix)
