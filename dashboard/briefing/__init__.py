"""The weekly briefing for the steering committee's meeting: a PowerPoint deck with native,
editable charts and a PDF with the same content, for a scope and an ISO week (`content` gathers
it from `queries/`, `deck` and `document` write the files, `__main__` is the command line). No
Streamlit here, so a scheduled job makes the same files as the overview's button."""
