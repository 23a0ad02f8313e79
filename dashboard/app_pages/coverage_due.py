"""The "who is due" section of the coverage page (not a page of its own): people due and
overdue for their next primary dose and for a booster at the end of the period, by district
(the province) or commune (a district, a commune, a site) and by the vaccine of their last
dose. Definitions in `queries/due.py`; intervals and their sources in the file
`config/dose_intervals.toml` (VAX_DOSE_INTERVALS_CONFIG), read on every page view."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard import people_due, shell, widgets
from dashboard.figures import base
from dashboard.figures import due as figures
from queries import due as due_q

KINDS = ("primary", "booster")


def _labels(ctx: shell.Context) -> dict[str, str]:
    labels = {f"{k}_{s}": ctx.t(f"due_{k}_{s}") for k in KINDS for s in ("due", "overdue")}
    labels.update(
        {
            k: ctx.t(f"due_{k}")
            for k in ("vaccine", "kind", "interval", "waiting", "due", "overdue", "people", "area")
        }  # fmt: skip
    )
    labels.update(due_soon=ctx.t("due_soon"), name=ctx.t("due_area"))
    labels.update({f"kind_{k}": ctx.t(f"due_kind_{k}") for k in KINDS})
    return labels


def render(ctx: shell.Context) -> None:
    """The section, under its own header, for the context's scope and the period's last day."""
    st.subheader(ctx.t("due_title", day=fmt.day(ctx.period.end)))
    try:
        intervals = due_q.load_intervals()
    except due_q.DoseIntervalsError as exc:
        st.warning(ctx.t("due_config_error", error=str(exc)), icon="⚠️")
        return
    st.caption(
        ctx.t("due_definition", grace=intervals.grace_days, upcoming=intervals.upcoming_days)
    )
    parts = ctx.built("coverage_due", lambda: _parts(ctx, intervals), intervals)
    if parts is None:
        st.info(ctx.t("due_none"))
        return
    cols = st.columns(4)
    for col, (label, value) in zip(cols, parts.cards, strict=True):
        with col:
            st.metric(label, fmt.number(value, ctx.lang), border=True)
    st.caption(parts.soon_line)
    st.markdown(f"**{parts.area_title}**")
    widgets.chart(
        ctx,
        parts.area_figure,
        partial(
            widgets.styled, parts.area_table, ctx.lang, numbers=list(parts.area_table.columns[1:])
        ),
        key="due_area_chart",
    )
    st.markdown(f"**{ctx.t('due_by_vaccine')}**")
    widgets.table(
        widgets.styled(
            parts.vaccine_table, ctx.lang, numbers=list(parts.vaccine_table.columns[2:])
        ),
        key="due_vaccine_table",
    )
    box = widgets.folded(ctx.t("due_sources", file=due_q.config_path().name), "due_sources_open")
    if box is not None:
        with box:
            widgets.table(parts.sources, key="due_sources_table")


@dataclass(frozen=True)
class _Parts:
    cards: list[tuple[str, int]]  # people due and overdue, for each kind of dose
    soon_line: str
    area_title: str
    area_figure: go.Figure
    area_table: pd.DataFrame
    vaccine_table: pd.DataFrame
    sources: pd.DataFrame


def _parts(ctx: shell.Context, intervals: due_q.DoseIntervals) -> _Parts | None:
    """What the section shows, from the counts (None when nobody is waiting)."""
    counts = people_due.counts(ctx, intervals)
    if counts.empty:
        return None
    labels = _labels(ctx)
    by_kind = counts.groupby("next_kind")[due_q.COUNTS].sum()
    cards = [
        (labels[f"{kind}_{status}"], int(by_kind[status].get(kind, 0)))
        for kind, status in figures.SERIES
    ]
    soon = {k: fmt.number(int(by_kind["due_soon"].get(k, 0)), ctx.lang) for k in KINDS}
    line = ctx.t("due_soon_line", upcoming=intervals.upcoming_days, **soon)
    unknown = int(by_kind["no_interval"].sum())
    if unknown:
        line += " " + ctx.t("due_no_interval_line", n=fmt.number(unknown, ctx.lang))
    vaccines = ctx.read_plain(due_q.vaccine_names)
    district_level = ctx.scope.level == "province"
    column = "district_code" if district_level else "commune_code"
    level = ctx.t("coverage_level_district" if district_level else "coverage_level_commune")
    areas = figures.by_area(counts, column, ctx.names)
    return _Parts(
        cards=cards,
        soon_line=line,
        area_title=ctx.t("due_by_area", level=level),
        area_figure=base.shared(figures.area_figure(areas, ctx.lang, labels)),
        area_table=figures.area_table(areas, labels),
        vaccine_table=figures.vaccine_table(counts, vaccines, labels),
        sources=_sources(ctx, intervals, vaccines, labels),
    )


def _sources(ctx: shell.Context, intervals, vaccines: dict, labels: dict) -> pd.DataFrame:
    """The intervals in use and their sources, one row per vaccine and kind of dose."""
    rows = []
    for r in intervals.table().itertuples():
        for kind, days, source in (
            ("primary", r.next_primary_days, r.next_primary_source),
            ("booster", r.booster_days, r.booster_source),
        ):
            if pd.notna(days) and isinstance(source, str):
                rows.append(
                    {
                        labels["vaccine"]: vaccines.get(r.vaccine_code, r.vaccine_code),
                        labels["kind"]: labels[f"kind_{kind}"],
                        labels["interval"]: int(days),
                        ctx.t("due_source"): source,
                    }
                )
    return pd.DataFrame(rows)
