"""Keyed hashing of person identifiers: the warehouse never sees the identifiers themselves."""

from __future__ import annotations

import hashlib
import logging

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import settings
from etl.arrowutil import KeyIndex, arrow_strings, contiguous, id_codes, take

DEMO_KEY = "demo-key-not-for-production"
_warned = False


def pseudonym_key() -> bytes:
    """The secret key from VAX_PSEUDONYM_KEY; a demo key, with a warning, when it is unset."""
    global _warned
    key = settings.pseudonym_key()
    if not key:
        if not _warned:
            logging.getLogger("etl").warning(
                "VAX_PSEUDONYM_KEY is not set; using the public demo key. "
                "Set a secret key for real data."
            )
            _warned = True
        key = DEMO_KEY
    return key.encode("utf-8")


def key_fingerprint(key: bytes) -> str:
    """A value that identifies the key without revealing it (to detect a changed key)."""
    return hashlib.blake2b(b"fingerprint", key=key, digest_size=8).hexdigest()


def _digests(key: bytes, prefix: str, values: pa.Array) -> pa.Array:
    """The keyed BLAKE2b (16 bytes, as 32 hex characters) of "prefix:value" for each
    (non-null) value, as an Arrow string array."""
    # A copy of the state keyed and fed the prefix once is the same hash as hashing
    # prefix + value from scratch, without compressing the key block again for every value.
    start = hashlib.blake2b(f"{prefix}:".encode(), key=key, digest_size=16).copy

    def digest(value: bytes) -> bytes:
        h = start()
        h.update(value)
        return h.digest()

    raw = b"".join(map(digest, values.cast(pa.large_binary()).to_pylist()))
    hexed = pa.py_buffer(raw.hex().encode("ascii"))
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(32), len(values), [None, hexed])
    return fixed.cast(pa.large_binary()).cast(pa.large_string())


class _Hashed:
    """The distinct identifiers hashed so far under one prefix, and their digests."""

    def __init__(self) -> None:
        self.values = pa.array([], pa.large_string())
        self.digests = pa.array([], pa.large_string())
        self._index: KeyIndex | None = None

    def add(self, values: pa.Array, digests: pa.Array) -> None:
        self.values = pa.concat_arrays([self.values, values])
        self.digests = pa.concat_arrays([self.digests, digests])
        self._index = None

    def index(self) -> KeyIndex:
        if self._index is None:
            self._index = KeyIndex(self.values)
        return self._index


class Pseudonymizer:
    """Keyed BLAKE2b of identifiers, each distinct value hashed once per run.

    The citizen table's identifiers come first in a load; the visits, certificates and AEFI
    reports that refer to the same citizens then reuse those digests instead of hashing again.
    Look-ups run on integers for identifiers of one shape (see arrowutil.id_codes), otherwise
    in Arrow hash tables; only values not seen before reach Python.
    """

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._hashed: dict[str, _Hashed] = {}

    def hash(self, values: pd.Series, prefix: str) -> pd.Series:
        """The digest of each value; missing values stay missing."""
        return self.hash_coded(values, prefix)[0]

    def hash_coded(self, values: pd.Series, prefix: str) -> tuple[pd.Series, np.ndarray]:
        """The digest of each value, and an integer standing for it (-1 where missing): the
        same for the same value under the same prefix, in this Pseudonymizer (so that rows
        can be matched on integers instead of digests)."""
        arr = contiguous(arrow_strings(values))
        hashed = self._hashed.setdefault(prefix, _Hashed())
        coded = id_codes(arr)
        if coded is not None:
            at = hashed.index().positions(arr, coded)
            new = (at < 0) & (coded.codes >= 0)
            if new.any():
                distinct = pc.unique(arr.filter(pa.array(new)))
                hashed.add(distinct, _digests(self.key, prefix, distinct))
                at = hashed.index().positions(arr, coded)
        else:
            # One hashing pass over the rows (each row's position among the distinct values);
            # the rest works on the distinct values only.
            encoded = pc.dictionary_encode(arr)
            distinct = encoded.dictionary
            at = hashed.index().positions(distinct)
            if (at < 0).any():
                new = distinct.filter(pa.array(at < 0))
                hashed.add(new, _digests(self.key, prefix, new))
                at = hashed.index().positions(distinct)
            rows = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
            at = np.where(rows >= 0, at[np.maximum(rows, 0)], -1) if len(at) else rows
        digests = pd.Series(pd.array(take(hashed.digests, at), dtype="string"), index=values.index)
        return digests, at
