"""End to end: simulate a platform, load it, and check every export against METRICS.md.

The product's numbers (`python -m queries DATASET`) must equal the independent reference
implementation in tests/reference_metrics.py, computed straight from the platform tables with
the rows the ETL rejected (open rows of `etl_reject`) treated as absent.

The simulation runs once per dialect and module. The fixture mirrors conftest's `dbs` (same
dialects, same database factory, same PostgreSQL skip rule) but lives for the whole module,
since simulating and loading is the slow part.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import conftest
import pandas as pd
import pytest
from page_support import open_rejects, read
from platform_builder import create_platform, tiny_platform_rows
from reference_metrics import (
    COLUMNS,
    COUNT_COLUMNS,
    DATASETS,
    KEYS,
    VIEW_KEYS,
    reference_dataset,
    reference_view,
    restrict_to_scope,
)

from queries import aefi, quality, stock_flow
from queries.scope import Period

ROOT = Path(__file__).resolve().parent.parent
SEED = 20210427
SIM_START, SIM_END = "2021-03-08", "2021-10-31"
SCALE = "0.01"
# Several weeks across the surge of September-October 2021.
PERIOD_FROM, PERIOD_TO = "2021-09-01", "2021-10-31"
SCOPE_DISTRICT = "360"  # Huyện Ý Yên, the district with the most communes after Hải Hậu
CLI_TIMEOUT = 900
ENV = {**os.environ, "VAX_PSEUDONYM_KEY": "test-key"}

# Exports that may leave out days with nothing to count; compared without all-zero rows.
SPARSE = {"sessions", "doses", "certificates", "aefi"}
COVERAGE_VALUES = ["people_1plus", "people_full", "people_boosted", "population"]


def run_cli(*args: str) -> str:
    """`python -m ARGS` from the project root; its stdout, or a failure showing stderr."""
    command = [sys.executable, "-m", *args]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=ENV,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=CLI_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"timed out after {CLI_TIMEOUT}s: {' '.join(command)}")
    if done.returncode != 0:
        pytest.fail(
            f"exit {done.returncode} after {time.monotonic() - started:.0f}s: "
            f"{' '.join(command)}\n--- stderr ---\n{done.stderr[-4000:]}"
            f"\n--- stdout ---\n{done.stdout[-2000:]}"
        )
    return done.stdout


@dataclass
class LoadedPlatform:
    dialect: str
    platform_url: str
    warehouse_url: str
    excluded: dict[str, set[str]]
    date_from: str = PERIOD_FROM
    date_to: str = PERIOD_TO
    _references: dict[str, pd.DataFrame] = field(default_factory=dict)

    def reference(self, dataset: str) -> pd.DataFrame:
        if dataset not in self._references:
            self._references[dataset] = reference_dataset(
                self.platform_url, dataset, self.date_from, self.date_to, self.excluded
            )
        return self._references[dataset]

    def view(self, view: str, scope: str) -> pd.DataFrame:
        return reference_view(
            self.platform_url, view, self.date_from, self.date_to, self.excluded, scope
        )

    @property
    def period(self) -> Period:
        return Period(pd.Timestamp(self.date_from).date(), pd.Timestamp(self.date_to).date())

    def export(self, dataset: str, scope: str | None = None) -> pd.DataFrame:
        args = [
            "queries",
            dataset,
            "--warehouse-url",
            self.warehouse_url,
            "--from",
            self.date_from,
            "--to",
            self.date_to,
            "--format",
            "csv",
        ]
        if scope:
            args += ["--scope", scope]
        return parse_export(dataset, run_cli(*args))


@pytest.fixture(scope="module", params=conftest.DIALECTS)
def loaded(request, tmp_path_factory, pg_available) -> Iterator[LoadedPlatform]:
    """A simulated platform loaded into a fresh warehouse, once per dialect."""
    dialect = request.param
    if dialect == "postgresql" and not pg_available:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at " + conftest.PG_ADMIN_URL)
        pytest.skip("PostgreSQL is not reachable")
    factory = conftest.DatabaseFactory(dialect, tmp_path_factory.mktemp(f"recon-{dialect}"))
    try:
        platform_url = factory.new_url("platform")
        warehouse_url = factory.new_url("warehouse")
        started = time.monotonic()
        run_cli(
            "simulator",
            "--platform-url",
            platform_url,
            "--seed",
            str(SEED),
            "--start",
            SIM_START,
            "--end",
            SIM_END,
            "--scale",
            SCALE,
        )
        simulated = time.monotonic()
        run_cli("etl", "run", "--platform-url", platform_url, "--warehouse-url", warehouse_url)
        print(
            f"\n[{dialect}] simulated in {simulated - started:.1f}s, "
            f"loaded in {time.monotonic() - simulated:.1f}s"
        )
        yield LoadedPlatform(dialect, platform_url, warehouse_url, open_rejects(warehouse_url))
    finally:
        factory.drop_all()


# --------------------------------------------------------------------------------------------
# Reading the export and comparing
# --------------------------------------------------------------------------------------------


def parse_export(dataset: str, text: str) -> pd.DataFrame:
    """The CSV export as a frame shaped like the reference (keys as text, counts as ints)."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    wanted = COLUMNS[dataset] if dataset != "coverage" else [*KEYS[dataset], *COVERAGE_VALUES]
    missing = [c for c in wanted if c not in frame.columns]
    assert not missing, f"{dataset} export lacks columns {missing}; it has {list(frame.columns)}"
    frame = frame[wanted].copy()
    for col in KEYS[dataset]:
        frame[col] = frame[col].astype("str")
    if "dose_number" in frame:
        frame["dose_number"] = pd.to_numeric(frame["dose_number"]).astype("int64")
    for col in COUNT_COLUMNS[dataset]:
        if col in frame:
            frame[col] = pd.to_numeric(frame[col]).astype("int64")
    if "declared_remaining" in frame:
        declared = frame["declared_remaining"].str.strip().replace("", None)
        frame["declared_remaining"] = pd.to_numeric(declared).astype("float64")
    return frame


def _shape(dataset: str, frame: pd.DataFrame) -> pd.DataFrame:
    keys = KEYS[dataset]
    values = (
        COVERAGE_VALUES if dataset == "coverage" else [c for c in COLUMNS[dataset] if c not in keys]
    )
    frame = frame[[*keys, *values]].copy()
    if dataset in SPARSE:
        counts = COUNT_COLUMNS[dataset]
        frame = frame[(frame[counts] != 0).any(axis=1)]
    if "dose_number" in frame:
        frame["dose_number"] = frame["dose_number"].astype("int64")
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _table(frame: pd.DataFrame, limit: int = 12) -> str:
    shown = frame.head(limit).copy()
    # Outer joins turn counts into floats; show them as the integers they are.
    for col in shown.columns:
        values = shown[col]
        if values.dtype == "float64" and (values.dropna() % 1 == 0).all():
            shown[col] = values.astype("Int64")
    shown = shown.to_string(index=False)
    more = f"\n... and {len(frame) - limit} more" if len(frame) > limit else ""
    return shown + more


def _unequal(left: pd.Series, right: pd.Series) -> pd.Series:
    """Element-wise difference, where two missing values are equal."""
    return ~((left == right) | (left.isna() & right.isna()))


def assert_same_numbers(dataset: str, exported: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal as sets of rows; a failure lists the first rows that differ, in both directions."""
    keys = KEYS[dataset]
    exported, expected = _shape(dataset, exported), _shape(dataset, expected)
    problems = []

    duplicated = exported[exported.duplicated(keys, keep=False)]
    if len(duplicated):
        problems.append(f"export repeats keys ({len(duplicated)} rows):\n{_table(duplicated)}")

    values = [c for c in exported.columns if c not in keys]
    both = exported.merge(
        expected, on=keys, how="outer", suffixes=("_export", "_reference"), indicator=True
    )
    only_export = both[both["_merge"] == "left_only"]
    only_reference = both[both["_merge"] == "right_only"]
    if len(only_export):
        shown = only_export[[*keys, *(f"{c}_export" for c in values)]]
        problems.append(f"{len(only_export)} rows only in the export:\n{_table(shown)}")
    if len(only_reference):
        shown = only_reference[[*keys, *(f"{c}_reference" for c in values)]]
        problems.append(f"{len(only_reference)} rows only in the reference:\n{_table(shown)}")

    matched = both[both["_merge"] == "both"]
    unequal = {
        col: _unequal(matched[f"{col}_export"], matched[f"{col}_reference"]) for col in values
    }
    differing = pd.concat(unequal, axis=1).any(axis=1) if values else pd.Series(dtype=bool)
    if differing.any():
        bad = matched[differing]
        columns = [*keys]
        for col in values:
            if unequal[col][differing].any():
                columns += [f"{col}_export", f"{col}_reference"]
        problems.append(
            f"{int(differing.sum())} of {len(matched)} rows differ:\n{_table(bad[columns])}"
        )

    if problems:
        summary = f"{dataset}: export {len(exported)} rows, reference {len(expected)} rows"
        pytest.fail(summary + "\n\n" + "\n\n".join(problems), pytrace=False)


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_reference_sees_a_busy_period(loaded):
    # Guards the comparisons below against passing on empty data.
    sessions = loaded.reference("sessions")
    assert sessions["doses"].sum() > 100
    assert loaded.reference("certificates")["issued"].sum() > 0
    assert loaded.reference("stock")["received"].sum() > 0


@pytest.mark.slow
@pytest.mark.parametrize("dataset", DATASETS)
def test_province_export_equals_reference(loaded, dataset):
    assert_same_numbers(dataset, loaded.export(dataset), loaded.reference(dataset))


@pytest.mark.slow
@pytest.mark.parametrize("dataset", DATASETS)
def test_district_export_equals_reference_restricted_to_the_district(loaded, dataset):
    exported = loaded.export(dataset, scope=SCOPE_DISTRICT)
    expected = restrict_to_scope(
        loaded.reference(dataset), dataset, loaded.platform_url, SCOPE_DISTRICT, loaded.excluded
    )
    if dataset == "coverage" and SCOPE_DISTRICT not in set(exported["area_code"]):
        # A district's view may list only its communes; the district row is then not expected.
        expected = expected[expected["area_code"] != SCOPE_DISTRICT]
    assert len(expected) > 0
    assert_same_numbers(dataset, exported, expected)


def assert_same_view(view: str, got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The query's rows equal the reference's (on the reference's columns), as sets of rows; a
    failure lists the rows found on one side only."""
    got = got[list(expected.columns)].astype(expected.dtypes.to_dict())
    repeated = got[got.duplicated(VIEW_KEYS[view], keep=False)]
    both = got.merge(expected, how="outer", indicator=True)
    one_side = both[both["_merge"] != "both"]
    sides = {"left_only": "query", "right_only": "reference"}
    one_side = one_side.assign(_merge=one_side["_merge"].astype(str).map(sides))
    if len(repeated) or len(one_side):
        pytest.fail(
            f"{view}: query {len(got)} rows, reference {len(expected)} rows\n"
            f"repeated keys in the query:\n{_table(repeated)}\n"
            f"rows on one side only:\n{_table(one_side.sort_values(VIEW_KEYS[view]))}",
            pytrace=False,
        )


@pytest.mark.slow
@pytest.mark.parametrize("scope", ["36", SCOPE_DISTRICT])
def test_aefi_by_lot_equals_reference(loaded, scope):
    expected = loaded.view("aefi_by_lot", scope)
    assert expected["reports"].sum() > 0
    got = read(loaded.warehouse_url, aefi.by_lot, scope, loaded.period)
    assert_same_view("aefi_by_lot", got, expected)


@pytest.mark.slow
@pytest.mark.parametrize("scope", ["36", SCOPE_DISTRICT])
def test_transfers_between_stores_equal_reference(loaded, scope):
    expected = loaded.view("transfers", scope)
    assert set(expected["kind"]) >= {"transfer"}
    got = read(loaded.warehouse_url, stock_flow.transfers, scope, loaded.period)
    assert_same_view("transfers", got, expected)
    # The Sankey's links carry every dose of those pairs, whatever the grouping of sites.
    for nodes in (1, 1000):
        links = read(loaded.warehouse_url, stock_flow.flow, scope, loaded.period, nodes)
        assert links["doses"].sum() == expected["doses"].sum()


@pytest.mark.slow
@pytest.mark.parametrize("scope", ["36", SCOPE_DISTRICT])
def test_late_sites_equal_reference(loaded, scope):
    expected = loaded.view("late_sites", scope)
    assert len(expected) > 0
    got = read(loaded.warehouse_url, quality.late_sites, scope, loaded.period)
    got = got.assign(date=got["date"].map(str))
    assert_same_view("late_sites", got, expected)


def test_comparison_reports_the_rows_that_differ(tmp_path):
    # The harness itself, on the hand-made platform: a CSV rendering of the reference parses
    # back equal, and a changed, a missing and an extra row are each reported.
    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    create_platform(url, tiny_platform_rows())
    for dataset in DATASETS:
        reference = reference_dataset(url, dataset, "2021-09-14", "2021-09-20")
        exported = parse_export(dataset, reference.to_csv(index=False))
        assert_same_numbers(dataset, exported, reference)

    reference = reference_dataset(url, "stock", "2021-09-14", "2021-09-20")
    exported = parse_export("stock", reference.to_csv(index=False))
    exported.loc[exported["date"] == "2021-09-18", "on_hand"] += 1
    exported = exported[exported["store_id"] != "S359"]
    exported = pd.concat([exported, reference.tail(1).assign(store_id="S999")])
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_same_numbers("stock", exported, reference)
    message = str(failure.value)
    assert "7 rows only in the reference" in message  # S359, every day
    assert "1 rows only in the export" in message and "S999" in message
    differences = message.split("5 of 30 rows differ")[1]  # 09-18 at each of the 5 stores left
    assert "on_hand_export" in differences
    assert "declared_remaining_export" not in differences  # equal, both missing


@pytest.mark.slow
def test_hand_made_platform_exports_equal_reference(dbs):
    # Fast and deterministic: the tiny platform whose numbers test_reference_metrics.py checks
    # by hand, loaded by the real ETL and exported by the real CLI, every dataset.
    platform_url, warehouse_url = dbs.new_url("platform"), dbs.new_url("warehouse")
    create_platform(platform_url, tiny_platform_rows())
    run_cli("etl", "run", "--platform-url", platform_url, "--warehouse-url", warehouse_url)
    loaded = LoadedPlatform(
        dbs.dialect,
        platform_url,
        warehouse_url,
        open_rejects(warehouse_url),
        date_from="2021-09-14",
        date_to="2021-09-20",
    )

    failures = []
    for dataset in DATASETS:
        try:
            assert_same_numbers(dataset, loaded.export(dataset), loaded.reference(dataset))
        except pytest.fail.Exception as failure:
            failures.append(str(failure))
    if failures:
        rejected = f"open rejects: {loaded.excluded}\n\n"
        pytest.fail(rejected + "\n\n".join(failures), pytrace=False)
