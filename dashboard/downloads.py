"""The download controls beside every chart and table (the shared widgets call these): a chart
image made on the server only when asked for, and the table as Excel or CSV, each named for
what it holds and carrying the view's area, period and data-as-of."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import auth, sidebar
from dashboard import format as fmt
from dashboard.access import can_export
from dashboard.exports import images, names, tables
from dashboard.shell import Context

log = logging.getLogger(__name__)
_SEEN = "_download_keys"  # keys used in this run, so two like tables get their own buttons


def period_text(ctx: Context) -> str:
    """The period as the page header says it ("Tuần 25: 20/06–26/06/2022" or a range)."""
    if ctx.state.week and not ctx.state.is_custom_range:
        return sidebar.week_caption(ctx.state.week, ctx.lang)
    return f"{fmt.day(ctx.period.start)} – {fmt.day(ctx.period.end)}"


def period_name(ctx: Context) -> str:
    week = None if ctx.state.is_custom_range else ctx.state.week
    return names.period_part(ctx.period.start, ctx.period.end, week)


def data_as_of(ctx: Context) -> str:
    return fmt.moment(ctx.fresh.high_water)


def figure_title(fig: go.Figure) -> str:
    """The figure's own title, without markup."""
    title = fig.layout.title.text if fig.layout.title else None
    return str(title or "").replace("<b>", "").replace("</b>", "")


def _unique(ctx: Context, key: str) -> str:
    """`key`, or `key` with a number when this run already used it."""
    run, seen = st.session_state.get(_SEEN, (None, set()))
    if run != id(ctx):
        seen = set()
    found, n = key, 1
    while found in seen:
        n += 1
        found = f"{key}_{n}"
    seen.add(found)
    st.session_state[_SEEN] = (id(ctx), seen)
    return found


# --- chart images ----------------------------------------------------------------------------
def chart_image(ctx: Context, fig: go.Figure, title: str, fmt_name: str) -> bytes:
    """The chart as the download offers it: slide size, with title, area, period and source."""
    return images.figure_image(
        fig,
        fmt=fmt_name,
        title=title,
        area=ctx.scope_name(),
        period=period_text(ctx),
        source=ctx.t("export_source"),
        data_as_of=data_as_of(ctx),
        lang=ctx.lang,
    )


def chart_downloads(ctx: Context, fig: go.Figure, *, key: str, title: str) -> None:
    """A small "Tải ảnh" menu: a click makes the PNG or SVG (with a spinner, recorded in the
    audit log), then offers it. None for a viewer."""
    if not can_export(ctx.user):
        return
    stem = names.file_name(title, ctx.scope_name(), period_name(ctx), "x")[:-2]
    stamp = (ctx.version, ctx.lang, title, ctx.scope.code, ctx.period)
    with st.popover(
        ctx.t("export_chart"), icon=":material/download:", help=ctx.t("export_chart_help")
    ):
        for fmt_name, column in zip(images.FORMATS, st.columns(2), strict=True):
            label = fmt_name.upper()
            made = f"_image_{key}_{fmt_name}"
            with column:
                if st.button(ctx.t("export_make", fmt=label), key=f"make_{key}_{fmt_name}"):
                    with st.spinner(ctx.t("export_making", fmt=label)):
                        try:
                            data = chart_image(ctx, fig, title, fmt_name)
                        except images.BrowserMissing as exc:
                            st.error(exc.message(ctx.lang), icon=":material/error:")
                            continue
                        except images.RenderFailed as exc:
                            log.exception("chart image failed: %s", key)
                            st.error(exc.message(ctx.lang), icon=":material/error:")
                            continue
                    st.session_state[made] = (stamp, data)
                    _record(ctx, f"{stem}.{fmt_name}")
                got = st.session_state.get(made)
                if got and got[0] == stamp:
                    st.download_button(
                        ctx.t("export_save", fmt=label),
                        got[1],
                        file_name=f"{stem}.{fmt_name}",
                        mime=images.MIME[fmt_name],
                        key=f"save_{key}_{fmt_name}",
                        on_click="ignore",
                        icon=":material/download:",
                        type="primary",
                    )


def _record(ctx: Context, file_name: str) -> None:
    """The file made, in the audit log (who, what, scope, when)."""
    if ctx.user is not None:
        auth.record_export(ctx.user, file_name, ctx.scope.code)


# --- tables ----------------------------------------------------------------------------------
def frame_of(data) -> tuple[pd.DataFrame, dict[str, str]]:
    """The values behind a table as shown (a DataFrame or a Styler from `widgets.styled`) and
    the kinds of the columns the page formats."""
    if isinstance(data, pd.DataFrame):
        return tables.from_shown(data)
    frame = getattr(data, "data", None)
    if isinstance(frame, pd.DataFrame):
        return frame, dict(getattr(data, "export_kinds", {}) or {})
    return pd.DataFrame(data), {}


def _xlsx(data, info: tables.TableInfo) -> bytes:
    df, kinds = frame_of(data)
    return tables.table_xlsx(df, info, kinds)


def _csv(data) -> bytes:
    return tables.table_csv(frame_of(data)[0])


def table_downloads(
    ctx: Context,
    data,
    *,
    title: str,
    key: str | None = None,
    definitions: Sequence[str] = (),
) -> None:
    """Excel and CSV buttons for the table; the files are made when clicked, in the browser's
    download request (outside a script run: not written to the audit log), from the values
    behind the table (`frame_of`, read then too). None for a viewer."""
    if not can_export(ctx.user):
        return
    shown = getattr(data, "data", data)  # the frame of a Styler
    columns = shown.columns if isinstance(shown, pd.DataFrame) else frame_of(data)[0].columns
    if not len(columns):
        return
    if key is None:
        shape = "|".join(map(str, (title, *columns)))
        key = hashlib.sha1(shape.encode()).hexdigest()[:10]
    key = _unique(ctx, f"table_{key}")
    stem = names.file_name(title, ctx.scope_name(), period_name(ctx), "x")[:-2]
    info = tables.TableInfo(
        title=title,
        area=ctx.scope_name(),
        period=period_text(ctx),
        data_as_of=data_as_of(ctx),
        source=ctx.t("export_source"),
        definitions=tuple(definitions) + (ctx.t("week_definition"),),
        lang=ctx.lang,
    )
    left, right, _ = st.columns([1, 1, 4], gap="small")
    with left:
        st.download_button(
            ctx.t("export_xlsx"),
            lambda: _xlsx(data, info),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
            type="tertiary",
        )
    with right:
        st.download_button(
            ctx.t("export_csv"),
            lambda: _csv(data),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )
