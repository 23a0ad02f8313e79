"""Coverage by district ("Độ bao phủ"): people with >= 1 dose, fully vaccinated and boosted,
by residence, against a target population the user picks. A map of the districts (communes
once a district is chosen) and a ranked bar chart, both clickable to drill down; coverage over
time; the table by residence. Coverage above 100 % is flagged, never clipped.

Page options in the URL: `measure` (1plus | full | boosted, default 1plus) and `denominator`
(total | 18plus | 12plus | 5plus, default 18plus).
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import boundaries, i18n, shell, widgets
from dashboard import format as fmt
from dashboard.figures import base
from dashboard.state import ViewState, drill_down, drill_up, to_params
from queries import coverage as coverage_q

i18n.register(
    {
        "coverage_measure": {"vi": "Chỉ tiêu", "en": "Measure"},
        "coverage_measure_1plus": {"vi": "Ít nhất 1 mũi", "en": "At least one dose"},
        "coverage_measure_full": {"vi": "Đủ liều cơ bản", "en": "Fully vaccinated"},
        "coverage_measure_boosted": {"vi": "Mũi nhắc lại", "en": "Booster"},
        "coverage_denominator": {
            "vi": "Dân số mục tiêu (mẫu số)",
            "en": "Target population (denominator)",
        },
        "coverage_denominator_total": {"vi": "Tổng dân số", "en": "Total population"},
        "coverage_denominator_18plus": {"vi": "Từ 18 tuổi trở lên", "en": "Aged 18 and over"},
        "coverage_denominator_12plus": {"vi": "Từ 12 tuổi trở lên", "en": "Aged 12 and over"},
        "coverage_denominator_5plus": {"vi": "Từ 5 tuổi trở lên", "en": "Aged 5 and over"},
        "coverage_back_province": {"vi": "Về toàn tỉnh", "en": "Back to the province"},
        "coverage_up": {"vi": "Lên {name}", "en": "Up to {name}"},
        "coverage_click_hint": {
            "vi": "Bấm vào một {level} trên bản đồ hoặc trên biểu đồ xếp hạng để xem chi tiết.",
            "en": "Click a {level} on the map or on the ranking to drill into it.",
        },
        "coverage_level_district": {"vi": "huyện, thành phố", "en": "district"},
        "coverage_level_commune": {"vi": "xã, phường, thị trấn", "en": "commune"},
        "coverage_people_of": {
            "vi": "{people} người / {population} dân số mục tiêu",
            "en": "{people} people of a target population of {population}",
        },
        "coverage_dropout_detail": {
            "vi": "{gap} người đã tiêm mũi 1 chưa tiêm đủ liều cơ bản",
            "en": "{gap} people with a first dose not yet fully vaccinated",
        },
        "coverage_source": {
            "vi": "Mẫu số: {denominator} — {source}, năm {year}. Số người tính theo nơi cư trú, "
            "đến hết ngày {day}.",
            "en": "Denominator: {denominator} — {source}, {year}. People counted by residence, "
            "by the end of {day}.",
        },
        "coverage_source_gso": {
            "vi": "Tổng điều tra dân số và nhà ở 2019 (Tổng cục Thống kê)",
            "en": "Population and Housing Census 2019 (General Statistics Office)",
        },
        "coverage_source_gso_short": {"vi": "Tổng điều tra 2019 (TCTK)", "en": "2019 census (GSO)"},
        "coverage_source_short": {
            "vi": "Mẫu số: {denominator}, {source}",
            "en": "Denominator: {denominator}, {source}",
        },
        "coverage_source_unknown": {"vi": "không rõ nguồn", "en": "source unknown"},
        "coverage_no_denominator": {
            "vi": "Chưa có dân số mục tiêu ({denominator}) cho: {names}. Tỷ lệ của các địa bàn "
            "này để trống.",
            "en": "No target population ({denominator}) for: {names}. Their coverage is left "
            "blank.",
        },
        "coverage_no_people": {
            "vi": "Chưa có người nào cư trú tại địa bàn này được tiêm tính đến hết ngày {day}.",
            "en": "Nobody living in this area had been vaccinated by the end of {day}.",
        },
        "coverage_flag": {"vi": "Vượt 100 %", "en": "Above 100%"},
        "coverage_flag_legend": {
            "vi": "Vượt 100 %: mẫu số có thể sai",
            "en": "Above 100%: denominator probably wrong",
        },
        "coverage_flag_warning": {
            "vi": "**{n} địa bàn có tỷ lệ {measure} vượt 100 %** ({names}): mẫu số có thể sai "
            "hoặc đã cũ (số liệu năm {year}); số liệu được giữ nguyên, không cắt bớt.",
            "en": "**{n} areas have {measure} coverage above 100%** ({names}): the denominator "
            "is probably wrong or out of date ({year} figures); values are kept, never clipped.",
        },
        "coverage_flag_more": {"vi": "và {n} địa bàn khác", "en": "and {n} more"},
        "coverage_flag_age_hint": {
            "vi": "Người ở mọi độ tuổi đều được tính, còn mẫu số «{denominator}» chỉ gồm một nhóm "
            "tuổi: chọn «Tổng dân số» để so sánh cùng cơ sở.",
            "en": "People of every age are counted, while the «{denominator}» denominator covers "
            "one age group: choose «Total population» to compare like with like.",
        },
        "coverage_map_title": {
            "vi": "{measure} theo {level}",
            "en": "{measure} by {level}",
        },
        "coverage_rank_title": {"vi": "Xếp hạng theo {level}", "en": "Ranking by {level}"},
        "coverage_trend_title": {
            "vi": "{measure} theo thời gian",
            "en": "{measure} over time",
        },
        "coverage_trend_note": {
            "vi": "Đường đậm: {scope}. Đường nhạt: từng {level}; nổi bật {level} cao nhất và "
            "thấp nhất tại ngày {day}.",
            "en": "Bold line: {scope}. Light lines: each {level}; highlighted, the highest and "
            "lowest {level} on {day}.",
        },
        "coverage_table_title": {"vi": "Độ bao phủ theo nơi cư trú", "en": "Coverage by residence"},
        "coverage_approx": {
            "vi": "Ranh giới gần đúng (dựng từ tâm xã)",
            "en": "Approximate boundaries (built from commune centres)",
        },
        "coverage_boundaries_file": {"vi": "Ranh giới: tệp {file}", "en": "Boundaries: {file}"},
        "coverage_site_note": {
            "vi": "Tỷ lệ bao phủ tính theo nơi cư trú của người dân, không theo điểm tiêm: đang "
            "hiển thị {commune}, nơi đặt điểm tiêm.",
            "en": "Coverage is by residence, not by vaccination site: showing {commune}, where "
            "the site is.",
        },
        "coverage_outside": {
            "vi": "{n} người cư trú ngoài tỉnh đã tiêm ít nhất 1 mũi tại tỉnh; họ không được "
            "tính vào tỷ lệ bao phủ của tỉnh.",
            "en": "{n} people living outside the province had at least one dose here; they are "
            "not counted in the province's coverage.",
        },
        "coverage_kpi_title": {"vi": "Tỷ lệ {measure}", "en": "Coverage, {measure}"},
        "coverage_col_area": {"vi": "Địa bàn", "en": "Area"},
        "coverage_col_date": {"vi": "Ngày", "en": "Day"},
        "coverage_col_target": {"vi": "Dân số mục tiêu", "en": "Target population"},
        "coverage_col_flag": {"vi": "Cảnh báo", "en": "Flag"},
        "coverage_col_people": {"vi": "Số người", "en": "People"},
        "coverage_col_rate": {"vi": "Tỷ lệ", "en": "Coverage"},
        "coverage_total_row": {"vi": "Cộng: {name}", "en": "Total: {name}"},
        "coverage_hundred": {"vi": "100 %", "en": "100%"},
        "coverage_first_above": {"vi": "vượt 100 % từ {day}", "en": "above 100% since {day}"},
        "coverage_highest": {"vi": "cao nhất", "en": "highest"},
        "coverage_lowest": {"vi": "thấp nhất", "en": "lowest"},
        "coverage_data_as_of": {"vi": "Dữ liệu đến {day}", "en": "Data as of {day}"},
        "coverage_boundary_issues": {
            "vi": "Tệp ranh giới: {n} điểm cần kiểm tra",
            "en": "Boundaries file: {n} things to check",
        },
        "coverage_issue_unreadable": {
            "vi": "Không đọc được tệp ranh giới ({detail}); dùng ranh giới gần đúng.",
            "en": "The boundaries file cannot be read ({detail}); approximate shapes are used.",
        },
        "coverage_issue_not_geojson": {
            "vi": "Tệp ranh giới không phải GeoJSON FeatureCollection ({detail}); dùng ranh giới "
            "gần đúng.",
            "en": "The boundaries file is not a GeoJSON FeatureCollection ({detail}); "
            "approximate shapes are used.",
        },
        "coverage_issue_not_lonlat": {
            "vi": "Tọa độ trong tệp ranh giới không phải kinh độ/vĩ độ trong tỉnh; dùng ranh giới "
            "gần đúng.",
            "en": "The boundaries file's coordinates are not longitude/latitude in the province; "
            "approximate shapes are used.",
        },
        "coverage_issue_no_match": {
            "vi": "Không vùng nào trong tệp ranh giới khớp với mã hoặc tên địa bàn; dùng ranh giới "
            "gần đúng.",
            "en": "No feature of the boundaries file matches an area code or name; approximate "
            "shapes are used.",
        },
        "coverage_issue_unmatched_feature": {
            "vi": "Không khớp được vùng «{detail}» với địa bàn nào.",
            "en": "Feature «{detail}» matches no area.",
        },
        "coverage_issue_ambiguous_feature": {
            "vi": "Tên «{detail}» khớp với nhiều địa bàn; hãy dùng mã.",
            "en": "Name «{detail}» fits several areas; use codes.",
        },
        "coverage_issue_duplicate_feature": {
            "vi": "Địa bàn {detail} có nhiều hơn một vùng; dùng vùng đầu tiên.",
            "en": "Area {detail} has more than one feature; the first is used.",
        },
        "coverage_issue_bad_geometry": {
            "vi": "Vùng «{detail}» không có đa giác hợp lệ.",
            "en": "Feature «{detail}» has no usable polygon.",
        },
        "coverage_issue_missing_area": {
            "vi": "Địa bàn {detail} không có ranh giới trong tệp.",
            "en": "Area {detail} has no shape in the file.",
        },
        "coverage_issue_no_point": {
            "vi": "Xã {detail} không có tọa độ tâm; không vẽ được.",
            "en": "Commune {detail} has no centre point; not drawn.",
        },
    }
)

MEASURES = ("1plus", "full", "boosted")
DENOMINATORS = ("total", "18plus", "12plus", "5plus")
DEFAULT_MEASURE, DEFAULT_DENOMINATOR = "1plus", "18plus"
MEASURE_KEY, DENOMINATOR_KEY = "coverage_measure_pick", "coverage_denominator_pick"
_SEEN = "_coverage_options_seen"
FLAG_COLOUR = base.STATUS_COLOURS["warn"]  # orange: visible to every colour vision
BAR_COLOUR = base.PALETTE[0]
MAP_HEIGHT = 520
GSO_SOURCE = "GSO Population and Housing Census 2019"
# Children lines in the trend chart only when there are this few of them.
MAX_CHILD_LINES = 12


# --- small helpers ---------------------------------------------------------------------------
def _pct(value: float | None, lang: str) -> str:
    return fmt.percent(None if value is None or pd.isna(value) else float(value), lang)


def _num(value, lang: str) -> str:
    return fmt.number(None if value is None or pd.isna(value) else int(value), lang)


def _suffix(lang: str) -> str:
    return " %" if lang == "vi" else "%"


def _source_text(ctx: shell.Context, source: str | None, *, short: bool = False) -> str:
    if not source:
        return ctx.t("coverage_source_unknown")
    if source == GSO_SOURCE:
        return ctx.t("coverage_source_gso_short" if short else "coverage_source_gso")
    return source


def _measure_title(ctx: shell.Context, measure: str) -> str:
    return widgets.label(ctx, f"coverage_{measure}")


def _short(name: str) -> str:
    """District names without the unit word, for map labels ("Huyện Ý Yên" -> "Ý Yên")."""
    for prefix in ("Thành phố ", "Huyện ", "Thị xã ", "Quận "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _bold_if(name: str, bold: bool) -> str:
    return f"<b>{name}</b>" if bold else name


def _data_as_of(ctx: shell.Context) -> str:
    return ctx.t("coverage_data_as_of", day=fmt.moment(ctx.fresh.high_water))


# --- options in the URL ----------------------------------------------------------------------
def _option(ctx: shell.Context, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = ctx.state.option(key, default)
    return value if value in allowed else default


def _sync_widget(widget_key: str, url_value: str) -> None:
    """Load the URL's value into the widget when the URL changed (a link, back, forward)."""
    seen = st.session_state.setdefault(_SEEN, {})
    if seen.get(widget_key) != url_value or widget_key not in st.session_state:
        st.session_state[widget_key] = url_value
    seen[widget_key] = url_value


def _write_option(url_key: str, widget_key: str, default: str) -> None:
    value = st.session_state.get(widget_key) or default
    st.query_params[url_key] = value
    st.session_state.setdefault(_SEEN, {})[widget_key] = value


def _go(state: ViewState) -> None:
    """Show another view: the URL is the source of truth, the shell reads it on the rerun."""
    st.query_params.from_dict(to_params(state))


def _drill_to(ctx: shell.Context, code: str) -> None:
    areas = ctx.areas
    district_of = dict(
        zip(areas["area_code"], areas["district_code"].fillna(areas["area_code"]), strict=True)
    )
    _go(drill_down(ctx.state, code, district_of=district_of))


def _picked_code(event, allowed: set[str]) -> str | None:
    """The one area code a click selected (from the bar's customdata or the map's location)."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    codes = []
    for point in points:
        value = point.get("customdata")
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        value = value or point.get("location")
        if value is not None and str(value) in allowed:
            codes.append(str(value))
    return codes[0] if len(set(codes)) == 1 else None


def _on_select(ctx: shell.Context, key: str, allowed: frozenset[str]) -> None:
    code = _picked_code(st.session_state.get(key), set(allowed))
    if code is not None and code != ctx.scope_code:
        _drill_to(ctx, code)


# --- figures (pure) ----------------------------------------------------------------------------
def map_figure(
    shapes: boundaries.Boundaries,
    areas: pd.DataFrame,
    measure: str,
    level: str,
    lang: str,
    texts: dict[str, str],
    *,
    highlight: str | None = None,
    context_districts: bool = False,
    height: int = MAP_HEIGHT,
) -> go.Figure:
    """A choropleth of coverage (`coverage_<measure>`) for `areas` at `level`, drawn on the
    shapes, with no tile server. Areas above 100 % get a marker; `highlight` is outlined.

    The first trace is a longitude/latitude scattergeo on purpose: plotly.js fetches its world
    topojson from the internet only when the first trace of a geo subplot has a
    `locationmode`, and a choropleth of a GeoJSON has one; with this first trace the map draws
    offline, with the boundaries as its only base layer.
    """
    col = f"coverage_{measure}"
    df = areas[areas["area_code"].isin(shapes.codes(level))].copy()
    values = df[col].astype("float64") * 100
    # The colour scale starts at 0 and ends at the highest value rounded up to ten points, so
    # early-campaign differences show; values above 100 % stay on the scale (never clipped).
    top = float(values.max()) if values.notna().any() else 0.0
    zmax = max(10.0, math.ceil(top / 10) * 10)
    points = [shapes.points.get(c) for c in df["area_code"]]
    fig = go.Figure()
    labelled = level == "district"
    fig.add_trace(
        go.Scattergeo(
            lon=[p[0] if p else None for p in points],
            lat=[p[1] if p else None for p in points],
            text=[_short(n) for n in df["name"]] if labelled else None,
            mode="text" if labelled else "markers",
            marker={"size": 1, "opacity": 0},
            textfont={
                "size": 12,
                "color": ["#ffffff" if v / zmax > 0.55 else "#1a1a1a" for v in values.fillna(0)],
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if context_districts:
        codes = shapes.codes("district")
        fig.add_trace(
            go.Choropleth(
                geojson=shapes.features("district"),
                locations=codes,
                z=[0] * len(codes),
                featureidkey="id",
                colorscale=[[0, "#f2f2f2"], [1, "#f2f2f2"]],
                showscale=False,
                marker={"line": {"color": "#9a9a9a", "width": 1}},
                text=[f["properties"]["name"] for f in shapes.features("district")["features"]],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    hover = (
        "<b>%{customdata[1]}</b><br>"
        + texts["rate"]
        + ": %{customdata[2]}<br>"
        + texts["people"]
        + ": %{customdata[3]}<br>"
        + texts["target"]
        + ": %{customdata[4]}<extra></extra>"
    )
    custom = list(
        zip(
            df["area_code"],
            df["name"],
            [_pct(v, lang) for v in df[col]],
            [_num(v, lang) for v in df[f"people_{measure}"]],
            [_num(v, lang) for v in df["population"]],
            strict=True,
        )
    )
    fig.add_trace(
        go.Choropleth(
            geojson=shapes.subset(level, df["area_code"]),
            locations=df["area_code"].tolist(),
            z=values.tolist(),
            featureidkey="id",
            zmin=0,
            zmax=zmax,
            colorscale=base.SEQUENTIAL,
            marker={"line": {"color": "#7f7f7f", "width": 0.7}},
            customdata=custom,
            hovertemplate=hover,
            colorbar={
                "ticksuffix": _suffix(lang),
                "thickness": 14,
                "len": 0.75,
                "x": 1.0,
            },
            name=texts["rate"],
        )
    )
    if highlight and highlight in set(shapes.codes(level)):
        fig.add_trace(
            go.Choropleth(
                geojson=shapes.subset(level, [highlight]),
                locations=[highlight],
                z=[0],
                featureidkey="id",
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": {"color": "#000000", "width": 3}},
                hoverinfo="skip",
            )
        )
    flagged = df[df[col] > 1.0]
    if len(flagged):
        pts = [shapes.points.get(c) for c in flagged["area_code"]]
        fig.add_trace(
            go.Scattergeo(
                lon=[p[0] if p else None for p in pts],
                lat=[p[1] - (0.012 if labelled else 0) if p else None for p in pts],
                mode="markers",
                marker={
                    "symbol": "triangle-up",
                    "size": 13 if labelled else 10,
                    "color": FLAG_COLOUR,
                    "line": {"color": "#000000", "width": 1},
                },
                name=texts["flag_legend"],
                customdata=[row for row, over in zip(custom, df[col] > 1.0, strict=True) if over],
                hovertemplate=hover.replace("<extra>", "<br>⚠ " + texts["flag_legend"] + "<extra>"),
                showlegend=True,
            )
        )
    box = shapes.extent(df["area_code"]) or shapes.extent(shapes.codes(level))
    geo = {"visible": False, "projection": {"type": "mercator"}, "bgcolor": "white"}
    if box:
        pad_x, pad_y = (box[2] - box[0]) * 0.04, (box[3] - box[1]) * 0.04
        geo["lonaxis"] = {"range": [box[0] - pad_x, box[2] + pad_x]}
        geo["lataxis"] = {"range": [box[1] - pad_y, box[3] + pad_y]}
        geo["center"] = {"lon": (box[0] + box[2]) / 2, "lat": (box[1] + box[3]) / 2}
    fig.update_geos(**geo)
    base.style(fig, lang, height=height, title=texts["title"])
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 40, "b": 60},
        hoverdistance=8,  # the flag markers must not steal the hover from the shapes
        legend={"orientation": "h", "yanchor": "bottom", "y": 0.0, "x": 0},
        clickmode="event+select",
        dragmode=False,
    )
    _footnote(fig, texts["footnote"], below_axis=False)
    return fig


def _footnote(
    fig: go.Figure, lines: list[str], *, below_axis: bool = True, right: bool = False
) -> None:
    """Source and data-as-of at the foot of the figure itself, so a downloaded PNG carries
    them; the title goes to the top edge so titles line up across base."""
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=1 if right else 0,
        y=0,
        yshift=-26 if below_axis else -4,
        xanchor="right" if right else "left",
        yanchor="top",
        showarrow=False,
        font={"size": 11, "color": "#555555"},
        align="right" if right else "left",
    )
    fig.update_layout(title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10}})


def ranked_figure(
    areas: pd.DataFrame,
    measure: str,
    lang: str,
    texts: dict[str, str],
    *,
    highlight: str | None = None,
) -> go.Figure:
    """Horizontal bars of coverage, highest at the top; bars above 100 % in orange with a
    hatch and a flag in the label, never clipped; the 100 % line drawn."""
    col = f"coverage_{measure}"
    df = areas.sort_values([col, "area_code"], ascending=[False, True], na_position="last")
    values = df[col].astype("float64") * 100
    flagged = df[col] > 1.0
    n = len(df)
    small = n > 16
    fig = go.Figure()
    for is_flag, name, colour in (
        (False, texts["rate"], BAR_COLOUR),
        (True, texts["flag_legend"], FLAG_COLOUR),
    ):
        part = df[flagged == is_flag]
        if part.empty:
            continue
        labels = [
            _pct(v, lang) + (" ⚠" if is_flag else "") for v in part[col]
        ]  # the flag is in the text too, not in the colour alone
        line_width = [3 if c == highlight else 0 for c in part["area_code"]]
        fig.add_trace(
            go.Bar(
                x=(part[col].astype("float64") * 100).tolist(),
                y=[
                    _bold_if(n, c == highlight)
                    for n, c in zip(part["name"], part["area_code"], strict=True)
                ],
                orientation="h",
                name=name,
                marker={
                    "color": colour,
                    "pattern": {
                        "shape": "/" if is_flag else "",
                        "fgcolor": "#ffffff",
                        "solidity": 0.25,
                        "size": 9,
                        "fillmode": "overlay",
                    },
                    "line": {"color": "#000000", "width": line_width},
                },
                text=labels,
                textposition="outside",
                constraintext="none",
                textfont={"size": 11 if small else 13, "color": "#1a1a1a"},
                cliponaxis=False,
                customdata=part["area_code"].tolist(),
                hovertemplate="<b>%{y}</b><br>" + texts["rate"] + ": %{text}<extra></extra>",
                showlegend=bool(flagged.any()),
            )
        )
    top = float(values.max()) if values.notna().any() else 100.0
    fig.add_vline(x=100, line_dash="dash", line_color="#333333", line_width=1, layer="below")
    fig.add_annotation(
        x=100,
        y=1,
        yref="paper",
        yanchor="bottom",
        text=texts["hundred"],
        showarrow=False,
        font={"size": 11, "color": "#333333"},
    )
    height = max(300, (20 if small else 30) * n + 110)
    base.style(fig, lang, height=height, title=texts["title"])
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=[
            _bold_if(n, c == highlight) for n, c in zip(df["name"], df["area_code"], strict=True)
        ][::-1],
        tickfont={"size": 11 if small else 13},
        title=None,
    )
    fig.update_xaxes(
        range=[0, max(125.0, top * 1.32)],  # room for the labels beyond the longest bar
        ticksuffix=_suffix(lang),
        title=None,
        showgrid=True,
        gridcolor="#eeeeee",
    )
    fig.update_layout(
        barmode="overlay",
        bargap=0.25,
        margin={"l": 10, "r": 20, "t": 90, "b": 64},
        clickmode="event+select",
        dragmode=False,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1 + 24 / (height - 140), "x": 0},
    )
    if not flagged.any():
        fig.update_layout(showlegend=False)
    _footnote(fig, texts["footnote"], right=True)
    return fig


def trend_figure(
    trend: pd.DataFrame,
    measure: str,
    lang: str,
    texts: dict[str, str],
) -> go.Figure:
    """Daily coverage of the scope (bold), its parent (dashed) and its children (light, the
    highest and lowest at the last day highlighted); the 100 % line and the first day each
    highlighted line passes it."""
    col = f"coverage_{measure}"
    fig = go.Figure()
    hover = "%{fullData.name}<br>%{x|%d/%m/%Y}: %{y:.1f}" + _suffix(lang) + "<extra></extra>"
    children = trend[trend["role"] == "child"]
    if not children.empty:
        # Children at week ends (and the last day): a lighter figure, the same shape.
        days = children["date"]
        keep = (days.dt.day_of_week == 6) | (days == days.max()) | (days == days.min())
        children = children[keep]
    highlighted: dict[str, tuple[str, str]] = {}
    if not children.empty and children["area_code"].nunique() <= MAX_CHILD_LINES:
        last = children[children["date"] == children["date"].max()].dropna(subset=[col])
        if len(last) >= 2:
            ranked = last.sort_values(col)
            highlighted[ranked["area_code"].iloc[-1]] = (base.PALETTE[0], texts["highest"])
            highlighted[ranked["area_code"].iloc[0]] = (base.PALETTE[5], texts["lowest"])
        for code, g in children.groupby("area_code", sort=True):
            if code in highlighted:
                continue
            fig.add_trace(
                go.Scatter(
                    x=g["date"].to_numpy(),
                    y=(g[col] * 100).to_numpy(),
                    mode="lines",
                    name=g["name"].iloc[0],
                    line={"color": "#c4c4c4", "width": 1.2},
                    hovertemplate=hover,
                    showlegend=False,
                )
            )
        for code, (colour, tag) in highlighted.items():
            g = children[children["area_code"] == code]
            fig.add_trace(
                go.Scatter(
                    x=g["date"].to_numpy(),
                    y=(g[col] * 100).to_numpy(),
                    mode="lines",
                    name=f"{g['name'].iloc[0]} ({tag})",
                    line={"color": colour, "width": 2.2},
                    hovertemplate=hover,
                )
            )
    parent = trend[trend["role"] == "parent"]
    if not parent.empty:
        fig.add_trace(
            go.Scatter(
                x=parent["date"].to_numpy(),
                y=(parent[col] * 100).to_numpy(),
                mode="lines",
                name=parent["name"].iloc[0],
                line={"color": "#555555", "width": 1.8, "dash": "dash"},
                hovertemplate=hover,
            )
        )
    scope = trend[trend["role"] == "scope"]
    fig.add_trace(
        go.Scatter(
            x=scope["date"].to_numpy(),
            y=(scope[col] * 100).to_numpy(),
            mode="lines",
            name=scope["name"].iloc[0] if len(scope) else "",
            line={"color": "#000000", "width": 3.2},
            hovertemplate=hover,
        )
    )
    # The first day a drawn, named line passes 100 %: a flag marker, never a clipped line.
    named = {*highlighted, *scope["area_code"].unique(), *parent["area_code"].unique()}
    firsts = trend[trend["area_code"].isin(named) & (trend[col] > 1.0)]
    if not firsts.empty:
        firsts = firsts.sort_values("date").groupby("area_code", as_index=False).first()
        fig.add_trace(
            go.Scatter(
                x=firsts["date"],
                y=firsts[col] * 100,
                mode="markers",
                name=texts["flag_legend"],
                marker={
                    "symbol": "triangle-up",
                    "size": 13,
                    "color": FLAG_COLOUR,
                    "line": {"color": "#000000", "width": 1},
                },
                text=[
                    f"{n}: {texts['first_above'].format(day=fmt.day(d))}"
                    for n, d in zip(firsts["name"], firsts["date"], strict=True)
                ],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    top = float((trend[col] * 100).max()) if trend[col].notna().any() else 100.0
    fig.add_hline(
        y=100,
        line_dash="dot",
        line_color="#333333",
        line_width=1,
        annotation_text=texts["hundred"],
        annotation_position="top left",
        annotation_font={"size": 11},
    )
    base.style(fig, lang, height=400, title=texts["title"])
    base.date_axis(fig)
    fig.update_yaxes(range=[0, max(105.0, top * 1.06)], ticksuffix=_suffix(lang), title=None)
    fig.update_layout(
        hovermode="closest",
        margin={"l": 10, "r": 10, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
    )
    _footnote(fig, texts["footnote"])
    return fig


# --- tables ------------------------------------------------------------------------------------
def residence_table(
    ctx: shell.Context, areas: pd.DataFrame, total: pd.Series | None, denominator: str
) -> pd.DataFrame:
    """The table by residence area, formatted the Vietnamese way, flags in their own column."""
    rows = areas.copy()
    if total is not None:
        rows = pd.concat([rows, total.to_frame().T], ignore_index=True)
    target = f"{ctx.t('coverage_col_target')} ({ctx.t(f'coverage_denominator_{denominator}')})"
    out = pd.DataFrame({ctx.t("coverage_col_area"): rows["name"]})
    for m in MEASURES:
        out[_measure_title(ctx, m)] = [_pct(v, ctx.lang) for v in rows[f"coverage_{m}"]]
    flags = []
    for _, r in rows.iterrows():
        over = [ctx.t(f"coverage_measure_{m}") for m in MEASURES if bool(r[f"above_100_{m}"])]
        flags.append(f"⚠ {ctx.t('coverage_flag')}: {', '.join(over)}" if over else "")
    out[ctx.t("coverage_col_flag")] = flags
    for m in MEASURES:
        out[widgets.label(ctx, f"people_{m}")] = [_num(v, ctx.lang) for v in rows[f"people_{m}"]]
    out[target] = [_num(v, ctx.lang) for v in rows["population"]]
    return out


def chart_table(ctx: shell.Context, areas: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The table behind the map and the bars: the chosen measure only."""
    col = f"coverage_{measure}"
    df = areas.sort_values([col, "area_code"], ascending=[False, True], na_position="last")
    return pd.DataFrame(
        {
            ctx.t("coverage_col_area"): df["name"],
            widgets.label(ctx, f"people_{measure}"): [
                _num(v, ctx.lang) for v in df[f"people_{measure}"]
            ],
            ctx.t("coverage_col_target"): [_num(v, ctx.lang) for v in df["population"]],
            _measure_title(ctx, measure): [_pct(v, ctx.lang) for v in df[col]],
            ctx.t("coverage_col_flag"): [
                f"⚠ {ctx.t('coverage_flag')}" if flag else "" for flag in df[f"above_100_{measure}"]
            ],
        }
    )


# --- page parts ----------------------------------------------------------------------------------
def _controls(ctx: shell.Context) -> tuple[str, str]:
    measure = _option(ctx, "measure", MEASURES, DEFAULT_MEASURE)
    denominator = _option(ctx, "denominator", DENOMINATORS, DEFAULT_DENOMINATOR)
    _sync_widget(MEASURE_KEY, measure)
    _sync_widget(DENOMINATOR_KEY, denominator)
    state = ctx.state
    if state.district:
        # Where the user is, and the way back up: above the options, like a breadcrumb.
        with st.container(horizontal=True, gap="small"):
            st.button(
                ctx.t("coverage_back_province"),
                icon=":material/arrow_upward:",
                on_click=_go,
                args=(replace(state, district=None, commune=None, site=None),),
                key="coverage_back_province",
            )
            if state.commune or state.site:
                up = drill_up(drill_up(state)) if state.site else drill_up(state)
                st.button(
                    ctx.t("coverage_up", name=_area_name(ctx, up.scope_code)),
                    icon=":material/arrow_back:",
                    on_click=_go,
                    args=(up,),
                    key="coverage_up",
                )
    left, right, _ = st.columns([5, 3, 3], vertical_alignment="bottom")
    with left:
        st.segmented_control(
            ctx.t("coverage_measure"),
            MEASURES,
            key=MEASURE_KEY,
            required=True,
            format_func=lambda m: ctx.t(f"coverage_measure_{m}"),
            on_change=_write_option,
            args=("measure", MEASURE_KEY, DEFAULT_MEASURE),
        )
    with right:
        st.selectbox(
            ctx.t("coverage_denominator"),
            DENOMINATORS,
            key=DENOMINATOR_KEY,
            format_func=lambda d: ctx.t(f"coverage_denominator_{d}"),
            on_change=_write_option,
            args=("denominator", DENOMINATOR_KEY, DEFAULT_DENOMINATOR),
            help=widgets.definition(ctx, f"population_{denominator}"),
        )
    return measure, denominator


def _area_name(ctx: shell.Context, code: str) -> str:
    row = ctx.areas[ctx.areas["area_code"] == code]
    return str(row["name"].iloc[0]) if len(row) else code


def _kpis(ctx: shell.Context, summary: pd.DataFrame, trend: pd.DataFrame) -> None:
    before, now = summary.iloc[0], summary.iloc[-1]
    scope = trend[trend["role"] == "scope"].set_index("date")
    cols = st.columns(4)
    for col, m in zip(cols, MEASURES, strict=False):
        with col:
            spark = None
            if not scope.empty:
                weekly = scope[f"coverage_{m}"].resample("W-SUN").last().tail(16)
                spark = (weekly * 100).round(1) if weekly.notna().any() else None
            widgets.kpi(
                ctx,
                f"coverage_{m}",
                None if pd.isna(now[f"coverage_{m}"]) else float(now[f"coverage_{m}"]),
                None if pd.isna(before[f"coverage_{m}"]) else float(before[f"coverage_{m}"]),
                kind="percent",
                trend=spark,
                title=ctx.t("coverage_kpi_title", measure=ctx.t(f"coverage_measure_{m}").lower()),
            )
            detail = ctx.t(
                "coverage_people_of",
                people=_num(now[f"people_{m}"], ctx.lang),
                population=_num(now["population"], ctx.lang),
            )
            if bool(now[f"above_100_{m}"]):
                detail = f"⚠ **{ctx.t('coverage_flag')}** · {detail}"
            st.caption(detail)
    with cols[3]:
        drop = now["drop_out"]
        prev = before["drop_out"]
        spark = None
        if not scope.empty:
            weekly = scope[["people_1plus", "people_full"]].resample("W-SUN").last().tail(16)
            first = weekly["people_1plus"].astype("float64")
            ratio = (first - weekly["people_full"]) / first.where(first > 0)
            spark = (ratio * 100).round(1) if ratio.notna().any() else None
        widgets.kpi(
            ctx,
            "drop_out",
            None if pd.isna(drop) else float(drop),
            None if pd.isna(prev) else float(prev),
            kind="percent",
            inverse=True,
            trend=spark,
        )
        gap = int(now["people_1plus"]) - int(now["people_full"])
        st.caption(ctx.t("coverage_dropout_detail", gap=_num(gap, ctx.lang)))


def _texts(ctx: shell.Context, title: str, footnote: list[str]) -> dict:
    return {
        "title": title,
        "footnote": footnote,
        "rate": ctx.t("coverage_col_rate"),
        "people": ctx.t("coverage_col_people"),
        "target": ctx.t("coverage_col_target"),
        "flag_legend": ctx.t("coverage_flag_legend"),
        "hundred": ctx.t("coverage_hundred"),
        "first_above": ctx.t("coverage_first_above"),
        "highest": ctx.t("coverage_highest"),
        "lowest": ctx.t("coverage_lowest"),
    }


def _clickable_chart(
    ctx: shell.Context,
    fig: go.Figure,
    table: pd.DataFrame,
    *,
    key: str,
    metrics: tuple[str, ...],
    allowed: set[str],
) -> None:
    """A chart whose click on an area drills into it; its definitions and table below."""
    st.plotly_chart(
        fig,
        key=key,
        on_select=partial(_on_select, ctx, key, frozenset(allowed)),
        selection_mode="points",
        config={
            "displaylogo": False,
            "scrollZoom": False,
            "toImageButtonOptions": {"format": "png", "scale": 2, "filename": key},
        },
    )
    st.caption(" · ".join(f"**{widgets.label(ctx, m)}**: {widgets.definition(ctx, m)}"
                          for m in metrics))  # fmt: skip
    with st.expander(ctx.t("show_table")):
        st.dataframe(table, hide_index=True, width="stretch")


def _flag_warning(ctx, areas, summary, measure, denominator, year) -> None:
    col = f"coverage_{measure}"
    over = areas[areas[col] > 1.0]
    names = over["name"].tolist()
    now = summary.iloc[-1]
    scope_name = _area_name(ctx, str(now["area_code"]))
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
        measure=ctx.t(f"coverage_measure_{measure}").lower(),
        names=shown,
        year=year or "—",
    )
    if denominator != "total":
        text += " " + ctx.t(
            "coverage_flag_age_hint",
            denominator=ctx.t(f"coverage_denominator_{denominator}").lower(),
        )
    st.warning(text, icon="⚠️")


def _boundary_issues(ctx: shell.Context, shapes: boundaries.Boundaries) -> None:
    issues = shapes.problems()
    if not issues:
        return
    names = dict(zip(ctx.areas["area_code"], ctx.areas["name"], strict=True))
    lines = []
    for issue in issues:
        detail = issue.detail
        if issue.kind in ("missing_area", "duplicate_feature", "no_point"):
            detail = f"{names.get(detail, detail)} ({detail})"
        lines.append("- " + ctx.t(f"coverage_issue_{issue.kind}", detail=detail))
    serious = [
        i for i in issues if i.kind in ("unreadable", "not_geojson", "not_lonlat", "no_match")
    ]
    if serious:
        st.warning(ctx.t(f"coverage_issue_{serious[0].kind}", detail=serious[0].detail))
    with st.expander(ctx.t("coverage_boundary_issues", n=len(issues))):
        st.markdown("\n".join(lines[:200]))


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_coverage")
    measure, denominator = _controls(ctx)
    summary = ctx.read(coverage_q.coverage_summary, denominator)
    areas = ctx.read(coverage_q.coverage_by_area, denominator)
    trend = ctx.read(coverage_q.coverage_trend, denominator)
    if summary.empty or areas.empty:
        widgets.no_data(ctx)
        return
    now = summary.iloc[-1]
    scope_area = str(now["area_code"])
    level = str(areas["area_level"].iloc[0])
    level_word = ctx.t(f"coverage_level_{level}")
    if ctx.state.site:
        st.info(ctx.t("coverage_site_note", commune=_area_name(ctx, scope_area)))
    if int(now["people_1plus"]) == 0 and int(areas["people_1plus"].sum()) == 0:
        st.info(ctx.t("coverage_no_people", day=fmt.day(ctx.period.end)))
        widgets.no_data(ctx)
        return

    source, year = _population_note(areas)
    denominator_label = widgets.label(ctx, f"population_{denominator}")
    source_line = ctx.t(
        "coverage_source",
        denominator=denominator_label,
        source=_source_text(ctx, source),
        year=year or "—",
        day=fmt.day(ctx.period.end),
    )
    _flag_warning(ctx, areas, summary, measure, denominator, year)
    _kpis(ctx, summary, trend)
    st.caption(source_line)
    missing = areas[areas["population"].isna()]
    if len(missing):
        st.warning(
            ctx.t(
                "coverage_no_denominator",
                denominator=denominator_label.lower(),
                names=", ".join(missing["name"].head(8)),
            )
        )
    if ctx.state.scope_level == "province" and int(now.get("outside_residents", 0) or 0) > 0:
        st.caption(ctx.t("coverage_outside", n=_num(now["outside_residents"], ctx.lang)))

    shapes = boundaries.load(ctx.areas)
    approx = shapes.is_approximate(level)
    boundary_note = (
        ctx.t("coverage_approx")
        if approx
        else ctx.t("coverage_boundaries_file", file=Path(shapes.source or "").name)
    )
    short_source = ctx.t(
        "coverage_source_short",
        denominator=denominator_label,
        source=_source_text(ctx, source, short=True),
    )
    as_of = _data_as_of(ctx)
    measure_title = _measure_title(ctx, measure)
    highlight = scope_area if level == "commune" and ctx.state.scope_level != "district" else None
    allowed = set(areas["area_code"])
    if level == "commune":
        allowed |= set(shapes.codes("district"))
    key_base = f"{ctx.scope_code}_{measure}_{denominator}"
    st.caption(ctx.t("coverage_click_hint", level=level_word))
    left, right = st.columns([7, 5], gap="medium")
    with left:
        map_texts = _texts(
            ctx,
            ctx.t("coverage_map_title", measure=measure_title, level=level_word),
            [boundary_note, short_source, as_of],
        )
        fig = map_figure(
            shapes,
            areas,
            measure,
            level,
            ctx.lang,
            map_texts,
            highlight=highlight,
            context_districts=level == "commune",
        )
        _clickable_chart(
            ctx,
            fig,
            chart_table(ctx, areas, measure),
            key=f"coverage_map_{key_base}",
            metrics=(f"coverage_{measure}",),
            allowed=allowed,
        )
    with right:
        bar_texts = _texts(
            ctx, ctx.t("coverage_rank_title", level=level_word), [short_source, as_of]
        )
        fig = ranked_figure(areas, measure, ctx.lang, bar_texts, highlight=highlight)
        _clickable_chart(
            ctx,
            fig,
            chart_table(ctx, areas, measure),
            key=f"coverage_bar_{key_base}",
            metrics=(f"population_{denominator}",),
            allowed=set(areas["area_code"]),
        )

    if not trend.empty:
        trend_texts = _texts(
            ctx,
            ctx.t("coverage_trend_title", measure=measure_title),
            [f"{short_source} · {as_of}"],
        )
        fig = trend_figure(trend, measure, ctx.lang, trend_texts)
        children = trend[trend["role"] == "child"]
        scope_name = _area_name(ctx, scope_area)
        table = _trend_table(ctx, trend, measure)
        widgets.chart(
            ctx, fig, table, key=f"coverage_trend_{key_base}", metrics=(f"coverage_{measure}",)
        )
        if not children.empty and children["area_code"].nunique() <= MAX_CHILD_LINES:
            child_level = ctx.t(
                "coverage_level_district"
                if ctx.state.scope_level == "province"
                else "coverage_level_commune"
            )
            st.caption(
                ctx.t(
                    "coverage_trend_note",
                    scope=scope_name,
                    level=child_level,
                    day=fmt.day(ctx.period.end),
                )
            )

    st.subheader(ctx.t("coverage_table_title"))
    total = None
    if level != "commune" or ctx.state.scope_level == "district":
        total = now.copy()
        total["name"] = ctx.t("coverage_total_row", name=_area_name(ctx, scope_area))
    table = residence_table(ctx, areas, total, denominator)
    st.dataframe(
        table, hide_index=True, width="stretch", height=min(35 * (len(table) + 1) + 3, 760)
    )
    st.caption(source_line)
    _boundary_issues(ctx, shapes)


def _trend_table(ctx: shell.Context, trend: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The trend's table: one row per week-end day and area (the chart's daily values)."""
    col = f"coverage_{measure}"
    weekly = trend[trend["date"].dt.day_of_week == 6]
    last = trend[trend["date"] == trend["date"].max()]
    df = pd.concat([weekly, last]).drop_duplicates(["area_code", "date"])
    df = df.sort_values(["date", "role", "area_code"])
    return pd.DataFrame(
        {
            ctx.t("coverage_col_date"): [fmt.day(d) for d in df["date"]],
            ctx.t("coverage_col_area"): df["name"],
            widgets.label(ctx, f"people_{measure}"): [
                _num(v, ctx.lang) for v in df[f"people_{measure}"]
            ],
            _measure_title(ctx, measure): [_pct(v, ctx.lang) for v in df[col]],
        }
    )


def _population_note(frame: pd.DataFrame) -> tuple[str | None, int | None]:
    known = frame.dropna(subset=["source"]) if "source" in frame else frame.iloc[0:0]
    if known.empty:
        return None, None
    year = known["year"].dropna()
    return str(known["source"].mode().iloc[0]), (int(year.mode().iloc[0]) if len(year) else None)


ctx = shell.context()
if ctx is not None:
    render(ctx)
