"""Signing in before any page renders, the session's idle expiry, signing out, and the audit
rows the dashboard writes.

A password sign-in checks the warehouse's users (`warehouse.accounts`); where the province has an
identity provider configured in `.streamlit/secrets.toml` (`[auth]`), Streamlit's own OIDC
sign-in (`st.login`) is offered too, and the provider's e-mail is looked up among the users for
its role and scope (an e-mail that is not a user gets no access). A password sign-in is kept
across reloads and tabs of the browser by a stored session and a cookie (`dashboard.kept_signin`).
`VAX_AUTH=off` skips all of it for local development, as a province user, under a red banner.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import streamlit as st

import settings
from dashboard import cached, kept_signin, warmup
from dashboard.access import DEVELOPMENT_USER, User
from dashboard.i18n import text
from queries import accounts

# {"user": User, "last_seen": datetime, "kept": the stored session's keeping (password sign-ins)}
SESSION = "_auth_session"
MESSAGE = "_auth_message"  # (text key, values) shown on the sign-in form
LANG_KEY = "signin_lang"
log = logging.getLogger("dashboard.auth")


def now() -> datetime:
    return datetime.now(UTC)


def record(user_name: str, event: str, what: str | None = None, scope: str | None = None) -> None:
    """Write one audit row (who, what, scope, when); a failure is logged, never shown."""
    try:
        with cached.engine(cached.warehouse_url()).begin() as conn:
            accounts.record(conn, user_name, event, what, scope, now())
    except Exception:  # noqa: BLE001 - the audit must not break the page; the log keeps it
        log.exception("could not write the audit row %s %s", event, what)


def record_export(user: User, what: str, scope_code: str) -> None:
    """An export or briefing file made, or data downloaded: for the code that makes files."""
    record(user.name, "export", what, scope_code)


# --- the identity provider ---------------------------------------------------------------------
def provider_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures an OIDC provider (`[auth]`)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def _provider_user() -> User | None:
    if not provider_configured() or not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "")
    with cached.engine(cached.warehouse_url()).begin() as conn:
        found = accounts.account(conn, email)
        if found is None:
            accounts.record(conn, email or "?", "sign_in_failed", "provider", None, now())
            st.session_state[MESSAGE] = ("signin_provider_unknown", {"name": email})
            return None
        accounts.record(conn, email, "sign_in", "provider", found.scope_code, now())
    return User(found.name, found.role, found.scope_code, via="provider")


# --- the session -------------------------------------------------------------------------------
def current_user() -> User | None:
    """The signed-in user of this session, None when nobody is (or the session expired)."""
    if warmup.is_warm_up():  # the server's own session, opening pages after a load
        return warmup.USER
    if not settings.auth_enabled():
        return DEVELOPMENT_USER
    session = st.session_state.get(SESSION)
    moment = now()
    if session is None:
        session = _new_session(moment)
        if session is None:
            return None
        st.session_state[SESSION] = session
    idle = settings.session_idle()
    user = session["user"]
    kept = session.get("kept", {})
    if moment - session["last_seen"] > idle and not kept_signin.used_elsewhere(kept, moment):
        st.session_state.pop(SESSION, None)
        kept_signin.end(kept)
        record(user.name, "session_expired", None, user.scope_code)
        minutes = int(idle.total_seconds() // 60)
        st.session_state[MESSAGE] = ("signin_expired", {"minutes": str(minutes)})
        if user.via == "provider":
            st.logout()
        return None
    if not kept_signin.stands(kept, user, moment):
        st.session_state.pop(SESSION, None)
        st.session_state[MESSAGE] = ("signin_ended", {})
        return None
    session["last_seen"] = moment
    return user


def _new_session(moment: datetime) -> dict | None:
    """A session signed in by the identity provider, or kept by the browser's cookie."""
    user = _provider_user()
    if user is not None:
        return {"user": user, "last_seen": moment}
    resumed = kept_signin.resume(moment)
    if resumed is None:
        return None
    user, kept = resumed
    return {"user": user, "last_seen": moment, "kept": kept}


def sign_out() -> None:
    session = st.session_state.pop(SESSION, None)
    if session is None:
        return
    user = session["user"]
    kept_signin.end(session.get("kept", {}))
    record(user.name, "sign_out", None, user.scope_code)
    st.session_state[MESSAGE] = ("signin_signed_out", {})
    if user.via == "provider":
        st.logout()


def banner_when_off(lang: str) -> None:
    """The red banner every page shows while sign-in is off."""
    if not settings.auth_enabled():
        st.error(text("auth_off_banner", lang), icon=":material/lock_open:")


def account_box(user: User, lang: str, area_name: str) -> None:
    """Who is signed in, and the sign-out button, at the top of the sidebar."""
    if user.via == "development":
        return
    role = text(f"role_{user.role}", lang).format(area=area_name)
    st.sidebar.caption(text("signed_in_as", lang).format(name=user.name, role=role))
    st.sidebar.button(text("sign_out", lang), key="sign_out", on_click=sign_out)
    kept_signin.render_order(st.sidebar)


# --- the sign-in form --------------------------------------------------------------------------
def _attempt(name: str, password: str) -> None:
    url = cached.warehouse_url()
    with cached.engine(url).begin() as conn:
        result = accounts.authenticate(
            conn,
            name,
            password,
            now(),
            max_failures=settings.signin_max_failures(),
            lock_minutes=settings.signin_lock_minutes(),
        )
        if result.account is not None:
            found = result.account
            user = User(found.name, found.role, found.scope_code)
            kept = kept_signin.begin(conn, user, now())
    if result.account is not None:
        st.session_state[SESSION] = {"user": user, "last_seen": now(), "kept": kept}
        st.session_state.pop(MESSAGE, None)
        return
    if result.outcome == "locked":
        minutes = max(1, round((result.retry_after - now()).total_seconds() / 60))
        st.session_state[MESSAGE] = ("signin_locked", {"minutes": str(minutes)})
    else:
        st.session_state[MESSAGE] = ("signin_failed", {})


def _set_language() -> None:
    st.query_params["lang"] = st.session_state[LANG_KEY]


def sign_in_page(lang: str) -> None:
    """The sign-in form (in the user's language, with the language switch); nothing else of
    the dashboard renders until it succeeds."""
    st.session_state[LANG_KEY] = lang
    st.radio(
        text("language_label", lang),
        ["vi", "en"],
        key=LANG_KEY,
        horizontal=True,
        format_func={"vi": "Tiếng Việt", "en": "English"}.__getitem__,
        on_change=_set_language,
    )
    kept_signin.render_order()
    st.title(text("app_title", lang))
    st.subheader(text("signin_title", lang))
    st.caption(text("signin_intro", lang))
    problem = cached.warehouse_problem(cached.warehouse_url())
    if problem is not None:
        st.warning(text("signin_no_warehouse", lang) + " " + text("no_warehouse", lang))
        return
    message = st.session_state.get(MESSAGE)
    if message is not None:
        key, values = message
        show = (
            st.info if key in ("signin_signed_out", "signin_expired", "signin_ended") else st.error
        )
        show(text(key, lang).format(**values))
    with st.form("signin", clear_on_submit=True):
        name = st.text_input(text("signin_name", lang), key="signin_name", max_chars=80)
        password = st.text_input(
            text("signin_password", lang), type="password", key="signin_password"
        )
        submitted = st.form_submit_button(text("signin_submit", lang), type="primary")
    if submitted:
        _attempt(name, password)
        st.rerun()
    if provider_configured():
        st.button(text("signin_provider", lang), on_click=st.login, key="signin_provider")
