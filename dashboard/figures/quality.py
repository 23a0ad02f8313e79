"""The Data quality page's figures: doses in visits reconciled with stock reports (a bar per
area, the gap in per cent), and the tables of ETL runs, rejected rows, late sites and sites with
bad coordinates.

Pure functions of data frames, the language and labels: no Streamlit, no database. Table cells
keep their values (numbers sort as numbers); the page formats them with `widgets.styled`."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures import base

MEASURES = ("visit_doses", "declared_doses", "ledger_doses", "gap", "gap_rate")


def reconciliation_chart(rows: pd.DataFrame, lang: str, labels: Mapping[str, str]) -> go.Figure:
    """A horizontal bar per row of `rows` (name, visit_doses, declared_doses, gap_rate): the gap
    in per cent, below zero in vermilion, above in blue, labelled with its value ("—" without
    visit doses, drawn at 0). `labels`: "visits", "declared" (hover) and "axis"."""
    ordered = rows.sort_values("gap_rate", na_position="first")
    rate = ordered["gap_rate"].astype("float64").fillna(0) * 100
    fig = go.Figure(
        go.Bar(
            x=rate,
            y=ordered["name"],
            orientation="h",
            marker_color=[base.PALETTE[5] if r < 0 else base.PALETTE[0] for r in rate],
            text=[fmt.percent(r, lang) for r in ordered["gap_rate"]],
            textposition="outside",
            cliponaxis=False,
            customdata=list(
                zip(
                    [fmt.number(v, lang) for v in ordered["visit_doses"]],
                    [fmt.number(v, lang) for v in ordered["declared_doses"]],
                    strict=True,
                )
            ),
            hovertemplate=f"%{{y}}<br>{labels['visits']}: %{{customdata[0]}}<br>"
            f"{labels['declared']}: %{{customdata[1]}}<extra></extra>",
        )
    )
    base.style(fig, lang, height=34 * len(ordered) + 130)
    # Room on both sides for the labels outside the bars, so none runs into the names.
    low, high = min(float(rate.min()), 0.0), max(float(rate.max()), 0.0)
    pad = max(high - low, 1.0) * 0.18
    fig.update_layout(
        xaxis_title=labels["axis"],
        xaxis_range=[low - (pad if low < 0 else 0), high + pad],
        yaxis_automargin=True,
        margin={"l": 10, "r": 30},
        bargap=0.35,
    )
    fig.add_vline(x=0, line_color="#555555", line_width=1)
    return fig


def reconciliation_table(rows: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """The rows behind the chart: name, then the measures (`columns`: "name" and MEASURES)."""
    return pd.DataFrame({columns[c]: rows[c] for c in ("name", *MEASURES)})


def runs_table(
    runs: pd.DataFrame, columns: Mapping[str, str], statuses: Mapping[str, str]
) -> pd.DataFrame:
    """ETL runs, newest first: when each finished (Vietnam time) and how long it took, its
    status (named by `statuses`), data as of and row counts; the error column only when a run
    has one (so that the table fits a laptop's width)."""
    c = columns
    table = pd.DataFrame(
        {
            c["run"]: runs["run_id"],
            c["finished"]: runs["finished_at"].map(fmt.moment),
            c["seconds"]: runs["seconds"],
            c["status"]: [statuses.get(s, s) for s in runs["status"]],
            c["high_water"]: runs["platform_high_water"].map(fmt.moment),
            c["extracted"]: runs["rows_extracted"].astype("float64"),
            c["loaded"]: runs["rows_loaded"].astype("float64"),
            c["rejected"]: runs["rows_rejected"].astype("float64"),
        }
    )
    errors = runs["error"].fillna("")
    if (errors != "").any():
        table[c["error"]] = errors
    return table


def _named(names: Mapping[str, tuple[str, str]], lang: str):
    index = 1 if lang == "en" else 0
    return lambda code: names[code][index] if code in names else code


def rejects_summary_table(
    summary: pd.DataFrame,
    lang: str,
    columns: Mapping[str, str],
    tables: Mapping[str, tuple[str, str]],
    kinds: Mapping[str, tuple[str, str]],
) -> pd.DataFrame:
    """Rejected rows by source table and kind of reason (names as (vi, en) pairs)."""
    return pd.DataFrame(
        {
            columns["table"]: summary["source_table"].map(_named(tables, lang)),
            columns["kind"]: summary["kind"].map(_named(kinds, lang)),
            columns["open"]: summary["open"],
            columns["resolved"]: summary["resolved"],
        }
    )


def reject_rows_table(
    rows: pd.DataFrame,
    lang: str,
    columns: Mapping[str, str],
    fields: Mapping[str, tuple[str, str]],
    kinds: Mapping[str, tuple[str, str]],
) -> pd.DataFrame:
    """The rejected rows of one source table (`quality.reject_rows`): the record id, kind,
    offending value (when a reason quotes one) and runs, then the stored fields named by
    `fields`; dates without their midnight time, and no field that only repeats the record id."""
    shown = rows.drop(columns=["reason"]).assign(kind=rows["kind"].map(_named(kinds, lang)))
    stored = list(shown.columns[5:])
    for col in stored:
        if not pd.api.types.is_numeric_dtype(shown[col]):  # text, whichever string dtype
            shown[col] = shown[col].map(
                lambda v: v.removesuffix("T00:00:00") if isinstance(v, str) else v
            )
    same = [c for c in stored if shown[c].astype(str).equals(shown["source_pk"])]
    if (shown["value"].fillna("") == "").all():  # reasons that quote no value
        same.append("value")
    named = {k: v[1 if lang == "en" else 0] for k, v in fields.items()}
    return shown.drop(columns=same).rename(columns={**named, **columns})


def late_table(
    late: pd.DataFrame, columns: Mapping[str, str], missing: Mapping[str, str]
) -> pd.DataFrame:
    """Late sites, one row per site and planned day (`quality.late_sites`), with what was
    missing named by `missing`."""
    c = columns
    return pd.DataFrame(
        {
            c["date"]: late["date"].map(fmt.day),
            c["site"]: late["name"].fillna(late["facility_id"]),
            c["missing"]: [missing[m] for m in late["missing"]],
            c["commune"]: late["commune_name"],
            c["district"]: late["district_name"],
            c["planned"]: late["planned_doses"],
        }
    )


def coords_table(
    coords: pd.DataFrame, lang: str, columns: Mapping[str, str], problems: Mapping[str, str]
) -> pd.DataFrame:
    """Sites with missing or out-of-province coordinates (`quality.bad_coordinates`), the
    coordinates as declared (five decimals)."""
    c = columns
    return pd.DataFrame(
        {
            c["site"]: coords["name"].fillna(coords["facility_id"]),
            c["problem"]: [problems.get(s, s) for s in coords["coordinate_status"]],
            c["lat"]: [fmt.number(v, lang, 5) for v in coords["latitude"]],
            c["lon"]: [fmt.number(v, lang, 5) for v in coords["longitude"]],
            c["commune"]: coords["commune_name"],
            c["district"]: coords["district_name"],
        }
    )
