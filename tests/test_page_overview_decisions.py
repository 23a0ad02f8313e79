"""The overview's "Cần quyết định" and expired / near-expiry sections
(dashboard/overview_decisions.py) through AppTest on the small simulated province, in both
languages: what they show is what `queries.decisions` and `queries.expiry` return, and each
item links to the page that shows it."""

from __future__ import annotations

import pytest
from page_support import default_period, open_page, read

from dashboard import format as fmt
from queries import decisions, expiry
from queries.alerts import Thresholds

PAGE = "app_pages/overview.py"
TITLES = {
    "vi": ("Cần quyết định", "Vắc xin đã hết hạn và sắp hết hạn", "Điểm tiêm sắp hết vắc xin"),
    "en": ("Decisions needed", "Expired and near-expiry doses", "Sites running out within"),
}


@pytest.fixture(scope="module")
def demo(small_province) -> str:
    return small_province[1]


def page(monkeypatch, url: str, **params):
    monkeypatch.delenv("VAX_ALERTS_CONFIG", raising=False)
    return open_page(PAGE, monkeypatch, url, **params)


def counted(at, title: str) -> int:
    """The number after a decision kind's bold title ("**title** (N)")."""
    lines = [m.value for m in at.markdown if m.value.startswith(f"**{title}")]
    assert lines, f"no line starting with {title!r}"
    return int(lines[0].rsplit("(", 1)[1].rstrip(")").replace(".", "").replace(",", ""))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_sections_show_what_the_queries_return(monkeypatch, demo, lang):
    at = page(monkeypatch, demo, lang=lang)
    decided, expiring, stockout_title = TITLES[lang]
    subheaders = [s.value for s in at.subheader]
    assert decided in subheaders and expiring in subheaders
    assert subheaders.index(decided) < subheaders.index(expiring)
    period = default_period(demo)
    t = Thresholds()
    stockouts = read(demo, decisions.stockouts, "36", period, t)
    assert counted(at, stockout_title) == len(stockouts)
    moves = read(demo, decisions.lots_to_move, "36", period, t)
    backlogs = read(demo, decisions.certificate_backlogs, "36", period, t)
    missing = read(demo, decisions.districts_missing_target, "36", period, t)
    kinds = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith(")")]
    assert [int(k.rsplit("(", 1)[1].rstrip(")").replace(".", "")) for k in kinds[:4]] == [
        len(stockouts),
        len(moves),
        len(backlogs),
        len(missing),
    ]
    # Expired and near-expiry doses: the cards hold the totals of the lots.
    summary = expiry.summary(read(demo, expiry.lots, "36", period, t)).set_index("state")
    cards = {m.label: m.value for m in at.metric}
    expired_label = (
        "Liều đã hết hạn còn trong kho" if lang == "vi" else "Expired doses still on hand"
    )
    assert cards[expired_label] == fmt.number(summary.loc["expired", "doses"], lang)
    near = [v for k, v in cards.items() if k.startswith("Liều hết hạn trong" if lang == "vi"
                                                         else "Doses expiring within")]  # fmt: skip
    assert near == [fmt.number(summary.loc["near", "doses"], lang)]


def test_each_stockout_links_to_its_sites_stock(monkeypatch, demo):
    at = page(monkeypatch, demo)
    period = default_period(demo)
    stockouts = read(demo, decisions.stockouts, "36", period, Thresholds())
    if stockouts.empty:
        pytest.skip("the small province has no stock-out within a week in its last week")
    links = [
        link
        for link in at.get("page_link")
        if link.proto.page.split("/")[-1].removesuffix(".py") == "stock"
        and "site=" in link.proto.query_string
    ]
    shown = stockouts["facility_id"].head(5).tolist()
    sites = [q.split("site=")[1].split("&")[0] for q in (x.proto.query_string for x in links)]
    assert sites[: len(shown)] == shown
