"""Session flow ("Quy trình buổi tiêm"): the funnel reception -> screening -> injection ->
watch -> certificate, time between steps, doses per table-hour by site, sessions below capacity,
and the recording lag (injections entered days later)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard import i18n, shell, widgets
from dashboard.figures import base
from queries import flow as flow_q
from queries.flow import BELOW_SHARE, STEPS

TREND_WEEKS = 12
TOP_SITES = 20

i18n.register(
    {
        "flow_funnel": {"vi": "Các bước của buổi tiêm", "en": "Steps of the session"},
        "flow_step": {"vi": "Bước", "en": "Step"},
        "flow_visits": {"vi": "Số lượt", "en": "Visits"},
        "flow_share": {"vi": "Tỷ lệ so với tiếp đón", "en": "Share of checked in"},
        "flow_cert_note": {
            "vi": "Chứng nhận: số giấy chứng nhận cấp trong kỳ (gần đúng với số chứng nhận cho "
            "các mũi tiêm của kỳ).",
            "en": "Certificates: those issued in the period (an approximation of the "
            "certificates for the period's injections).",
        },
        "flow_sites": {
            "vi": "Số mũi / bàn tiêm / giờ theo điểm tiêm ({n} điểm thấp nhất)",
            "en": "Doses per table-hour by site (the {n} lowest)",
        },
        "flow_site": {"vi": "Điểm tiêm", "en": "Site"},
        "flow_commune": {"vi": "Xã, Phường, Thị trấn", "en": "Commune"},
        "flow_district": {"vi": "Huyện, Thành phố", "en": "District"},
        "flow_tables": {"vi": "Bàn tiêm", "en": "Tables"},
        "flow_sessions": {"vi": "Số buổi tiêm", "en": "Sessions"},
        "flow_table_hours": {"vi": "Bàn tiêm × giờ", "en": "Table-hours"},
        "flow_median": {"vi": "Trung vị của điểm", "en": "Site median"},
        "flow_threshold": {"vi": "Ngưỡng dưới công suất", "en": "Below-capacity threshold"},
        "flow_below": {"vi": "Buổi dưới công suất", "en": "Sessions below capacity"},
        "flow_below_title": {"vi": "Buổi tiêm dưới công suất", "en": "Sessions below capacity"},
        "flow_below_hint": {
            "vi": "Ngưỡng = {share} trung vị số mũi / bàn tiêm / giờ của chính điểm tiêm trong kỳ. "
            "Buổi có thời gian tiêm dưới 15 phút hoặc điểm không khai số bàn không được tính.",
            "en": "Threshold = {share} of the site's own median doses per table-hour in the "
            "period. Sessions with under 15 minutes of injections, or sites with no table count, "
            "are left out.",
        },
        "flow_below_none": {
            "vi": "Không có buổi tiêm nào dưới công suất trong kỳ.",
            "en": "No session ran below capacity in the period.",
        },
        "flow_date": {"vi": "Ngày", "en": "Date"},
        "flow_hours": {"vi": "Số giờ tiêm", "en": "Injection hours"},
        "flow_lag": {
            "vi": "Nhập liệu muộn, {n} tuần gần nhất",
            "en": "Late data entry, last {n} weeks",
        },
        "flow_week": {"vi": "Tuần", "en": "Week"},
        "flow_late": {"vi": "Số mũi nhập muộn", "en": "Doses entered late"},
        "flow_doses": {"vi": "Số mũi đã tiêm", "en": "Doses administered"},
        "flow_kpi_screen_wait": {"vi": "Chờ khám (phút)", "en": "To screen (min)"},
        "flow_kpi_inject_wait": {"vi": "Chờ tiêm (phút)", "en": "To inject (min)"},
        "flow_kpi_throughput": {"vi": "Mũi/bàn/giờ", "en": "Doses/table-hour"},
        "flow_kpi_below": {"vi": "Dưới công suất", "en": "Below capacity"},
        "flow_kpi_late": {"vi": "Mũi nhập muộn", "en": "Entered late"},
    }
)


def _styled(df: pd.DataFrame, lang: str, numbers=(), decimals=(), percents=()):
    style = df.style
    if numbers:
        style = style.format(lambda v: fmt.number(v, lang), subset=list(numbers), na_rep="—")
    if decimals:
        style = style.format(lambda v: fmt.number(v, lang, 1), subset=list(decimals), na_rep="—")
    if percents:
        style = style.format(lambda v: fmt.percent(v, lang), subset=list(percents), na_rep="—")
    return style


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _plain_metric(ctx, metric: str, title: str, text: str) -> None:
    st.metric(title, text, help=widgets.definition(ctx, metric), border=True)


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series, sites) -> None:
    cols = st.columns(5)
    wait = {k: _num(now[k]) for k in ("screen_wait_minutes", "inject_wait_minutes")}
    with cols[0]:
        v = wait["screen_wait_minutes"]
        _plain_metric(ctx, "screen_wait", ctx.t("flow_kpi_screen_wait"), fmt.number(v, ctx.lang, 1))
    with cols[1]:
        v = wait["inject_wait_minutes"]
        _plain_metric(ctx, "inject_wait", ctx.t("flow_kpi_inject_wait"), fmt.number(v, ctx.lang, 1))
    with cols[2]:
        table_hours = sites["table_hours"].sum() if len(sites) else 0
        tp = sites["doses"].sum() / table_hours if table_hours else None
        _plain_metric(ctx, "throughput", ctx.t("flow_kpi_throughput"), fmt.number(tp, ctx.lang, 1))
    with cols[3]:
        below = int(sites["below_sessions"].sum()) if len(sites) else 0
        total = int(sites["sessions"].sum()) if len(sites) else 0
        text = f"{fmt.number(below, ctx.lang)} / {fmt.number(total, ctx.lang)}"
        _plain_metric(ctx, "below_capacity", ctx.t("flow_kpi_below"), text)
    with cols[4]:
        now_share = _num(now["recorded_late_share"])
        prev_share = _num(before["recorded_late_share"])
        delta = None
        if now_share is not None and prev_share is not None:
            unit = "pp" if ctx.lang == "en" else "đ.p."
            delta = f"{fmt.signed((now_share - prev_share) * 100, ctx.lang, 1)} {unit}"
        st.metric(
            ctx.t("flow_kpi_late"),
            fmt.percent(now_share, ctx.lang),
            delta=delta,
            delta_color="inverse",
            help=f"{widgets.definition(ctx, 'recorded_late_share')} "
            f"({ctx.t('compared_last_week')})",
            border=True,
        )


def _funnel(ctx: shell.Context, now: pd.Series) -> None:
    st.markdown(f"**{ctx.t('flow_funnel')}**")
    names = [widgets.label(ctx, s) for s in STEPS]
    values = [int(now[s]) for s in STEPS]
    fig = go.Figure(
        go.Funnel(
            y=names,
            x=values,
            text=[fmt.number(v, ctx.lang) for v in values],
            textinfo="text",
            marker={"color": [base.PALETTE[i] for i in (0, 1, 2, 4, 5)]},
            connector={"fillcolor": "#eeeeee", "line": {"color": "#dddddd", "width": 1}},
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    base.style(fig, ctx.lang, height=330)
    fig.update_layout(showlegend=False)
    first = values[0] or None
    table = pd.DataFrame(
        {
            ctx.t("flow_step"): names,
            ctx.t("flow_visits"): values,
            ctx.t("flow_share"): [v / first if first else None for v in values],
        }
    )
    widgets.chart(
        ctx,
        fig,
        _styled(table, ctx.lang, numbers=[ctx.t("flow_visits")], percents=[ctx.t("flow_share")]),
        key="flow_funnel_chart",
        metrics=STEPS,
    )
    st.caption(ctx.t("flow_cert_note"))


def _site_chart(ctx: shell.Context, sites: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('flow_sites', n=min(TOP_SITES, len(sites)))}**")
    shown = sites[sites["throughput"].notna()].head(TOP_SITES)
    if shown.empty:
        widgets.no_data(ctx)
        return
    fig = go.Figure(
        go.Bar(
            y=shown["name"],
            x=shown["throughput"],
            orientation="h",
            marker_color=base.PALETTE[0],
            name=widgets.label(ctx, "throughput"),
            customdata=shown[["doses", "table_hours"]].to_numpy(),
            hovertemplate="%{y}: %{x:,.1f} (%{customdata[0]:,} / %{customdata[1]:,.1f})"
            "<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=widgets.label(ctx, "throughput"), tickformat=",.0f")
    base.style(fig, ctx.lang, height=max(300, 24 * len(shown) + 100))
    fig.update_layout(showlegend=False)
    table = pd.DataFrame(
        {
            ctx.t("flow_site"): sites["name"],
            ctx.t("flow_commune"): sites["commune_name"],
            ctx.t("flow_district"): sites["district_name"],
            ctx.t("flow_tables"): sites["tables"],
            ctx.t("flow_sessions"): sites["sessions"],
            ctx.t("flow_doses"): sites["doses"],
            ctx.t("flow_table_hours"): sites["table_hours"],
            widgets.label(ctx, "throughput"): sites["throughput"],
            ctx.t("flow_median"): sites["site_median"],
            ctx.t("flow_threshold"): sites["threshold"],
            ctx.t("flow_below"): sites["below_sessions"],
        }
    )
    widgets.chart(
        ctx,
        fig,
        _styled(
            table,
            ctx.lang,
            numbers=[
                ctx.t(k) for k in ("flow_tables", "flow_sessions", "flow_doses", "flow_below")
            ],
            decimals=[
                ctx.t("flow_table_hours"),
                widgets.label(ctx, "throughput"),
                ctx.t("flow_median"),
                ctx.t("flow_threshold"),
            ],
        ),  # fmt: skip
        key="flow_site_chart",
        metrics=("throughput",),
    )


def _below_table(ctx: shell.Context, sessions: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('flow_below_title')}**")
    share = fmt.percent(BELOW_SHARE, ctx.lang, 0)
    st.caption(ctx.t("flow_below_hint", share=share))
    below = sessions[sessions["below"]]
    if below.empty:
        st.info(ctx.t("flow_below_none"))
        return
    table = pd.DataFrame(
        {
            ctx.t("flow_date"): [fmt.day(d) for d in below["date"]],
            ctx.t("flow_site"): below["name"],
            ctx.t("flow_commune"): below["commune_name"],
            ctx.t("flow_doses"): below["doses"],
            ctx.t("flow_tables"): below["tables"],
            ctx.t("flow_hours"): below["hours"],
            widgets.label(ctx, "throughput"): below["throughput"],
            ctx.t("flow_threshold"): below["threshold"],
        }
    )
    st.dataframe(
        _styled(
            table,
            ctx.lang,
            numbers=[ctx.t("flow_doses"), ctx.t("flow_tables")],
            decimals=[
                ctx.t("flow_hours"),
                widgets.label(ctx, "throughput"),
                ctx.t("flow_threshold"),
            ],
        ),  # fmt: skip
        hide_index=True,
        width="stretch",
        key="flow_below_table",
    )


def _lag_chart(ctx: shell.Context, weekly: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('flow_lag', n=TREND_WEEKS)}**")
    if int(weekly["doses"].sum()) == 0:
        widgets.no_data(ctx)
        return
    fig = go.Figure(
        go.Bar(
            x=weekly["week_start"],
            y=weekly["recorded_late_share"],
            marker_color=base.PALETTE[4],
            name=widgets.label(ctx, "recorded_late_share"),
            customdata=weekly["recorded_late"],
            hovertemplate="%{y:.1%} (%{customdata:,})<extra></extra>",
        )
    )
    fig.update_yaxes(tickformat=".1~%", rangemode="tozero")
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y")
    base.style(fig, ctx.lang, height=300)
    fig.update_layout(showlegend=False)
    table = pd.DataFrame(
        {
            ctx.t("flow_week"): [
                f"{fmt.day(a)} – {fmt.day(b)}"
                for a, b in zip(weekly["week_start"], weekly["week_end"], strict=True)
            ],
            ctx.t("flow_doses"): weekly["doses"],
            ctx.t("flow_late"): weekly["recorded_late"],
            widgets.label(ctx, "recorded_late_share"): weekly["recorded_late_share"],
            widgets.label(ctx, "recording_lag"): weekly["recording_lag_days"],
        }
    )
    widgets.chart(
        ctx,
        fig,
        _styled(
            table,
            ctx.lang,
            numbers=[ctx.t("flow_doses"), ctx.t("flow_late")],
            decimals=[widgets.label(ctx, "recording_lag")],
            percents=[widgets.label(ctx, "recorded_late_share")],
        ),
        key="flow_lag_chart",
        metrics=("recorded_late_share", "recording_lag"),
    )


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_flow")
    now = ctx.read(flow_q.totals).iloc[0]
    before = ctx.read(flow_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(flow_q.weekly, TREND_WEEKS)
    sites = ctx.read(flow_q.by_site)
    _kpis(ctx, now, before, sites)
    if int(now["checked_in"]) == 0:
        widgets.no_data(ctx)
        return
    left, right = st.columns(2)
    with left:
        _funnel(ctx, now)
    with right:
        _lag_chart(ctx, weekly)
    _site_chart(ctx, sites)
    _below_table(ctx, ctx.read(flow_q.sessions))


ctx = shell.context()
if ctx is not None:
    render(ctx)
