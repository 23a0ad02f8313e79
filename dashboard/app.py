"""The dashboard's script: served by `streamlit run dashboard/serve.py` from the repository root
(`streamlit run dashboard/app.py` runs it too, without keeping sign-ins across reloads)."""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit puts only this file's folder on sys.path; the packages live at the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import auth, navigation, print_style, shell, widgets  # noqa: E402
from dashboard.i18n import text  # noqa: E402
from queries.scope import ScopeRefused  # noqa: E402

FAVICON = Path(__file__).resolve().parent / "static" / "favicon.png"  # served by the app itself

lang = shell.language()
navigation.answer_unknown_pages_in_our_language()
user = auth.current_user()
if user is None:
    # Nothing of the dashboard renders before signing in: every address shows the form (and
    # keeps its query), so after signing in the page asked for opens.
    st.navigation(navigation.sign_in_pages(), position="hidden")
    st.set_page_config(
        page_title=f"{text('signin_title', lang)} · {text('app_short', lang)}",
        page_icon=str(FAVICON),
        layout="centered",
    )
    auth.sign_in_page(lang)
    st.stop()

pages = navigation.pages(lang, user)


def overview_address() -> None:
    """/overview: the overview at "/", with the same query (scope, period, language)."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


page = st.navigation([*pages, st.Page(overview_address, url_path="overview", visibility="hidden")])
st.set_page_config(
    page_title=f"{page.title} · {text('app_short', lang)}",
    page_icon=str(FAVICON),
    layout="wide",
)
auth.banner_when_off(lang)
navigation.leave_unknown_page(pages[0])
print_style.inject()
ctx = shell.begin(page=page.url_path, user=user)
auth.account_box(user, lang, ctx.scope_name(user.scope_code) if ctx else user.scope_code)
widgets.hide_data_downloads(user)
refused = st.session_state.pop(shell.REFUSED, None)
if refused:
    auth.record(user.name, "refused", "link: " + ", ".join(refused), user.allowed.code)
try:
    page.run()
except ScopeRefused as exc:  # a read outside the user's area: nothing of it was read
    auth.record(user.name, "refused", str(exc), user.allowed.code)
    st.error(text("refused", lang), icon=":material/block:")
