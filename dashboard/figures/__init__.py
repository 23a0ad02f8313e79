"""Figure builders: pure functions of DataFrames and labels (no Streamlit, no database), grouped
by subject, so pages, exports and the briefing render exactly the same figures."""
