"""Reading the source tables, in load order, each while the one before is processed."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import pandas as pd
import sqlalchemy as sa

from etl.contract import BY_NAME, SOURCE_TABLES
from etl.extract import extract_increment, shared_snapshot

# The order tables are read and loaded in: each after those its rows refer to (checked in
# validation). A full load computes the marts of the smaller tables on the server while it
# cleans the large ones here: the stock tables come early, the AEFI reports before the
# certificates.
LOAD_ORDER = tuple(
    BY_NAME[name]
    for name in (
        "vaccine",
        "facility",
        "store",
        "stock_transaction",
        "stock_report",
        "vaccination_plan",
        "citizen",
        "visit",
        "aefi_report",
        "certificate",
    )
)
assert set(LOAD_ORDER) == set(SOURCE_TABLES)


class Reader:
    """Reads the source tables in order, each while the one before is being processed.

    Reads run in a worker thread, each on its own connection (on PostgreSQL joining the
    snapshot of the source transaction, exported here first), so extracting the next table
    overlaps cleaning and validating this one."""

    AHEAD = 2  # tables read ahead (small ones take no time: two reach the next large one)

    def __init__(self, src: sa.Connection, jobs: list, progress: Callable[[str], None]) -> None:
        shared_snapshot(src)
        self._src = src
        self._jobs = list(jobs)
        self._progress = progress
        self._futures: dict[str, Future] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="etl-reader")

    def _submit_next(self) -> None:
        if self._jobs:
            spec, since = self._jobs.pop(0)
            self._futures[spec.name] = self._pool.submit(
                extract_increment, self._src, spec, since, self._progress
            )

    def read(self, name: str) -> pd.DataFrame:
        while name not in self._futures and self._jobs:
            self._submit_next()
        future = self._futures.pop(name)
        while len(self._futures) < self.AHEAD and self._jobs:
            self._submit_next()
        return future.result()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
