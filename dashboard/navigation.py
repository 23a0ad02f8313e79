"""The pages of the dashboard, their addresses, and links between them."""

from __future__ import annotations

import streamlit as st

from dashboard.access import DEVELOPMENT_USER, User, can_open
from dashboard.i18n import text
from dashboard.shell import PENDING
from dashboard.state import Notice

PAGES = {
    "overview": ":material/dashboard:",
    "coverage": ":material/map:",
    "sites": ":material/location_on:",
    "screening": ":material/stethoscope:",
    "stock": ":material/inventory_2:",
    "allocation": ":material/local_shipping:",
    "certificates": ":material/verified:",
    "aefi": ":material/emergency:",
    "flow": ":material/conveyor_belt:",
    "quality": ":material/fact_check:",
}
# The overview is served at "/"; its own path is only reserved, so it takes a name nobody
# types, and "/overview" (a natural bookmark) is a hidden page leading there.
ADDRESSES = {name: ("home" if name == "overview" else name) for name in PAGES}
KNOWN_PATHS = frozenset({"", "overview", *ADDRESSES.values()})


def script(name: str) -> str:
    """The page's file, as `st.page_link` and `st.switch_page` name it."""
    return f"app_pages/{name}.py"


def pages(lang: str, user: User = DEVELOPMENT_USER) -> list[st.Page]:
    """The pages `user` may open (the overview first)."""
    return [
        st.Page(
            script(name),
            title=text(f"page_{name}", lang),
            icon=icon,
            url_path=ADDRESSES[name],
            default=(name == "overview"),
        )
        for name, icon in PAGES.items()
        if can_open(user, name)
    ]


def sign_in_pages() -> list[st.Page]:
    """Before signing in, one page at every address of the dashboard, each showing nothing
    (the app draws the sign-in form): a bookmarked page asks to sign in, then opens."""

    def page_at(path: str) -> st.Page:
        def nothing() -> None:
            return None

        nothing.__name__ = f"signin_{path or 'home'}"
        return st.Page(nothing, url_path=path or None, default=not path, title=path or "home")

    return [page_at(""), *(page_at(p) for p in sorted(KNOWN_PATHS - {""}))]


def requested_path() -> str | None:
    """The page address the browser asked for, as Streamlit received it (None if unknown)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        name = ctx.pages_manager.intended_page_name if ctx is not None else None
    except (AttributeError, ImportError):  # an internal of Streamlit that may move
        return None
    return name.strip("/") if isinstance(name, str) else None


def unknown_path() -> str | None:
    name = requested_path()
    return name if name and name.split("/")[-1] not in KNOWN_PATHS else None


def answer_unknown_pages_in_our_language() -> None:
    """Streamlit answers an address that names no page with a dialog in English before the
    app runs; the app says it in the user's language instead (`leave_unknown_page`)."""
    from streamlit.commands import navigation as st_navigation

    if getattr(st_navigation.send_page_not_found, "answered_by_app", False):
        return

    def send_page_not_found(ctx) -> None:
        if unknown_path() is None:  # not an address of ours: let Streamlit say it
            original(ctx)

    original = st_navigation.send_page_not_found
    send_page_not_found.answered_by_app = True
    st_navigation.send_page_not_found = send_page_not_found


def leave_unknown_page(default: st.Page) -> None:
    """An address that names no page: go to the overview, keeping the query, and say so."""
    name = unknown_path()
    if name:
        st.session_state[PENDING] = [Notice("page", (("value", name[:60]),))]
        st.switch_page(default, query_params=st.query_params.to_dict())
