"""Certificates ("Chứng nhận tiêm"): certificates issued against doses administered, the backlog
by area and site and how it moved week to week, and the lag from injection to certificate."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard import i18n, shell, widgets
from dashboard.figures import base
from dashboard.state import drill_down, to_params
from queries import certificates as certificates_q
from queries.certificates import TREND_WEEKS

i18n.register(
    {
        "certificates_trend": {
            "vi": "Cấp chứng nhận và tồn đọng {n} tuần gần nhất",
            "en": "Certificates and backlog over the last {n} weeks",
        },
        "certificates_lag_trend": {
            "vi": "Thời gian chờ cấp chứng nhận theo tuần (giờ)",
            "en": "Certificate lag by week (hours)",
        },
        "certificates_by_district": {"vi": "Theo huyện, thành phố", "en": "By district"},
        "certificates_by_commune": {"vi": "Theo xã, phường, thị trấn", "en": "By commune"},
        "certificates_by_facility": {"vi": "Theo điểm tiêm", "en": "By site"},
        "certificates_by_area_hint": {
            "vi": "Bấm vào một cột để xem chi tiết địa bàn đó.",
            "en": "Click a bar to drill down into that area.",
        },
        "certificates_top": {
            "vi": "Điểm tiêm tồn đọng nhiều nhất",
            "en": "Sites with the largest backlog",
        },
        "certificates_top_none": {
            "vi": "Không có điểm tiêm nào còn tồn đọng cuối kỳ.",
            "en": "No site has a backlog at the end of the period.",
        },
        "certificates_week": {"vi": "Tuần", "en": "Week"},
        "certificates_area": {"vi": "Địa bàn", "en": "Area"},
        "certificates_site": {"vi": "Điểm tiêm", "en": "Site"},
        "certificates_district": {"vi": "Huyện, Thành phố", "en": "District"},
        "certificates_hours": {"vi": "giờ", "en": "hours"},
        # Short card titles (the full names are in the definitions on hover).
        "certificates_kpi_backlog": {"vi": "Chưa cấp chứng nhận", "en": "Certificate backlog"},
        "certificates_kpi_lag": {"vi": "Thời gian chờ cấp", "en": "Certificate lag"},
        "certificates_backlog_start": {
            "vi": "Tồn đọng đầu kỳ",
            "en": "Backlog at the start",
        },
        "certificates_issued_share": {
            "vi": "Chứng nhận đã cấp / số mũi đã tiêm: {rate}",
            "en": "Certificates issued / doses administered: {rate}",
        },
    }
)


def _formatted(df: pd.DataFrame, lang: str, numbers=(), signed=()):
    style = df.style
    if numbers:
        style = style.format(lambda v: fmt.number(v, lang), subset=list(numbers), na_rep="—")
    if signed:
        style = style.format(lambda v: fmt.signed(v, lang), subset=list(signed), na_rep="—")
    return style


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series, weekly: pd.DataFrame) -> None:
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(
            ctx, "issued", int(now["issued"]), int(before["issued"]), trend=weekly["issued"]
        )
    with cols[1]:
        widgets.kpi(ctx, "doses", int(now["doses"]), int(before["doses"]), trend=weekly["doses"])
    with cols[2]:
        widgets.kpi(
            ctx,
            "backlog",
            int(now["backlog"]),
            int(now["backlog_before"]),
            trend=weekly["backlog"],
            inverse=True,
            title=ctx.t("certificates_kpi_backlog"),
        )
    with cols[3]:
        lag = _num(now["lag_hours"])
        prev = _num(before["lag_hours"])
        delta = None
        if lag is not None and prev is not None:
            delta = f"{fmt.signed(lag - prev, ctx.lang, 1)} {ctx.t('certificates_hours')}"
        st.metric(
            ctx.t("certificates_kpi_lag"),
            "—" if lag is None else f"{fmt.number(lag, ctx.lang, 1)} {ctx.t('certificates_hours')}",
            delta=delta,
            delta_color="inverse",
            delta_description=ctx.t("compared_last_week") if delta else None,
            help=widgets.definition(ctx, "certificate_lag"),
            chart_data=weekly["lag_hours"].fillna(0).tolist(),
            chart_type="line",
            border=True,
        )
    doses = int(now["doses"])
    if doses:
        share = fmt.percent(int(now["issued"]) / doses, ctx.lang)
        st.caption(ctx.t("certificates_issued_share", rate=share))


def _week_labels(weekly: pd.DataFrame) -> list[str]:
    return [
        f"{fmt.day(a)} – {fmt.day(b)}"
        for a, b in zip(weekly["week_start"], weekly["week_end"], strict=True)
    ]


def _trend_chart(ctx: shell.Context, weekly: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('certificates_trend', n=TREND_WEEKS)}**")
    if int(weekly[["issued", "doses", "backlog"]].to_numpy().sum()) == 0:
        widgets.no_data(ctx)
        return
    x = pd.to_datetime(weekly["week_start"])
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=x,
            y=weekly["doses"],
            name=widgets.label(ctx, "doses"),
            marker_color=base.PALETTE[4],
            hovertemplate="%{y:,}<extra>%{fullData.name}</extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=x,
            y=weekly["issued"],
            name=widgets.label(ctx, "issued"),
            marker_color=base.PALETTE[0],
            hovertemplate="%{y:,}<extra>%{fullData.name}</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=weekly["backlog"],
            name=widgets.label(ctx, "backlog"),
            mode="lines+markers",
            line={"color": base.PALETTE[5], "width": 3},
            marker={"symbol": "diamond", "size": 8},
            yaxis="y2",
            hovertemplate="%{y:,}<extra>%{fullData.name}</extra>",
        )
    )
    # The backlog is an order of magnitude below the weekly counts: its own axis, on the right.
    fig.update_layout(
        barmode="group",
        hovermode="x unified",
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "tickformat": ",d",
            "rangemode": "tozero",
            "showgrid": False,
            "title": {"text": widgets.label(ctx, "backlog"), "font": {"size": 12}},
            "tickfont": {"color": base.PALETTE[5]},
        },
    )
    fig.update_layout(yaxis={"tickformat": ",d", "rangemode": "tozero"})
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y", dtick=7 * 86400000 * 2)
    base.style(fig, ctx.lang, height=380)
    table = pd.DataFrame(
        {
            ctx.t("certificates_week"): _week_labels(weekly),
            widgets.label(ctx, "doses"): weekly["doses"],
            widgets.label(ctx, "issued"): weekly["issued"],
            widgets.label(ctx, "backlog"): weekly["backlog"],
            widgets.label(ctx, "backlog_change"): weekly["backlog_change"],
            widgets.label(ctx, "certificate_lag"): [
                "—" if pd.isna(v) else fmt.number(v, ctx.lang, 1) for v in weekly["lag_hours"]
            ],
        }
    )
    lab = widgets.label
    widgets.chart(
        ctx,
        fig,
        _formatted(
            table,
            ctx.lang,
            numbers=[lab(ctx, m) for m in ("doses", "issued", "backlog")],
            signed=[lab(ctx, "backlog_change")],
        ),
        key="certificates_trend_chart",
        metrics=("issued", "backlog"),
    )


def _lag_chart(ctx: shell.Context, weekly: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('certificates_lag_trend')}**")
    if weekly["lag_hours"].notna().sum() == 0:
        widgets.no_data(ctx)
        return
    x = pd.to_datetime(weekly["week_start"])
    fig = go.Figure(
        go.Bar(
            x=x,
            y=weekly["lag_hours"],
            name=widgets.label(ctx, "certificate_lag"),
            marker_color=base.PALETTE[1],
            text=[fmt.number(v, ctx.lang, 0) for v in weekly["lag_hours"]],
            textposition="outside",
            hovertemplate="%{y:.1f}<extra>%{fullData.name}</extra>",
        )
    )
    fig.update_yaxes(rangemode="tozero", title=ctx.t("certificates_hours"))
    top = weekly["lag_hours"].max()
    fig.update_yaxes(range=[0, (top or 1) * 1.2])
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y", dtick=7 * 86400000 * 2)
    base.style(fig, ctx.lang, height=380)
    table = pd.DataFrame(
        {
            ctx.t("certificates_week"): _week_labels(weekly),
            widgets.label(ctx, "certificate_lag"): [
                "—" if pd.isna(v) else fmt.number(v, ctx.lang, 1) for v in weekly["lag_hours"]
            ],
        }
    )
    widgets.chart(
        ctx,
        fig,
        table,
        key="certificates_lag_chart",
        metrics=("certificate_lag",),
    )


def _drill(ctx: shell.Context, code: str) -> None:
    fac = ctx.facilities
    district_of = dict(zip(ctx.areas["area_code"], ctx.areas["district_code"], strict=True))
    commune_of = dict(zip(fac["facility_id"], fac["commune_code"], strict=True))
    state = drill_down(ctx.state, code, district_of=district_of, commune_of_site=commune_of)
    if state != ctx.state:
        st.query_params.from_dict(to_params(state))
        st.rerun()


def _area_table(ctx: shell.Context, df: pd.DataFrame, label: str) -> pd.DataFrame:
    lab = widgets.label
    return pd.DataFrame(
        {
            label: df["name"],
            **(
                {ctx.t("certificates_district"): df["district_name"]}
                if df["level"].iloc[0] != "district"
                else {}
            ),
            lab(ctx, "backlog"): df["backlog"],
            ctx.t("certificates_backlog_start"): df["backlog_before"],
            lab(ctx, "backlog_change"): df["backlog_change"],
            lab(ctx, "doses"): df["doses"],
            lab(ctx, "issued"): df["issued"],
            lab(ctx, "certificate_lag"): [
                "—" if pd.isna(v) else fmt.number(v, ctx.lang, 1) for v in df["lag_hours"]
            ],
        }
    )


def _area_style(ctx: shell.Context, table: pd.DataFrame):
    lab = widgets.label
    return _formatted(
        table,
        ctx.lang,
        numbers=[
            lab(ctx, "backlog"),
            ctx.t("certificates_backlog_start"),
            lab(ctx, "doses"),
            lab(ctx, "issued"),
        ],
        signed=[lab(ctx, "backlog_change")],
    )


def _area_chart(ctx: shell.Context, areas: pd.DataFrame) -> None:
    level = areas["level"].iloc[0] if len(areas) else "district"
    st.markdown(f"**{ctx.t('certificates_by_' + level)}**")
    if areas.empty:
        widgets.no_data(ctx)
        return
    shown = areas.head(30)
    names = shown["name"].tolist()
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=names,
            x=shown["backlog_before"],
            orientation="h",
            name=ctx.t("certificates_backlog_start"),
            marker_color=base.PALETTE[4],
            customdata=shown[["area_code"]].to_numpy(),
            hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=shown["backlog"],
            orientation="h",
            name=widgets.label(ctx, "backlog"),
            marker_color=base.PALETTE[5],
            customdata=shown[["area_code"]].to_numpy(),
            hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>",
        )
    )
    fig.update_layout(barmode="group", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat=",d")
    base.style(fig, ctx.lang, height=max(320, 44 * len(shown) + 100))
    label = ctx.t("certificates_site" if level == "facility" else "certificates_area")
    if level != "facility":
        st.caption(ctx.t("certificates_by_area_hint"))
    event = widgets.chart(
        ctx,
        fig,
        _area_style(ctx, _area_table(ctx, areas, label)),
        key=f"certificates_area_chart_{ctx.scope_code}",
        metrics=("backlog", "backlog_change", "certificate_lag"),
        on_select="rerun" if level != "facility" else "ignore",
    )
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        code = points[0].get("customdata", [None])[0]
        if code:
            _drill(ctx, str(code))


def _top_sites(ctx: shell.Context) -> None:
    st.markdown(f"**{ctx.t('certificates_top')}**")
    top = ctx.read(certificates_q.top_sites)
    if top.empty:
        st.info(ctx.t("certificates_top_none"))
        return
    st.dataframe(
        _area_style(ctx, _area_table(ctx, top, ctx.t("certificates_site"))),
        hide_index=True,
        width="stretch",
        key=f"certificates_top_{ctx.scope_code}",
    )


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_certificates")
    now = ctx.read(certificates_q.totals).iloc[0]
    before = ctx.read(certificates_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(certificates_q.weekly, TREND_WEEKS)
    _kpis(ctx, now, before, weekly)
    if int(weekly[["issued", "doses", "backlog"]].to_numpy().sum()) == 0:
        widgets.no_data(ctx)
        return
    left, right = st.columns(2)
    with left:
        _trend_chart(ctx, weekly)
    with right:
        _lag_chart(ctx, weekly)
    if not ctx.state.site:
        _area_chart(ctx, ctx.read(certificates_q.by_area))
        _top_sites(ctx)


ctx = shell.context()
if ctx is not None:
    render(ctx)
