"""A district user's files hold nothing of another district: every download every page offers
(chart images, tables as Excel and CSV, the overview's weekly briefing and Ministry report, the
allocation workbook), got through the page's own buttons in AppTest by a signed-in district user
of 356, in the page's default view, with a link naming another district, commune or site, and
in views of the user's own commune and site, passes the leak check of the page walk; each file
made writes its audit row, the table downloads none; a viewer gets no download; the briefing's
and the report's command lines refuse another district for a named user. The same check trips
on the province user's same files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from access_support import (
    MINE,
    OUTSIDE_NOTICE,
    copy_with_users,
    leaks,
    links_to_other_areas,
    open_page,
    other_district_facts,
    signed_in_app,
)
from conftest import ROOT
from file_text import File, MediaFiles, pptx_parts, svg_size, svg_text, text_of
from page_support import ENV
from PIL import Image

import settings
from dashboard.exports import names
from dashboard.navigation import PAGES
from queries import dimensions
from warehouse import engine as wh_engine

pytestmark = [pytest.mark.auth, pytest.mark.slow]
MAKE_KEYS = ("make_", "briefing_make", "reports_make_moh")
REPORT_PREFIX = "bao-cao-ngay-byt_"
BRIEFING_PREFIX = "giao-ban-tuan_"


@pytest.fixture(scope="module")
def warehouse(small_province, tmp_path_factory) -> str:
    """The small simulated province with a district user of 356, a province user and two
    viewers (of the province and of 356)."""
    users = {
        "huyen": ("district", MINE),
        "tinh": ("province", "36"),
        "xem": ("viewer", "36"),
        "xem356": ("viewer", MINE),
    }
    return copy_with_users(small_province[1], tmp_path_factory.mktemp("exports"), users)


@pytest.fixture(scope="module")
def own_site(warehouse) -> tuple[str, str]:
    """(commune code, site id) of the busiest site of 356."""
    engine = wh_engine.make_engine(warehouse)
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT f.commune_code, f.facility_id FROM mart_session_day m "
                "JOIN facility f ON f.facility_id = m.facility_id "
                "WHERE f.district_code = :d GROUP BY f.commune_code, f.facility_id "
                "ORDER BY SUM(m.checked_in) DESC LIMIT 1"
            ),
            {"d": MINE},
        ).one()
    engine.dispose()
    return str(row[0]), str(row[1])


def _commune_names(url: str) -> set[str]:
    """The names of the communes of 356."""
    engine = wh_engine.make_engine(url)
    with engine.connect() as conn:
        areas = dimensions.areas(conn)
    engine.dispose()
    mine = (areas["area_level"] == "commune") & (areas["parent_code"] == MINE)
    return set(areas.loc[mine, "name"])


def _chromium() -> None:
    if not Path(settings.chromium_path()).exists():
        pytest.fail(f"{settings.chromium_path()} is missing: the chart images cannot be made")


def _make_buttons(at) -> list:
    return [b for b in at.button if b.key and b.key.startswith(MAKE_KEYS)]


def _offered(at, media: MediaFiles, page: str, params, *, make: bool) -> list[File]:
    """Every download the view offers; with `make`, after clicking every "make" button of the
    view at once (images, briefing, daily report) and running it. Each file asked for (now
    or in an earlier view of the same area and period) is offered: one for each image, two
    for the briefing, one for the report; a table's downloads are offered either way."""
    before = {b.proto.id for b in at.get("download_button")}
    makes = _make_buttons(at)
    if make:
        for button in makes:
            button.click()
        at.run()
        assert not at.exception, (page, params, [e.message for e in at.exception])
        assert not at.error, (page, params, [e.value for e in at.error])
    offered = at.get("download_button")
    assert before <= {b.proto.id for b in offered}, (page, params)
    saves = [b for b in offered if "save_" in b.proto.id]
    assert len(saves) == len(makes) + ("briefing_make" in {b.key for b in makes}), (page, params)
    return media.downloads(at)


def _image_pairs(files: list[File]) -> list[str]:
    """The chart images come as PNG and SVG of the same figure: the same name, the PNG drawn
    at twice the SVG's size (slide size, or taller for a long ranking); the SVG shows the
    title its name says and the user's area. Returns the problems."""
    problems = []
    pngs = {f.name[:-4]: f for f in files if f.kind == "png"}
    svgs = {f.name[:-4]: f for f in files if f.kind == "svg"}
    if set(pngs) != set(svgs):
        problems.append(f"PNG without SVG or the reverse: {set(pngs) ^ set(svgs)}")
    for stem in set(pngs) & set(svgs):
        picture = Image.open(io.BytesIO(pngs[stem].data))
        width, height = svg_size(svgs[stem].data)
        if picture.format != "PNG" or picture.size != (2 * width, 2 * height):
            problems.append(f"{stem}.png: {picture.format} {picture.size} vs SVG {width}x{height}")
        title, area, _ = stem.split("_", 2)
        drawn = names.slug(svg_text(svgs[stem].data))
        if title not in drawn or area not in drawn:
            problems.append(f"{stem}.svg does not show its title and area")
    return problems


def _audit_exports(url: str, after: int) -> Counter:
    engine = wh_engine.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT user_name, what, scope_code FROM audit_log "
                "WHERE event = 'export' AND event_id > :n"
            ),
            {"n": after},
        ).all()
    engine.dispose()
    return Counter(tuple(r) for r in rows)


def _last_event(url: str) -> int:
    engine = wh_engine.make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT MAX(event_id) FROM audit_log")).scalar()
    engine.dispose()
    return found or 0


def _recorded(files: list[File], scope_code: str) -> Counter:
    """The audit rows the product writes for the files a click made: each chart image by its
    file name, the briefing once (its week and language), the daily report once (its day);
    the tables (made in the download request) none."""
    rows = Counter()
    for f in files:
        if f.kind in ("png", "svg"):
            rows[("huyen", f.name, scope_code)] += 1
        elif f.name.startswith(BRIEFING_PREFIX) and f.kind == "pptx":
            week = f.name[:-5].rsplit("_", 1)[1]
            rows[("huyen", f"briefing {week} (vi)", scope_code)] += 1
        elif f.name.startswith(REPORT_PREFIX):
            day = f.name[:-5].rsplit("_", 1)[1]
            rows[("huyen", f"daily report {day}", scope_code)] += 1
    return rows


def test_every_file_a_district_user_downloads_holds_only_their_district(
    warehouse, own_site, monkeypatch
):
    """Every page in its default view and with a link naming another district, commune or
    site (each page one of them, in turn); the overview and the sites page also in the
    user's own commune and site. In each view every make button is clicked at once and every
    file then offered is read as the browser would get it."""
    _chromium()
    facts = other_district_facts(warehouse)
    links = links_to_other_areas(warehouse)
    commune, site = own_site
    own_communes = _commune_names(warehouse)
    media = MediaFiles(monkeypatch)
    start = _last_event(warehouse)
    at = signed_in_app(warehouse, monkeypatch, {"lang": "vi"})
    problems: dict[tuple, list[str]] = {}
    expected = Counter()
    kinds = Counter()
    pages = [p for p in PAGES if p != "quality"]
    # (page, query parameters, the scope shown, a link outside 356): each page's default view
    # and a link naming another area (the view falls back to 356 with a notice), then views of
    # the user's own commune and site (last: a page opened without an area keeps the area of
    # the page before).
    views = []
    for i, page in enumerate(pages):
        views.append((page, {"lang": "vi"}, MINE, False))
        views.append((page, {"lang": "vi", **links[i % len(links)]}, MINE, True))
    views += [
        ("overview", {"lang": "vi", "commune": commune}, commune, False),
        ("overview", {"lang": "vi", "site": site}, site, False),
        ("sites", {"lang": "vi", "site": site}, site, False),
    ]
    for page, params, scope_code, outside in views:
        open_page(at, page, params)
        if outside:
            assert OUTSIDE_NOTICE in " ".join(w.value for w in at.warning), (page, params)
        # A link's view is the default view again (356, same period): the files made there are
        # offered as they are, without a click (a click would make the same files again).
        files = _offered(at, media, page, params, make=not outside)
        if not outside:
            expected += _recorded(files, scope_code)
        found = _image_pairs(files)
        for f in files:
            kinds[f.kind] += 1
            found += [f"{f.name}: {x}" for x in leaks(f"{f.name}\n{text_of(f)}", "", facts)]
        if page == "overview" and scope_code != MINE:
            # A commune's or a site's briefing ranks the communes of 356 (the page's ranking).
            deck = next(f for f in files if f.kind == "pptx")
            charts = pptx_parts(deck.data)[1]
            assert sum(f'"{n}"' in charts for n in own_communes) >= 2, (page, params)
        if found:
            problems[(page, tuple(params.items()))] = found
    if problems:
        pytest.fail("\n".join(f"{k}: {v}" for k, v in problems.items()))
    # Every kind of file was offered and read: not a walk of nothing.
    assert {"png", "svg", "xlsx", "csv", "pptx", "pdf"} <= set(kinds), kinds
    assert kinds["xlsx"] > kinds["csv"]  # the daily report besides the tables' workbooks
    assert _audit_exports(warehouse, start) == expected


def test_the_leak_check_finds_another_district_in_the_province_users_files(warehouse, monkeypatch):
    """The check is not blind to any kind of file: the province user's overview offers the
    same files with the other districts in them (the districts' ranking as a picture and as
    tables, the province's briefing, the daily report with every district's sites), and the
    check finds them in each kind, the deck's chart data on its own too."""
    _chromium()
    facts = other_district_facts(warehouse)
    media = MediaFiles(monkeypatch)
    at = signed_in_app(warehouse, monkeypatch, {"lang": "vi"}, name="tinh")
    open_page(at, "overview", {"lang": "vi"})
    for button in _make_buttons(at):
        ranking_svg = "_rank_" in button.key and button.key.endswith("_svg")
        if ranking_svg or button.key in ("briefing_make", "reports_make_moh"):
            button.click()
    at.run()
    assert not at.exception and not at.error
    found: dict[str, set[str]] = {}
    for f in media.downloads(at):
        kind = "report" if f.name.startswith(REPORT_PREFIX) else f.kind
        found.setdefault(kind, set()).update(x.split(" ")[0] for x in leaks(text_of(f), "", facts))
        if f.kind == "pptx":
            found["pptx chart"] = {x.split(" ")[0] for x in leaks(pptx_parts(f.data)[1], "", facts)}
    assert {"xlsx", "csv", "svg", "pptx", "pdf", "report", "pptx chart"} <= set(found), found
    assert {"district", "number"} <= found["xlsx"] & found["csv"], found
    assert "district" in found["svg"] & found["pptx"] & found["pdf"] & found["pptx chart"], found
    assert {"district", "site"} <= found["report"], found


def test_a_viewer_gets_no_download_on_any_page(warehouse, own_site, monkeypatch):
    """A viewer of 356 on every page they may open (and a site's detail), a viewer of the
    province on the overview (the province's briefing and report would be there): no
    download button, no button making a file, no image menu, no image in a chart's toolbar."""
    views = [(p, {"lang": "vi"}) for p in PAGES if p != "quality"]
    views.append(("sites", {"lang": "vi", "site": own_site[1]}))
    for name, walked in (("xem356", views), ("xem", views[:1])):
        at = signed_in_app(warehouse, monkeypatch, {"lang": "vi"}, name=name)
        for page, params in walked:
            open_page(at, page, params)
            where = (name, page, params)
            assert not at.get("download_button"), where
            assert not _make_buttons(at), where
            assert "Tải ảnh" not in [p.proto.label for p in at.get("popover")], where
            for chart in at.get("plotly_chart"):
                removed = json.loads(chart.proto.config)["modeBarButtonsToRemove"]
                assert "toImage" in removed, where


def refused_text(level: str, code: str) -> str:
    return f"refused: {level} {code} is outside the allowed scope (district {MINE})"


def _cli(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=ENV, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def test_the_file_command_lines_keep_a_named_user_to_their_district(warehouse, tmp_path, capsys):
    """`--user` of the briefing's and the daily report's command lines: another district, a
    commune or a site of it are refused in one line, nothing written; the user's own files hold
    only their district; a viewer is refused; each file made and each refusal is audited."""
    from dashboard import moh_report
    from dashboard.briefing import __main__ as briefing

    facts = other_district_facts(warehouse)
    other_district, other_commune, other_site = (
        next(iter(p.values())) for p in links_to_other_areas(warehouse)[:3]
    )
    start = _last_event(warehouse)
    out = tmp_path / "out"
    common = ["--warehouse-url", warehouse, "--out", str(out), "--user"]
    refused = _cli("dashboard.briefing", "--week", "2021-W42", "--scope", other_district,
                   *common, "huyen")  # fmt: skip
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == [f"error: {refused_text('district', other_district)}"]
    refused = _cli("dashboard.moh_report", "--date", "2021-10-20", "--scope", other_site,
                   *common, "huyen")  # fmt: skip
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == [f"error: {refused_text('facility', other_site)}"]
    assert briefing.main(["--week", "2021-W42", "--scope", other_commune, *common, "huyen"]) == 2
    assert not out.exists()
    # A viewer makes nothing, even of their own district.
    assert moh_report.main(["--date", "2021-10-20", *common, "xem356"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "error: refused: xem356 is a viewer and may not make files"
    )
    # The user's own: their district by default, and only it.
    assert briefing.main(["--week", "2021-W42", *common, "huyen"]) == 0
    assert moh_report.main(["--date", "2021-10-20", *common, "huyen"]) == 0
    made = sorted(out.iterdir())
    assert [p.name for p in made] == [
        "bao-cao-ngay-byt_thanh-pho-nam-dinh_2021-10-20.xlsx",
        "giao-ban-tuan_thanh-pho-nam-dinh_2021-W42.pdf",
        "giao-ban-tuan_thanh-pho-nam-dinh_2021-W42.pptx",
    ]
    for path in made:
        text = text_of(File("", path.name, "", path.read_bytes()))
        assert "Thành phố Nam Định" in text and not leaks(text, "", facts), path.name
    engine = wh_engine.make_engine(warehouse)
    with engine.connect() as conn:
        events = conn.execute(
            sa.text(
                "SELECT user_name, event, what, scope_code FROM audit_log WHERE event_id > :n "
                "ORDER BY event_id"
            ),
            {"n": start},
        ).all()
    engine.dispose()
    assert [tuple(e) for e in events] == [
        ("huyen", "refused", refused_text("district", other_district), MINE),
        ("huyen", "refused", refused_text("facility", other_site), MINE),
        ("huyen", "refused", refused_text("commune", other_commune), MINE),
        ("xem356", "refused", "refused: xem356 is a viewer and may not make files", MINE),
        ("huyen", "export", "python -m dashboard.briefing 2021-W42 (vi)", MINE),
        ("huyen", "export", "python -m dashboard.moh_report 2021-10-20", MINE),
    ]
