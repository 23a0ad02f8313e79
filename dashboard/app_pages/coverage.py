"""Coverage by district ("Độ bao phủ"): people with >= 1 dose, fully vaccinated and boosted,
by residence, in the target group the user picks (all ages, 18+, 12-17, 5-11, 50+, 65+; people
and population of the same ages). A map of the districts (communes
once a district is chosen) and a ranked bar chart, both clickable to drill down; coverage over
time; the table by residence. Coverage above 100 % is flagged, never clipped.

Page options in the URL: `measure` (1plus | full | boosted, default 1plus) and `group`
(all | 18+ | 12-17 | 5-11 | 50+ | 65+, default 18+). Texts in `dashboard/texts/coverage.py`,
figures and tables in `dashboard/figures/coverage.py` and `coverage_map.py`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import boundaries, shell, widgets
from dashboard import format as fmt
from dashboard import target_group as tg
from dashboard.app_pages import coverage_due
from dashboard.figures import base
from dashboard.figures import coverage as figures
from dashboard.figures.coverage_map import map_figure
from dashboard.figures.coverage_projection import projection_table
from dashboard.state import drill_up
from queries import coverage as coverage_q
from queries import projections as projections_q
from queries.coverage import MEASURES

DEFAULT_MEASURE = "1plus"
SERIOUS_ISSUES = ("unreadable", "not_geojson", "not_lonlat", "no_match")
NAMED_ISSUES = ("missing_area", "duplicate_feature", "no_point")  # detail: an area code


def _measure_name(ctx: shell.Context, measure: str) -> str:
    return ctx.t(f"coverage_measure_{measure}")


def _labels(ctx: shell.Context) -> dict[str, str]:
    """The tables' column names and the words the figures share."""
    labels = {
        "area": ctx.t("coverage_col_area"),
        "date": ctx.t("coverage_col_date"),
        "target": ctx.t("coverage_col_target"),
        "rate": ctx.t("coverage_col_rate"),
        "people": ctx.t("coverage_col_people"),
        "flag_legend": ctx.t("coverage_flag_legend"),
        "hundred": ctx.t("coverage_hundred"),
        "first_above": ctx.t("coverage_first_above"),
        "highest": ctx.t("coverage_highest"),
        "lowest": ctx.t("coverage_lowest"),
    }
    for m in MEASURES:
        labels[f"coverage_{m}"] = widgets.label(ctx, f"coverage_{m}")
        labels[f"people_{m}"] = widgets.label(ctx, f"people_{m}")
        labels[f"measure_{m}"] = _measure_name(ctx, m)
    return labels


def _styled(ctx: shell.Context, table: pd.DataFrame, labels: dict, target: str | None = None):
    """A table in Vietnamese number formats, coverage above 100 % marked in its cells."""
    numbers = figures.number_columns(labels, target)
    percents = figures.percent_columns(labels)
    style = widgets.styled(table, ctx.lang, numbers=numbers, percents=percents)
    return figures.flag_cells(style, table, percents, ctx.lang)


def _columns(ctx: shell.Context, labels: dict, target: str | None = None) -> dict:
    """Short column headers (the full name and the definition on hover), so that the table by
    residence fits a 1366-pixel screen without cutting a column."""
    config = {}
    for m in MEASURES:
        for kind in ("coverage", "people"):
            name = labels[f"{kind}_{m}"]
            help_text = f"**{name}**: {widgets.definition(ctx, f'{kind}_{m}')}"
            config[name] = st.column_config.Column(
                ctx.t(f"coverage_head_{kind}_{m}"), help=help_text
            )
    config[target or labels["target"]] = st.column_config.Column(
        ctx.t("coverage_col_target"), help=target
    )
    return config


def _trend_rows(ctx: shell.Context, group: str) -> pd.DataFrame:
    """`queries.coverage.coverage_trend` of the view (read by what is built from it: a warm
    run does not read it)."""
    return ctx.read(coverage_q.coverage_trend, group)


# --- page parts ----------------------------------------------------------------------------------
def _controls(ctx: shell.Context) -> tuple[str, str]:
    state = ctx.state
    if state.district:
        # Where the user is, and the way back up: above the options, like a breadcrumb.
        with st.container(horizontal=True, gap="small"):
            province = replace(state, district=None, commune=None, site=None)
            if ctx.allowed.is_province:  # a district user has no province to go back to
                st.button(
                    ctx.t("coverage_back_province"),
                    icon=":material/arrow_upward:",
                    on_click=shell.go,
                    args=(province,),
                    kwargs={"rerun": False},
                    key="coverage_back_province",
                )
            if state.commune or state.site:
                up = drill_up(drill_up(state)) if state.site else drill_up(state)
                st.button(
                    ctx.t("coverage_up", name=ctx.scope_name(up.scope_code)),
                    icon=":material/arrow_back:",
                    on_click=shell.go,
                    args=(up,),
                    kwargs={"rerun": False},
                    key="coverage_up",
                )
    left, right, _ = st.columns([5, 3, 3], vertical_alignment="bottom")
    with left:
        measure = widgets.url_option(
            ctx, "measure", MEASURES, DEFAULT_MEASURE, ctx.t("coverage_measure"),
            lambda m: _measure_name(ctx, m), kind="segmented",
        )  # fmt: skip
    with right:
        group = tg.selector(ctx)
    return measure, group


def _sparks(ctx: shell.Context, group: str) -> dict[str, pd.Series | None]:
    """The scope's weekly coverage of each measure and drop-out (percent), for the cards."""
    weekly = coverage_q.scope_weekly(_trend_rows(ctx, group))

    def spark(col: str) -> pd.Series | None:
        values = weekly[col] if col in weekly else pd.Series(dtype="float64")
        return (values * 100).round(1) if values.notna().any() else None

    return {col: spark(col) for col in (*(f"coverage_{m}" for m in MEASURES), "drop_out")}


def _kpis(ctx: shell.Context, summary: pd.DataFrame, group: str) -> None:
    before, now = summary.iloc[0], summary.iloc[-1]
    sparks = ctx.built("coverage_sparks", lambda: _sparks(ctx, group), group)
    spark = sparks.get

    cols = st.columns(4)
    for col, m in zip(cols, MEASURES, strict=False):
        with col:
            widgets.kpi(
                ctx,
                f"coverage_{m}",
                now[f"coverage_{m}"],
                before[f"coverage_{m}"],
                kind="percent",
                trend=spark(f"coverage_{m}"),
                title=ctx.t("coverage_kpi_title", measure=_measure_name(ctx, m).lower()),
            )
            detail = ctx.t(
                "coverage_people_of",
                people=fmt.number(now[f"people_{m}"], ctx.lang),
                population=fmt.number(now["population"], ctx.lang),
            )
            if bool(now[f"above_100_{m}"]):
                detail = f"⚠ **{ctx.t('coverage_flag')}** · {detail}"
            st.caption(detail)
    with cols[3]:
        widgets.kpi(
            ctx,
            "drop_out",
            now["drop_out"],
            before["drop_out"],
            kind="percent",
            inverse=True,
            trend=spark("drop_out"),
        )
        gap = int(now["people_1plus"]) - int(now["people_full"])
        st.caption(ctx.t("coverage_dropout_detail", gap=fmt.number(gap, ctx.lang)))


def _flag_warning(ctx, areas, summary, measure: str, year) -> None:
    """One warning naming the areas (and the scope) whose coverage passes 100 %."""
    names = areas.loc[areas[f"above_100_{measure}"], "name"].tolist()
    now = summary.iloc[-1]
    scope_name = ctx.scope_name(str(now["area_code"]))
    if bool(now[f"above_100_{measure}"]) and scope_name not in names:
        names = [scope_name, *names]
    if not names:
        return
    shown = ", ".join(names[:4])
    if len(names) > 4:
        shown += " " + ctx.t("coverage_flag_more", n=len(names) - 4)
    text = ctx.t(
        "coverage_flag_warning",
        n=len(names),
        measure=_measure_name(ctx, measure).lower(),
        names=shown,
        year=year or "—",
    )
    st.warning(text, icon="⚠️")


def _boundary_issues(ctx: shell.Context, shapes: boundaries.Boundaries) -> None:
    issues = shapes.problems()
    if not issues:
        return
    lines = []
    for issue in issues:
        detail = issue.detail
        if issue.kind in NAMED_ISSUES:
            detail = f"{ctx.scope_name(detail)} ({detail})"
        lines.append("- " + ctx.t(f"coverage_issue_{issue.kind}", detail=detail))
    serious = shapes.problems(*SERIOUS_ISSUES)
    if serious:
        st.warning(ctx.t(f"coverage_issue_{serious[0].kind}", detail=serious[0].detail))
    with st.expander(ctx.t("coverage_boundary_issues", n=len(issues))):
        st.markdown("\n".join(lines[:200]))


def _map_parts(ctx, areas, measure: str, labels: dict, notes: dict):
    """The map, the ranking beside it and the table under the map, with their titles."""
    level = str(areas["area_level"].iloc[0])
    level_word = ctx.t(f"coverage_level_{level}")
    scope_area = notes["scope_area"]  # a site's or a commune's own commune is outlined
    highlight = scope_area if level == "commune" and ctx.scope.level != "district" else None
    measure_title = labels[f"coverage_{measure}"]
    map_title = ctx.t("coverage_map_title", measure=measure_title, level=level_word)
    texts = {
        **labels,
        "title": map_title,
        "footnote": [notes["boundary"], notes["short"], notes["as_of"]],
    }
    map_fig = map_figure(
        notes["shapes"], areas, measure, level, ctx.lang, texts,
        highlight=highlight, context_districts=level == "commune",
    )  # fmt: skip
    rank_title = ctx.t("coverage_rank_title", level=level_word)
    texts = {**labels, "title": rank_title, "footnote": [notes["short"], notes["as_of"]]}
    rank_fig = figures.ranked_figure(areas, measure, ctx.lang, texts, highlight=highlight)
    table = figures.chart_table(areas, measure, labels)
    return base.shared(map_fig), table, base.shared(rank_fig), level_word


def _maps(ctx, areas, measure: str, group: str, labels: dict, notes: dict) -> None:
    """The map and the ranking side by side, both drilling into the area clicked."""
    map_fig, table, rank_fig, level_word = ctx.built(
        "coverage_maps",
        lambda: _map_parts(ctx, areas, measure, labels, notes),
        measure,
        group,
        notes["file"],
    )
    key = f"{ctx.scope.code}_{measure}_{group}"
    st.caption(ctx.t("coverage_click_hint", level=level_word))
    left, right = st.columns([7, 5], gap="medium")
    with left:
        widgets.drill_chart(
            ctx, map_fig, partial(_styled, ctx, table, labels), key=f"coverage_map_{key}",
            metrics=(f"coverage_{measure}",), column_config=_columns(ctx, labels),
        )  # fmt: skip
    with right:
        # The same table as the map's, shown once (under the map, where it has the room).
        widgets.drill_chart(
            ctx, rank_fig, None, key=f"coverage_bar_{key}", metrics=("population", "target_group")
        )


def _trend_parts(ctx, measure: str, group: str, labels, notes):
    """The coverage over time: figure, table and the note under it; None without data."""
    trend = _trend_rows(ctx, group)
    if trend.empty:
        return None
    title = ctx.t("coverage_trend_title", measure=labels[f"coverage_{measure}"])
    texts = {**labels, "title": title, "footnote": [f"{notes['short']} · {notes['as_of']}"]}
    fig = base.shared(figures.trend_figure(trend, measure, ctx.lang, texts))
    table = figures.trend_table(trend, measure, labels, ctx.lang)
    note = None
    if figures.shows_children(trend):
        scope = trend.loc[trend["role"] == "scope", "area_code"].iloc[0]
        level = ctx.t(f"coverage_level_{ctx.scope.child_level}")
        day = fmt.day(ctx.period.end)
        note = ctx.t("coverage_trend_note", scope=ctx.scope_name(scope), level=level, day=day)
    return fig, table, note


def _trend(ctx, measure: str, group: str, labels, notes) -> None:
    parts = ctx.built(
        "coverage_trend",
        lambda: _trend_parts(ctx, measure, group, labels, notes),
        measure,
        group,
        notes["file"],
    )
    if parts is None:
        return
    fig, table, note = parts
    key = f"coverage_trend_{ctx.scope.code}_{measure}_{group}"
    widgets.chart(ctx, fig, table, key=key, metrics=(f"coverage_{measure}",))
    if note:
        st.caption(note)


def _projection_table(ctx, group: str) -> pd.DataFrame | None:
    """When 70 % and 90 % of the group would be fully vaccinated at the last 14 days' pace:
    the scope, then its children (None without data)."""
    trend = _trend_rows(ctx, group)
    if trend.empty:
        return None
    rows = trend[trend["role"].isin(["scope", "child"])]
    result = projections_q.projections(rows)
    names = dict(zip(rows["area_code"], rows["name"], strict=False))
    labels = {
        "area": ctx.t("coverage_col_area"),
        "target": ctx.t("coverage_projection_target"),
        "date": ctx.t("coverage_projection_date"),
        "range": ctx.t("coverage_projection_range"),
        "pace": ctx.t("coverage_projection_pace"),
        "reached": ctx.t("coverage_projection_reached"),
        "never": ctx.t("coverage_projection_never"),
    }
    return projection_table(result, names, ctx.lang, labels)


def _projections(ctx, group: str) -> None:
    table = ctx.built("coverage_projections", lambda: _projection_table(ctx, group), group)
    if table is None:
        return
    st.subheader(ctx.t("coverage_projection_title"))
    widgets.table(table, height=min(35 * (len(table) + 1) + 3, 420))
    st.caption(
        ctx.t(
            "coverage_projection_note",
            group=tg.name(ctx, group).lower(),
            days=projections_q.PACE_DAYS,
            day=fmt.day(ctx.period.end),
        )
    )


def _residence_table(ctx, areas, summary, group: str, labels: dict):
    """The table by residence (with the scope's total row) and whether a cell passes 100 %."""
    level = str(areas["area_level"].iloc[0])
    total = None
    if level != "commune" or ctx.scope.level == "district":
        total = summary.iloc[-1].copy()
        total["name"] = ctx.t("coverage_total_row", name=ctx.scope_name(str(total["area_code"])))
    target = f"{labels['target']} ({tg.name(ctx, group)})"
    table = figures.residence_table(areas, total, labels, target)
    return table, target, figures.any_flagged(table, figures.percent_columns(labels))


def _residence(ctx, areas, summary, group: str, labels: dict) -> None:
    st.subheader(ctx.t("coverage_table_title"))
    table, target, flagged = ctx.built(
        "coverage_residence",
        lambda: _residence_table(ctx, areas, summary, group, labels),
        group,
    )
    widgets.table(
        _styled(ctx, table, labels, target),
        height=min(35 * (len(table) + 1) + 3, 760),
        column_config=_columns(ctx, labels, target),
        title=ctx.t("coverage_table_title"),
    )
    if flagged:
        st.caption(f"⚠ {labels['flag_legend']}")


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_coverage")
    measure, group = _controls(ctx)
    summary = ctx.read(coverage_q.coverage_summary, group)
    areas = ctx.read(coverage_q.coverage_by_area, group)
    if summary.empty or areas.empty:
        widgets.no_data(ctx)
        return
    now = summary.iloc[-1]
    if ctx.state.site:
        st.info(ctx.t("coverage_site_note", commune=ctx.scope_name(str(now["area_code"]))))
    if int(now["people_1plus"]) == 0 and int(areas["people_1plus"].sum()) == 0:
        day = fmt.day(ctx.period.end)
        st.info(ctx.t("coverage_no_people", group=tg.name(ctx, group).lower(), day=day))
        tg.unknown_note(ctx, now["unknown_birth_year"])
        widgets.no_data(ctx)
        return

    origin = coverage_q.population_source(areas)
    year = (origin or {}).get("year")
    source_line = " ".join(
        [
            tg.denominator_text(ctx, group, origin),
            ctx.t(
                "coverage_people_line",
                group=tg.name(ctx, group).lower(),
                day=fmt.day(ctx.period.end),
            ),
            ctx.t("group_over_100"),
        ]
    )
    _flag_warning(ctx, areas, summary, measure, year)
    _kpis(ctx, summary, group)
    st.caption(source_line)
    if group != "all":
        tg.unknown_note(ctx, now["unknown_birth_year"])
    missing = areas[areas["population"].isna()]
    if len(missing):
        names = ", ".join(missing["name"].head(8))
        st.warning(ctx.t("coverage_no_denominator", denominator=tg.name(ctx, group), names=names))
    if ctx.scope.level == "province" and int(now.get("outside_residents", 0) or 0) > 0:
        st.caption(ctx.t("coverage_outside", n=fmt.number(now["outside_residents"], ctx.lang)))

    shapes = ctx.shapes()
    level = str(areas["area_level"].iloc[0])
    notes = {
        "shapes": shapes,
        "file": boundaries.file_stamp(),
        "scope_area": str(now["area_code"]),
        "boundary": ctx.t("coverage_approx")
        if shapes.is_approximate(level)
        else ctx.t("coverage_boundaries_file", file=Path(shapes.source or "").name),
        "short": tg.denominator_text(ctx, group, origin, short_form=True),
        "as_of": ctx.t("coverage_data_as_of", day=fmt.moment(ctx.fresh.high_water)),
    }
    labels = _labels(ctx)
    _maps(ctx, areas, measure, group, labels, notes)
    _trend(ctx, measure, group, labels, notes)
    _projections(ctx, group)
    _residence(ctx, areas, summary, group, labels)
    st.caption(source_line)
    coverage_due.render(ctx)
    _boundary_issues(ctx, shapes)


ctx = shell.context()
if ctx is not None:
    render(ctx)
