"""Allocation proposal ("Phân bổ vắc xin"): for a vaccine and a quantity (by default what the
province store holds), doses per district and per site by the rule of `queries.allocation`,
each site with its reason; the committee edits the proposal in the table, the totals are
checked again and the edited table downloads as a workbook."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import allocation_text, downloads, shell, widgets
from dashboard import format as fmt
from dashboard import target_group as tg
from queries import allocation
from queries import allocation_inputs as inputs_q
from queries import due as due_q

DEFAULT_DAYS = 14
DEFAULT_HOURS = 8.0


def _controls(ctx: shell.Context, held: dict[str, int]) -> tuple[str, str]:
    vaccines = list(held)
    most = max(vaccines, key=lambda v: (held[v], v == vaccines[0]))
    left, right = st.columns(2)
    with left:
        vaccine = widgets.url_option(
            ctx, "vaccine", vaccines, most, ctx.t("alloc_vaccine"),
            lambda v: f"{v} ({fmt.number(held[v], ctx.lang)})",
        )  # fmt: skip
    with right:
        group = tg.selector(ctx)
    return vaccine, group


def _quantity(ctx: shell.Context, vaccine: str, stock: int) -> tuple[int, int, float]:
    key = f"alloc_quantity_{vaccine}"
    if key not in st.session_state:
        st.session_state[key] = stock

    def take_stock() -> None:
        st.session_state[key] = stock

    cols = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
    quantity = cols[0].number_input(ctx.t("alloc_quantity"), min_value=0, step=100, key=key)
    cols[1].button(
        ctx.t("alloc_use_stock", doses=fmt.number(stock, ctx.lang)),
        on_click=take_stock,
        icon=":material/inventory_2:",
    )
    days = cols[2].number_input(ctx.t("alloc_days"), 1, 90, DEFAULT_DAYS, key="alloc_days")
    hours = cols[3].number_input(
        ctx.t("alloc_hours"), 0.5, 24.0, DEFAULT_HOURS, step=0.5, key="alloc_hours"
    )
    return int(quantity), int(days), float(hours)


def _stock_line(ctx: shell.Context, vaccine: str, lots: pd.DataFrame, days: int, window: int):
    if lots.empty:
        st.caption(ctx.t("alloc_no_lots", vaccine=vaccine, days=fmt.number(window, ctx.lang)))
        return
    first = lots["expiry_date"].iloc[0]
    st.caption(
        ctx.t(
            "alloc_stock_line",
            doses=fmt.number(lots["on_hand"].sum(), ctx.lang),
            vaccine=vaccine,
            lots=fmt.number(len(lots), ctx.lang),
            expiry=fmt.day(first),
            days=fmt.number(window, ctx.lang),
        )
    )
    if window < days:
        st.warning(ctx.t("alloc_expiry_cut", expiry=fmt.day(first)), icon=":material/event:")


def _edited(ctx: shell.Context, table: pd.DataFrame, key: str) -> pd.DataFrame:
    """The site table in the editor (only the allocated column editable; the other numbers
    shown the Vietnamese way) and the table back with the edited values, as numbers."""
    lab = allocation_text.labels(ctx.lang)
    shown = table.drop(columns="facility_id")
    for name in ("need", "capacity", "stock", "days", "room", "proposed"):
        shown[lab[name]] = [fmt.number(v, ctx.lang) for v in shown[lab[name]]]
    config = {
        lab["edited"]: st.column_config.NumberColumn(min_value=0, step=1, required=True),
        lab["reason"]: st.column_config.TextColumn(width="large"),
    }
    edited = st.data_editor(
        shown,
        hide_index=True,
        width="stretch",
        disabled=[c for c in shown.columns if c != lab["edited"]],
        column_config=config,
        key=key,
    )
    values = pd.to_numeric(edited[lab["edited"]]).fillna(0).astype("int64").to_numpy()
    return table.drop(columns="facility_id").assign(**{lab["edited"]: values})


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_allocation")
    st.caption(ctx.t("alloc_intro", window=inputs_q.WINDOW_DAYS))
    held = ctx.read(inputs_q.province_stock)
    if not held:
        widgets.no_data(ctx)
        return
    vaccine, group = _controls(ctx, held)
    scope = ctx.scope_for(ctx.state.district)
    lots = ctx.read(inputs_q.lots_for_period, vaccine)
    quantity, days, hours = _quantity(ctx, vaccine, int(lots["on_hand"].sum()))
    expiry = inputs_q.first_expiry(lots, quantity)
    window = inputs_q.window_days(ctx.period.end, days, expiry)
    _stock_line(ctx, vaccine, lots, days, window)
    try:
        intervals = due_q.load_intervals()
    except due_q.DoseIntervalsError as exc:  # people due cannot be counted: say why
        st.warning(ctx.t("due_config_error", error=str(exc)), icon="⚠️")
        return
    rows = ctx.read(inputs_q.site_rows_for_period, vaccine, group, hours, window, scope=scope)
    waiting = ctx.read(due_q.waiting_for_period, scope=scope)
    counts = due_q.classify(waiting, ctx.period.end, intervals)
    sites = inputs_q.add_need(rows, counts, vaccine)
    if sites.empty:
        st.info(ctx.t("alloc_no_sites"))
        return
    proposal = allocation.allocate(sites, quantity)
    st.caption(ctx.t("alloc_scope", area=ctx.scope_name(scope.code),
                     sites=fmt.number(len(sites), ctx.lang)))  # fmt: skip
    st.markdown(
        ctx.t(
            "alloc_totals",
            proposed=fmt.number(proposal.sites["proposed"].sum(), ctx.lang),
            sites=fmt.number(int((proposal.sites["proposed"] > 0).sum()), ctx.lang),
            room=fmt.number(proposal.room, ctx.lang),
            left=fmt.number(proposal.left, ctx.lang),
        )
    )
    lab = allocation_text.labels(ctx.lang)
    districts_box = st.container()
    st.subheader(ctx.t("alloc_sites"))
    table = allocation_text.site_table(proposal, ctx.lang)
    key = f"alloc_editor_{vaccine}_{group}_{quantity}_{days}_{hours}_{scope.code}_{ctx.lang}"
    edited = _edited(ctx, table, key)
    state, line = allocation_text.totals_line(int(edited[lab["edited"]].sum()), proposal, ctx.lang)
    {"ok": st.success, "off": st.info, "over": st.error}[state](line)
    title = ctx.t("alloc_download", vaccine=vaccine)
    downloads.table_downloads(
        ctx, edited, title=title, key=f"alloc_{vaccine}", definitions=[ctx.t(
            "alloc_intro", window=inputs_q.WINDOW_DAYS)]
    )  # fmt: skip
    with districts_box:
        st.subheader(ctx.t("alloc_districts"))
        districts = allocation_text.district_table(edited, ctx.lang)
        numbers = [c for c in districts.columns if c != lab["district"]]
        st.dataframe(widgets.styled(districts, ctx.lang, numbers=numbers), hide_index=True,
                     width="stretch")  # fmt: skip


ctx = shell.context()
if ctx is not None:
    render(ctx)
