"""Data quality ("Chất lượng dữ liệu"): ETL runs and data as of, rejected rows by reason with the
rows themselves (no personal data), sites late on a planned day (no visit, no stock report or
both), sites with bad coordinates, and doses in visits reconciled with doses declared in stock
reports, by district (a commune or a site beside its whole district)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cached, shell, widgets
from dashboard import format as fmt
from dashboard.access import can_open
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


def _kpis(ctx, runs, summary, late, coords, recon) -> None:
    late_before = ctx.read(quality_q.late_sites, period=ctx.previous)
    recon_before = ctx.read(quality_q.dose_reconciliation, period=ctx.previous)
    # The gap card's change ("+1,0 đ.p.") and its description need the most room.
    cols = st.columns([0.9, 1, 0.9, 1.2])
    with cols[0]:
        widgets.kpi(
            ctx, "rejected_rows", summary["open"].sum(), title=ctx.t("quality_kpi_rejected")
        )
    with cols[1]:
        widgets.kpi(
            ctx,
            "late_sites",
            quality_q.late_site_count(late),
            quality_q.late_site_count(late_before),
            inverse=True,
            title=ctx.t("quality_kpi_late"),
        )
    with cols[2]:
        widgets.kpi(ctx, "bad_coordinates", len(coords), title=ctx.t("quality_kpi_coords"))
    with cols[3]:
        # A gap either way is a problem: the change is shown without a good/bad colour.
        widgets.kpi(
            ctx,
            "declared_gap",
            quality_q.total_gap_rate(recon),
            quality_q.total_gap_rate(recon_before),
            kind="percent",
            neutral=True,
            title=ctx.t("quality_kpi_gap"),
        )
    if runs.empty:
        return
    last = runs.iloc[0]
    status = last["status"]
    line = ctx.t(
        "quality_last_run_line",
        run=last["run_id"],
        status=ctx.t(f"quality_status_{status}") if status in RUN_STATUSES else str(status),
        finished=fmt.moment(last["finished_at"]),
        seconds=fmt.number(last["seconds"], ctx.lang),
    )
    if status == "success":
        st.caption(f":material/check_circle: {line}")
    else:
        st.warning(line, icon=":material/error:")


def _runs(ctx: shell.Context, runs: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_runs"))
    _caption(ctx, "data_as_of")
    if runs.empty:
        st.info(ctx.t("quality_no_runs"))
        return
    columns = _cols(ctx, "run", "finished", "seconds", "status", "high_water", "extracted",
                    "loaded", "rejected", "error")  # fmt: skip
    statuses = {s: ctx.t(f"quality_status_{s}") for s in RUN_STATUSES}
    table = fig.runs_table(runs, columns, statuses)
    counts = [columns[c] for c in ("extracted", "loaded", "rejected")]
    widgets.table(
        widgets.styled(table, ctx.lang, numbers=counts, decimals=[columns["seconds"]]),
        height=min(38 + 35 * len(table), 250),
        title=ctx.t("quality_runs"),
    )


def _reconciliation(ctx: shell.Context, recon: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_recon"))
    if recon.empty:
        st.info(ctx.t("quality_no_recon"))
        return
    rows, name = recon, ctx.t("quality_col_district")
    district = ctx.state.district
    if ctx.scope.level in ("commune", "facility") and district:
        # The scope's own row beside its district read for the district, not for the scope.
        whole = ctx.read(quality_q.dose_reconciliation, scope=ctx.scope_for(district))
        rows = quality_q.beside_district(recon, whole, ctx.scope.code, ctx.scope_name())
        name = ctx.t("quality_col_area")
        st.caption(
            ctx.t("quality_recon_beside", name=ctx.scope_name(), district=ctx.scope_name(district))
        )
    labels = {
        "visits": ctx.t("quality_col_visits"),
        "declared": ctx.t("quality_col_declared"),
        "axis": ctx.t("quality_gap_axis"),
    }
    columns = {"name": name, **{k: ctx.t(f"quality_col_{v}") for k, v in RECON_COLUMNS.items()}}
    numbers = [columns[c] for c in ("visit_doses", "declared_doses", "ledger_doses", "gap")]
    widgets.chart(
        ctx,
        fig.reconciliation_chart(rows, ctx.lang, labels),
        widgets.styled(
            fig.reconciliation_table(rows, columns),
            ctx.lang,
            numbers=numbers,
            percents=[columns["gap_rate"]],
        ),
        title=ctx.t("quality_recon"),
        key="quality_recon",
        metrics=("doses", "declared_administered", "declared_gap"),
    )


def _section(ctx: shell.Context, title: str, metric: str, rows: pd.DataFrame, none: str) -> bool:
    """A section's title and definition; False (with the all-clear `none`) without rows."""
    st.subheader(ctx.t(title))
    _caption(ctx, metric)
    if rows.empty:
        st.success(ctx.t(none), icon=":material/check_circle:")
    return not rows.empty


def _late(ctx: shell.Context, late: pd.DataFrame) -> None:
    if not _section(ctx, "quality_late", "late_sites", late, "quality_no_late"):
        return
    counts = late["missing"].value_counts()
    n = {k: fmt.number(int(counts.get(k, 0)), ctx.lang) for k in MISSING}
    sites, days = quality_q.late_site_count(late), len(late)
    st.caption(
        ctx.t(
            "quality_late_counts",
            sites=fmt.number(sites, ctx.lang),
            days=fmt.number(days, ctx.lang),
            **n,
        )
    )
    columns = _cols(ctx, "date", "site", "missing", "commune", "district", "planned")
    missing = {m: ctx.t(f"quality_missing_{m}") for m in MISSING}
    widgets.table(
        widgets.styled(
            fig.late_table(late, columns, missing), ctx.lang, numbers=[columns["planned"]]
        ),
        height=min(38 + 35 * len(late), 320),
        title=ctx.t("quality_late"),
        metrics=("late_sites",),
    )


def _coords(ctx: shell.Context, coords: pd.DataFrame) -> None:
    if not _section(ctx, "quality_coords", "bad_coordinates", coords, "quality_no_coords"):
        return
    columns = _cols(ctx, "site", "problem", "lat", "lon", "commune", "district")
    problems = {p: ctx.t(f"quality_coord_{p}") for p in ("missing", "outside_province")}
    widgets.table(
        fig.coords_table(coords, ctx.lang, columns, problems),
        title=ctx.t("quality_coords"),
        metrics=("bad_coordinates",),
    )


def _rejects(ctx: shell.Context, summary: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_rejects"))
    _caption(ctx, "rejected_rows")
    st.caption(ctx.t("quality_rejects_note"))
    if summary.empty or summary["open"].sum() == 0:
        st.info(ctx.t("quality_no_rejects"))
        return
    columns = _cols(ctx, "table", "kind", "open", "resolved")
    table = fig.rejects_summary_table(summary, ctx.lang, columns, SOURCE_TABLES, KINDS)
    counts = [columns["open"], columns["resolved"]]
    widgets.table(
        widgets.styled(table, ctx.lang, numbers=counts),
        title=ctx.t("quality_rejects"),
        metrics=("rejected_rows",),
    )
    tables = list(summary.loc[summary["open"] > 0, "source_table"].drop_duplicates())
    index = 1 if ctx.lang == "en" else 0
    picked = widgets.url_option(
        ctx,
        "rejects",
        tables,
        tables[0],
        ctx.t("quality_pick_table"),
        lambda c: SOURCE_TABLES[c][index] if c in SOURCE_TABLES else c,
    )
    rows = ctx.read_plain(quality_q.reject_rows, picked)
    total = int(summary.loc[summary["source_table"] == picked, "open"].sum())
    if len(rows) < total:
        shown, total = fmt.number(len(rows), ctx.lang), fmt.number(total, ctx.lang)
        st.caption(ctx.t("quality_rows_capped", shown=shown, total=total))
    columns = {k: ctx.t(f"quality_col_{v}") for k, v in REJECT_COLUMNS.items()}
    widgets.table(
        fig.reject_rows_table(rows, ctx.lang, columns, FIELDS, KINDS),
        height=320,
        title=f"{ctx.t('quality_rejects')} {picked}",
    )


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
    runs = ctx.read_plain(quality_q.etl_runs)
    summary = ctx.read_plain(quality_q.reject_summary)
    late = ctx.read(quality_q.late_sites)
    coords = ctx.read(quality_q.bad_coordinates)
    recon = ctx.read(quality_q.dose_reconciliation)
    _kpis(ctx, runs, summary, late, coords, recon)
    _runs(ctx, runs)
    _reconciliation(ctx, recon)
    _late(ctx, late)
    _coords(ctx, coords)
    _rejects(ctx, summary)
    _audit(ctx)
