"""The overview's written weekly summary ("Tóm tắt tuần"): the sentences of
`dashboard.summary_text` from the facts of `queries.summary`, each with the queries its numbers
come from as its help, and the whole paragraph to copy. The queries are read through the page's
cache (the decisions section below reads the same ones)."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import people_due, shell, summary_text
from queries import decisions as decisions_q
from queries import due as due_q
from queries import expiry as expiry_q
from queries import overview as overview_q
from queries import summary as summary_q
from queries.alerts import Thresholds


def intervals_or_none() -> due_q.DoseIntervals | None:
    """The dose intervals in use; None when their file cannot be used (the coverage page says
    why; the summary leaves the people due out)."""
    try:
        return due_q.load_intervals()
    except due_q.DoseIntervalsError:
        return None


def facts(
    ctx: shell.Context, t: Thresholds, intervals: due_q.DoseIntervals | None
) -> list[summary_q.Fact]:
    """The summary's facts for the view, from the cached reads."""
    due = None if intervals is None else people_due.counts(ctx, intervals)
    inputs = summary_q.Inputs(
        period=ctx.period,
        previous=ctx.previous,
        kpis=ctx.read(overview_q.kpis, summary_q.DENOMINATOR),
        ranking=ctx.read(overview_q.ranking, summary_q.DENOMINATOR),
        ranking_level=overview_q.ranking_level(ctx.scope),
        stockouts=ctx.read(decisions_q.stockouts, t),
        lots=ctx.read(expiry_q.lots, t),
        moves=ctx.read(decisions_q.lots_to_move, t),
        backlogs=ctx.read(decisions_q.certificate_backlogs, t),
        due=due,
        thresholds=t,
    )
    return summary_q.build(inputs)


def _written(
    ctx: shell.Context, t: Thresholds, intervals: due_q.DoseIntervals | None
) -> tuple[list[summary_text.Sentence], str]:
    """The summary's sentences and the paragraph to copy."""
    found = facts(ctx, t, intervals)
    return summary_text.sentences(found, ctx.lang), summary_text.paragraph(found, ctx.lang)


def render(ctx: shell.Context, t: Thresholds) -> None:
    st.subheader(ctx.t("summary_title"), anchor="tom-tat-tuan")
    st.caption(
        ctx.t(
            "summary_intro",
            area=ctx.scope_name(),
            start=fmt.day(ctx.period.start),
            end=fmt.day(ctx.period.end),
        )
    )
    intervals = intervals_or_none()
    written, paragraph = ctx.built(
        "overview_summary", lambda: _written(ctx, t, intervals), t, intervals
    )
    with st.container(border=True):
        for sentence in written:
            st.markdown(
                sentence.text,
                help=ctx.t("summary_source", sources=", ".join(sentence.sources)),
            )
    with st.expander(ctx.t("summary_copy")):
        st.code(paragraph, language=None, wrap_lines=True)
