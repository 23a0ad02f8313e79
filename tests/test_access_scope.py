"""A district user reaches nothing of another district: the read layer refuses any scope outside
the allowed one (both warehouse dialects), cuts the reference lists, refuses province-only reads,
gives the province only as totals and a rank, the export command line does the same for a named
user; and every page, walked through AppTest by a signed-in district user with links naming
another district, commune or site, shows no other district's code, site id, name or number."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT
from page_support import ENV, etl
from platform_builder import create_platform, tiny_platform_rows
from streamlit.testing.v1 import AppTest

from dashboard import format as fmt
from dashboard.auth import SESSION
from dashboard.navigation import PAGES, script
from queries import access, accounts, dimensions, overview, quality, sites
from queries.scope import Allowed, Period, Scope, ScopeRefused
from warehouse import engine as wh_engine

pytestmark = pytest.mark.auth
PERIOD = Period(date(2021, 6, 1), date(2021, 9, 30))
PASSWORD = "a long enough password"
APP = str(ROOT / "dashboard" / "app.py")
OUTSIDE_NOTICE = "nằm ngoài phạm vi được phép của tài khoản"


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


# --- every page, as a district user -----------------------------------------------------------
MINE = "356"


def _other_district_facts(url: str, period: Period) -> dict[str, set[str]]:
    """What must never appear for a user of district 356: the other districts' codes and
    names, their communes' codes, their sites' ids and their population figures."""
    engine = wh_engine.make_engine(url)
    with engine.connect() as conn:
        areas = dimensions.areas(conn)
        fac = dimensions.facilities(conn)
        pop = dimensions.population(conn)
    engine.dispose()
    districts = areas[areas["area_level"] == "district"]
    others = districts[districts["area_code"] != MINE]
    communes = areas[(areas["area_level"] == "commune") & (areas["parent_code"] != MINE)]
    # The districts' census figures (five or six digits): a province ranking would show them.
    own_numbers = set(pop.loc[pop["area_code"].isin({MINE, "36"}), "population"].astype(int))
    other_numbers = set(pop.loc[pop["area_code"].isin(set(others["area_code"])),
                                "population"].astype(int))  # fmt: skip
    numbers = {n for n in other_numbers - own_numbers if n >= 10_000}
    return {
        "district_codes": set(others["area_code"]),
        "district_names": set(others["name"]),
        "commune_codes": set(communes["area_code"]),
        "site_ids": set(fac.loc[fac["district_code"] != MINE, "facility_id"]),
        "numbers": numbers,
    }


def _everything(at: AppTest) -> tuple[str, str]:
    """(every element's content as text, the query parameters of every link and the app)."""
    parts, links = [], [str(at.query_params)]
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and OUTSIDE_NOTICE not in str(proto):  # it quotes the link
            parts.append(str(proto))
        if node.type in ("arrow_data_frame", "dataframe", "table"):
            parts.append(node.value.to_csv())
        if node.type == "page_link":
            links.append(str(proto))
    return "\n".join(parts), "\n".join(links)


def _leaks(text: str, links: str, facts: dict[str, set[str]]) -> list[str]:
    found = []
    for code in facts["district_codes"]:
        # In links and as text values ("359", district=359), not inside other numbers.
        if re.search(rf"(district=|\"|'|\b){code}(\"|'|&|$)", links, re.M) or re.search(
            rf"[\"']{code}[\"']|district={code}\b", text
        ):
            found.append(f"district code {code}")
    for code in facts["commune_codes"]:
        # Whole tokens only: element ids in the page's protos are random letters and digits.
        if re.search(rf"(?<![\w.,]){code}(?![\w.,])", text + links):
            found.append(f"commune code {code}")
    for site in facts["site_ids"]:
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(site)}(?![0-9])", text + links):
            found.append(f"site {site}")
    for name in facts["district_names"]:
        if name in text:
            found.append(f"district name {name}")
    for n in facts["numbers"]:
        plain = rf"(?<![\w.,]){n}(?:\.0)?(?![\w.,])"
        shown = rf"(?<![\w.,]){re.escape(fmt.number(n))}(?![\w,])"
        if re.search(plain, text) or re.search(shown, text):
            found.append(f"number {n}")
    return found


@pytest.fixture(scope="module")
def district_warehouse(small_province, tmp_path_factory) -> str:
    """A copy of the small simulated province with a district user of 356."""
    tmp = tmp_path_factory.mktemp("walk")
    shutil.copy(Path(sa.make_url(small_province[1]).database), tmp / "w.db")
    url = f"sqlite:///{tmp / 'w.db'}"
    engine = wh_engine.make_engine(url)
    with engine.begin() as conn:
        accounts.add_user(conn, "huyen", PASSWORD, "district", MINE, datetime.now(UTC))
    engine.dispose()
    return url


def _signed_in_app(url: str, monkeypatch, params: dict[str, str]) -> AppTest:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.text_input(key="signin_name").input("huyen")
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    assert SESSION in at.session_state, [e.value for e in at.error]
    return at


def _links_to_other_areas(url: str) -> list[dict[str, str]]:
    engine = wh_engine.make_engine(url)
    with engine.connect() as conn:
        fac = dimensions.facilities(conn)
    engine.dispose()
    other = fac[fac["district_code"] != MINE].iloc[0]
    return [
        {"district": str(other["district_code"])},
        {"commune": str(other["commune_code"])},
        {"site": str(other["facility_id"])},
        {"district": MINE, "commune": str(other["commune_code"])},
        {"district": str(other["district_code"]), "site": str(other["facility_id"])},
    ]


def test_a_district_user_sees_no_other_district_on_any_page_or_link(
    district_warehouse, monkeypatch
):
    """Every page in its default view, then with a link naming another district, commune or
    site (each page one of them, in turn)."""
    facts = _other_district_facts(district_warehouse, PERIOD)
    assert facts["district_codes"] and facts["site_ids"] and facts["numbers"]
    links = _links_to_other_areas(district_warehouse)
    at = _signed_in_app(district_warehouse, monkeypatch, {"lang": "vi"})
    problems = {}
    pages = [p for p in PAGES if p != "quality"]
    for i, page in enumerate(pages):
        for params in ({"lang": "vi"}, {"lang": "vi", **links[i % len(links)]}):
            at.switch_page(script(page))
            at.query_params.clear()
            for key, value in params.items():
                at.query_params[key] = value
            at.run()
            assert not at.exception, (page, params, [e.message for e in at.exception])
            assert SESSION in at.session_state  # still signed in
            if len(params) > 1:
                notices = " ".join(w.value for w in at.warning)
                assert OUTSIDE_NOTICE in notices, (page, params)
            text, shown_links = _everything(at)
            assert "Chất lượng dữ liệu" not in shown_links  # no link to the province's page
            leaks = _leaks(text, shown_links, facts)
            if leaks:
                problems[(page, tuple(params.items()))] = leaks
    if problems:
        pytest.fail("\n".join(f"{k}: {v}" for k, v in problems.items()))


def test_the_leak_check_finds_another_district_when_it_is_shown(district_warehouse):
    """The walk's check is not blind: a province view of the same data trips it."""
    facts = _other_district_facts(district_warehouse, PERIOD)
    engine = wh_engine.make_engine(district_warehouse)
    with engine.connect() as conn:
        ranking = overview.ranking(conn, Scope.province(), PERIOD, "18+")
        fac = dimensions.facilities(conn)
    engine.dispose()
    text = ranking.to_csv() + fac.to_csv() + " ".join(ranking["population"].map(fmt.number))
    leaks = _leaks(text, "district=" + sorted(facts["district_codes"])[0], facts)
    assert any(x.startswith("district code") for x in leaks)
    assert any(x.startswith("site ") for x in leaks)
    assert any(x.startswith("district name") for x in leaks)
    assert any(x.startswith("number") for x in leaks)
