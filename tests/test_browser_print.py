"""A page printed the way Ctrl+P prints it: Chromium lays the page out for print media and
makes an A4 PDF (`page.pdf`), read back with pypdf. The overview and the coverage page print
without the sidebar's navigation or any button, open on their own first page, keep every card's
label and figure whole (not wrapped letter by letter), scale every chart to the paper's width
(whole, and no smaller than the paper needs) and fit a bounded number of pages."""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO

import pytest
from pypdf import PdfReader
from test_browser import (
    browser,  # noqa: F401 - fixtures of the browser tests
    chromium,  # noqa: F401
    page,  # noqa: F401
    problems,
    server,  # noqa: F401
    title,
    wait_for,
    wait_idle,
)

pytestmark = pytest.mark.browser
LOADING = "[data-testid='stSkeleton']"
CONTROLS = ("stButton", "stDownloadButton", "stPopover", "stPageLink")


def norm(text: str) -> str:
    """NFKC (a PDF may set "ff" or "fi" as one glyph), every run of white space one space (a
    line break in the PDF is a space)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def texts(tab, selector: str, leave_out: str = "") -> list[str]:
    """The words of each element, without its icons (drawn from a font's ligatures) and
    without what `leave_out` selects inside it."""
    drop = ", ".join(p for p in ("[data-testid='stIconMaterial']", leave_out) if p)
    found = tab.eval_on_selector_all(
        selector,
        """(els, drop) => els.map(el => {
            const copy = el.cloneNode(true);
            copy.querySelectorAll(drop).forEach(i => i.remove());
            return copy.textContent;
        })""",
        drop,
    )
    return [norm(t) for t in found if norm(t)]


# What each chart is drawn at, and the scale the page gives it, as the browser turns to print.
RECORD_CHARTS = """() => window.addEventListener("beforeprint", () => {
    window.printedCharts = Array.from(document.querySelectorAll(".stPlotlyChart .svg-container"))
        .map(el => [parseFloat(el.querySelector("svg.main-svg").getAttribute("width")),
                    parseFloat(el.style.zoom || "1")]);
})"""
PAPER = 718  # A4's width less the stylesheet's margins, in CSS pixels


@pytest.mark.parametrize(
    ("address", "charts", "most_pages"),
    [("?week=2021-W40", 3, 10), ("coverage?week=2021-W40", 4, 7)],
)
def test_a_printed_page_holds_the_page_alone_with_whole_cards(
    server,  # noqa: F811
    page,  # noqa: F811
    address,
    charts,
    most_pages,
):
    page.goto(f"{server.url}/{address}")
    wait_idle(page)
    drawn = page.locator(".stPlotlyChart .svg-container")
    assert wait_for(lambda: drawn.count() >= charts and not page.locator(LOADING).count(), 45)
    heading = title(page)
    controls = ", ".join(f"[data-testid='{kind}']" for kind in CONTROLS)
    main = texts(page, "[data-testid='stMain']", leave_out=controls)[0]  # all but the controls
    # The navigation's page names that only the sidebar shows (or a link, that paper drops).
    sidebar_only = [n for n in texts(page, "[data-testid='stSidebarNavLink']") if n not in main]
    assert len(sidebar_only) >= 3, sidebar_only
    labels = texts(page, "[data-testid='stMain'] [data-testid='stMetricLabel']")
    values = texts(page, "[data-testid='stMain'] [data-testid='stMetricValue']")
    assert len(labels) >= 4 and len(values) == len(labels)
    # Buttons and links whose words the page shows nowhere else: paper has no use for them.
    buttons = {c for c in texts(page, f"[data-testid='stMain'] :is({controls})") if c not in main}
    assert buttons
    page.evaluate(RECORD_CHARTS)
    page.emulate_media(media="print")
    pdf = PdfReader(BytesIO(page.pdf(format="A4")))
    # Every chart on paper whole (not wider than the paper) and no smaller than it must be.
    charts_printed = page.evaluate("() => window.printedCharts")
    assert len(charts_printed) >= charts
    for width, zoom in charts_printed:
        assert min(width, PAPER) - 1 <= width * zoom <= PAPER + 1, (width, zoom)
    pages = [norm(p.extract_text()) for p in pdf.pages]
    printed = " ".join(pages)
    assert 1 < len(pages) <= most_pages, len(pages)
    assert heading in pages[0], pages[0][:300]  # the first page opens the page, not a blank
    assert not [n for n in sidebar_only if n in printed]
    assert not [c for c in buttons if c in printed]
    assert not [label for label in labels if label not in printed]
    assert not [value for value in values if value not in printed]
    assert not problems(page), problems(page)
