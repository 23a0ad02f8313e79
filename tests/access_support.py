"""What the access tests share: the district user of 356 on a copy of a warehouse, signing in
through AppTest, links naming other areas, the facts of the other districts that must never
reach that user, and the check that finds them in a page's content or a file's text."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from conftest import ROOT
from page_support import open_folded
from streamlit.testing.v1 import AppTest

from dashboard import format as fmt
from dashboard.auth import SESSION
from dashboard.navigation import script
from queries import accounts, dimensions
from queries.scope import Period
from warehouse import engine as wh_engine

MINE = "356"
PERIOD = Period(date(2021, 6, 1), date(2021, 9, 30))
PASSWORD = "a long enough password"
APP = str(ROOT / "dashboard" / "app.py")
OUTSIDE_NOTICE = "nằm ngoài phạm vi được phép của tài khoản"


def copy_with_users(url: str, tmp: Path, users: dict[str, tuple[str, str]]) -> str:
    """A copy of the SQLite warehouse at `url` under `tmp` with the users {name: (role,
    scope)}, all with PASSWORD."""
    shutil.copy(Path(sa.make_url(url).database), tmp / "w.db")
    copy = f"sqlite:///{tmp / 'w.db'}"
    engine = wh_engine.make_engine(copy)
    with engine.begin() as conn:
        for name, (role, scope) in users.items():
            accounts.add_user(conn, name, PASSWORD, role, scope, datetime.now(UTC))
    engine.dispose()
    return copy


def other_district_facts(url: str) -> dict[str, set[str]]:
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


def everything(at: AppTest) -> tuple[str, str]:
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


def leaks(text: str, links: str, facts: dict[str, set[str]]) -> list[str]:
    """The facts found in `text` (and the district codes also in `links`). Each fact is
    first looked for as a plain substring (fast), and only then with its boundaries."""
    found = []
    both = text + links
    for code in facts["district_codes"]:
        if code not in both:
            continue
        # In links and as text values ("359", district=359), not inside other numbers.
        if re.search(rf"(district=|\"|'|\b){code}(\"|'|&|$)", links, re.M) or re.search(
            rf"[\"']{code}[\"']|district={code}\b", text
        ):
            found.append(f"district code {code}")
    for code in facts["commune_codes"]:
        # Whole tokens only: element ids in the page's protos are random letters and digits.
        if code in both and re.search(rf"(?<![\w.,]){code}(?![\w.,])", both):
            found.append(f"commune code {code}")
    for site in facts["site_ids"]:
        if site in both and re.search(rf"(?<![A-Za-z0-9]){re.escape(site)}(?![0-9])", both):
            found.append(f"site {site}")
    for name in facts["district_names"]:
        if name in text:
            found.append(f"district name {name}")
    for n in facts["numbers"]:
        plain = rf"(?<![\w.,]){n}(?:\.0)?(?![\w.,])"
        shown = rf"(?<![\w.,]){re.escape(fmt.number(n))}(?![\w,])"
        if (str(n) in text and re.search(plain, text)) or (
            fmt.number(n) in text and re.search(shown, text)
        ):
            found.append(f"number {n}")
    return found


def signed_in_app(url: str, monkeypatch, params: dict[str, str], name: str = "huyen") -> AppTest:
    """The app on the warehouse at `url`, opened with `params` and signed in as `name`."""
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    assert SESSION in at.session_state, [e.value for e in at.error]
    return at


def links_to_other_areas(url: str) -> list[dict[str, str]]:
    """Query parameters naming another district, one of its communes or sites, or a mix."""
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


def open_page(at: AppTest, page: str, params: dict[str, str]) -> None:
    """Switch the signed-in app to `page` with exactly `params` in its address and run it,
    its folded tables opened (they are made on demand): no exception, still signed in."""
    at.switch_page(script(page))
    at.query_params.clear()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    open_folded(at)
    assert not at.exception, (page, params, [e.message for e in at.exception])
    assert SESSION in at.session_state  # still signed in
