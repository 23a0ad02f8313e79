"""Keyed hashing of person identifiers: the warehouse never sees the identifiers themselves."""

from __future__ import annotations

import hashlib
import os
import sys

import numpy as np
import pandas as pd

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


class Pseudonymizer:
    """Keyed BLAKE2b of identifiers, each distinct value hashed once per run.

    The citizen table's identifiers come first in a load; the visits, certificates and AEFI
    reports that refer to the same citizens then reuse those digests instead of hashing again.
    """

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._seen: dict[str, tuple[pd.Index, np.ndarray]] = {}

    def hash(self, values: pd.Series, prefix: str) -> pd.Series:
        """The digest of each value; missing values stay missing."""
        codes, uniques = pd.factorize(values)
        digests = np.empty(len(uniques), dtype=object)
        hit = np.zeros(len(uniques), dtype=bool)
        seen = self._seen.get(prefix)
        if seen is not None and len(uniques):
            pos = seen[0].get_indexer(uniques)
            hit = pos >= 0
            digests[hit] = seen[1][pos[hit]]
        missing = np.flatnonzero(~hit)
        # Plain Python strings: indexing an Arrow-backed array one value at a time is slow.
        to_hash = np.asarray(uniques, dtype=object)[missing]
        digests[missing] = [_digest(self.key, prefix, v) for v in to_hash]
        if seen is None and len(uniques):
            self._seen[prefix] = (pd.Index(uniques), digests)
        # factorize marks missing values with -1, which picks the trailing None.
        out = np.append(digests, None)[codes]
        return pd.Series(out, index=values.index, dtype="string")


def hash_values(values: pd.Series, key: bytes, prefix: str) -> pd.Series:
    """Keyed BLAKE2b of each value (hashing each distinct value once); missing stays missing."""
    return Pseudonymizer(key).hash(values, prefix)
