"""The overview's alerts: a line under the headline figures, then the section of the page (the
number of each kind of alert with the page behind it, a filter by kind, the first alerts with a
link to their site and a table of them all). The alerts are those of `queries.site_alerts`
under the administrator's thresholds; the texts those of `dashboard.figures.overview_alerts`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import format as fmt
from dashboard import navigation, shell, widgets
from dashboard.figures import overview_alerts as alert_texts
from dashboard.state import to_params
from queries import site_alerts as site_alerts_q
from queries.alerts import Thresholds, config_path

TOP_ALERTS = 10
KIND_COLUMNS = 4  # the alert kinds' cards, four to a row
ALERT_KINDS = alert_texts.KINDS
ALERT_PAGES = alert_texts.PAGES


@dataclass(frozen=True)
class Alerts:
    """The view's alerts as records (`queries.site_alerts`), and per kind how many and how
    many of them serious."""

    records: list[dict]
    counts: dict[str, tuple[int, int]]


def _count(ctx: shell.Context, t: Thresholds) -> Alerts:
    alerts = ctx.read(site_alerts_q.alerts, t)
    counts: dict[str, tuple[int, int]] = {}
    for kind, of_kind in alerts.groupby("kind"):
        counts[str(kind)] = (len(of_kind), int((of_kind["severity"] == "serious").sum()))
    return Alerts(alerts.to_dict("records"), counts)


def counted(ctx: shell.Context, t: Thresholds) -> Alerts:
    """The view's alerts under the thresholds `t` (built once per view and thresholds)."""
    return ctx.built("overview_alerts", lambda: _count(ctx, t), t)


def jump_line(ctx: shell.Context, alerts: Alerts) -> None:
    """One line under the headline figures: how many alerts, with a link down to the list."""
    if not alerts.records:
        return
    total = len(alerts.records)
    serious = sum(s for _, s in alerts.counts.values())
    line = ctx.t(
        "overview_alerts_jump",
        serious=fmt.number(serious, ctx.lang),
        warning=fmt.number(total - serious, ctx.lang),
    )
    st.markdown(f":material/notifications: {line}")


def _place(ctx: shell.Context, row: dict) -> str:
    return f"{ctx.scope_name(row['commune_code'])}, {ctx.scope_name(row['district_code'])}"


def _site_address(ctx: shell.Context, facility_id: str) -> str:
    """The address of the sites page's detail of a site, with this period and language."""
    state = replace(widgets.drilled(ctx, facility_id), options=())
    return f"{navigation.ADDRESSES['sites']}?{urlencode(to_params(state))}"


def _kind_cards(ctx: shell.Context, counts: dict[str, tuple[int, int]], t: Thresholds) -> None:
    """The number of alerts of each kind (and how many are serious), with the page behind."""
    columns = [
        c for _ in range(0, len(ALERT_KINDS), KIND_COLUMNS) for c in st.columns(KIND_COLUMNS)
    ]
    serious_text = ctx.t("overview_severity_serious").lower()
    for col, kind in zip(columns, ALERT_KINDS, strict=False):
        n, serious = counts.get(kind, (0, 0))
        with col:
            st.metric(
                ctx.t(f"overview_kind_{kind}"),
                fmt.number(n, ctx.lang),
                delta=f"{fmt.number(serious, ctx.lang)} {serious_text}" if serious else None,
                delta_color="off",
                delta_arrow="off",
                help=alert_texts.rule(kind, t, ctx.lang),
                border=True,
            )
            widgets.page_link(ctx, ALERT_PAGES[kind], ctx.t(f"page_{ALERT_PAGES[kind]}"))


def render(ctx: shell.Context, alerts: Alerts, t: Thresholds, error: str | None) -> None:
    """The alerts section: the kinds' cards, a filter by kind, the first alerts of the kinds
    chosen and the table of them all; the rules under it."""
    st.subheader(ctx.t("overview_alerts"), anchor="canh-bao")
    if error:
        st.warning(ctx.t("overview_alerts_config_error", error=error), icon="⚠️")
    where = ctx.t("overview_alerts_config", path=f"`{config_path().name}`")
    rules = f"{alert_texts.rules(t, ctx.lang)} {where}"
    counts, records = alerts.counts, alerts.records
    if not records:
        st.info(ctx.t("overview_alerts_none"), icon=":material/check_circle:")
        st.caption(rules)
        return
    _kind_cards(ctx, counts, t)
    present = [k for k in ALERT_KINDS if counts.get(k)]
    chosen = st.pills(
        ctx.t("overview_alerts_filter"),
        present,
        selection_mode="multi",
        default=present,
        key=f"overview_alert_kinds_{'_'.join(present)}",
        format_func=lambda k: (
            f"{ctx.t(f'overview_kind_{k}')} ({fmt.number(counts[k][0], ctx.lang)})"
        ),
    )
    kinds = tuple(chosen or present)  # a control outside the address: part of the key
    listing = ctx.built(
        "overview_alert_list", lambda: _alert_listing(ctx, records, t, kinds), t, kinds
    )
    _alert_list(ctx, listing)
    if listing.table is not None:
        _alert_table(ctx, listing)
    st.caption(rules)


@dataclass(frozen=True)
class _Listing:
    """The alerts of the kinds chosen: how many, the first TOP_ALERTS as (severity badge,
    text, site) and, when there are more, the table of them all."""

    total: int
    top: list[tuple[str, str, str]]
    table: pd.DataFrame | None


def _line(ctx: shell.Context, row: dict, t: Thresholds) -> str:
    kind = ctx.t(f"overview_kind_{row['kind']}")
    return (
        f"**{row['facility_name']}** · {_place(ctx, row)}  \n"
        f"{kind}: {alert_texts.message(row, t, ctx.lang)}"
    )


def _alert_listing(ctx: shell.Context, records: list, t: Thresholds, kinds: tuple) -> _Listing:
    rows = [r for r in records if r["kind"] in kinds]
    top = [
        (alert_texts.severity_badge(r["severity"], ctx.lang), _line(ctx, r, t), r["facility_id"])
        for r in rows[:TOP_ALERTS]
    ]
    table = None
    if len(rows) > TOP_ALERTS:
        places = [_place(ctx, r) for r in rows]
        links = [_site_address(ctx, r["facility_id"]) for r in rows]
        table = alert_texts.alerts_table(rows, places, links, t, ctx.lang)
    return _Listing(len(rows), top, table)


def _alert_list(ctx: shell.Context, listing: _Listing) -> None:
    total = fmt.number(listing.total, ctx.lang)
    st.markdown(f"**{ctx.t('overview_alerts_top', shown=len(listing.top), total=total)}**")
    for badge, line, facility_id in listing.top:
        with st.container(border=True):
            left, middle, right = st.columns([1.3, 6, 1.6], vertical_alignment="center")
            left.markdown(badge)
            middle.markdown(line)
            with right:
                state = widgets.drilled(ctx, facility_id)
                widgets.page_link(ctx, "sites", ctx.t("overview_open_site"), state=state)


def _alert_table(ctx: shell.Context, listing: _Listing) -> None:
    columns = {  # the message wide, the link narrow: the table fits 1366 px
        ctx.t("overview_detail"): st.column_config.TextColumn(width="large"),
        ctx.t("overview_link"): st.column_config.LinkColumn(
            display_text=ctx.t("overview_open_site"), width="small"
        ),
    }
    total = fmt.number(listing.total, ctx.lang)
    box = widgets.folded(ctx.t("overview_alerts_all", total=total), "overview_alerts_all_open")
    if box is not None:
        with box:
            widgets.table(listing.table, column_config=columns, title=ctx.t("overview_alerts"))
