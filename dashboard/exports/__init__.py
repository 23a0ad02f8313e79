"""Files made from what a page shows, for reports and meetings: chart images, table workbooks
and CSV, and the names they are saved under. No Streamlit here, so scheduled reports can use
the same code as the download buttons."""
