"""The overview's "Cần quyết định" (decisions needed) and expired / near-expiry doses sections:
what `queries.decisions` and `queries.expiry` find for the view, each item with its link to the
page that shows it (same period, the item's site or area)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import shell, widgets
from dashboard.stockout_words import when_out
from queries import decisions as decisions_q
from queries import expiry as expiry_q
from queries.alerts import Thresholds

SHOWN = 5  # items listed per kind of decision; the rest in a table under it
EXPIRY_SHOWN = 10


def _item(ctx: shell.Context, line: str, page: str, code: str | None, label: str) -> None:
    """One decision: its sentence and a link to `page` narrowed to `code` (the view if None)."""
    with st.container(border=True):
        left, right = st.columns([6, 1.6], vertical_alignment="center")
        left.markdown(line)
        with right:
            state = widgets.drilled(ctx, code) if code else None
            widgets.page_link(ctx, page, label, state=state)


def _stockout_line(ctx: shell.Context, row: dict) -> str:
    when = when_out(row["days_left"], row["available"], ctx.lang)
    return ctx.t(
        "decisions_stockout",
        site=ctx.scope_name(row["facility_id"]),
        vaccine=row["vaccine_code"],
        when=when,
        on_hand=fmt.number(row["on_hand"], ctx.lang),
        use=fmt.number(row["daily_use"], ctx.lang, 1),
    )


def _move_line(ctx: shell.Context, row: dict) -> str:
    return ctx.t(
        "decisions_move",
        site=row["facility_name"],
        vaccine=row["vaccine_code"],
        lot=row["lot_number"],
        day=fmt.day(row["expiry_date"]),
        unused=fmt.number(row["unused"], ctx.lang),
        on_hand=fmt.number(row["on_hand"], ctx.lang),
        to=row["to_facility_name"],
        can_use=fmt.number(row["can_use"], ctx.lang),
        to_use=fmt.number(row["to_daily_use"], ctx.lang, 1),
    )


def _backlog_line(ctx: shell.Context, row: dict) -> str:
    days = fmt.value(row["backlog_days"])
    return ctx.t(
        "decisions_backlog",
        area=row["name"],
        backlog=fmt.number(row["backlog"], ctx.lang),
        days=fmt.number(days, ctx.lang, 1)
        if days is not None and days != float("inf")
        else ctx.t("decisions_no_doses"),
    )


def _target_line(ctx: shell.Context, row: dict) -> str:
    when = (
        ctx.t("decisions_target_never")
        if pd.isna(row["date"])
        else ctx.t("decisions_target_on", day=fmt.day(row["date"]))
    )
    return ctx.t(
        "decisions_target",
        area=row["name"],
        coverage=fmt.percent(row["coverage"], ctx.lang),
        share=fmt.percent(row["target"], ctx.lang),
        when=when,
        pace=fmt.number(row["pace"], ctx.lang, 0),
    )


def _lines(ctx: shell.Context, query, t: Thresholds, line, code_column: str):
    """Each item's sentence and the code its link narrows to; the table of them all when there
    are more than SHOWN."""
    rows = ctx.read(query, t).to_dict("records")
    lines = [(line(ctx, row), row[code_column]) for row in rows]
    table = None
    if len(lines) > SHOWN:
        table = pd.DataFrame({ctx.t("decisions_item"): [text for text, _ in lines]})
    return lines, table


def _kind(
    ctx: shell.Context,
    title: str,
    query,
    t: Thresholds,
    line,
    page: str,
    code_column: str,
) -> None:
    lines, table = ctx.built(
        f"decisions_{query.__name__}",
        lambda: _lines(ctx, query, t, line, code_column),
        t,
    )
    st.markdown(f"**{title}** ({fmt.number(len(lines), ctx.lang)})")
    if not lines:
        st.caption(ctx.t("decisions_none"))
        return
    for text, code in lines[:SHOWN]:
        _item(ctx, text, page, code, ctx.t(f"page_{page}"))
    if table is not None:
        label = ctx.t("decisions_all", total=fmt.number(len(lines), ctx.lang))
        box = widgets.folded(label, f"decisions_{query.__name__}_open")
        if box is not None:
            with box:
                widgets.table(table)


def decisions_section(ctx: shell.Context, t: Thresholds) -> None:
    st.subheader(ctx.t("decisions_title"), anchor="can-quyet-dinh")
    st.caption(
        ctx.t(
            "decisions_intro",
            day=fmt.day(ctx.period.end),
            within=fmt.number(t.stockout_within_days, ctx.lang),
            use_days=fmt.number(t.stockout_use_days, ctx.lang),
            near=fmt.number(t.near_expiry_days, ctx.lang),
            backlog_days=fmt.number(t.backlog_decision_days, ctx.lang),
            backlog_min=fmt.number(t.backlog_min_count, ctx.lang),
        )
    )
    _kind(
        ctx,
        ctx.t("decisions_stockouts", days=fmt.number(t.stockout_within_days, ctx.lang)),
        decisions_q.stockouts,
        t,
        _stockout_line,
        "stock",
        "facility_id",
    )
    _kind(
        ctx,
        ctx.t("decisions_moves"),
        decisions_q.lots_to_move,
        t,
        _move_line,
        "stock",
        "district_code",
    )
    _kind(
        ctx,
        ctx.t("decisions_backlogs"),
        decisions_q.certificate_backlogs,
        t,
        _backlog_line,
        "certificates",
        "area_code",
    )
    _kind(
        ctx,
        ctx.t(
            "decisions_targets",
            share=fmt.percent(t.coverage_target, ctx.lang),
            day=fmt.day(t.coverage_target_date),
        ),
        decisions_q.districts_missing_target,
        t,
        _target_line,
        "coverage",
        "area_code",
    )


def _expiry_parts(ctx: shell.Context, t: Thresholds):
    """Per state (expired, near), its doses, lots and stores; the largest lots' table; and how
    many lots there are."""
    lots = ctx.read(expiry_q.lots, t)
    summary = expiry_q.summary(lots).set_index("state")
    states = {state: summary.loc[state].to_dict() for state in ("expired", "near")}
    table = None
    if not lots.empty:
        # The largest lots first: expired ones, then those about to expire.
        top = lots.sort_values(["state", "on_hand"], ascending=[True, False]).head(EXPIRY_SHOWN)
        table = pd.DataFrame(
            {
                ctx.t("expiry_state"): [ctx.t(f"expiry_state_{s}") for s in top["state"]],
                ctx.t("expiry_store"): top["store_name"],
                ctx.t("expiry_vaccine"): top["vaccine_code"],
                ctx.t("expiry_lot"): top["lot_number"],
                ctx.t("expiry_date"): [fmt.day(d) for d in top["expiry_date"]],
                ctx.t("expiry_on_hand"): [fmt.number(v, ctx.lang) for v in top["on_hand"]],
            }
        )
    return states, table, len(lots)


def expiry_section(ctx: shell.Context, t: Thresholds) -> None:
    st.subheader(ctx.t("expiry_title"), anchor="het-han")
    states, table, lots = ctx.built("expiry", lambda: _expiry_parts(ctx, t), t)
    cols = st.columns(2)
    for col, state in zip(cols, ("expired", "near"), strict=True):
        row = states[state]
        col.metric(
            ctx.t(f"expiry_{state}", days=fmt.number(t.near_expiry_days, ctx.lang)),
            fmt.number(row["doses"], ctx.lang),
            delta=ctx.t(
                "expiry_lots",
                lots=fmt.number(row["lots"], ctx.lang),
                stores=fmt.number(row["stores"], ctx.lang),
            ),
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    if table is not None:
        st.caption(ctx.t("expiry_top", shown=len(table), total=fmt.number(lots, ctx.lang)))
        widgets.table(table)
    widgets.page_link(ctx, "stock", ctx.t("expiry_link"))


def render(ctx: shell.Context, t: Thresholds) -> None:
    """Both sections, decisions first."""
    decisions_section(ctx, t)
    expiry_section(ctx, t)
