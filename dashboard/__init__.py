"""Streamlit dashboard of the steering committee (reads the reporting warehouse only)."""
