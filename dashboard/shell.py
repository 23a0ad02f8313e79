"""What every page shares: the language, the period and area filters (kept in the URL), the
notices for a link that could not be used as given, the data-freshness line and the page
header. `app.py` calls `begin()` once per run; pages read the result with `context()`.

The URL is the source of truth. `_SYNCED` holds the parameters as the app last wrote or read
them: when the URL differs, it was changed outside the widgets (a link, Back or Forward) and
the widgets are loaded from it; otherwise the widgets hold the view. Every write the app makes
to the URL goes through `set_option` or `go`, so the two never disagree by accident.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TypeVar

import pandas as pd
import streamlit as st

from dashboard import boundaries, cached, sidebar
from dashboard import format as fmt
from dashboard.access import DEVELOPMENT_USER, User
from dashboard.i18n import text
from dashboard.state import CORE_KEYS, Known, Notice, ViewState, checked, parse, to_params
from queries import periods
from queries.freshness import Freshness
from queries.scope import Allowed, Period, Scope, scope_of

STALE_AFTER_HOURS = 36  # a daily load that missed a day
_SYNCED = "_synced_params"
SYNCED_PAGE = "_synced_page"  # the address of the page shown
_CTX = "_page_context"
PENDING = "_pending_notices"  # notices to show after a switch of page
REFUSED = "_refused_codes"  # codes of a link outside the user's area, for the audit log
R = TypeVar("R")
log = logging.getLogger("dashboard.shell")


@dataclass(frozen=True)
class Context:
    """One run's view: language, state, resolved scope and periods, reference frames, and the
    cached read seam."""

    url: str
    version: str
    state: ViewState
    scope: Scope
    period: Period
    previous: Period
    fresh: Freshness
    areas: pd.DataFrame  # shared by every run of the data version (`Reference`): read only
    facilities: pd.DataFrame
    known: Known  # parents of communes and sites, for drilling down without a look-up
    names: Mapping[str, str]  # every area code and facility id's name
    user: User = DEVELOPMENT_USER  # who is signed in; every read is limited to their area

    @property
    def of(self) -> tuple[str, str]:
        """The warehouse and data version this view's reads and builds are of."""
        return self.url, self.version

    @property
    def allowed(self) -> Allowed:
        return self.user.allowed

    @property
    def lang(self) -> str:
        return self.state.lang

    def t(self, key: str, **kw) -> str:
        value = text(key, self.lang)
        return value.format(**kw) if kw else value

    def scope_for(self, code: str | None) -> Scope:
        """The scope of an area code or facility id, from the reference frames (no SQL)."""
        return scope_of(code, self.areas, self.facilities)

    def scope_name(self, code: str | None = None) -> str:
        code = code or self.scope.code
        return str(self.names.get(code, code))

    def params(self, state: ViewState | None = None) -> dict[str, str]:
        return to_params(state or self.state)

    def read(
        self,
        query: Callable[..., R],
        *extra,
        period: Period | None = None,
        scope: Scope | None = None,
    ) -> R:
        """`query(conn, scope, period, *extra)` for this view (or the given period or scope),
        cached by the data version."""
        return cached.read(
            self.url,
            self.version,
            self.allowed,
            query,
            scope or self.scope,
            period or self.period,
            *extra,
        )

    def read_plain(self, query: Callable[..., R], *args) -> R:
        """`query(conn, *args)`, cached by the data version."""
        return cached.read_plain(self.url, self.version, self.allowed, query, *args)

    def shapes(self) -> boundaries.Boundaries:
        """The areas' shapes for the maps (`boundaries.load`), made once per data version,
        allowed area and boundaries file."""
        path, stamp = boundaries.file_stamp()
        key = ("shapes", self.url, self.version, self.allowed, path, stamp)
        return cached.built(key, lambda: boundaries.load(self.areas, path), self.of)

    def built(self, name: str, build: Callable[[], R], *parts) -> R:
        """`build()` once for this view and then shared by every run and session that shows
        it (never changed by its users: see `cached.built`). The view is the warehouse, its
        data version, the allowed area and the whole address state (language, period, area,
        page options); `name` says what is built (one name per call site) and `parts` add
        anything else the build depends on (a configuration file's values, a control that is
        not in the address). What depends on the user or the clock is not built this way."""
        key = (name, self.url, self.version, self.allowed, self.view, parts)
        return cached.built(key, build, self.of)

    @cached_property  # (a frozen dataclass without slots keeps it in the instance's dict)
    def view(self) -> ViewState:
        """The address state with the period it stands for: a link without a week (the last
        complete week by default) is the same view as the link naming that week."""
        if self.state.week or self.state.is_custom_range:
            return self.state
        return replace(self.state, week=periods.week_label(self.period.start))


def language() -> str:
    """The language of this run (from the URL or the session), before the filters render."""
    lang = st.query_params.get("lang") or st.session_state.get(sidebar.KEYS["lang"]) or "vi"
    return lang if lang in ("vi", "en") else "vi"


def context() -> Context | None:
    return st.session_state.get(_CTX)


# --- the URL ---------------------------------------------------------------------------------
def set_option(key: str, value: str | None) -> None:
    """Write a page option to the URL (None removes it) and keep the shell in step, so the
    next run does not take it for a link and reload the filters."""
    if value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    synced = dict(st.session_state.get(_SYNCED) or {})
    if value is None:
        synced.pop(key, None)
    else:
        synced[key] = value
    st.session_state[_SYNCED] = synced


def go(state: ViewState, *, rerun: bool = True) -> None:
    """Show another view of this page: write its URL; the next run loads the filters from it.
    In a widget callback pass `rerun=False` (the callback's own rerun follows)."""
    st.query_params.from_dict(to_params(state))
    if rerun:
        st.rerun()


def _url_params(page: str) -> dict[str, str]:
    params = st.query_params.to_dict()
    synced = st.session_state.get(_SYNCED)
    changed_page = st.session_state.get(SYNCED_PAGE) not in (None, page)
    if synced and changed_page and not any(k in params for k in CORE_KEYS if k != "lang"):
        # Streamlit clears the URL when the user changes page: keep the view, not the options
        # of the page left behind.
        carried = {k: v for k, v in synced.items() if k in CORE_KEYS}
        return {**carried, **params}
    return params


@dataclass(frozen=True)
class Reference:
    """The reference data a view is checked and named with, made once per warehouse, data
    version and allowed area and shared by every run (never changed): the areas and sites
    `allowed` covers, their parents, and the name of every code."""

    areas: pd.DataFrame
    facilities: pd.DataFrame
    known: Known
    names: Mapping[str, str]  # areas win where a code is both an area and a site
    choices: sidebar.AreaChoices


def _reference(url: str, version: str, allowed: Allowed, fresh: Freshness) -> Reference:
    areas = cached.areas(url, version, allowed)
    fac = cached.facilities(url, version, allowed)
    communes = areas[areas["area_level"] == "commune"]
    known = Known(
        first=fresh.first_day,
        last=fresh.last_day,
        districts=frozenset(areas.loc[areas["area_level"] == "district", "area_code"]),
        district_of_commune=dict(zip(communes["area_code"], communes["parent_code"], strict=True)),
        commune_of_site=dict(zip(fac["facility_id"], fac["commune_code"], strict=True)),
    )
    names = dict(zip(fac["facility_id"], fac["name"], strict=True))
    names |= dict(zip(areas["area_code"], areas["name"], strict=True))
    return Reference(areas, fac, known, names, sidebar.area_choices(areas, fac))


def reference(url: str, version: str, allowed: Allowed, fresh: Freshness) -> Reference:
    """The view's reference data (see `Reference`)."""
    key = ("reference", url, version, allowed)
    return cached.built(key, lambda: _reference(url, version, allowed, fresh), (url, version))


def outside_allowed(
    state: ViewState, known: Known, allowed: Allowed
) -> tuple[ViewState, list[Notice]]:
    """A district user's link naming a district, commune or site outside their district: each
    such code is dropped, with a notice (the view opens on their own district)."""
    if allowed.is_province:
        return state, []
    inside = {
        "site": known.commune_of_site,
        "commune": known.district_of_commune,
        "district": known.districts,
    }
    notices = []
    for key, codes in inside.items():
        code = getattr(state, key)
        if code is not None and code not in codes:
            log.warning("refused %s=%s: outside the allowed scope %s", key, code, allowed.code)
            notices.append(Notice("outside", (("value", code[:40]),)))
            state = replace(state, **{key: None})
    return state, notices


def _period_text(state: ViewState) -> str:
    if state.is_custom_range:
        return f"{fmt.day(state.start)} – {fmt.day(state.end)}"
    return sidebar.week_caption(state.week or "", state.lang) if state.week else ""


def notice_line(notice: Notice, state: ViewState, shown_scope: str) -> str:
    """One line in the user's language: what the link asked for and what is shown instead."""
    values = dict(notice.values)
    for key in ("from", "to", "first", "last"):
        if key in values:
            with contextlib.suppress(ValueError):  # a malformed date is quoted as typed
                values[key] = fmt.day(datetime.fromisoformat(values[key]))
    if "nearest" in values:
        values["nearest"] = sidebar.week_caption(values["nearest"], state.lang)
    shown = _period_text(state) if notice.kind.startswith(("week", "range")) else ""
    values.setdefault("shown", shown or shown_scope)
    return text(f"notice_{notice.kind}", state.lang).format(**values)


def _show_notices(notices: list[Notice], ctx: Context) -> None:
    pending = st.session_state.pop(PENDING, [])
    for notice in [*pending, *notices]:
        line = notice_line(notice, ctx.state, ctx.scope_name())
        st.warning(line, icon=":material/link_off:")


def _sync_url(state: ViewState, page: str) -> None:
    params = to_params(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    st.session_state[_SYNCED] = params
    st.session_state[SYNCED_PAGE] = page


# --- the run ---------------------------------------------------------------------------------
def _no_data(lang: str, key: str, detail: str | None = None) -> None:
    st.title(text("app_title", lang))
    message = text(key, lang)
    st.warning(f"{message}\n\n`{detail}`" if detail else message)


def begin(url: str | None = None, page: str = "", user: User = DEVELOPMENT_USER) -> Context | None:
    """Render the shared filters and notices for `user` (their area only); None (with a
    message shown) when there is no data to show."""
    url = url or cached.warehouse_url()
    allowed = user.allowed
    lang = language()
    st.session_state.pop(_CTX, None)
    problem = cached.warehouse_problem(url)
    if problem is not None:
        if problem == "missing":
            _no_data(lang, "no_warehouse")
        else:
            _no_data(lang, "other_schema", problem)
        return None
    version = cached.data_version(url)
    fresh = cached.freshness_info(url, version)
    if fresh.first_day is None:
        st.title(text("app_title", lang))
        st.info(text("empty_warehouse", lang))
        return None
    ref = reference(url, version, allowed, fresh)
    areas, fac, known = ref.areas, ref.facilities, ref.known
    params = _url_params(page)
    state, notices = parse(params)
    state, refused = outside_allowed(state, known, allowed)
    state, more = checked(state, known)
    if not allowed.is_province and state.district is None:
        state = replace(state, district=allowed.code)
    notices += refused + more
    if refused:
        st.session_state[REFUSED] = [n.get("value") for n in refused]
    if (
        st.session_state.get(_SYNCED) != params
        or sidebar.KEYS["mode"] not in st.session_state
        or notices
    ):
        sidebar.loaded(state, fresh.first_day, fresh.last_day)
    state = sidebar.render(
        state,
        fresh.first_day,
        fresh.last_day,
        ref.choices,
        fixed_district=None if allowed.is_province else allowed.code,
    )
    _sync_url(state, page)
    scope = scope_of(state.scope_code, areas, fac)
    ctx = Context(
        url,
        version,
        state,
        scope,
        Period(*state.period(fresh.last_day)),
        Period(*state.previous_period(fresh.last_day)),
        fresh,
        areas,
        fac,
        known,
        ref.names,
        user,
    )
    st.session_state[_CTX] = ctx
    _show_notices(notices, ctx)
    return ctx


def _age(ctx: Context, seconds: float) -> str:
    if seconds < 2 * 3600:
        return ctx.t("age_minutes", n=fmt.number(seconds / 60, ctx.lang))
    return ctx.t("age_hours", n=fmt.number(seconds / 3600, ctx.lang))


def freshness_line(ctx: Context, now: datetime) -> tuple[str, bool]:
    """ "Data as of ... · last load finished ..." and whether the loader looks stalled (no
    successful load for three of its scheduled intervals, or STALE_AFTER_HOURS without a
    schedule), with the failures since its last success."""
    status = cached.loader(ctx.url)
    finished = status.last_finished_at or ctx.fresh.loaded_at
    line = ctx.t(
        "data_as_of", high_water=fmt.moment(ctx.fresh.high_water), loaded=fmt.moment(finished)
    )
    if not status.is_stalled(now, STALE_AFTER_HOURS):
        return line, False
    line += " — " + ctx.t("stale_data", age=_age(ctx, status.allowed_age(STALE_AFTER_HOURS)))
    if status.failures_since_success:
        line += "; " + ctx.t("stale_failures", n=status.failures_since_success)
    return line, True


def header(ctx: Context, title_key: str) -> None:
    """Page title, scope and period, and how fresh the data is (with a stalled-loader warning)."""
    st.title(ctx.t(title_key))
    period = f"{fmt.day(ctx.period.start)} – {fmt.day(ctx.period.end)}"
    st.caption(f"{ctx.scope_name()} · {period}")
    line, stalled = freshness_line(ctx, datetime.now(UTC))
    if stalled:
        st.warning(line, icon="⏰")
    else:
        st.caption(line)
