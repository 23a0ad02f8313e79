"""How the dashboard is served: `streamlit run dashboard/serve.py` from the repository root.

The pages are `dashboard/app.py`'s; this adds the server's one route of its own, which sets the
cookie that keeps a password sign-in across reloads and tabs (`dashboard/session_cookie.py`).
"""

from __future__ import annotations

import sys
from pathlib import Path

# As in app.py: the packages live at the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import session_cookie  # noqa: E402

app = st.App(Path(__file__).resolve().parent / "app.py", routes=[session_cookie.route()])
