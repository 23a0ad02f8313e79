"""What a district user sees of the province on the overview: its totals and the district's
rank among the districts, nothing of another district."""

from __future__ import annotations

import streamlit as st

from dashboard import cached
from dashboard import format as fmt
from dashboard.shell import Context


def render(ctx: Context, measure: str, group: str) -> None:
    """The province's coverage and doses, and the district's rank on each (district users)."""
    if ctx.allowed.is_province:
        return
    found = cached.province_context(ctx.url, ctx.version, ctx.allowed, ctx.period, group, measure)
    if found is None:
        return
    st.subheader(ctx.t("province_context_title"))

    def rank(value: int | None) -> str:
        if value is None:
            return fmt.MISSING
        return ctx.t("province_context_rank", rank=str(value), of=str(found.districts))

    cols = st.columns(4)
    measure_label = ctx.t(f"overview_measure_{measure}")
    cols[0].metric(
        ctx.t("province_context_coverage", measure=measure_label),
        fmt.percent(found.province_coverage, ctx.lang)
        if found.province_coverage is not None
        else fmt.MISSING,
    )
    cols[1].metric(ctx.t("province_context_rank_coverage"), rank(found.rank_coverage))
    cols[2].metric(ctx.t("province_context_doses"), fmt.number(found.province_doses, ctx.lang))
    cols[3].metric(ctx.t("province_context_rank_doses"), rank(found.rank_doses))
    st.caption(ctx.t("province_context_note", of=str(found.districts)))
