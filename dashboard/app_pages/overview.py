"""Weekly overview ("Tổng quan tuần"): the week's headline figures against the week before, the
daily doses by dose, the areas ranked on coverage and on doses, and the alerts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard import shell, widgets
from dashboard.figures import base
from dashboard.i18n import register
from dashboard.state import drill_down, to_params
from queries import dimensions as dimensions_q
from queries import overview as overview_q
from queries.alerts import AlertsConfigError, Thresholds, config_path, load_thresholds
from queries.definitions import METRICS

register(
    {
        "overview_cards": {"vi": "Chỉ số chính", "en": "Headline figures"},
        "overview_measure": {"vi": "Tỷ lệ bao phủ theo", "en": "Coverage of"},
        "overview_measure_1plus": {"vi": "≥ 1 mũi", "en": "≥ 1 dose"},
        "overview_measure_full": {"vi": "Đủ liều cơ bản", "en": "Fully vaccinated"},
        "overview_measure_boosted": {"vi": "Mũi nhắc lại", "en": "Boosted"},
        "overview_denominator": {"vi": "Dân số mục tiêu", "en": "Target population"},
        "overview_denominator_total": {"vi": "Tổng dân số", "en": "Total population"},
        "overview_denominator_18plus": {"vi": "Từ 18 tuổi trở lên", "en": "Aged 18 and over"},
        "overview_denominator_12plus": {"vi": "Từ 12 tuổi trở lên", "en": "Aged 12 and over"},
        "overview_denominator_5plus": {"vi": "Từ 5 tuổi trở lên", "en": "Aged 5 and over"},
        "overview_denominator_short_total": {"vi": "tổng dân số", "en": "total population"},
        "overview_denominator_short_18plus": {"vi": "dân số 18+", "en": "population 18+"},
        "overview_denominator_short_12plus": {"vi": "dân số 12+", "en": "population 12+"},
        "overview_denominator_short_5plus": {"vi": "dân số 5+", "en": "population 5+"},
        "overview_coverage_card": {
            "vi": "Bao phủ {measure} ({denominator})",
            "en": "Coverage {measure} ({denominator})",
        },
        "overview_card_measure_1plus": {"vi": "≥ 1 mũi", "en": "≥ 1 dose"},
        "overview_card_measure_full": {"vi": "đủ liều", "en": "full"},
        "overview_card_measure_boosted": {"vi": "nhắc lại", "en": "boosted"},
        "overview_card_denominator_total": {"vi": "tổng DS", "en": "total"},
        "overview_card_denominator_18plus": {"vi": "18+", "en": "18+"},
        "overview_card_denominator_12plus": {"vi": "12+", "en": "12+"},
        "overview_card_denominator_5plus": {"vi": "5+", "en": "5+"},
        "overview_card_people_1plus": {
            "vi": "Người đã tiêm ≥ 1 mũi",
            "en": "People with ≥ 1 dose",
        },
        "overview_card_people_full": {"vi": "Người tiêm đủ liều cơ bản", "en": "Fully vaccinated"},
        "overview_card_backlog": {"vi": "Chưa cấp chứng nhận", "en": "Certificate backlog"},
        "overview_days_unit": {"vi": "ngày", "en": "days"},
        "overview_coverage_note": {
            "vi": "Tỷ lệ bao phủ = số người {measure} (theo nơi cư trú, đến hết {day}) / {pop} "
            "của địa bàn — nguồn: {source}, năm {year}.",
            "en": "Coverage = people {measure} (by residence, as of {day}) / the area's {pop} — "
            "source: {source}, {year}.",
        },
        "overview_site_commune_note": {
            "vi": "Với một điểm tiêm, số người và tỷ lệ bao phủ là của xã, phường nơi đặt điểm "
            "tiêm.",
            "en": "For a site, people and coverage are those of the commune the site is in.",
        },
        "overview_census_source": {
            "vi": "Tổng điều tra dân số và nhà ở (Tổng cục Thống kê)",
            "en": "Population and Housing Census (GSO)",
        },
        "overview_over_100": {
            "vi": "Tỷ lệ bao phủ vượt 100 % ({value}): mẫu số (dân số mục tiêu) nhỏ hơn số người "
            "đã tiêm — có thể do người ngoài nhóm tuổi cũng được tiêm hoặc dân số đã thay đổi. "
            "Số liệu được giữ nguyên, không cắt về 100 %.",
            "en": "Coverage above 100 % ({value}): the target population is smaller than the "
            "people vaccinated — people outside the age band were vaccinated too, or the "
            "population has changed. The figure is shown as is, not clipped to 100 %.",
        },
        "overview_aefi_caveat": {
            "vi": "Phản ứng sau tiêm: số báo cáo chưa được xác minh, không giảm trừ sau điều tra.",
            "en": "AEFI: reports are unverified and not reduced after investigation.",
        },
        "overview_no_activity": {
            "vi": "Không có buổi tiêm nào trong thời gian đã chọn tại địa bàn này; các số cộng "
            "dồn (số người, tồn kho, tồn đọng chứng nhận) vẫn được hiển thị.",
            "en": "No sessions in the chosen period in this area; cumulative figures (people, "
            "stock, certificate backlog) are still shown.",
        },
        "overview_trend": {"vi": "Số mũi tiêm theo ngày", "en": "Daily doses by dose"},
        "overview_dose1": {"vi": "Mũi 1", "en": "Dose 1"},
        "overview_dose2": {"vi": "Mũi 2", "en": "Dose 2"},
        "overview_dose3plus": {
            "vi": "Mũi 3 trở lên, mũi nhắc lại",
            "en": "Dose 3+ / booster",
        },
        "overview_dose3plus_note": {
            "vi": "Mũi 1, Mũi 2: liều cơ bản thứ nhất, thứ hai; “Mũi 3 trở lên, mũi nhắc lại”: "
            "liều cơ bản thứ ba (vắc xin 3 liều), liều bổ sung và liều nhắc lại.",
            "en": "Dose 1, dose 2: first and second primary doses; “dose 3+ / booster”: third "
            "primary doses (3-dose vaccines), additional and booster doses.",
        },
        "overview_planned_line": {"vi": "Kế hoạch (số mũi)", "en": "Plan (doses)"},
        "overview_total": {"vi": "Tổng", "en": "Total"},
        "overview_date": {"vi": "Ngày", "en": "Date"},
        "overview_rank_districts": {
            "vi": "Xếp hạng huyện, thành phố",
            "en": "Districts ranked",
        },
        "overview_rank_communes": {
            "vi": "Xếp hạng xã, phường, thị trấn — {district}",
            "en": "Communes ranked — {district}",
        },
        "overview_rank_coverage": {
            "vi": "Tỷ lệ bao phủ {measure} đến {day}",
            "en": "Coverage, {measure}, as of {day}",
        },
        "overview_rank_doses": {
            "vi": "Số mũi đã tiêm trong kỳ (tỷ lệ hoàn thành kế hoạch)",
            "en": "Doses in the period (plan achievement)",
        },
        "overview_rank_hint": {
            "vi": "Chọn một cột để xem chi tiết địa bàn đó. Cột màu cam, tên có dấu ▶: địa bàn "
            "đang chọn; cột đỏ cam có dấu ⚠: vượt 100 %.",
            "en": "Click a bar to drill into that area. Orange bar, name marked ▶: the area in "
            "view; vermilion bar marked ⚠: above 100 %.",
        },
        "overview_rank_doses_note": {
            "vi": "Số mũi tính theo nơi đặt điểm tiêm; “KH” = tỷ lệ hoàn thành kế hoạch.",
            "en": "Doses by the area of the site; “plan” = plan achievement.",
        },
        "overview_of_plan": {"vi": "KH", "en": "of plan"},
        "overview_no_plan": {"vi": "không có KH", "en": "no plan"},
        "overview_area": {"vi": "Địa bàn", "en": "Area"},
        "overview_people": {"vi": "Số người", "en": "People"},
        "overview_alerts": {"vi": "Cảnh báo", "en": "Alerts"},
        "overview_alerts_none": {
            "vi": "Không có cảnh báo nào cho địa bàn và thời gian đã chọn.",
            "en": "No alerts for the chosen area and period.",
        },
        "overview_alerts_config_error": {
            "vi": "Không đọc được tệp ngưỡng cảnh báo ({error}). Đang dùng ngưỡng mặc định.",
            "en": "The alert thresholds file could not be used ({error}). Using the defaults.",
        },
        "overview_alerts_config": {
            "vi": "Ngưỡng cảnh báo do quản trị viên đặt trong tệp {path}.",
            "en": "Alert thresholds are set by the administrator in {path}.",
        },
        "overview_alerts_filter": {"vi": "Loại cảnh báo", "en": "Alert types"},
        "overview_alerts_top": {
            "vi": "{shown} cảnh báo nặng nhất / {total}",
            "en": "The {shown} most severe of {total}",
        },
        "overview_alerts_all": {
            "vi": "Xem tất cả {total} cảnh báo (bảng)",
            "en": "All {total} alerts (table)",
        },
        "overview_severity": {"vi": "Mức độ", "en": "Severity"},
        "overview_severity_serious": {"vi": "Nghiêm trọng", "en": "Serious"},
        "overview_severity_warning": {"vi": "Cần chú ý", "en": "Warning"},
        "overview_kind": {"vi": "Loại cảnh báo", "en": "Alert"},
        "overview_kind_low_stock": {"vi": "Sắp hết vắc xin", "en": "Low stock"},
        "overview_kind_deferral_spike": {
            "vi": "Hoãn tiêm tăng đột biến",
            "en": "Deferral-rate spike",
        },
        "overview_kind_certificate_backlog": {
            "vi": "Tồn đọng chứng nhận",
            "en": "Certificate backlog",
        },
        "overview_kind_no_data": {"vi": "Điểm tiêm chưa báo cáo", "en": "Site sent no data"},
        "overview_rule_low_stock": {
            "vi": "Kho của điểm tiêm còn dưới {min} ngày đủ dùng vào cuối kỳ (nghiêm trọng: dưới "
            "{serious} ngày hoặc hết vắc xin khi có kế hoạch tiêm trong kỳ).",
            "en": "The site's store holds under {min} days of stock at the period end (serious: "
            "under {serious} days, or out of stock with a plan in the period).",
        },
        "overview_rule_deferral_spike": {
            "vi": "Tỷ lệ hoãn tiêm trong kỳ cao hơn {factor} lần tỷ lệ của chính điểm tiêm trong "
            "{weeks} tuần trước, từ {min_rate} trở lên, với ít nhất {screened} lượt khám sàng lọc "
            "(nghiêm trọng: gấp {serious} lần).",
            "en": "The period's deferral rate is over {factor} times the site's own rate over the "
            "{weeks} weeks before, at least {min_rate}, with at least {screened} screened "
            "(serious: {serious} times).",
        },
        "overview_rule_certificate_backlog": {
            "vi": "Cuối kỳ còn từ {count} mũi chưa cấp chứng nhận và bằng từ {days} ngày tiêm "
            "của điểm tiêm trở lên (trung bình 28 ngày; nghiêm trọng: từ {serious} ngày).",
            "en": "At the period end, at least {count} injections without a certificate, and at "
            "least {days} days of the site's injections (28-day mean; serious: {serious} days).",
        },
        "overview_rule_no_data": {
            "vi": "Điểm tiêm đang hoạt động có kế hoạch tiêm đã duyệt nhưng không có dữ liệu buổi "
            "tiêm trong từ {min} ngày của kỳ (nghiêm trọng: từ {serious} ngày).",
            "en": "An active site with an approved plan but no session recorded on at least "
            "{min} days of the period (serious: {serious} days).",
        },
        "overview_msg_stock_out": {
            "vi": "hết vắc xin: tồn {on_hand} liều cuối kỳ trong khi có kế hoạch tiêm trong kỳ.",
            "en": "out of stock: on hand {on_hand} at the period end, with a plan in the period.",
        },
        "overview_msg_low_stock": {
            "vi": "còn {days} ngày đủ dùng (ngưỡng < {threshold} ngày): tồn {on_hand} liều, sử "
            "dụng trung bình {use} liều/ngày trong 7 ngày qua.",
            "en": "{days} days of stock (threshold < {threshold}): on hand {on_hand}, "
            "{use} used a day over the last 7 days.",
        },
        "overview_msg_deferral_spike": {
            "vi": "tỷ lệ hoãn tiêm {rate} trên {screened} lượt khám sàng lọc; {weeks} tuần trước "
            "đó: {baseline} (ngưỡng > {threshold}).",
            "en": "deferral rate {rate} of {screened} screened; {baseline} over the {weeks} "
            "weeks before (threshold > {threshold}).",
        },
        "overview_msg_certificate_backlog": {
            "vi": "{backlog} mũi tiêm chưa cấp chứng nhận, bằng {days} ngày tiêm của điểm "
            "(ngưỡng ≥ {threshold} mũi).",
            "en": "{backlog} injections without a certificate, {days} days of the site's "
            "injections (threshold ≥ {threshold}).",
        },
        "overview_msg_no_injections": {
            "vi": "không tiêm trong 28 ngày",
            "en": "no injections in 28 days",
        },
        "overview_msg_no_data": {
            "vi": "{days} ngày có kế hoạch tiêm nhưng không có dữ liệu buổi tiêm ({dates}).",
            "en": "{days} planned days with no session recorded ({dates}).",
        },
        "overview_alerts_jump": {
            "vi": "**Cảnh báo:** {serious} nghiêm trọng, {warning} cần chú ý — [xem danh sách]"
            "(#canh-bao)",
            "en": "**Alerts:** {serious} serious, {warning} warnings — [see the list](#canh-bao)",
        },
        "overview_open_site": {"vi": "Xem điểm tiêm", "en": "Open the site"},
        "overview_details": {"vi": "Xem chi tiết:", "en": "Details:"},
        "overview_site": {"vi": "Điểm tiêm", "en": "Site"},
        "overview_value": {"vi": "Giá trị", "en": "Value"},
        "overview_threshold": {"vi": "Ngưỡng", "en": "Threshold"},
        "overview_detail": {"vi": "Chi tiết", "en": "Detail"},
        "overview_link": {"vi": "Liên kết", "en": "Link"},
    }
)

MEASURES = ("1plus", "full", "boosted")
DENOMINATORS = ("total", "18plus", "12plus", "5plus")
DOSE_GROUPS = ("dose1", "dose2", "dose3plus")
ALERT_KINDS = ("low_stock", "deferral_spike", "certificate_backlog", "no_data")
SELECTED_COLOUR = base.PALETTE[1]  # orange: the area in view
FLAG_COLOUR = base.PALETTE[5]  # vermilion: above 100 %
TOP_ALERTS = 10
PAGE = "app_pages/overview.py"
# The operations pages behind the headline figures and alerts (same scope and period).
DETAIL_PAGES = ("stock", "certificates", "aefi", "screening", "flow", "quality")
ALERT_PAGES = {
    "low_stock": "stock",
    "deferral_spike": "screening",
    "certificate_backlog": "certificates",
    "no_data": "quality",
}
# Plotly deep-copies the default template for every figure (~30 ms each); the empty one is
# enough since base.style sets the look and Streamlit applies its theme.
LIGHT_TEMPLATE = "none"


# --- page options (kept in the URL) ----------------------------------------------------------
def _option(ctx: shell.Context, key: str, choices: tuple[str, ...], default: str) -> str:
    value = ctx.state.option(key, default)
    return value if value in choices else default


def _option_control(ctx, key: str, choices, default: str, label: str, fmt_func, kind: str):
    """A control bound to the page option `key` in the URL (so a copied link keeps it)."""
    current = _option(ctx, key, choices, default)
    widget = f"overview_opt_{key}"
    if st.session_state.get(widget) != current:
        st.session_state[widget] = current

    def write_url() -> None:
        value = st.session_state.get(widget)
        st.query_params[key] = value if value in choices else default

    if kind == "segmented":
        st.segmented_control(
            label, choices, key=widget, format_func=fmt_func, on_change=write_url, required=True
        )
    else:
        st.selectbox(label, choices, key=widget, format_func=fmt_func, on_change=write_url)
    return current


# --- formatting ------------------------------------------------------------------------------
def _n(ctx, value, digits: int = 0) -> str:
    return fmt.number(value, ctx.lang, digits)


def _pct(ctx, value, digits: int = 1) -> str:
    return fmt.percent(value, ctx.lang, digits)


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _census_source(ctx, source: str) -> str:
    if "census" in str(source).lower():
        return ctx.t("overview_census_source")
    return str(source)


# --- headline figures ------------------------------------------------------------------------
def _days_card(ctx, value, previous, trend: pd.Series) -> None:
    """Days of stock with one decimal (widgets.kpi rounds to whole numbers)."""
    unit = ctx.t("overview_days_unit")
    shown = "—" if value is None else f"{_n(ctx, value, 1)} {unit}"
    delta = None
    if value is not None and previous is not None:
        delta = f"{fmt.signed(value - previous, ctx.lang, 1)} {ctx.t('compared_last_week')}"
    st.metric(
        widgets.label(ctx, "days_of_stock"),
        shown,
        delta=delta,
        help=widgets.definition(ctx, "days_of_stock"),
        chart_data=trend.fillna(0).tolist(),
        chart_type="line",
        border=True,
    )


def _kpi_section(ctx, measure: str, denominator: str) -> pd.Series:
    table = ctx.read(overview_q.kpis, denominator).set_index("window")
    cur, prev = table.loc["current"], table.loc["previous"]
    weeks = table.loc[[f"week_{k}" for k in range(1, 9)]]

    def card(metric, column, *, kind="number", inverse=False, title=None):
        trend = weeks[column].astype("float64").fillna(0)
        widgets.kpi(
            ctx,
            metric,
            _num(cur[column]),
            _num(prev[column]),
            kind=kind,
            trend=trend,
            inverse=inverse,
            title=title,
        )

    coverage_title = ctx.t(
        "overview_coverage_card",
        measure=ctx.t(f"overview_card_measure_{measure}"),
        denominator=ctx.t(f"overview_card_denominator_{denominator}"),
    )
    row = st.columns(4)
    with row[0]:
        card("doses", "doses")
    with row[1]:
        card("plan_achievement", "plan_achievement", kind="percent")
    with row[2]:
        card("people_1plus", "people_1plus", title=ctx.t("overview_card_people_1plus"))
    with row[3]:
        card("people_full", "people_full", title=ctx.t("overview_card_people_full"))
    row = st.columns(4)
    with row[0]:
        # The measure's own definition when the catalogue has one, else the generic one.
        metric = f"coverage_{measure}" if f"coverage_{measure}" in METRICS else "coverage"
        card(metric, f"coverage_{measure}", kind="percent", title=coverage_title)
    with row[1]:
        card("deferrals", "deferrals", inverse=True)
    with row[2]:
        card("deferral_rate", "deferral_rate", kind="percent", inverse=True)
    with row[3]:
        card("aefi_serious", "aefi_serious", inverse=True)
    row = st.columns(4)
    with row[0]:
        card("issued", "issued")
    with row[1]:
        card("backlog", "backlog", inverse=True, title=ctx.t("overview_card_backlog"))
    with row[2]:
        card("on_hand", "on_hand")
    with row[3]:
        _days_card(
            ctx,
            _num(cur["days_of_stock"]),
            _num(prev["days_of_stock"]),
            weeks["days_of_stock"].astype("float64"),
        )
    return cur


def _coverage_notes(ctx, cur: pd.Series, measure: str, denominator: str) -> None:
    pop = ctx.read_plain(dimensions_q.population)
    rows = pop[pop["denominator"] == denominator]
    source = _census_source(ctx, rows["source"].iloc[0]) if len(rows) else "—"
    year = str(int(rows["year"].iloc[0])) if len(rows) else "—"
    notes = [
        ctx.t(
            "overview_coverage_note",
            measure=ctx.t(f"overview_measure_{measure}"),
            day=fmt.day(ctx.period.end),
            pop=ctx.t(f"overview_denominator_short_{denominator}"),
            source=source,
            year=year,
        )
    ]
    if ctx.state.site:
        notes.append(ctx.t("overview_site_commune_note"))
    notes.append(ctx.t("overview_aefi_caveat"))
    st.caption(" ".join(notes))
    value = _num(cur[f"coverage_{measure}"])
    if value is not None and value > 1:
        st.warning(ctx.t("overview_over_100", value=_pct(ctx, value)), icon="⚠️")


# --- daily trend -----------------------------------------------------------------------------
def _trend_section(ctx) -> None:
    st.subheader(ctx.t("overview_trend"))
    doses = ctx.read(overview_q.daily_doses)
    plan = ctx.read(overview_q.daily_plan)
    if doses["doses"].sum() == 0 and plan["planned"].sum() == 0:
        widgets.no_data(ctx)
        return
    wide = doses.pivot(index="date", columns="dose_group", values="doses").reindex(
        columns=list(DOSE_GROUPS), fill_value=0
    )
    planned = plan.set_index("date")["planned"].reindex(wide.index, fill_value=0)
    fig = go.Figure(layout={"template": LIGHT_TEMPLATE})
    for i, group in enumerate(DOSE_GROUPS):
        fig.add_bar(
            x=wide.index,
            y=wide[group],
            name=ctx.t(f"overview_{group}"),
            marker_color=base.PALETTE[i],
            hovertemplate="%{y:,.0f}",
        )
    if planned.sum() > 0:
        fig.add_scatter(
            x=planned.index,
            y=planned,
            name=ctx.t("overview_planned_line"),
            mode="lines+markers",
            line={"color": "#000000", "dash": "dot", "width": 2},
            marker={"symbol": "diamond", "size": 8},
            hovertemplate="%{y:,.0f}",
        )
    base.style(fig, ctx.lang, height=340)
    base.date_axis(fig)
    fig.update_layout(
        barmode="stack", hovermode="x unified", bargap=0.25, legend_traceorder="normal"
    )
    if len(wide) <= 31:
        fig.update_xaxes(tickformat="%d/%m", dtick=86_400_000)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    total = wide.sum(axis=1)
    table = pd.DataFrame(
        {
            ctx.t("overview_date"): [fmt.day(d) for d in wide.index],
            **{ctx.t(f"overview_{g}"): [_n(ctx, v) for v in wide[g]] for g in DOSE_GROUPS},
            ctx.t("overview_total"): [_n(ctx, v) for v in total],
            widgets.label(ctx, "planned_doses"): [_n(ctx, v) for v in planned],
            widgets.label(ctx, "plan_achievement"): [
                _pct(ctx, d / p if p else math.nan) for d, p in zip(total, planned, strict=True)
            ],
        }
    )
    widgets.chart(
        ctx,
        fig,
        table,
        key=f"overview_trend_{ctx.scope_code}_{ctx.period.start}_{ctx.period.end}",
        metrics=("doses", "planned_doses", "plan_achievement"),
    )
    st.caption(ctx.t("overview_dose3plus_note"))


# --- ranking ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lookups:
    """Names and parents of areas and sites, built once per run."""

    names: dict[str, str]
    district_of: dict[str, str]
    commune_of_site: dict[str, str]

    @classmethod
    def of(cls, ctx: shell.Context) -> Lookups:
        codes = ctx.areas["area_code"].tolist()
        sites = ctx.facilities["facility_id"].tolist()
        return cls(
            dict(zip(codes, ctx.areas["name"].tolist(), strict=True)),
            dict(zip(codes, ctx.areas["district_code"].tolist(), strict=True)),
            dict(zip(sites, ctx.facilities["commune_code"].tolist(), strict=True)),
        )

    def place(self, commune: str, district: str) -> str:
        return f"{self.names.get(commune, commune)}, {self.names.get(district, district)}"


def _drill_to(ctx, look: Lookups, code: str) -> dict[str, str]:
    """The URL parameters of this view narrowed to an area or a site."""
    state = drill_down(
        ctx.state, code, district_of=look.district_of, commune_of_site=look.commune_of_site
    )
    return to_params(state)


def _ranked_bars(
    df: pd.DataFrame,
    value: str,
    text: list[str],
    colours: list[str],
    lang: str,
    *,
    pct: bool,
    in_view: str | None,
) -> go.Figure:
    """Horizontal bars, best at the top; the area in view is marked in bold with an arrow."""
    x = df[value] * 100 if pct else df[value]
    labels = [
        f"<b>▶ {name}</b>" if code == in_view else name
        for code, name in zip(df["area_code"].tolist(), df["name"].tolist(), strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=labels,
            orientation="h",
            text=text,
            textposition="outside",
            cliponaxis=False,
            marker_color=colours,
            customdata=df[["area_code"]],
            hovertemplate="%{y}: %{text}<extra></extra>",
        ),
        layout={"template": LIGHT_TEMPLATE},
    )
    base.style(fig, lang, height=max(280, 30 * len(df) + 60))
    top = float(x.max()) if len(df) and x.notna().any() else 0.0
    fig.update_xaxes(
        # Room on the right for the text outside the bars.
        range=[0, max(top, 100.0) * 1.35] if pct else [0, max(top, 1.0) * 1.8],
        tickformat=",.0f",
        ticksuffix=(" %" if lang == "vi" else "%") if pct else "",
        showgrid=True,
        gridcolor="#e6e6e6",
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 30, "t": 10, "b": 10})
    return fig


def _ranking_section(ctx, look: Lookups, measure: str, denominator: str) -> None:
    level_scope = None if ctx.state.scope_level == "province" else ctx.state.district
    if level_scope is None:
        st.subheader(ctx.t("overview_rank_districts"))
    else:
        district = look.names.get(level_scope, level_scope)
        st.subheader(ctx.t("overview_rank_communes", district=district))
    df = ctx.read(overview_q.ranking, denominator, scope=ctx.scope_for(level_scope))
    if df.empty or (df["doses"].sum() == 0 and df[f"people_{measure}"].sum() == 0):
        widgets.no_data(ctx)
        return
    in_view = ctx.state.commune
    if ctx.state.site:
        in_view = look.commune_of_site.get(ctx.state.site)
    cov_col = f"coverage_{measure}"
    measure_label = ctx.t(f"overview_measure_{measure}")
    st.caption(ctx.t("overview_rank_hint"))
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(
            "**"
            + ctx.t("overview_rank_coverage", measure=measure_label, day=fmt.day(ctx.period.end))
            + "**"
        )
        cov = df.sort_values([cov_col, "name"], ascending=[False, True], na_position="last")
        text = [
            ("⚠ " if v > 1 else "") + _pct(ctx, v) if pd.notna(v) else "—" for v in cov[cov_col]
        ]
        colours = [
            SELECTED_COLOUR
            if code == in_view
            else FLAG_COLOUR
            if pd.notna(v) and v > 1
            else base.PALETTE[0]
            for code, v in zip(cov["area_code"], cov[cov_col], strict=True)
        ]
        fig = _ranked_bars(cov, cov_col, text, colours, ctx.lang, pct=True, in_view=in_view)
        table = pd.DataFrame(
            {
                ctx.t("overview_area"): cov["name"].tolist(),
                ctx.t(f"overview_denominator_{denominator}"): [
                    _n(ctx, v) for v in cov["population"]
                ],
                f"{ctx.t('overview_people')} ({measure_label})": [
                    _n(ctx, v) for v in cov[f"people_{measure}"]
                ],
                widgets.label(ctx, "coverage"): [_pct(ctx, v) for v in cov[cov_col]],
            }
        )
        event = widgets.chart(
            ctx,
            fig,
            table,
            key=f"overview_rank_cov_{level_scope}_{measure}_{denominator}_{ctx.period.end}",
            metrics=(f"coverage_{measure}" if f"coverage_{measure}" in METRICS else "coverage",),
            on_select="rerun",
        )
        _follow_click(ctx, look, event)
    with right:
        st.markdown(f"**{ctx.t('overview_rank_doses')}**")
        dos = df.sort_values(["doses", "name"], ascending=[False, True])
        of_plan = ctx.t("overview_of_plan")
        text = [
            f"{_n(ctx, d)} · "
            + (f"{_pct(ctx, a, 0)} {of_plan}" if pd.notna(a) else ctx.t("overview_no_plan"))
            for d, a in zip(dos["doses"], dos["plan_achievement"], strict=True)
        ]
        colours = [
            SELECTED_COLOUR if code == in_view else base.PALETTE[4] for code in dos["area_code"]
        ]
        fig = _ranked_bars(dos, "doses", text, colours, ctx.lang, pct=False, in_view=in_view)
        table = pd.DataFrame(
            {
                ctx.t("overview_area"): dos["name"].tolist(),
                widgets.label(ctx, "doses"): [_n(ctx, v) for v in dos["doses"]],
                widgets.label(ctx, "planned_doses"): [_n(ctx, v) for v in dos["planned"]],
                widgets.label(ctx, "plan_achievement"): [
                    _pct(ctx, v) for v in dos["plan_achievement"]
                ],
            }
        )
        event = widgets.chart(
            ctx,
            fig,
            table,
            key=f"overview_rank_doses_{level_scope}_{ctx.period.start}_{ctx.period.end}",
            metrics=("doses", "plan_achievement"),
            on_select="rerun",
        )
        st.caption(ctx.t("overview_rank_doses_note"))
        _follow_click(ctx, look, event)


def _follow_click(ctx, look: Lookups, event) -> None:
    """Drill into the area whose bar was clicked."""
    try:
        points = event.selection.points if event is not None else []
    except AttributeError:
        points = []
    if not points:
        return
    data = points[0].get("customdata")
    code = data[0] if isinstance(data, list | tuple) and data else data
    if not code or code == ctx.scope_code:
        return
    st.query_params.from_dict(_drill_to(ctx, look, str(code)))
    st.rerun()


# --- alerts ----------------------------------------------------------------------------------
def _thresholds() -> tuple[Thresholds, str | None]:
    """The administrator's thresholds, or the defaults and the reason the file was refused."""
    try:
        return load_thresholds(), None
    except AlertsConfigError as exc:
        return Thresholds(), str(exc)


def _alerts_jump(ctx, alerts: pd.DataFrame) -> None:
    """One line under the headline figures: how many alerts, with a link down to the list."""
    if alerts.empty:
        return
    serious = int((alerts["severity"] == "serious").sum())
    line = ctx.t(
        "overview_alerts_jump",
        serious=_n(ctx, serious),
        warning=_n(ctx, len(alerts) - serious),
    )
    st.markdown(f":material/notifications: {line}")


def _rule(ctx, kind: str, t: Thresholds) -> str:
    if kind == "low_stock":
        return ctx.t(
            "overview_rule_low_stock",
            min=_n(ctx, t.min_days_of_stock, 1),
            serious=_n(ctx, t.serious_days_of_stock, 1),
        )
    if kind == "deferral_spike":
        return ctx.t(
            "overview_rule_deferral_spike",
            factor=_n(ctx, t.spike_factor, 1),
            weeks=t.spike_baseline_weeks,
            min_rate=_pct(ctx, t.spike_min_rate, 0),
            screened=_n(ctx, t.spike_min_screened),
            serious=_n(ctx, t.spike_serious_factor, 1),
        )
    if kind == "certificate_backlog":
        return ctx.t(
            "overview_rule_certificate_backlog",
            count=_n(ctx, t.backlog_min_count),
            days=_n(ctx, t.backlog_min_days, 1),
            serious=_n(ctx, t.backlog_serious_days, 1),
        )
    return ctx.t(
        "overview_rule_no_data",
        min=_n(ctx, t.no_data_min_days),
        serious=_n(ctx, t.no_data_serious_days),
    )


def _message(ctx, row: dict, t: Thresholds) -> str:
    kind = row["kind"]
    if kind == "low_stock":
        if row["on_hand"] <= 0:
            return ctx.t("overview_msg_stock_out", on_hand=_n(ctx, row["on_hand"]))
        return ctx.t(
            "overview_msg_low_stock",
            days=_n(ctx, row["value"], 1),
            threshold=_n(ctx, row["threshold"], 1),
            on_hand=_n(ctx, row["on_hand"]),
            use=_n(ctx, row["daily_use"]),
        )
    if kind == "deferral_spike":
        return ctx.t(
            "overview_msg_deferral_spike",
            rate=_pct(ctx, row["value"]),
            screened=_n(ctx, row["screened"]),
            weeks=t.spike_baseline_weeks,
            baseline=_pct(ctx, row["baseline_rate"]),
            threshold=_pct(ctx, row["threshold"]),
        )
    if kind == "certificate_backlog":
        days = row["backlog_days"]
        shown = (
            ctx.t("overview_msg_no_injections")
            if days is None or not math.isfinite(days)
            else _n(ctx, days, 1)
        )
        return ctx.t(
            "overview_msg_certificate_backlog",
            backlog=_n(ctx, row["value"]),
            days=shown,
            threshold=_n(ctx, row["threshold"]),
        )
    dates = ", ".join(f"{d[8:10]}/{d[5:7]}" for d in str(row["dates"]).split(","))
    return ctx.t("overview_msg_no_data", days=_n(ctx, row["value"]), dates=dates)


def _value_text(ctx, row: dict) -> tuple[str, str]:
    kind = row["kind"]
    if kind == "low_stock":
        unit = ctx.t("overview_days_unit")
        return (
            f"{_n(ctx, row['value'], 1)} {unit}",
            f"< {_n(ctx, row['threshold'], 1)} {unit}",
        )
    if kind == "deferral_spike":
        return _pct(ctx, row["value"]), f"> {_pct(ctx, row['threshold'])}"
    if kind == "certificate_backlog":
        return _n(ctx, row["value"]), f"≥ {_n(ctx, row['threshold'])}"
    unit = ctx.t("overview_days_unit")
    return f"{_n(ctx, row['value'])} {unit}", f"≥ {_n(ctx, row['threshold'])} {unit}"


def _severity_badge(ctx, severity: str) -> str:
    text = ctx.t(f"overview_severity_{severity}")
    if severity == "serious":
        return f":red-badge[:material/error: {text}]"
    return f":orange-badge[:material/warning: {text}]"


def _alerts_section(
    ctx, look: Lookups, alerts: pd.DataFrame, t: Thresholds, error: str | None
) -> None:
    st.subheader(ctx.t("overview_alerts"), anchor="canh-bao")
    if error:
        st.warning(ctx.t("overview_alerts_config_error", error=error), icon="⚠️")
    rules = " ".join(f"**{ctx.t(f'overview_kind_{k}')}**: {_rule(ctx, k, t)}" for k in ALERT_KINDS)
    where = ctx.t("overview_alerts_config", path=f"`{config_path().name}`")
    if alerts.empty:
        st.info(ctx.t("overview_alerts_none"), icon=":material/check_circle:")
        st.caption(f"{rules} {where}")
        return
    counts = alerts.groupby("kind").size().to_dict()
    serious = alerts[alerts["severity"] == "serious"].groupby("kind").size().to_dict()
    cols = st.columns(len(ALERT_KINDS))
    for col, kind in zip(cols, ALERT_KINDS, strict=True):
        with col:
            n_serious = serious.get(kind, 0)
            st.metric(
                ctx.t(f"overview_kind_{kind}"),
                _n(ctx, counts.get(kind, 0)),
                delta=f"{_n(ctx, n_serious)} {ctx.t('overview_severity_serious').lower()}"
                if n_serious
                else None,
                delta_color="off",
                delta_arrow="off",
                help=_rule(ctx, kind, t),
                border=True,
            )
            st.page_link(
                f"app_pages/{ALERT_PAGES[kind]}.py",
                label=ctx.t(f"page_{ALERT_PAGES[kind]}"),
                icon=":material/arrow_forward:",
                query_params=ctx.params(),
            )
    present = [k for k in ALERT_KINDS if counts.get(k)]
    chosen = st.pills(
        ctx.t("overview_alerts_filter"),
        present,
        selection_mode="multi",
        default=present,
        key=f"overview_alert_kinds_{'_'.join(present)}",
        format_func=lambda k: f"{ctx.t(f'overview_kind_{k}')} ({_n(ctx, counts[k])})",
    )
    rows = alerts[alerts["kind"].isin(chosen or present)].to_dict("records")
    _alert_list(ctx, look, rows, t)
    _alert_table(ctx, look, rows, t)
    st.caption(f"{rules} {where}")


def _alert_list(ctx, look: Lookups, rows: list[dict], t: Thresholds) -> None:
    top = rows[:TOP_ALERTS]
    title = ctx.t("overview_alerts_top", shown=len(top), total=_n(ctx, len(rows)))
    st.markdown(f"**{title}**")
    for row in top:
        with st.container(border=True):
            left, middle, right = st.columns([1.3, 6, 1.6], vertical_alignment="center")
            left.markdown(_severity_badge(ctx, row["severity"]))
            kind = ctx.t(f"overview_kind_{row['kind']}")
            place = look.place(row["commune_code"], row["district_code"])
            middle.markdown(
                f"**{row['facility_name']}** · {place}  \n{kind}: {_message(ctx, row, t)}"
            )
            if row["facility_id"] != ctx.state.site:
                right.page_link(
                    PAGE,
                    label=ctx.t("overview_open_site"),
                    icon=":material/arrow_forward:",
                    query_params=_drill_to(ctx, look, row["facility_id"]),
                )


def _alert_table(ctx, look: Lookups, rows: list[dict], t: Thresholds) -> None:
    if len(rows) <= TOP_ALERTS:
        return
    values = [_value_text(ctx, row) for row in rows]
    links = ["?" + urlencode(_drill_to(ctx, look, row["facility_id"])) for row in rows]
    table = pd.DataFrame(
        {
            ctx.t("overview_severity"): [ctx.t(f"overview_severity_{r['severity']}") for r in rows],
            ctx.t("overview_kind"): [ctx.t(f"overview_kind_{r['kind']}") for r in rows],
            ctx.t("overview_site"): [r["facility_name"] for r in rows],
            ctx.t("overview_area"): [
                look.place(r["commune_code"], r["district_code"]) for r in rows
            ],
            ctx.t("overview_value"): [v for v, _ in values],
            ctx.t("overview_threshold"): [th for _, th in values],
            ctx.t("overview_detail"): [_message(ctx, r, t) for r in rows],
            ctx.t("overview_link"): links,
        }
    )
    with st.expander(ctx.t("overview_alerts_all", total=_n(ctx, len(rows)))):
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                ctx.t("overview_link"): st.column_config.LinkColumn(
                    display_text=ctx.t("overview_open_site")
                )
            },
        )


def _detail_links(ctx) -> None:
    """Links from the headline figures to the pages that explain them, keeping the view."""
    cols = st.columns([1.2] + [2] * len(DETAIL_PAGES), vertical_alignment="center")
    cols[0].markdown(f"**{ctx.t('overview_details')}**")
    for col, name in zip(cols[1:], DETAIL_PAGES, strict=True):
        col.page_link(
            f"app_pages/{name}.py",
            label=ctx.t(f"page_{name}"),
            icon=":material/arrow_forward:",
            query_params=ctx.params(),
        )


# --- the page --------------------------------------------------------------------------------
def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_overview")
    top = st.columns([2, 3, 2], vertical_alignment="bottom")
    with top[0]:
        st.subheader(ctx.t("overview_cards"))
    with top[1]:
        measure = _option_control(
            ctx,
            "measure",
            MEASURES,
            "1plus",
            ctx.t("overview_measure"),
            lambda m: ctx.t(f"overview_measure_{m}"),
            "segmented",
        )
    with top[2]:
        denominator = _option_control(
            ctx,
            "denominator",
            DENOMINATORS,
            "18plus",
            ctx.t("overview_denominator"),
            lambda d: ctx.t(f"overview_denominator_{d}"),
            "select",
        )
    cur = _kpi_section(ctx, measure, denominator)
    if cur["screened"] == 0 and cur["doses"] == 0:
        st.info(ctx.t("overview_no_activity"))
    _coverage_notes(ctx, cur, measure, denominator)
    _detail_links(ctx)
    thresholds, error = _thresholds()
    alerts = ctx.read(overview_q.alerts, thresholds)
    _alerts_jump(ctx, alerts)
    _trend_section(ctx)
    look = Lookups.of(ctx)
    _ranking_section(ctx, look, measure, denominator)
    _alerts_section(ctx, look, alerts, thresholds, error)


ctx = shell.context()
if ctx is not None:
    render(ctx)
