"""Adverse events following immunization ("Phản ứng sau tiêm"): reports by severity and vaccine,
the rate per 100,000 doses of the same vaccine and period, serious cases by outcome, reports by
vaccine lot, with the caveat that reports are unverified."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard import i18n, shell, widgets
from dashboard.figures import base
from queries import aefi as aefi_q
from queries.aefi import CHANNELS, OUTCOMES

TREND_WEEKS = 12
LOTS_CHARTED = 15

i18n.register(
    {
        "aefi_caveat": {
            "vi": "Số liệu là báo cáo phản ứng sau tiêm chưa được xác minh và không giảm trừ sau "
            "điều tra.",
            "en": "These are AEFI reports, unverified and not reduced after investigation.",
        },
        "aefi_by_lot": {
            "vi": "Theo lô vắc xin: số báo cáo theo mức độ",
            "en": "By vaccine lot: reports by severity",
        },
        "aefi_lot_note": {
            "vi": "Số lô là số lô ghi trên lượt tiêm mà báo cáo phản ứng gắn với. Kho dữ liệu "
            "không lưu số mũi đã tiêm theo từng lô, nên không tính tỷ lệ / 100.000 mũi theo lô: "
            "số báo cáo của một lô phụ thuộc cả vào số mũi của lô đó đã tiêm.",
            "en": "The lot is the one recorded on the visit the report refers to. The warehouse "
            "does not keep doses administered per lot, so there is no rate per 100,000 doses by "
            "lot: a lot's count of reports also depends on how many of its doses were given.",
        },
        "aefi_lot_top": {
            "vi": "{n} lô có nhiều báo cáo nhất",
            "en": "The {n} lots with the most reports",
        },
        "aefi_lot": {"vi": "Số lô", "en": "Lot"},
        "aefi_no_lot": {"vi": "Không ghi số lô", "en": "No lot recorded"},
        "aefi_sites_col": {"vi": "Số điểm tiêm", "en": "Sites"},
        "aefi_kpi_rate": {"vi": "Phản ứng / 100.000 mũi", "en": "AEFI per 100,000 doses"},
        "aefi_sev_mild": {"vi": "Phản ứng thông thường", "en": "Common reaction"},
        "aefi_sev_serious": {"vi": "Tai biến nặng", "en": "Serious event"},
        "aefi_out_recovered": {"vi": "Đã hồi phục", "en": "Recovered"},
        "aefi_out_hospitalised": {"vi": "Nhập viện", "en": "Hospitalised"},
        "aefi_out_death": {"vi": "Tử vong", "en": "Death"},
        "aefi_out_unknown": {"vi": "Chưa rõ", "en": "Unknown"},
        "aefi_ch_facility": {"vi": "Điểm tiêm", "en": "Vaccination site"},
        "aefi_ch_app": {"vi": "Ứng dụng", "en": "App"},
        "aefi_ch_hotline": {"vi": "Đường dây nóng", "en": "Hotline"},
        "aefi_by_vaccine": {
            "vi": "Theo vắc xin: số báo cáo và tỷ lệ / 100.000 mũi",
            "en": "By vaccine: reports and rate per 100,000 doses",
        },
        "aefi_outcome": {
            "vi": "Tai biến nặng theo kết cục",
            "en": "Serious events by outcome",
        },
        "aefi_trend": {
            "vi": "Tỷ lệ phản ứng / 100.000 mũi, {n} tuần gần nhất",
            "en": "AEFI rate per 100,000 doses, last {n} weeks",
        },
        "aefi_channel": {"vi": "Theo kênh báo cáo", "en": "By reporting channel"},
        "aefi_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
        "aefi_no_vaccine": {"vi": "Không ghi nhận mũi tiêm", "en": "No injection recorded"},
        "aefi_doses": {"vi": "Số mũi đã tiêm", "en": "Doses administered"},
        "aefi_rate_col": {"vi": "Tỷ lệ / 100.000 mũi", "en": "Rate per 100,000 doses"},
        "aefi_serious_rate_col": {
            "vi": "Tai biến nặng / 100.000 mũi",
            "en": "Serious per 100,000 doses",
        },
        "aefi_week": {"vi": "Tuần", "en": "Week"},
        "aefi_outcome_col": {"vi": "Kết cục", "en": "Outcome"},
        "aefi_channel_col": {"vi": "Kênh báo cáo", "en": "Channel"},
        "aefi_reports_col": {"vi": "Số báo cáo", "en": "Reports"},
        "aefi_no_serious": {
            "vi": "Không có báo cáo tai biến nặng trong kỳ.",
            "en": "No serious event reported in the period.",
        },
    }
)

SEV_COLOURS = {"mild": base.PALETTE[4], "serious": base.PALETTE[5]}


def _styled(df: pd.DataFrame, lang: str, numbers=(), decimals=()):
    style = df.style
    if numbers:
        style = style.format(lambda v: fmt.number(v, lang), subset=list(numbers), na_rep="—")
    if decimals:
        style = style.format(lambda v: fmt.number(v, lang, 1), subset=list(decimals), na_rep="—")
    return style


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _vaccine_name(ctx: shell.Context, row) -> str:
    return ctx.t("aefi_no_vaccine") if not row["vaccine_code"] else str(row["vaccine_name"])


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series, weekly: pd.DataFrame) -> None:
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(
            ctx, "reports", int(now["reports"]), int(before["reports"]),
            trend=weekly["reports"], inverse=True,
        )  # fmt: skip
    with cols[1]:
        widgets.kpi(
            ctx, "aefi_serious", int(now["serious"]), int(before["serious"]),
            trend=weekly["serious"], inverse=True,
        )  # fmt: skip
    with cols[2]:
        rate, prev = _num(now["rate"]), _num(before["rate"])
        st.metric(
            ctx.t("aefi_kpi_rate"),
            fmt.number(rate, ctx.lang, 1),
            delta=None if rate is None or prev is None else fmt.signed(rate - prev, ctx.lang, 1),
            delta_color="inverse",
            delta_description=ctx.t("compared_last_week") if rate and prev else None,
            help=widgets.definition(ctx, "aefi_rate"),
            chart_data=weekly["rate"].fillna(0).tolist(),
            chart_type="line",
            border=True,
        )
    with cols[3]:
        widgets.kpi(ctx, "doses", int(now["doses"]), int(before["doses"]), trend=weekly["doses"])


def _severity_bars(ctx: shell.Context, names: list[str], counts: pd.DataFrame) -> go.Figure:
    """Horizontal bars, one per name, of mild and serious reports stacked."""
    fig = go.Figure()
    for sev in ("mild", "serious"):
        fig.add_trace(
            go.Bar(
                y=names,
                x=counts[sev],
                orientation="h",
                name=ctx.t(f"aefi_sev_{sev}"),
                marker_color=SEV_COLOURS[sev],
                hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickformat=",d", title=ctx.t("aefi_reports_col"))
    return fig


def _vaccine_chart(ctx: shell.Context, vac: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('aefi_by_vaccine')}**")
    shown = vac[vac["reports"] > 0]
    if shown.empty:
        widgets.no_data(ctx)
        return
    # The rate sits under the vaccine's name so that it is never cut at the chart's edge.
    names = [
        f"{_vaccine_name(ctx, r)}<br><b>{fmt.number(r['rate'], ctx.lang, 1)}</b> / 100.000"
        if not pd.isna(r["rate"])
        else _vaccine_name(ctx, r)
        for _, r in shown.iterrows()
    ]
    fig = _severity_bars(ctx, names, shown)
    fig.update_yaxes(autorange="reversed", title=None)
    base.style(fig, ctx.lang, height=max(280, 56 * len(shown) + 110))
    table = pd.DataFrame(
        {
            ctx.t("aefi_vaccine"): [_vaccine_name(ctx, r) for _, r in vac.iterrows()],
            ctx.t("aefi_sev_mild"): vac["mild"],
            ctx.t("aefi_sev_serious"): vac["serious"],
            ctx.t("aefi_reports_col"): vac["reports"],
            ctx.t("aefi_doses"): vac["doses"],
            ctx.t("aefi_rate_col"): vac["rate"],
            ctx.t("aefi_serious_rate_col"): vac["serious_rate"],
        }
    )
    counts = ["aefi_sev_mild", "aefi_sev_serious", "aefi_reports_col", "aefi_doses"]
    widgets.chart(
        ctx,
        fig,
        _styled(
            table,
            ctx.lang,
            numbers=[ctx.t(k) for k in counts],
            decimals=[ctx.t("aefi_rate_col"), ctx.t("aefi_serious_rate_col")],
        ),
        key="aefi_vaccine_chart",
        metrics=("reports", "aefi_rate"),
    )


def _outcome_chart(ctx: shell.Context, out: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('aefi_outcome')}**")
    sums = out.groupby("outcome")["reports"].sum().reindex(OUTCOMES, fill_value=0)
    if int(sums.sum()) == 0:
        st.info(ctx.t("aefi_no_serious"))
        return
    names = [ctx.t(f"aefi_out_{o}") for o in sums.index]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=sums.to_numpy(),
            marker_color=[base.PALETTE[i] for i in (2, 4, 7, 0)][: len(names)],
            text=[fmt.number(v, ctx.lang) for v in sums],
            textposition="outside",
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    top = max(int(sums.max()), 1)
    fig.update_yaxes(
        tickformat=",d", rangemode="tozero", range=[0, top * 1.25], dtick=1 if top < 5 else None
    )
    base.style(fig, ctx.lang, height=300)
    fig.update_layout(showlegend=False)
    table = pd.DataFrame({ctx.t("aefi_outcome_col"): names, ctx.t("aefi_reports_col"): sums.values})
    widgets.chart(
        ctx,
        fig,
        _styled(table, ctx.lang, numbers=[ctx.t("aefi_reports_col")]),
        key="aefi_outcome_chart",
        metrics=("aefi_serious",),
    )


def _trend_chart(ctx: shell.Context, weekly: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('aefi_trend', n=TREND_WEEKS)}**")
    if int(weekly["doses"].sum()) == 0:
        widgets.no_data(ctx)
        return
    fig = go.Figure(
        go.Scatter(
            x=weekly["week_start"],
            y=weekly["rate"],
            mode="lines+markers",
            name=widgets.label(ctx, "aefi_rate"),
            line={"color": base.PALETTE[0], "width": 2},
            hovertemplate="%{y:,.1f}<extra></extra>",
        )
    )
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y")
    base.style(fig, ctx.lang, height=300)
    fig.update_layout(showlegend=False)
    table = pd.DataFrame(
        {
            ctx.t("aefi_week"): [
                f"{fmt.day(a)} – {fmt.day(b)}"
                for a, b in zip(weekly["week_start"], weekly["week_end"], strict=True)
            ],
            ctx.t("aefi_sev_mild"): weekly["mild"],
            ctx.t("aefi_sev_serious"): weekly["serious"],
            ctx.t("aefi_doses"): weekly["doses"],
            ctx.t("aefi_rate_col"): weekly["rate"],
        }
    )
    widgets.chart(
        ctx,
        fig,
        _styled(
            table,
            ctx.lang,
            numbers=[ctx.t(k) for k in ("aefi_sev_mild", "aefi_sev_serious", "aefi_doses")],
            decimals=[ctx.t("aefi_rate_col")],
        ),
        key="aefi_trend_chart",
        metrics=("aefi_rate",),
    )


def _channel_table(ctx: shell.Context, ch: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('aefi_channel')}**")
    if ch.empty or int(ch["reports"].sum()) == 0:
        widgets.no_data(ctx)
        return
    table = pd.DataFrame(
        {
            ctx.t("aefi_channel_col"): [
                ctx.t(f"aefi_ch_{c}") if c in CHANNELS else str(c) for c in ch["channel"]
            ],
            ctx.t("aefi_sev_mild"): ch["mild"],
            ctx.t("aefi_sev_serious"): ch["serious"],
            ctx.t("aefi_reports_col"): ch["reports"],
        }
    )
    numbers = [ctx.t(k) for k in ("aefi_sev_mild", "aefi_sev_serious", "aefi_reports_col")]
    st.dataframe(_styled(table, ctx.lang, numbers=numbers), hide_index=True, width="stretch")


def _lot_name(ctx: shell.Context, lot: str) -> str:
    return str(lot) if lot else ctx.t("aefi_no_lot")


def _lot_section(ctx: shell.Context, lots: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('aefi_by_lot')}**")
    st.caption(ctx.t("aefi_lot_note"))
    if lots.empty:
        widgets.no_data(ctx)
        return
    vaccines = [_vaccine_name(ctx, r) for _, r in lots.iterrows()]
    top = lots.head(LOTS_CHARTED)
    if len(lots) > LOTS_CHARTED:
        st.caption(ctx.t("aefi_lot_top", n=LOTS_CHARTED))
    names = [
        f"{_lot_name(ctx, lot)} · {name}"
        for lot, name in zip(top["lot_number"], vaccines[: len(top)], strict=True)
    ]
    fig = _severity_bars(ctx, names, top)
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    base.style(fig, ctx.lang, height=max(260, 30 * len(top) + 110))
    st.plotly_chart(
        fig,
        key="aefi_lot_chart",
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "aefi_lots"},
        },
    )
    # Every lot with a report, the counts first so that they show without scrolling.
    table = pd.DataFrame(
        {
            ctx.t("aefi_lot"): [_lot_name(ctx, v) for v in lots["lot_number"]],
            ctx.t("aefi_vaccine"): vaccines,
            ctx.t("aefi_reports_col"): lots["reports"],
            ctx.t("aefi_sev_serious"): lots["serious"],
            ctx.t("aefi_sev_mild"): lots["mild"],
            ctx.t("aefi_sites_col"): lots["sites"],
        }
    )
    numbers = [ctx.t(k) for k in ("aefi_sev_mild", "aefi_sev_serious", "aefi_reports_col")]
    st.dataframe(
        _styled(table, ctx.lang, numbers=numbers),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 420),
        key="aefi_lot_table",
    )


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_aefi")
    st.warning(ctx.t("aefi_caveat"), icon=":material/info:")
    now = ctx.read(aefi_q.totals).iloc[0]
    before = ctx.read(aefi_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(aefi_q.weekly, TREND_WEEKS)
    _kpis(ctx, now, before, weekly)
    if int(now["reports"]) == 0 and int(now["doses"]) == 0:
        widgets.no_data(ctx)
        return
    left, right = st.columns(2)
    with left:
        _vaccine_chart(ctx, ctx.read(aefi_q.by_vaccine))
        _trend_chart(ctx, weekly)
    with right:
        _outcome_chart(ctx, ctx.read(aefi_q.serious_by_outcome))
        _channel_table(ctx, ctx.read(aefi_q.by_channel))
    _lot_section(ctx, ctx.read(aefi_q.by_lot))


ctx = shell.context()
if ctx is not None:
    render(ctx)
