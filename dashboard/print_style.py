"""The print stylesheet: a page printed from the browser (A4) shows the page alone, without the
sidebar, the header bar, chart toolbars or download buttons, with its cards two to a row so
their figures never wrap letter by letter, and sections kept whole across pages."""

from __future__ import annotations

import streamlit as st

PRINT_CSS = """
<style>
@page { size: A4 portrait; margin: 12mm 10mm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], header, [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stElementToolbar"], .modebar-container,
  [data-testid="stPopover"], [data-testid="stDownloadButton"], [data-testid="stPageLink"],
  [data-testid="stBottom"], iframe[title="streamlit_analytics"] {
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
  .stPlotlyChart, [data-testid="stDataFrame"], [data-testid="stExpander"] {
    break-inside: avoid;
  }
  h1, h2, h3 { break-after: avoid; }
}
</style>
"""


# Charts are drawn at the width they had on screen and the browser does not redraw them for
# paper: when the page turns to print, each chart wider than A4's printable width (190 mm,
# 718 CSS pixels) is scaled down to it, and set back afterwards.
FIT_CHARTS_JS = """
<script>
(() => {
  if (window.vaxPrintFit) return;
  window.vaxPrintFit = true;
  const PAPER = 718;
  const charts = () => document.querySelectorAll(".stPlotlyChart .svg-container");
  const fit = () => charts().forEach((el) => {
    el.style.zoom = "";
    const width = el.getBoundingClientRect().width;
    if (width > PAPER) el.style.zoom = (PAPER / width).toFixed(3);
  });
  const unfit = () => charts().forEach((el) => { el.style.zoom = ""; });
  window.addEventListener("beforeprint", fit);
  window.addEventListener("afterprint", unfit);
})();
</script>
"""


def inject() -> None:
    """Add the print stylesheet, and the script fitting charts to the paper, to the page (once
    per run, from the app's entry point)."""
    st.html(PRINT_CSS)
    st.html(FIT_CHARTS_JS, unsafe_allow_javascript=True)
