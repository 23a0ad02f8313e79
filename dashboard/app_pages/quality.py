"""Data quality ("Chất lượng dữ liệu"): ETL runs and data as of, rejected rows by reason with the
rows themselves (no personal data), sites late on a planned day (no visit, no stock report or
both), sites with bad coordinates, and doses in visits reconciled with doses declared in stock
reports, by district (a commune or a site beside its whole district)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import cached, shell, widgets
from dashboard import format as fmt
from dashboard.access import can_open
from dashboard.figures import base
from dashboard.figures import quality as fig
from dashboard.texts.quality import FIELDS, KINDS, SOURCE_TABLES
from queries import audit as audit_q
from queries import quality as quality_q

RUN_STATUSES = ("success", "failed", "running", "interrupted")
MISSING = ("visits", "stock_report", "both")  # what a late site did not send
RECON_COLUMNS = {"visit_doses": "visits", "declared_doses": "declared", "ledger_doses": "ledger",
                 "gap": "gap", "gap_rate": "gap_rate"}  # fmt: skip
REJECT_COLUMNS = {"source_pk": "pk", "kind": "kind", "value": "value",
                  "first_run_id": "first_run", "last_run_id": "last_run"}  # fmt: skip


def _cols(ctx: shell.Context, *names: str) -> dict[str, str]:
    """{name: header} for the page's column headers `quality_col_<name>`."""
    return {n: ctx.t(f"quality_col_{n}") for n in names}


def _caption(ctx: shell.Context, metric: str) -> None:
    st.caption(widgets.definitions_line(ctx, (metric,)))


def _kpi_values(ctx: shell.Context) -> tuple[list[tuple], tuple[str, bool] | None]:
    """The four cards' arguments, and the last run's line with whether it succeeded."""
    runs = ctx.read_plain(quality_q.etl_runs)
    summary = ctx.read_plain(quality_q.reject_summary)
    late = ctx.read(quality_q.late_sites)
    late_before = ctx.read(quality_q.late_sites, period=ctx.previous)
    recon = ctx.read(quality_q.dose_reconciliation)
    recon_before = ctx.read(quality_q.dose_reconciliation, period=ctx.previous)
    coords = ctx.read(quality_q.bad_coordinates)
    cards = [
        ("rejected_rows", summary["open"].sum(), None, {"title": ctx.t("quality_kpi_rejected")}),
        (
            "late_sites",
            quality_q.late_site_count(late),
            quality_q.late_site_count(late_before),
            {"inverse": True, "title": ctx.t("quality_kpi_late")},
        ),
        ("bad_coordinates", len(coords), None, {"title": ctx.t("quality_kpi_coords")}),
        (
            # A gap either way is a problem: the change is shown without a good/bad colour.
            "declared_gap",
            quality_q.total_gap_rate(recon),
            quality_q.total_gap_rate(recon_before),
            {"kind": "percent", "neutral": True, "title": ctx.t("quality_kpi_gap")},
        ),
    ]
    if runs.empty:
        return cards, None
    last = runs.iloc[0]
    status = last["status"]
    line = ctx.t(
        "quality_last_run_line",
        run=last["run_id"],
        status=ctx.t(f"quality_status_{status}") if status in RUN_STATUSES else str(status),
        finished=fmt.moment(last["finished_at"]),
        seconds=fmt.number(last["seconds"], ctx.lang),
    )
    return cards, (line, status == "success")


def _kpis(ctx: shell.Context) -> None:
    cards, last_run = ctx.built("quality_kpis", lambda: _kpi_values(ctx))
    # The gap card's change ("+1,0 đ.p.") and its description need the most room.
    cols = st.columns([0.9, 1, 0.9, 1.2])
    for col, (metric, value, previous, options) in zip(cols, cards, strict=True):
        with col:
            widgets.kpi(ctx, metric, value, previous, **options)
    if last_run is None:
        return
    line, succeeded = last_run
    if succeeded:
        st.caption(f":material/check_circle: {line}")
    else:
        st.warning(line, icon=":material/error:")


def _runs_table(ctx: shell.Context):
    runs = ctx.read_plain(quality_q.etl_runs)
    if runs.empty:
        return None
    columns = _cols(ctx, "run", "finished", "seconds", "status", "high_water", "extracted",
                    "loaded", "rejected", "error")  # fmt: skip
    statuses = {s: ctx.t(f"quality_status_{s}") for s in RUN_STATUSES}
    table = fig.runs_table(runs, columns, statuses)
    counts = [columns[c] for c in ("extracted", "loaded", "rejected")]
    return table, counts, [columns["seconds"]]


def _runs(ctx: shell.Context) -> None:
    st.subheader(ctx.t("quality_runs"))
    _caption(ctx, "data_as_of")
    parts = ctx.built("quality_runs", lambda: _runs_table(ctx))
    if parts is None:
        st.info(ctx.t("quality_no_runs"))
        return
    table, counts, decimals = parts
    widgets.table(
        widgets.styled(table, ctx.lang, numbers=counts, decimals=decimals),
        height=min(38 + 35 * len(table), 250),
        title=ctx.t("quality_runs"),
    )


def _reconciliation_parts(ctx: shell.Context):
    """The caption (a commune or site beside its district), figure, table and its number and
    percent columns; None without doses."""
    recon = ctx.read(quality_q.dose_reconciliation)
    if recon.empty:
        return None
    rows, name, caption = recon, ctx.t("quality_col_district"), None
    district = ctx.state.district
    if ctx.scope.level in ("commune", "facility") and district:
        # The scope's own row beside its district read for the district, not for the scope.
        whole = ctx.read(quality_q.dose_reconciliation, scope=ctx.scope_for(district))
        rows = quality_q.beside_district(recon, whole, ctx.scope.code, ctx.scope_name())
        name = ctx.t("quality_col_area")
        caption = ctx.t(
            "quality_recon_beside", name=ctx.scope_name(), district=ctx.scope_name(district)
        )
    labels = {
        "visits": ctx.t("quality_col_visits"),
        "declared": ctx.t("quality_col_declared"),
        "axis": ctx.t("quality_gap_axis"),
    }
    columns = {"name": name, **{k: ctx.t(f"quality_col_{v}") for k, v in RECON_COLUMNS.items()}}
    numbers = [columns[c] for c in ("visit_doses", "declared_doses", "ledger_doses", "gap")]
    return (
        caption,
        base.shared(fig.reconciliation_chart(rows, ctx.lang, labels)),
        fig.reconciliation_table(rows, columns),
        (numbers, [columns["gap_rate"]]),
    )


def _reconciliation(ctx: shell.Context) -> None:
    st.subheader(ctx.t("quality_recon"))
    parts = ctx.built("quality_recon", lambda: _reconciliation_parts(ctx))
    if parts is None:
        st.info(ctx.t("quality_no_recon"))
        return
    caption, chart, table, (numbers, percents) = parts
    if caption:
        st.caption(caption)
    widgets.chart(
        ctx,
        chart,
        partial(widgets.styled, table, ctx.lang, numbers=numbers, percents=percents),
        title=ctx.t("quality_recon"),
        key="quality_recon",
        metrics=("doses", "declared_administered", "declared_gap"),
    )


def _section(ctx: shell.Context, title: str, metric: str, rows: int, none: str) -> bool:
    """A section's title and definition; False (with the all-clear `none`) without rows."""
    st.subheader(ctx.t(title))
    _caption(ctx, metric)
    if not rows:
        st.success(ctx.t(none), icon=":material/check_circle:")
    return bool(rows)


def _late_parts(ctx: shell.Context):
    """The counts' caption, the table and its planned-doses column; None without late days."""
    late = ctx.read(quality_q.late_sites)
    if late.empty:
        return None
    counts = late["missing"].value_counts()
    n = {k: fmt.number(int(counts.get(k, 0)), ctx.lang) for k in MISSING}
    sites, days = quality_q.late_site_count(late), len(late)
    caption = ctx.t(
        "quality_late_counts",
        sites=fmt.number(sites, ctx.lang),
        days=fmt.number(days, ctx.lang),
        **n,
    )
    columns = _cols(ctx, "date", "site", "missing", "commune", "district", "planned")
    missing = {m: ctx.t(f"quality_missing_{m}") for m in MISSING}
    return caption, fig.late_table(late, columns, missing), columns["planned"]


def _late(ctx: shell.Context) -> None:
    parts = ctx.built("quality_late", lambda: _late_parts(ctx))
    if not _section(ctx, "quality_late", "late_sites", parts is not None, "quality_no_late"):
        return
    caption, table, planned = parts
    st.caption(caption)
    widgets.table(
        widgets.styled(table, ctx.lang, numbers=[planned]),
        height=min(38 + 35 * len(table), 320),
        title=ctx.t("quality_late"),
        metrics=("late_sites",),
    )


def _coords_table(ctx: shell.Context) -> pd.DataFrame | None:
    coords = ctx.read(quality_q.bad_coordinates)
    if coords.empty:
        return None
    columns = _cols(ctx, "site", "problem", "lat", "lon", "commune", "district")
    problems = {p: ctx.t(f"quality_coord_{p}") for p in ("missing", "outside_province")}
    return fig.coords_table(coords, ctx.lang, columns, problems)


def _coords(ctx: shell.Context) -> None:
    table = ctx.built("quality_coords", lambda: _coords_table(ctx))
    rows = table is not None
    if not _section(ctx, "quality_coords", "bad_coordinates", rows, "quality_no_coords"):
        return
    widgets.table(table, title=ctx.t("quality_coords"), metrics=("bad_coordinates",))


def _rejects_summary(ctx: shell.Context):
    """The table of rejects by source table and kind, its count columns, and the source tables
    with open rejects (with how many); None without open rejects."""
    summary = ctx.read_plain(quality_q.reject_summary)
    if summary.empty or summary["open"].sum() == 0:
        return None
    columns = _cols(ctx, "table", "kind", "open", "resolved")
    table = fig.rejects_summary_table(summary, ctx.lang, columns, SOURCE_TABLES, KINDS)
    tables = list(summary.loc[summary["open"] > 0, "source_table"].drop_duplicates())
    open_rows = {t: int(summary.loc[summary["source_table"] == t, "open"].sum()) for t in tables}
    return table, [columns["open"], columns["resolved"]], open_rows


def _reject_rows(ctx: shell.Context, picked: str):
    rows = ctx.read_plain(quality_q.reject_rows, picked)
    columns = {k: ctx.t(f"quality_col_{v}") for k, v in REJECT_COLUMNS.items()}
    return len(rows), fig.reject_rows_table(rows, ctx.lang, columns, FIELDS, KINDS)


def _rejects(ctx: shell.Context) -> None:
    st.subheader(ctx.t("quality_rejects"))
    _caption(ctx, "rejected_rows")
    st.caption(ctx.t("quality_rejects_note"))
    parts = ctx.built("quality_rejects", lambda: _rejects_summary(ctx))
    if parts is None:
        st.info(ctx.t("quality_no_rejects"))
        return
    table, counts, open_rows = parts
    widgets.table(
        widgets.styled(table, ctx.lang, numbers=counts),
        title=ctx.t("quality_rejects"),
        metrics=("rejected_rows",),
    )
    tables = list(open_rows)
    index = 1 if ctx.lang == "en" else 0
    picked = widgets.url_option(
        ctx,
        "rejects",
        tables,
        tables[0],
        ctx.t("quality_pick_table"),
        lambda c: SOURCE_TABLES[c][index] if c in SOURCE_TABLES else c,
    )
    n_rows, rows = ctx.built("quality_reject_rows", lambda: _reject_rows(ctx, picked), picked)
    total = open_rows.get(picked, 0)
    if n_rows < total:
        shown, total = fmt.number(n_rows, ctx.lang), fmt.number(total, ctx.lang)
        st.caption(ctx.t("quality_rows_capped", shown=shown, total=total))
    widgets.table(rows, height=320, title=f"{ctx.t('quality_rejects')} {picked}")


def _audit(ctx: shell.Context) -> None:
    """Who signed in (or failed to), who made which file, and refused requests."""
    st.subheader(ctx.t("audit_title"))
    events = cached.read_uncached(ctx.url, ctx.allowed, audit_q.events)
    st.caption(ctx.t("audit_caption", n=fmt.number(audit_q.EVENTS_SHOWN, ctx.lang)))
    shown = events.assign(
        at=pd.to_datetime(events["at"], utc=True).map(fmt.moment),
        event=events["event"].map(lambda e: ctx.t(f"audit_event_{e}")),
        what=events["what"].fillna(fmt.MISSING),
        scope_code=events["scope_code"].fillna(fmt.MISSING),
    )
    shown.columns = [ctx.t(f"audit_col_{c}") for c in events.columns]
    widgets.table(shown, height=320)


ctx = shell.context()
if ctx is not None and not can_open(ctx.user, "quality"):
    st.error(ctx.t("page_refused"))
elif ctx is not None:
    shell.header(ctx, "page_quality")
    _kpis(ctx)
    _runs(ctx)
    _reconciliation(ctx)
    _late(ctx)
    _coords(ctx)
    _rejects(ctx)
    _audit(ctx)
