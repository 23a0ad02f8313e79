"""How the dashboard is served: `streamlit run dashboard/serve.py` from the repository root.

The pages are `dashboard/app.py`'s; this adds the server's own routes: one sets the cookie that
keeps a password sign-in across reloads and tabs (`dashboard/session_cookie.py`), the other says
how far the warming after a load has come (`dashboard/warmup.py`, which runs for as long as the
server does).
"""

from __future__ import annotations

import sys
from pathlib import Path

# As in app.py: the packages live at the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import session_cookie, warmup  # noqa: E402

app = st.App(
    Path(__file__).resolve().parent / "app.py",
    routes=[session_cookie.route(), warmup.route()],
    lifespan=warmup.lifespan,
)
