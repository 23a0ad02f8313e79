"""The print stylesheet: a page printed from the browser (A4) shows the page alone, without the
sidebar, the header bar, chart toolbars, buttons, help icons, folded sections or the parts
meant for the screen only, with its cards two to a row so their figures never wrap letter by
letter, charts and tables scaled to the paper whole, and sections kept whole across pages."""

from __future__ import annotations

import streamlit as st

# A container whose key starts with this is left out of print (its class is "st-key-<key>").
SCREEN_ONLY = "screen_only_"

PRINT_CSS = """
<style>
@page { size: A4 portrait; margin: 12mm 10mm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], header, [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stElementToolbar"], .modebar-container,
  [data-testid="stPopover"], [data-testid="stDownloadButton"], [data-testid="stPageLink"],
  [data-testid="stBottom"], iframe[title="streamlit_analytics"],
  [data-testid="stButton"], [data-testid="stFormSubmitButton"], [data-testid="stTooltipIcon"],
  [data-testid="stExpander"]:has(details:not([open])), [class*="st-key-@SCREEN_ONLY@"] {
    display: none !important;
  }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    background: white !important;
    overflow: visible !important;
    height: auto !important;
  }
  [data-testid="stMain"] { margin-left: 0 !important; width: 100% !important; }
  [data-testid="stMainBlockContainer"], .block-container {
    max-width: 100% !important;
    width: 100% !important;
    padding: 0 !important;
  }
  /* A chart redrawn while the page shows as print is drawn to the paper's width (A4 less the
     margins), however wide the window. */
  .stPlotlyChart { max-width: 190mm !important; }
  /* Cards: two to a row on A4, whole words. */
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 0.5rem !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 45% !important;
    min-width: 45% !important;
    width: 45% !important;
  }
  [data-testid="stMetric"] { break-inside: avoid; }
  [data-testid="stMetric"] * { word-break: normal !important; overflow-wrap: normal !important; }
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
    white-space: nowrap !important;
    font-size: 1.6rem !important;
  }
  [data-testid="stMetricLabel"] * { white-space: normal !important; }
  /* A badge in a narrow column wraps rather than ending in "…". */
  .stMarkdownBadge { white-space: normal !important; overflow: visible !important; }
  .stPlotlyChart, [data-testid="stDataFrame"], [data-testid="stExpander"] {
    break-inside: avoid;
  }
  h1, h2, h3 { break-after: avoid; }
}
</style>
""".replace("@SCREEN_ONLY@", SCREEN_ONLY)


# Charts and tables are drawn at the width they had on screen (a chart's svg, a table's canvas)
# and the browser does not redraw them for paper: when the page turns to print, each one drawn
# wider than A4's printable width (190 mm, 718 CSS pixels) is scaled down to it, whole, and set
# back afterwards.
FIT_CHARTS_JS = """
<script>
(() => {
  if (window.vaxPrintFit) return;
  window.vaxPrintFit = true;
  const PAPER = 718;
  const drawings = () => document.querySelectorAll(
    ".stPlotlyChart .svg-container, [data-testid='stDataFrame']"
  );
  // The width a chart is drawn at (its svg), which its box can exceed or fall short of while
  // the page is laid out anew for paper; a table's, its box (its canvas fills it).
  const drawn = (el) => {
    const svg = el.querySelector("svg.main-svg");
    const width = svg ? parseFloat(svg.getAttribute("width")) : NaN;
    return Number.isFinite(width) ? width : el.getBoundingClientRect().width;
  };
  const fit = () => drawings().forEach((el) => {
    el.style.zoom = "";
    const width = drawn(el);
    if (width > PAPER) el.style.zoom = (PAPER / width).toFixed(3);
  });
  const unfit = () => drawings().forEach((el) => { el.style.zoom = ""; });
  window.addEventListener("beforeprint", fit);
  window.addEventListener("afterprint", unfit);
})();
</script>
"""


def inject() -> None:
    """Add the print stylesheet, and the script fitting charts and tables to the paper, to the
    page (once per run, from the app's entry point)."""
    st.html(PRINT_CSS)
    st.html(FIT_CHARTS_JS, unsafe_allow_javascript=True)
