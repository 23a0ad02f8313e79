"""Screening and deferrals ("Khám sàng lọc & hoãn tiêm"): how many screened visits end without a
dose (deferred, contraindicated, referred to hospital), why, where, how it moves week by week,
and the sites with the highest deferral rates."""

from __future__ import annotations

import contextlib

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import format as fmt
from dashboard import i18n, shell, widgets
from dashboard.figures import base
from dashboard.state import ViewState, drill_down, to_params
from queries import screening as screening_q
from queries.screening import MIN_SCREENED, REASONS, RESULTS, TREND_WEEKS
from warehouse.reference import PROVINCE_CODE

i18n.register(
    {
        "screening_reason_acute_illness": {
            "vi": "Đang mắc bệnh cấp tính",
            "en": "Acute illness",
        },
        "screening_reason_fever": {"vi": "Sốt", "en": "Fever"},
        "screening_reason_uncontrolled_chronic": {
            "vi": "Bệnh mạn tính chưa ổn định",
            "en": "Uncontrolled chronic disease",
        },
        "screening_reason_recent_covid": {"vi": "Mới mắc COVID-19", "en": "Recent COVID-19"},
        "screening_reason_pregnancy": {"vi": "Đang mang thai", "en": "Pregnancy"},
        "screening_reason_allergy_history": {
            "vi": "Tiền sử phản vệ, dị ứng",
            "en": "History of anaphylaxis or allergy",
        },
        "screening_reason_recent_other_vaccine": {
            "vi": "Mới tiêm vắc xin khác",
            "en": "Another vaccine recently",
        },
        "screening_reason_other": {"vi": "Lý do khác", "en": "Other reason"},
        "screening_reason_none": {"vi": "Không ghi lý do", "en": "No reason recorded"},
        "screening_by_reason": {"vi": "Theo lý do", "en": "By reason"},
        "screening_trend": {
            "vi": "Tỷ lệ hoãn tiêm {n} tuần gần nhất",
            "en": "Deferral rate over the last {n} weeks",
        },
        "screening_by_district": {"vi": "Theo huyện, thành phố", "en": "By district"},
        "screening_by_commune": {"vi": "Theo xã, phường, thị trấn", "en": "By commune"},
        "screening_by_facility": {"vi": "Theo điểm tiêm", "en": "By site"},
        "screening_by_area_hint": {
            "vi": "Bấm vào một cột để xem chi tiết địa bàn đó.",
            "en": "Click a bar to drill down into that area.",
        },
        "screening_top": {
            "vi": "Điểm tiêm có tỷ lệ hoãn tiêm cao nhất",
            "en": "Sites with the highest deferral rates",
        },
        "screening_top_hint": {
            "vi": "Chỉ tính điểm tiêm có từ {n} lượt khám sàng lọc trở lên trong kỳ. Chọn một "
            "dòng để xem riêng điểm tiêm đó.",
            "en": "Only sites with at least {n} screenings in the period. Select a row to look "
            "at that site alone.",
        },
        "screening_top_none": {
            "vi": "Không có điểm tiêm nào đạt {n} lượt khám sàng lọc trong kỳ.",
            "en": "No site screened {n} people or more in the period.",
        },
        "screening_reason": {"vi": "Lý do", "en": "Reason"},
        "screening_result": {"vi": "Kết quả khám sàng lọc", "en": "Screening result"},
        "screening_visits": {"vi": "Số lượt", "en": "Visits"},
        "screening_rate_of_screened": {
            "vi": "Tỷ lệ trên số lượt khám sàng lọc",
            "en": "Share of screened visits",
        },
        "screening_area": {"vi": "Địa bàn", "en": "Area"},
        "screening_site": {"vi": "Điểm tiêm", "en": "Site"},
        "screening_district": {"vi": "Huyện, Thành phố", "en": "District"},
        "screening_commune": {"vi": "Xã, Phường, Thị trấn", "en": "Commune"},
        "screening_main_reason": {"vi": "Lý do thường gặp nhất", "en": "Most frequent reason"},
        "screening_week": {"vi": "Tuần", "en": "Week"},
        "screening_week_of": {"vi": "Tuần từ {day}", "en": "Week from {day}"},
        "screening_province_line": {
            "vi": "Toàn tỉnh (tỷ lệ hoãn tiêm)",
            "en": "Whole province (deferral rate)",
        },
        "screening_scope_rate": {"vi": "Chung {name}: {rate}", "en": "{name} overall: {rate}"},
        "screening_on_map": {
            "vi": "Xem điểm tiêm trên bản đồ",
            "en": "See the site on the map",
        },
    }
)

RESULT_COLOURS = {
    "deferred": base.PALETTE[0],
    "contraindicated": base.PALETTE[1],
    "referred": base.PALETTE[3],
}


def _go(state: ViewState) -> None:
    """Show another view: the URL is the source of truth, the shell reads it on the rerun."""
    st.query_params.from_dict(to_params(state))
    st.rerun()


def _drill(ctx: shell.Context, code: str) -> None:
    fac = ctx.facilities
    district_of = dict(zip(ctx.areas["area_code"], ctx.areas["district_code"], strict=True))
    commune_of = dict(zip(fac["facility_id"], fac["commune_code"], strict=True))
    state = drill_down(ctx.state, code, district_of=district_of, commune_of_site=commune_of)
    if state != ctx.state:
        _go(state)


def _reason_name(ctx: shell.Context, code: str) -> str:
    if not code:
        return ctx.t("screening_reason_none")
    # A code outside the platform's list is shown as recorded rather than hidden.
    return ctx.t(f"screening_reason_{code}") if code in REASONS else str(code)


def _formatted(df: pd.DataFrame, lang: str, numbers=(), percents=()):
    """A Styler showing Vietnamese number formats while the cells keep their values."""
    style = df.style
    if numbers:
        style = style.format(lambda v: fmt.number(v, lang), subset=list(numbers), na_rep="—")
    if percents:
        style = style.format(lambda v: fmt.percent(v, lang), subset=list(percents), na_rep="—")
    return style


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _reason_chart(ctx: shell.Context, reasons: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('screening_by_reason')}**")
    if reasons.empty:
        widgets.no_data(ctx)
        return
    df = reasons.assign(reason=[_reason_name(ctx, c) for c in reasons["deferral_reason"]])
    order = df.groupby("reason")["visits"].sum().sort_values(ascending=False).index.tolist()
    fig = go.Figure()
    for result in RESULTS:
        part = df[df["screening_result"] == result].set_index("reason").reindex(order)
        fig.add_trace(
            go.Bar(
                y=order,
                x=part["visits"].fillna(0),
                orientation="h",
                name=widgets.label(ctx, result),
                marker_color=RESULT_COLOURS[result],
                customdata=part["rate"].map(lambda r: fmt.percent(r, ctx.lang)),
                hovertemplate="%{y}: %{x:,} (%{customdata})<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat=",d", title=ctx.t("screening_visits"))
    base.style(fig, ctx.lang, height=max(300, 34 * len(order) + 90))
    table = pd.DataFrame(
        {
            ctx.t("screening_reason"): df["reason"],
            ctx.t("screening_result"): [widgets.label(ctx, r) for r in df["screening_result"]],
            ctx.t("screening_visits"): df["visits"],
            ctx.t("screening_rate_of_screened"): df["rate"],
        }
    )
    widgets.chart(
        ctx,
        fig,
        _formatted(
            table,
            ctx.lang,
            numbers=[ctx.t("screening_visits")],
            percents=[ctx.t("screening_rate_of_screened")],
        ),
        key="screening_reason_chart",
        metrics=(*RESULTS,),
    )


def _rates_by_result(df: pd.DataFrame) -> dict[str, pd.Series]:
    screened = df["screened"].where(df["screened"] > 0)
    return {r: df[r] / screened for r in RESULTS}


def _trend_chart(ctx: shell.Context, weekly: pd.DataFrame, province: pd.DataFrame | None) -> None:
    st.markdown(f"**{ctx.t('screening_trend', n=TREND_WEEKS)}**")
    if int(weekly["screened"].sum()) == 0:
        widgets.no_data(ctx)
        return
    x = weekly["week_start"]
    fig = go.Figure()
    for result, rate in _rates_by_result(weekly).items():
        fig.add_trace(
            go.Bar(
                x=x,
                y=rate,
                name=widgets.label(ctx, result),
                marker_color=RESULT_COLOURS[result],
                hovertemplate="%{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=weekly["deferral_rate"],
            name=widgets.label(ctx, "deferral_rate"),
            mode="text",
            text=[fmt.percent(r, ctx.lang) for r in weekly["deferral_rate"]],
            textposition="top center",
            textfont={"size": 11, "color": "#444"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if province is not None:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=province["deferral_rate"],
                name=ctx.t("screening_province_line"),
                mode="lines+markers",
                line={"color": base.PALETTE[7], "dash": "dash", "width": 2},
                hovertemplate="%{y:.1%}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack", hovermode="x unified", legend_traceorder="normal")
    top = max(
        weekly["deferral_rate"].max(), 0 if province is None else province["deferral_rate"].max()
    )
    fig.update_yaxes(tickformat=".1~%", rangemode="tozero", range=[0, (top or 0.01) * 1.2])
    fig.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y", dtick=7 * 86400000 * 2)
    base.style(fig, ctx.lang, height=380)
    table = pd.DataFrame(
        {
            ctx.t("screening_week"): [
                f"{fmt.day(a)} – {fmt.day(b)}"
                for a, b in zip(weekly["week_start"], weekly["week_end"], strict=True)
            ],
            widgets.label(ctx, "screened"): weekly["screened"],
            **{widgets.label(ctx, r): weekly[r] for r in RESULTS},
            widgets.label(ctx, "deferral_rate"): weekly["deferral_rate"],
        }
    )
    if province is not None:
        table[ctx.t("screening_province_line")] = province["deferral_rate"].to_numpy()
    widgets.chart(
        ctx,
        fig,
        _formatted(
            table,
            ctx.lang,
            numbers=[widgets.label(ctx, m) for m in ("screened", *RESULTS)],
            percents=[c for c in table.columns if c not in _non_rate_columns(ctx)],
        ),
        key="screening_trend_chart",
        metrics=("deferral_rate",),
    )


def _non_rate_columns(ctx: shell.Context) -> set[str]:
    return {ctx.t("screening_week"), *(widgets.label(ctx, m) for m in ("screened", *RESULTS))}


def _area_chart(ctx: shell.Context, areas: pd.DataFrame, overall: float | None) -> None:
    level = areas["level"].iloc[0] if len(areas) else "district"
    st.markdown(f"**{ctx.t('screening_by_' + level)}**")
    shown = areas[areas["screened"] > 0].sort_values(
        ["deferral_rate", "screened"], ascending=[False, False]
    )
    if shown.empty:
        widgets.no_data(ctx)
        return
    names = shown["name"].fillna(shown["area_code"]).tolist()
    fig = go.Figure()
    for result, rate in _rates_by_result(shown).items():
        fig.add_trace(
            go.Bar(
                y=names,
                x=rate,
                orientation="h",
                name=widgets.label(ctx, result),
                marker_color=RESULT_COLOURS[result],
                customdata=shown[["area_code", result]].to_numpy(),
                hovertemplate="%{y}: %{x:.1%} (%{customdata[1]:,})<extra>%{fullData.name}</extra>",
            )
        )
    if overall is not None:
        # The scope's own rate: a dashed line, named in the legend.
        fig.add_vline(x=overall, line_dash="dash", line_color=base.PALETTE[7], line_width=2)
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": base.PALETTE[7], "dash": "dash", "width": 2},
                name=ctx.t(
                    "screening_scope_rate",
                    name=ctx.scope_name(),
                    rate=fmt.percent(overall, ctx.lang),
                ),
            )
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat=".1~%", title=widgets.label(ctx, "deferral_rate"))
    base.style(fig, ctx.lang, height=max(300, 30 * len(shown) + 110))
    label = ctx.t("screening_site" if level == "facility" else "screening_area")
    table = pd.DataFrame(
        {
            label: shown["name"],
            **(
                {ctx.t("screening_district"): shown["district_name"]} if level != "district" else {}
            ),
            widgets.label(ctx, "screened"): shown["screened"],
            **{widgets.label(ctx, r): shown[r] for r in RESULTS},
            widgets.label(ctx, "deferral_rate"): shown["deferral_rate"],
        }
    )
    if level != "facility":
        st.caption(ctx.t("screening_by_area_hint"))
    event = widgets.chart(
        ctx,
        fig,
        _formatted(
            table,
            ctx.lang,
            numbers=[widgets.label(ctx, m) for m in ("screened", *RESULTS)],
            percents=[widgets.label(ctx, "deferral_rate")],
        ),
        key=f"screening_area_chart_{ctx.scope_code}",
        metrics=("deferral_rate",),
        on_select="rerun",
    )
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        code = points[0].get("customdata", [None])[0]
        if code:
            _drill(ctx, str(code))


def _top_sites(ctx: shell.Context) -> None:
    st.markdown(f"**{ctx.t('screening_top')}**")
    top = ctx.read(screening_q.top_sites, MIN_SCREENED)
    if top.empty:
        st.info(ctx.t("screening_top_none", n=MIN_SCREENED))
        return
    rate = f"**{widgets.label(ctx, 'deferral_rate')}**: "
    rate += widgets.definition(ctx, "deferral_rate")
    st.caption(f"{ctx.t('screening_top_hint', n=MIN_SCREENED)} {rate}")
    lab = ctx.t
    table = pd.DataFrame(
        {
            lab("screening_site"): top["name"],
            # The area one level down the scope says where the site is.
            **(
                {lab("screening_district"): top["district_name"]}
                if ctx.scope_code == PROVINCE_CODE
                else {lab("screening_commune"): top["commune_name"]}
            ),
            widgets.label(ctx, "deferral_rate"): top["deferral_rate"],
            widgets.label(ctx, "screened"): top["screened"],
            **{widgets.label(ctx, r): top[r] for r in RESULTS},
            lab("screening_main_reason"): [_reason_name(ctx, c) for c in top["main_reason"]],
        }
    )
    event = st.dataframe(
        _formatted(
            table,
            ctx.lang,
            numbers=[widgets.label(ctx, m) for m in ("screened", *RESULTS)],
            percents=[widgets.label(ctx, "deferral_rate")],
        ),
        hide_index=True,
        width="stretch",
        key=f"screening_top_{ctx.scope_code}",
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = event.selection.rows if event else []
    if rows:
        facility_id = top["facility_id"].iloc[rows[0]]
        if facility_id != ctx.state.site:
            _drill(ctx, facility_id)


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_screening")
    now = ctx.read(screening_q.totals).iloc[0]
    before = ctx.read(screening_q.totals, period=ctx.previous).iloc[0]
    weekly = ctx.read(screening_q.weekly, TREND_WEEKS)
    _kpis_row(ctx, now, before, weekly)
    if int(now["screened"]) == 0:
        widgets.no_data(ctx)
        return
    left, right = st.columns(2)
    with left:
        _reason_chart(ctx, ctx.read(screening_q.by_reason))
    with right:
        province = None
        if ctx.scope_code != PROVINCE_CODE:
            province = ctx.read(screening_q.weekly, TREND_WEEKS, scope=ctx.scope_for(PROVINCE_CODE))
        _trend_chart(ctx, weekly, province)
    if not ctx.state.site:  # one site: the figures above are all there is
        _area_chart(ctx, ctx.read(screening_q.by_area), _num(now["deferral_rate"]))
        _top_sites(ctx)
    else:
        # Without the Sites page in the navigation there is nothing to link to.
        with contextlib.suppress(StreamlitAPIException):
            st.page_link(
                "app_pages/sites.py",
                label=ctx.t("screening_on_map"),
                icon=":material/map:",
                query_params=ctx.params(),
            )


def _kpis_row(ctx: shell.Context, now: pd.Series, before: pd.Series, weekly) -> None:
    cols = st.columns(5)
    for col, metric in zip(cols[:4], ("screened", *RESULTS), strict=True):
        with col:
            widgets.kpi(
                ctx,
                metric,
                int(now[metric]),
                int(before[metric]),
                trend=weekly[metric],
                inverse=metric != "screened",
            )
    with cols[4]:
        widgets.kpi(
            ctx,
            "deferral_rate",
            _num(now["deferral_rate"]),
            _num(before["deferral_rate"]),
            kind="percent",
            trend=weekly["deferral_rate"].fillna(0),
            inverse=True,
        )


ctx = shell.context()
if ctx is not None:
    render(ctx)
