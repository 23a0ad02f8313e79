"""The building blocks every page uses: KPI cards with their definitions, a chart with its
table behind it, a chart whose click drills down, a control bound to a URL option, tables in
Vietnamese number formats, and links that keep the view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import downloads, navigation, shell
from dashboard import format as fmt
from dashboard.access import can_export, can_open
from dashboard.exports import names
from dashboard.figures.base import plotly_config
from dashboard.shell import Context
from dashboard.state import ViewState, drill_down, to_params
from queries.definitions import METRICS


# --- metric definitions --------------------------------------------------------------------
def definition(ctx: Context, metric: str) -> str:
    """The metric's definition in the interface language (for `help=` tooltips)."""
    m = METRICS.get(metric)
    return m.definition(ctx.lang) if m else ""


def label(ctx: Context, metric: str) -> str:
    m = METRICS.get(metric)
    return m.label(ctx.lang) if m else metric


def definitions_line(ctx: Context, metrics: Sequence[str]) -> str:
    return " · ".join(f"**{label(ctx, m)}**: {definition(ctx, m)}" for m in metrics)


# --- KPI cards -------------------------------------------------------------------------------
_COMPARED = {False: "compared_last_week", True: "compared_last_period"}  # by custom range


def kpi(
    ctx: Context,
    metric: str,
    value: float | None,
    previous: float | None = None,
    *,
    kind: str = "number",
    trend: pd.Series | None = None,
    inverse: bool = False,
    neutral: bool = False,
    title: str | None = None,
    shown: str | None = None,
    digits: int = 0,
    unit: str = "",
) -> None:
    """A KPI card: value, change against the previous period, sparkline, definition on hover.

    kind: "number" or "percent" (value is a ratio). `inverse` marks measures where a rise is bad
    (deferrals, backlog); the arrow keeps its direction, the colour follows the meaning;
    `neutral` marks measures where a change either way is a problem (grey).
    `shown` replaces the formatted value (e.g. "5,2 ngày"). For numbers, `digits` are the
    decimals of the value and its change, and `unit` follows both ("44,1 giờ", "+0,5 giờ").
    """
    value, previous = fmt.value(value), fmt.value(previous)
    after = f" {unit}" if unit else ""
    delta = None
    if value is not None and previous is not None:
        change = value - previous
        if kind == "percent":
            delta = fmt.points(change, ctx.lang)
        else:
            delta = fmt.signed(change, ctx.lang, digits) + after
    if shown is None and kind == "percent":
        shown = fmt.percent(value, ctx.lang)
    elif shown is None:
        shown = fmt.number(value, ctx.lang, digits) + (after if value is not None else "")
    # A change that rounds to zero is neither good nor bad: grey, without an arrow.
    unchanged = delta is not None and delta[:1] not in ("+", "-")
    colour = "off" if unchanged or neutral else ("inverse" if inverse else "normal")
    st.metric(
        title or label(ctx, metric),
        shown,
        delta=delta,
        delta_color=colour,
        delta_arrow="off" if unchanged else "auto",
        delta_description=ctx.t(_COMPARED[ctx.state.is_custom_range]) if delta else None,
        help=definition(ctx, metric),
        chart_data=None if trend is None else trend.tolist(),
        chart_type="line",
        border=True,
    )


# --- tables ----------------------------------------------------------------------------------
def styled(
    df: pd.DataFrame,
    lang: str,
    *,
    numbers: Sequence[str] = (),
    percents: Sequence[str] = (),
    decimals: Sequence[str] = (),
):
    """A Styler showing Vietnamese number formats while the cells keep their values (so the
    table still sorts by number); the downloads read the same kinds (`export_kinds`)."""
    style = df.style
    kinds: dict[str, str] = {}
    for cols, show, kind in (
        (numbers, lambda v: fmt.number(v, lang), "number"),
        (percents, lambda v: fmt.percent(v, lang), "percent"),
        (decimals, lambda v: fmt.number(v, lang, 1), "decimal"),
    ):
        present = [c for c in cols if c in df.columns]
        if present:
            style = style.format(show, subset=present, na_rep=fmt.MISSING)
            kinds |= dict.fromkeys(present, kind)
    style.export_kinds = kinds
    return style


def page_title(ctx: Context) -> str:
    """The title of the page being shown (names files that have no title of their own)."""
    path = st.session_state.get(shell.SYNCED_PAGE) or "home"
    name = next((n for n, a in navigation.ADDRESSES.items() if a == path), "overview")
    return ctx.t(f"page_{name}")


def table(
    data,
    *,
    title: str | None = None,
    metrics: Sequence[str] = (),
    **kwargs,
) -> None:
    """A full-width table without the index, with Excel and CSV downloads beside it (named by
    `title`, else the page; the definitions of `metrics` go into the workbook)."""
    st.dataframe(data, hide_index=True, width="stretch", **kwargs)
    ctx = shell.context()
    if ctx is None:
        return
    definitions = [f"{label(ctx, m)}: {definition(ctx, m)}" for m in metrics if m in METRICS]
    downloads.table_downloads(
        ctx, data, title=title or page_title(ctx), key=kwargs.get("key"), definitions=definitions
    )


# The tables' own "Download as CSV" button: Streamlit can only switch it off for every user at
# once (client.disableDataExport), so it is hidden for users who may not export.
_NO_TABLE_DOWNLOAD = (
    "<style>[data-testid='stElementToolbar'] button[aria-label*='Download'],"
    "[data-testid='stElementToolbar'] button[aria-label*='download']{display:none}</style>"
)


def hide_data_downloads(user) -> None:
    """Hide the tables' CSV download for a user who may not export."""
    if not can_export(user):
        st.html(_NO_TABLE_DOWNLOAD)


def folded(label: str, key: str):
    """A folded section whose content is made only once the user opens it (opening it reruns
    the page): for the tables folded under charts and lists, whose formatted cells and
    downloads cost a warm page run more than everything it shows unfolded. The expander while
    it is open, else None (put nothing in it)."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None


def no_data(ctx: Context) -> None:
    st.info(ctx.t("no_data_period"))


# --- charts ----------------------------------------------------------------------------------
def chart(
    ctx: Context,
    fig: go.Figure,
    data: pd.DataFrame | Callable | None,
    *,
    key: str,
    title: str | None = None,
    metrics: tuple[str, ...] = (),
    on_select: str | Callable = "ignore",
    column_config: dict | None = None,
):
    """A plotly chart with the definitions of its measures, an image download (made on the
    server when asked for; not for a viewer) and, on request, its table with its downloads.
    `title` names the files and heads the image (else the figure's own title, else the page's).
    `data` may be a function making the table (a Styler): it is called only when the folded
    table is open."""
    title = title or downloads.figure_title(fig) or page_title(ctx)
    stem = names.file_name(title, ctx.scope_name(), downloads.period_name(ctx), "x")[:-2]
    config = plotly_config(ctx.lang, stem)
    if not can_export(ctx.user):  # a viewer gets no image download
        config["modeBarButtonsToRemove"] = [*config["modeBarButtonsToRemove"], "toImage"]
    event = st.plotly_chart(fig, key=key, on_select=on_select, config=config)
    if metrics:
        st.caption(definitions_line(ctx, metrics))
    downloads.chart_downloads(ctx, fig, key=key, title=title)
    if data is not None:
        box = folded(ctx.t("show_table"), f"{key}_table_open")
        if box is not None:
            with box:
                table(
                    data() if callable(data) else data,
                    title=title,
                    metrics=metrics,
                    column_config=column_config,
                    key=f"{key}_table",
                )
    return event


def drilled(ctx: Context, code: str, state: ViewState | None = None) -> ViewState:
    """The view narrowed to an area or a site, parents made consistent."""
    return drill_down(
        state or ctx.state,
        code,
        district_of=ctx.known.district_of_commune,
        commune_of_site=ctx.known.commune_of_site,
    )


def clicked_code(event) -> str | None:
    """The code a click on a chart chose: the first item of the point's `customdata`."""
    try:
        points = event.selection.points if event is not None else []
    except AttributeError:
        points = []
    if not points:
        return None
    data = points[0].get("customdata")
    code = data[0] if isinstance(data, list | tuple) and data else data
    return str(code) if code not in (None, "") else None


def drill_chart(
    ctx: Context,
    fig: go.Figure,
    data: pd.DataFrame | Callable | None,
    *,
    key: str,
    title: str | None = None,
    metrics: tuple[str, ...] = (),
    column_config: dict | None = None,
) -> None:
    """A chart whose bars or points carry an area code or facility id as the first item of
    their `customdata`: a click narrows the view to it (the address changes, Back returns)."""
    event = chart(
        ctx,
        fig,
        data,
        key=key,
        title=title,
        metrics=metrics,
        on_select="rerun",
        column_config=column_config,
    )
    code = clicked_code(event)
    if code and code != ctx.scope.code:
        shell.go(drilled(ctx, code))


# --- page options bound to the URL ---------------------------------------------------------
def url_option(
    ctx: Context,
    key: str,
    choices: Sequence[str],
    default: str,
    label_text: str,
    format_func: Callable[[str], str] = str,
    *,
    kind: str = "select",
    help: str | None = None,
) -> str:
    """A control bound to the page option `key` of the URL, so a copied link keeps it. The
    default is left out of the address (opening a page adds nothing to Back's history); a
    value that is not a choice gets one line and the default."""
    raw = ctx.state.option(key)
    if raw is not None and raw not in choices and f"{raw.rstrip()}+" in choices:
        # A hand-typed "+" (as in group=18+) reaches the server as a space.
        raw = f"{raw.rstrip()}+"
        shell.set_option(key, None if raw == default else raw)
    current = raw if raw in choices else default
    if raw is not None and raw not in choices:
        st.warning(
            ctx.t("notice_option", value=raw[:40], label=label_text, shown=format_func(default)),
            icon=":material/link_off:",
        )
        shell.set_option(key, None)
    widget = f"opt_{key}"
    # The URL holds the value (a change of the control writes it before this run): load it
    # into the control on every run. Two pages may bind the same option (the overview's and
    # the coverage page's `denominator`) with controls of other labels, so a value kept in the
    # session for one would not reach the other after a change of page.
    st.session_state[widget] = current

    def write_url() -> None:
        value = st.session_state.get(widget)
        value = value if value in choices else default
        shell.set_option(key, None if value == default else value)

    common = {"key": widget, "format_func": format_func, "on_change": write_url, "help": help}
    if kind == "segmented":
        st.segmented_control(label_text, list(choices), required=True, **common)
    elif kind == "radio":
        st.radio(label_text, list(choices), horizontal=True, **common)
    else:
        st.selectbox(label_text, list(choices), **common)
    value = st.session_state.get(widget)
    return value if value in choices else current


# --- links -----------------------------------------------------------------------------------
def page_link(
    ctx: Context,
    page: str,
    label_text: str,
    *,
    state: ViewState | None = None,
    icon: str = ":material/arrow_forward:",
    **kwargs,
) -> None:
    """A link to another page with this view (or `state`): its core parameters, not this
    page's options. Nothing for a page the user may not open."""
    if not can_open(ctx.user, page):
        return
    target = replace(state or ctx.state, options=())
    st.page_link(
        navigation.script(page),
        label=label_text,
        icon=icon,
        query_params=to_params(target),
        **kwargs,
    )
