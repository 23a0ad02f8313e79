"""Sites map ("Bản đồ điểm tiêm"): every site as a point sized by doses and coloured by days of
stock or deferral rate; sites without usable coordinates listed beside it; one site's detail
(daily series and the four-step funnel) when a site is picked on the map or from the list, or
named in the address (the landing of the overview's alerts)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import boundaries, shell, widgets
from dashboard import format as fmt
from dashboard.figures import base
from dashboard.figures import sites as fig
from dashboard.state import drill_up
from queries import sites as sites_q

STATUS_OPTIONS = ("stock", "deferral")
TYPES = ("commune_station", "district_centre", "hospital", "mobile", "private", "other")
MEASURES = ("checked_in", "screened", "doses", "deferrals", "deferral_rate", "on_hand",
            "days_of_stock")  # fmt: skip
PICK_KEY = "sites_pick"


# --- labels -----------------------------------------------------------------------------------
def _types(ctx: shell.Context) -> dict[str, str]:
    return {t: ctx.t(f"sites_type_{t}") for t in TYPES}


def _levels(ctx: shell.Context, status: str) -> dict[str, str]:
    return {level: ctx.t(f"sites_{status}_{level}") for level in fig.STATUS_ORDER}


def _columns(ctx: shell.Context) -> dict[str, str]:
    keys = ("name", "type", "commune", "district", "tables", "person", "reason", "coordinates")
    names = {k: ctx.t(f"sites_col_{k}") for k in keys}
    return {**names, **{m: widgets.label(ctx, m) for m in MEASURES}}


def _area(ctx: shell.Context) -> str:
    """The area column of the tables: the district for the province, else the commune."""
    return "commune" if ctx.state.district else "district"


def _days(ctx: shell.Context, days) -> str:
    return fig.days_text(days, ctx.lang, ctx.t("sites_days"), ctx.t("sites_no_use"))


# --- navigation: the address is the source of truth -------------------------------------------
def _on_map_select(ctx: shell.Context, key: str) -> None:
    event = st.session_state.get(key) or {}
    picked = ((event.get("selection") or {}).get("objects") or {}).get("sites") or []
    if picked and picked[0].get("facility_id") != ctx.state.site:
        shell.go(widgets.drilled(ctx, picked[0]["facility_id"]), rerun=False)


def _on_pick(ctx: shell.Context) -> None:
    picked = st.session_state.get(PICK_KEY) or ""
    if picked != (ctx.state.site or ""):
        target = widgets.drilled(ctx, picked) if picked else drill_up(ctx.state)
        shell.go(target, rerun=False)


def _site_names(sites: pd.DataFrame) -> dict[str, str]:
    """Each site's name and commune, by name."""
    ordered = sites.sort_values(["name", "facility_id"])
    return {
        r.facility_id: f"{fig.cell_text(r.name) or r.facility_id} — {fig.cell_text(r.commune_name)}"
        for r in ordered.itertuples()
    }


def _pick_site(ctx: shell.Context, found: _Sites) -> None:
    labels = found.names
    options = ["", *labels]
    current = ctx.state.site or ""
    if current not in labels and current:
        options.append(current)
        labels = {**labels, current: ctx.scope_name()}
    if st.session_state.get(PICK_KEY) != current:
        st.session_state[PICK_KEY] = current
    st.selectbox(
        ctx.t("sites_pick"),
        options,
        key=PICK_KEY,
        format_func=lambda f: labels.get(f, f) if f else ctx.t("sites_pick_none"),
        help=ctx.t("sites_pick_help"),
        on_change=partial(_on_pick, ctx),
        placeholder=ctx.t("sites_pick_none"),
    )


def _map_scope(ctx: shell.Context) -> str:
    """The area the map shows: the chosen area; with a site picked, its district, so that
    the neighbouring sites stay in view."""
    state = ctx.state
    if state.site:
        fac = ctx.facilities[ctx.facilities["facility_id"] == state.site]
        found = str(fac["district_code"].iloc[0]) if len(fac) else fig.PROVINCE_CODE
        return state.district or found
    return state.commune or state.district or fig.PROVINCE_CODE


# --- sections ---------------------------------------------------------------------------------
def _cards(ctx: shell.Context, sites: pd.DataFrame, on_map: pd.DataFrame, status: str) -> None:
    alerts = int((sites[f"{status}_status"] == "alert").sum())
    counts = (("on_map", len(on_map)), ("alert_count", alerts),
              ("off_map", len(sites) - len(on_map)))  # fmt: skip
    for col, (key, n) in zip(st.columns(3), counts, strict=True):
        col.metric(
            ctx.t(f"sites_{key}"),
            fmt.number(n, ctx.lang),
            help=ctx.t(f"sites_{key}_help"),
            border=True,
        )


def _map_parts(ctx: shell.Context, on_map: pd.DataFrame, status: str, map_code: str):
    """The map (a pydeck deck) and its legend's lines."""
    province = map_code == fig.PROVINCE_CODE
    names = {"types": _types(ctx), "levels": _levels(ctx, status),
             "days": ctx.t("sites_days"), "no_use": ctx.t("sites_no_use")}  # fmt: skip
    # Smaller points for the whole province (some 250 sites) than for a district.
    points = fig.tooltip_rows(on_map, status, 11 if province else 20, ctx.lang, names)
    columns = _columns(ctx)
    status_name = ctx.t(f"sites_status_{status}")
    tooltip = fig.tooltip_html(
        {
            **{k: columns[k] for k in ("type", "commune", "tables", "person")},
            "area": columns["commune"],
            **{m: widgets.label(ctx, m) for m in ("doses", "deferrals", "on_hand")},
            "days": widgets.label(ctx, "days_of_stock"),
            "level": ctx.t("sites_level", status=status_name.lower()),
        }
    )
    shapes = ctx.shapes()
    deck = fig.site_map(points, ctx.areas, shapes, map_code, ctx.state.site, tooltip)
    legend = fig.legend_html(on_map[f"{status}_status"], names["levels"], ctx.lang)
    top = int(on_map["doses"].max()) if len(on_map) else 0
    if shapes.is_approximate("district" if province else "commune"):
        outline = ctx.t("sites_outline_note")
    else:
        outline = ctx.t("sites_outline_file", name=Path(shapes.source or "").name)
    return deck, legend, ctx.t("sites_legend_size", max=fmt.number(top, ctx.lang)), outline


def _map(ctx: shell.Context, on_map: pd.DataFrame, status: str, map_code: str) -> None:
    deck, legend, size_line, outline = ctx.built(
        "sites_map",
        lambda: _map_parts(ctx, on_map, status, map_code),
        status,
        map_code,
        boundaries.file_stamp(),
    )
    status_name = ctx.t(f"sites_status_{status}")
    left, right = st.columns([4, 1])
    with left:
        key = f"sites_map_{map_code}_{ctx.state.site or ''}"
        st.pydeck_chart(
            deck,
            height=fig.MAP_HEIGHT,
            on_select=partial(_on_map_select, ctx, key),
            selection_mode="single-object",
            key=key,
            alt=ctx.t("sites_map_alt", status=status_name.lower()),
        )
    with right:
        st.markdown(f"**{status_name}**")
        st.markdown(legend, unsafe_allow_html=True)
        metric = "days_of_stock" if status == "stock" else "deferral_rate"
        st.caption(widgets.definition(ctx, metric))
        st.caption(size_line)
        st.caption(outline)


def _styled(ctx: shell.Context, table: pd.DataFrame, columns: dict[str, str]):
    numbers = [columns[k] for k in ("checked_in", "screened", "doses", "on_hand")]
    return widgets.styled(
        table,
        ctx.lang,
        numbers=numbers,
        percents=[columns["deferral_rate"]],
        decimals=[columns["days_of_stock"]],
    )


def _off_map(ctx: shell.Context, off: pd.DataFrame) -> None:
    if off.empty:
        return
    st.warning(
        ctx.t("sites_off_map_title", n=fmt.number(len(off), ctx.lang)),
        icon=":material/location_off:",
    )
    reasons = {s: ctx.t(f"sites_reason_{s}") for s in ("missing", "outside_province")}
    columns = _columns(ctx)
    table = ctx.built(
        "sites_off_map", lambda: fig.off_map_table(off, columns, _area(ctx), reasons, ctx.lang)
    )
    widgets.table(
        _styled(ctx, table, columns),
        key="sites_off_map_table",
        title=ctx.t("sites_off_map_title", n=len(off)),
    )


def _detail_caption(ctx: shell.Context, row: pd.Series) -> str:
    t, n = ctx.t, partial(fmt.number, lang=ctx.lang)
    place = fig.cell_text(row["address"]) or ", ".join(
        x for x in (fig.cell_text(row["commune_name"]), fig.cell_text(row["district_name"])) if x
    )
    person = fig.person(row["person_in_charge"], row["person_in_charge_title"]) or fmt.MISSING
    return " · ".join(
        [
            _types(ctx).get(row["facility_type"], ctx.t("sites_type_other")),
            place,
            f"{t('sites_col_tables')}: {n(row['tables_count'])}",
            f"{t('sites_vaccinators')}: {n(row['vaccinators_count'])}",
            f"{t('sites_emergency')}: {n(row['emergency_staff_count'])}",
            f"{t('sites_col_person')}: {person}",
        ]
    )


def _daily(ctx: shell.Context, names: dict[str, str]):
    daily = ctx.read(sites_q.site_daily)
    table = fig.daily_table(daily, ctx.t("sites_date"), names)
    return base.shared(fig.daily_chart(daily, ctx.lang, names)), table


def _funnel(ctx: shell.Context, steps: dict[str, str]):
    funnel = ctx.read(sites_q.site_funnel)
    headers = [ctx.t(k) for k in ("sites_step", "sites_count", "sites_share")]
    table = fig.funnel_table(funnel, ctx.lang, steps, headers)
    return base.shared(fig.funnel_chart(funnel, ctx.lang, steps)), table


def _detail(ctx: shell.Context) -> None:
    site = ctx.read(sites_q.site_status)
    if site.empty:
        widgets.no_data(ctx)
        return
    row = site.iloc[0]
    prev = ctx.read(sites_q.site_status, period=ctx.previous)
    before = prev.iloc[0] if len(prev) else {}
    st.divider()
    head, button = st.columns([4, 1], vertical_alignment="bottom")
    head.subheader(f"{ctx.t('sites_detail')}: {row['name']}")
    if button.button(ctx.t("sites_clear"), icon=":material/close:", key="sites_clear"):
        shell.go(drill_up(ctx.state))
    st.caption(_detail_caption(ctx, row))
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(ctx, "doses", fmt.value(row["doses"]), fmt.value(before.get("doses")))
    with cols[1]:
        rate, rate_before = row["deferral_rate"], before.get("deferral_rate")
        widgets.kpi(ctx, "deferral_rate", rate, rate_before, kind="percent", inverse=True)
    with cols[2]:
        widgets.kpi(ctx, "on_hand", fmt.value(row["on_hand"]))
    with cols[3]:
        widgets.kpi(ctx, "days_of_stock", None, shown=_days(ctx, row["days_of_stock"]))
    widgets.page_link(ctx, "screening", ctx.t("sites_to_screening"), icon=":material/stethoscope:")
    names = {m: widgets.label(ctx, m) for m in fig.DAILY_MEASURES}
    steps = {s: ctx.t(f"sites_step_{s}") for s in sites_q.FUNNEL_STEPS}
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('sites_daily')}**")
        daily_chart, daily_table = ctx.built("sites_daily", lambda: _daily(ctx, names))
        widgets.chart(
            ctx,
            daily_chart,
            daily_table,
            title=ctx.t("sites_daily"),
            key="sites_daily_chart",
            metrics=fig.DAILY_MEASURES,
        )
    with right:
        st.markdown(f"**{ctx.t('sites_funnel')}**")
        funnel_chart, funnel_table = ctx.built("sites_funnel", lambda: _funnel(ctx, steps))
        widgets.chart(
            ctx,
            funnel_chart,
            funnel_table,
            title=ctx.t("sites_funnel"),
            key="sites_funnel_chart",
            metrics=sites_q.FUNNEL_STEPS,
        )


@dataclass(frozen=True)
class _Sites:
    """The sites of the map's area (`queries.sites.site_status`), those that can be placed on
    the map and those that cannot, and the site picker's labels (shared: never changed)."""

    all: pd.DataFrame
    on_map: pd.DataFrame
    off_map: pd.DataFrame
    names: dict[str, str]


def _sites(ctx: shell.Context, map_code: str) -> _Sites | None:
    sites = ctx.read(sites_q.site_status, scope=ctx.scope_for(map_code))
    if sites.empty:
        return None
    placed = sites_q.placeable(sites)
    return _Sites(sites, sites[placed], sites[~placed], _site_names(sites))


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_sites")
    map_code = _map_scope(ctx)
    found = ctx.built("sites", lambda: _sites(ctx, map_code), map_code)
    if found is None:
        st.info(ctx.t("sites_no_sites"))
        return
    sites, on_map = found.all, found.on_map
    controls = st.columns([2, 3])
    with controls[0]:
        status = widgets.url_option(
            ctx,
            "status",
            STATUS_OPTIONS,
            "stock",
            ctx.t("sites_colour_by"),
            lambda s: ctx.t(f"sites_status_{s}"),
            kind="radio",
            help=widgets.definitions_line(ctx, ("days_of_stock", "deferral_rate")),
        )
    with controls[1]:
        _pick_site(ctx, found)
    _cards(ctx, sites, on_map, status)
    if int(sites["checked_in"].sum()) == 0:
        st.info(ctx.t("sites_no_sessions"))
    _map(ctx, on_map, status, map_code)
    _off_map(ctx, found.off_map)
    # Built only when opened: formatting some 250 rows costs more than the rest of the page.
    box = widgets.folded(ctx.t("sites_table"), "sites_table_open")
    if box is not None:
        with box:
            columns = _columns(ctx)
            table = fig.site_table(sites, columns)
            widgets.table(
                _styled(ctx, table, columns), key="sites_table", title=ctx.t("sites_table")
            )
    if ctx.state.site:
        _detail(ctx)


ctx = shell.context()
if ctx is not None:
    render(ctx)
