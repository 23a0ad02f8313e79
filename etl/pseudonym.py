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


def hash_values(values: pd.Series, key: bytes, prefix: str) -> pd.Series:
    """Keyed BLAKE2b of each value (hashing each distinct value once); missing stays missing."""
    codes, uniques = pd.factorize(values)
    digests = np.array(
        [
            hashlib.blake2b(f"{prefix}:{v}".encode(), key=key, digest_size=16).hexdigest()
            for v in uniques
        ]
        + [None],
        dtype=object,
    )
    # factorize marks missing values with -1, which picks the trailing None.
    return pd.Series(digests[codes], index=values.index, dtype="string")
