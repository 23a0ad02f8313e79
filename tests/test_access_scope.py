"""A district user reaches nothing of another district: the read layer refuses any scope outside
the allowed one (both warehouse dialects), cuts the reference lists, refuses province-only reads,
gives the province only as totals and a rank, the export command line does the same for a named
user; and every page, walked through AppTest by a signed-in district user with links naming
another district, commune or site, shows no other district's code, site id, name or number."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from access_support import (
    MINE,
    OUTSIDE_NOTICE,
    PASSWORD,
    PERIOD,
    copy_with_users,
    everything,
    leaks,
    links_to_other_areas,
    open_page,
    other_district_facts,
    signed_in_app,
)
from conftest import ROOT
from page_support import ENV, etl
from platform_builder import create_platform, tiny_platform_rows

from dashboard import format as fmt
from dashboard.navigation import PAGES
from queries import access, accounts, dimensions, overview, quality, sites
from queries.scope import Allowed, Scope, ScopeRefused
from warehouse import engine as wh_engine

pytestmark = pytest.mark.auth


@pytest.fixture
def tiny_warehouse(dbs, tmp_path) -> str:
    """The hand-made platform (F1, F3 in district 356; F2 in 359) loaded into each dialect."""
    platform = f"sqlite:///{tmp_path / 'p.db'}"
    create_platform(platform, tiny_platform_rows())
    return etl(platform, dbs.new_url("scope"))


def test_the_read_layer_refuses_any_scope_outside_the_allowed_district(tiny_warehouse, caplog):
    engine = wh_engine.make_engine(tiny_warehouse)
    allowed = Allowed("356")
    with engine.connect() as conn:
        for scope in (Scope("district", "356"), Scope("commune", "13633"), Scope("facility", "F1")):
            df = access.read(conn, allowed, sites.site_status, scope, PERIOD)
            assert set(df["facility_id"]) <= {"F1", "F3"}
        outside = (
            Scope.province(),
            Scope("district", "359"),
            Scope("commune", "13771"),
            Scope("facility", "F2"),
            Scope("facility", "F9"),  # unknown: refused the same way
        )
        for scope in outside:
            with pytest.raises(ScopeRefused, match=f"refused: {scope.level} {scope.code} is "):
                access.read(conn, allowed, sites.site_status, scope, PERIOD)
        # The province reads everything.
        whole = access.read(conn, Allowed.province(), sites.site_status, Scope.province(), PERIOD)
        assert {"F1", "F2", "F3"} <= set(whole["facility_id"])
        # Unscoped reads: cut to the district, province-only ones refused, unknown refused.
        areas = access.read_plain(conn, allowed, dimensions.areas)
        assert "359" not in set(areas["area_code"]) and "13771" not in set(areas["area_code"])
        assert {"36", "356", "13633"} <= set(areas["area_code"])
        fac = access.read_plain(conn, allowed, dimensions.facilities)
        assert set(fac["facility_id"]) == {"F1", "F3"}
        for query in (quality.etl_runs, quality.reject_summary, dimensions.stores):
            with pytest.raises(ScopeRefused):
                access.read_plain(conn, allowed, query)
        assert len(access.read_plain(conn, Allowed.province(), quality.etl_runs)) == 1
        # The province as totals and a rank only.
        context = access.province_context(conn, allowed, PERIOD, "18+", "1plus")
        ranking = overview.ranking(conn, Scope.province(), PERIOD, "18+")
    engine.dispose()
    assert "refused: district 359 is outside the allowed scope (district 356)" in caplog.text
    assert context.districts == len(ranking) == 10
    assert context.province_doses == ranking["doses"].sum()
    ranks = ranking["doses"].rank(ascending=False, method="min")
    assert context.rank_doses == ranks[ranking["area_code"] == "356"].iloc[0]


def test_the_export_command_line_keeps_a_named_user_to_their_district(dbs, tmp_path):
    platform = f"sqlite:///{tmp_path / 'p.db'}"
    create_platform(platform, tiny_platform_rows())
    wh = etl(platform, dbs.new_url("cli"))
    engine = wh_engine.make_engine(wh)
    with engine.begin() as conn:
        accounts.add_user(conn, "huyen", PASSWORD, "district", "356", datetime.now(UTC))

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "queries", "sessions", "--warehouse-url", wh, *args],
            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    refused = run("--user", "huyen", "--scope", "359")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "error: refused: district 359 is outside the allowed scope (district 356)"
    ]
    assert run("--user", "huyen", "--scope", "F2").returncode == 2
    mine = run("--user", "huyen")
    assert mine.returncode == 0
    rows = mine.stdout.splitlines()[1:]
    assert rows and {r.split(",")[0] for r in rows} <= {"F1", "F3"}
    with engine.connect() as conn:
        events = conn.execute(
            sa.text("SELECT user_name, event, scope_code FROM audit_log ORDER BY event_id")
        ).all()
    engine.dispose()
    assert [tuple(e) for e in events] == [
        ("huyen", "refused", "356"),
        ("huyen", "refused", "356"),
        ("huyen", "export", "356"),
    ]


def test_the_export_command_line_refuses_a_viewer(dbs, tmp_path):
    """A viewer reads pages but takes no data away, from the command line either."""
    platform = f"sqlite:///{tmp_path / 'p.db'}"
    create_platform(platform, tiny_platform_rows())
    wh = etl(platform, dbs.new_url("cli"))
    engine = wh_engine.make_engine(wh)
    with engine.begin() as conn:
        accounts.add_user(conn, "xem", PASSWORD, "viewer", "356", datetime.now(UTC))
    done = subprocess.run(
        [sys.executable, "-m", "queries", "sessions", "--warehouse-url", wh, "--user", "xem"],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "error: refused: xem is a viewer and may not export data"
    ]
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT user_name, event FROM audit_log")).all()
    engine.dispose()
    assert [tuple(e) for e in events] == [("xem", "refused")]


# --- every page, as a district user -----------------------------------------------------------
@pytest.fixture(scope="module")
def district_warehouse(small_province, tmp_path_factory) -> str:
    """A copy of the small simulated province with a district user of 356."""
    tmp = tmp_path_factory.mktemp("walk")
    return copy_with_users(small_province[1], tmp, {"huyen": ("district", MINE)})


def test_a_district_user_sees_no_other_district_on_any_page_or_link(
    district_warehouse, monkeypatch
):
    """Every page in its default view, then with a link naming another district, commune or
    site (each page one of them, in turn)."""
    facts = other_district_facts(district_warehouse)
    assert facts["district_codes"] and facts["site_ids"] and facts["numbers"]
    links = links_to_other_areas(district_warehouse)
    at = signed_in_app(district_warehouse, monkeypatch, {"lang": "vi"})
    problems = {}
    pages = [p for p in PAGES if p != "quality"]
    for i, page in enumerate(pages):
        for params in ({"lang": "vi"}, {"lang": "vi", **links[i % len(links)]}):
            open_page(at, page, params)
            if len(params) > 1:
                notices = " ".join(w.value for w in at.warning)
                assert OUTSIDE_NOTICE in notices, (page, params)
            text, shown_links = everything(at)
            assert "Chất lượng dữ liệu" not in shown_links  # no link to the province's page
            found = leaks(text, shown_links, facts)
            if found:
                problems[(page, tuple(params.items()))] = found
    if problems:
        pytest.fail("\n".join(f"{k}: {v}" for k, v in problems.items()))


def test_the_leak_check_finds_another_district_when_it_is_shown(district_warehouse):
    """The walk's check is not blind: a province view of the same data trips it."""
    facts = other_district_facts(district_warehouse)
    engine = wh_engine.make_engine(district_warehouse)
    with engine.connect() as conn:
        ranking = overview.ranking(conn, Scope.province(), PERIOD, "18+")
        fac = dimensions.facilities(conn)
    engine.dispose()
    text = ranking.to_csv() + fac.to_csv() + " ".join(ranking["population"].map(fmt.number))
    found = leaks(text, "district=" + sorted(facts["district_codes"])[0], facts)
    assert any(x.startswith("district code") for x in found)
    assert any(x.startswith("site ") for x in found)
    assert any(x.startswith("district name") for x in found)
    assert any(x.startswith("number") for x in found)
