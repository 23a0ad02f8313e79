"""The export CLI and the read layer: formats, scopes, periods, denominators, errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import ROOT
from platform_builder import create_platform, tiny_platform_rows

from queries.datasets import COLUMNS

ENV = {"VAX_PSEUDONYM_KEY": "test-key", "PATH": "/usr/bin:/bin"}


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed:\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("q")
    platform, wh = f"sqlite:///{tmp / 'p.db'}", f"sqlite:///{tmp / 'w.db'}"
    create_platform(platform, tiny_platform_rows())
    run("-m", "etl", "run", "--platform-url", platform, "--warehouse-url", wh)
    return wh


def export(wh: str, *args: str) -> list[dict]:
    out = run("-m", "queries", *args, "--warehouse-url", wh).stdout
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_every_dataset_has_its_documented_header(warehouse, name):
    out = run("-m", "queries", name, "--warehouse-url", warehouse).stdout
    assert out.splitlines()[0] == ",".join(COLUMNS[name])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `{name}` | {', '.join(COLUMNS[name])} |" in readme


def test_default_period_is_the_whole_campaign_in_the_warehouse(warehouse):
    sessions = {r["date"] for r in export(warehouse, "sessions")}
    assert min(sessions) == "2021-06-01" and max(sessions) == "2021-09-18"
    # The period runs on to the last day with any activity: a late certificate on 09-20.
    stock_days = {r["date"] for r in export(warehouse, "stock")}
    assert max(stock_days) == "2021-09-20"


def test_scope_limits_rows_to_the_district(warehouse):
    everything = export(warehouse, "sessions", "--from", "2021-09-14", "--to", "2021-09-20")
    district = export(
        warehouse, "sessions", "--from", "2021-09-14", "--to", "2021-09-20", "--scope", "359"
    )
    assert {r["facility_id"] for r in everything} == {"F1", "F2", "F3"}
    assert {r["facility_id"] for r in district} == {"F2"}
    coverage = export(
        warehouse, "coverage", "--from", "2021-09-20", "--to", "2021-09-20", "--scope", "359"
    )
    levels = {(r["area_level"]) for r in coverage}
    assert levels == {"district", "commune"}
    assert len(coverage) == (1 + 18) * 6  # Vụ Bản and its 18 communes, one day, six groups
    assert [r["target_group"] for r in coverage[:6]] == [
        "all",
        "18+",
        "12-17",
        "5-11",
        "50+",
        "65+",
    ]


def test_json_format_has_the_same_rows(warehouse):
    args = ["stock", "--from", "2021-09-14", "--to", "2021-09-16", "--warehouse-url", warehouse]
    as_csv = list(csv.DictReader(io.StringIO(run("-m", "queries", *args).stdout)))
    as_json = json.loads(run("-m", "queries", *args, "--format", "json").stdout)
    assert len(as_csv) == len(as_json) > 0
    assert as_json[0]["date"] == as_csv[0]["date"]
    assert {r["declared_remaining"] for r in as_csv} >= {""}  # empty when no report
    assert any(r["declared_remaining"] is None for r in as_json)


def test_unknown_scope_and_bad_dates_are_refused_clearly(warehouse):
    done = run(
        "-m", "queries", "sessions", "--scope", "99999", "--warehouse-url", warehouse, check=False
    )
    assert done.returncode == 2 and "unknown scope '99999'" in done.stderr
    done = run(
        "-m",
        "queries",
        "sessions",
        "--from",
        "2021-13-01",
        "--warehouse-url",
        warehouse,
        check=False,
    )
    assert done.returncode == 2 and "not a date" in done.stderr
    done = run(
        "-m",
        "queries",
        "sessions",
        "--from",
        "2021-09-20",
        "--to",
        "2021-09-01",
        "--warehouse-url",
        warehouse,
        check=False,
    )
    assert done.returncode == 2 and "before it starts" in done.stderr


def test_census_denominators_match_the_published_census(warehouse):
    rows = export(warehouse, "coverage", "--from", "2021-09-20", "--to", "2021-09-20")
    total = {r["area_code"]: int(r["population"]) for r in rows if r["target_group"] == "all"}
    # District totals published with the 2019 census (GSO).
    published = {
        "356": 236294,
        "358": 72514,
        "359": 130862,
        "360": 229006,
        "361": 175786,
        "362": 183241,
        "363": 172557,
        "364": 149480,
        "365": 167752,
        "366": 262901,
    }
    assert {k: total[k] for k in published} == published
    assert total["36"] == 1780393
    adults = int(
        next(r for r in rows if r["area_code"] == "36" and r["target_group"] == "18+")["population"]
    )
    # The Ministry's 2021 figure for Nam Định is 1,272,614. The census aged forward to 2021
    # (everyone born in 2003 or earlier, no deaths counted) gives about 4 % more.
    assert 0 < (adults - 1272614) / 1272614 < 0.05


def test_commune_populations_come_from_the_census_file(warehouse, shared_data):
    census = {}
    path = shared_data / "vn-gso-census2019-population" / "nam_dinh_census2019_pop_by_ward_tidy.csv"
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["level"] == "commune":
                census[r["commune"]] = int(r["pop_total"])
    rows = export(warehouse, "coverage", "--from", "2021-09-20", "--to", "2021-09-20")
    names = {}
    with (ROOT / "reference" / "communes.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            names[r["commune_code"]] = r["commune_name"]
    ours = {
        r["area_code"]: int(r["population"])
        for r in rows
        if r["area_level"] == "commune" and r["target_group"] == "all"
    }
    # Communes untouched by the 2019-2021 mergers carry exactly the census figure.
    same = [c for c in ours if names[c] in census and c not in {"13795", "13951", "14284"}]
    assert len(same) >= 200
    assert all(ours[c] == census[names[c]] for c in same)


def test_every_exported_measure_has_a_definition_in_both_languages():
    from queries.definitions import METRICS

    keys = {
        "facility_id",
        "date",
        "vaccine_code",
        "dose_number",
        "dose_kind",
        "area_code",
        "area_level",
        "store_id",
        "severity",
        "commune_code",
        "district_code",
        "next_kind",
    }
    measures = {c for cols in COLUMNS.values() for c in cols} - keys
    assert not measures - set(METRICS)
    for metric in METRICS.values():
        assert metric.label_vi and metric.label_en and metric.definition_vi and metric.definition_en
