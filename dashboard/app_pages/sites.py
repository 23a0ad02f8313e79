"""Sites map ("Bản đồ điểm tiêm"): every site as a point sized by doses and coloured by days of
stock or deferral rate; sites without usable coordinates listed beside it; one site's detail
(daily series and the four-step funnel) when a site is picked on the map or from the list."""

from __future__ import annotations

import contextlib
import html
import math
from functools import partial
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import boundaries, i18n, shell, widgets
from dashboard import format as fmt
from dashboard.figures import base
from dashboard.state import ViewState, drill_down, drill_up, to_params
from queries import sites as sites_q
from warehouse.reference import PROVINCE_CODE

i18n.register(
    {
        "sites_colour_by": {"vi": "Tô màu theo", "en": "Colour by"},
        "sites_status_stock": {"vi": "Số ngày đủ dùng", "en": "Days of stock"},
        "sites_status_deferral": {"vi": "Tỷ lệ hoãn tiêm", "en": "Deferral rate"},
        "sites_pick": {"vi": "Xem chi tiết điểm tiêm", "en": "Show a site's detail"},
        "sites_pick_none": {"vi": "— Chọn điểm tiêm —", "en": "— Pick a site —"},
        "sites_pick_help": {
            "vi": "Chọn trong danh sách hoặc bấm vào một điểm trên bản đồ.",
            "en": "Pick from the list or click a point on the map.",
        },
        "sites_stock_alert": {"vi": "Dưới 3 ngày", "en": "Under 3 days"},
        "sites_stock_warn": {"vi": "Từ 3 đến dưới 7 ngày", "en": "3 to under 7 days"},
        "sites_stock_ok": {
            "vi": "Từ 7 ngày trở lên (hoặc không sử dụng)",
            "en": "7 days or more (or none used)",
        },
        "sites_stock_none": {"vi": "Không có số liệu kho", "en": "No stock data"},
        "sites_deferral_alert": {"vi": "Từ 10 % trở lên", "en": "10% or more"},
        "sites_deferral_warn": {"vi": "Từ 5 % đến dưới 10 %", "en": "5% to under 10%"},
        "sites_deferral_ok": {"vi": "Dưới 5 %", "en": "Under 5%"},
        "sites_deferral_none": {"vi": "Chưa có lượt khám sàng lọc", "en": "Nobody screened"},
        "sites_legend_size": {
            "vi": "Kích thước điểm: số mũi đã tiêm trong kỳ (lớn nhất {max} mũi).",
            "en": "Point size: doses administered in the period (largest {max}).",
        },
        "sites_outline_note": {
            "vi": "Nền bản đồ: ranh giới gần đúng, dựng từ tọa độ trung tâm các xã (không phải "
            "ranh giới hành chính chính thức).",
            "en": "Base map: approximate boundaries built from the commune centroids (not "
            "official boundaries).",
        },
        "sites_outline_file": {
            "vi": "Nền bản đồ: ranh giới từ tệp {name}.",
            "en": "Base map: boundaries from the file {name}.",
        },
        "sites_on_map": {"vi": "Điểm tiêm trên bản đồ", "en": "Sites on the map"},
        "sites_on_map_help": {
            "vi": "Điểm tiêm đang hoạt động hoặc có buổi tiêm trong kỳ, có tọa độ hợp lệ.",
            "en": "Active sites, or sites with sessions in the period, with valid coordinates.",
        },
        "sites_alert_count": {"vi": "Điểm tiêm cần chú ý", "en": "Sites needing attention"},
        "sites_alert_count_help": {
            "vi": "Số điểm tiêm ở mức cảnh báo (màu đỏ cam) theo tiêu chí tô màu đang chọn.",
            "en": "Sites at the alert level (vermilion) of the chosen colouring.",
        },
        "sites_off_map": {"vi": "Chưa có tọa độ hợp lệ", "en": "Without valid coordinates"},
        "sites_off_map_help": {
            "vi": "Điểm tiêm thiếu tọa độ hoặc có tọa độ nằm ngoài tỉnh: không vẽ trên bản đồ, "
            "liệt kê trong bảng bên dưới.",
            "en": "Sites with missing coordinates or coordinates outside the province: not "
            "drawn, listed in the table below.",
        },
        "sites_off_map_title": {
            "vi": "{n} điểm tiêm không hiển thị trên bản đồ (thiếu tọa độ hoặc tọa độ ngoài "
            "tỉnh). Số liệu của các điểm này vẫn được tính đầy đủ.",
            "en": "{n} sites are not on the map (missing coordinates or coordinates outside the "
            "province). Their figures still count everywhere.",
        },
        "sites_reason_missing": {"vi": "Thiếu tọa độ", "en": "Missing coordinates"},
        "sites_reason_outside_province": {
            "vi": "Tọa độ nằm ngoài tỉnh",
            "en": "Coordinates outside the province",
        },
        "sites_col_name": {"vi": "Điểm tiêm", "en": "Site"},
        "sites_col_type": {"vi": "Loại hình", "en": "Type"},
        "sites_col_commune": {"vi": "Xã, Phường, Thị trấn", "en": "Commune"},
        "sites_col_district": {"vi": "Huyện, Thành phố", "en": "District"},
        "sites_col_reason": {"vi": "Lý do", "en": "Reason"},
        "sites_col_coordinates": {"vi": "Tọa độ đã khai báo", "en": "Recorded coordinates"},
        "sites_col_tables": {"vi": "Bàn tiêm", "en": "Vaccination tables"},
        "sites_col_person": {"vi": "Người phụ trách", "en": "Person in charge"},
        "sites_level": {"vi": "Mức theo {status}", "en": "Level by {status}"},
        "sites_vaccinators": {"vi": "Cán bộ tiêm", "en": "Vaccinators"},
        "sites_emergency": {"vi": "Cán bộ cấp cứu, chống sốc", "en": "Emergency staff"},
        "sites_type_commune_station": {"vi": "Trạm Y tế xã", "en": "Commune health station"},
        "sites_type_district_centre": {
            "vi": "Trung tâm Y tế huyện",
            "en": "District health centre",
        },
        "sites_type_hospital": {"vi": "Bệnh viện", "en": "Hospital"},
        "sites_type_mobile": {"vi": "Đội tiêm lưu động", "en": "Mobile team"},
        "sites_type_private": {"vi": "Cơ sở tiêm chủng tư nhân", "en": "Private site"},
        "sites_type_other": {"vi": "Cơ sở khác", "en": "Other"},
        "sites_days": {"vi": "{d} ngày", "en": "{d} days"},
        "sites_no_use": {
            "vi": "không sử dụng trong 7 ngày qua",
            "en": "none used in the last 7 days",
        },
        "sites_no_sessions": {
            "vi": "Không có buổi tiêm nào trong kỳ đã chọn: các điểm được vẽ với kích thước "
            "nhỏ nhất.",
            "en": "No sessions in the chosen period: sites are drawn at the smallest size.",
        },
        "sites_no_sites": {
            "vi": "Không có điểm tiêm nào trong địa bàn đã chọn.",
            "en": "No vaccination sites in the chosen area.",
        },
        "sites_table": {"vi": "Bảng số liệu các điểm tiêm", "en": "Table of the sites"},
        "sites_map_alt": {
            "vi": "Bản đồ các điểm tiêm, kích thước theo số mũi tiêm, màu theo {status}.",
            "en": "Map of the vaccination sites, sized by doses, coloured by {status}.",
        },
        "sites_detail": {"vi": "Chi tiết điểm tiêm", "en": "Site detail"},
        "sites_clear": {"vi": "Bỏ chọn điểm tiêm", "en": "Clear the site"},
        "sites_to_screening": {
            "vi": "Xem khám sàng lọc và hoãn tiêm của điểm tiêm này",
            "en": "Screening and deferrals at this site",
        },
        "sites_daily": {"vi": "Diễn biến theo ngày", "en": "Day by day"},
        "sites_funnel": {"vi": "Bốn bước tiêm chủng trong kỳ", "en": "The four steps"},
        "sites_step": {"vi": "Bước", "en": "Step"},
        "sites_share": {"vi": "So với tiếp đón", "en": "Share of reception"},
        "sites_step_checked_in": {"vi": "Tiếp đón", "en": "Reception"},
        "sites_step_screened": {"vi": "Khám sàng lọc", "en": "Screening"},
        "sites_step_doses": {"vi": "Tiêm", "en": "Injection"},
        "sites_step_observed": {"vi": "Theo dõi sau tiêm", "en": "Post-vaccination watch"},
        "sites_date": {"vi": "Ngày", "en": "Day"},
        "sites_count": {"vi": "Số lượt", "en": "Visits"},
    }
)

STATUS_OPTIONS = ("stock", "deferral")
STATUS_ORDER = ("alert", "warn", "ok", "none")
TYPES = ("commune_station", "district_centre", "hospital", "mobile", "private")
MAP_HEIGHT = 560
MAP_WIDTH_GUESS = 820  # the map column's width on a laptop, for the initial zoom
PICK_KEY = "sites_pick"
STATUS_KEY = "sites_status"
_STATUS_SEEN = "_sites_status_seen"


def _literal(text: str) -> str:
    """A string pydeck passes on as a value: unquoted strings become accessors ("@@=...")."""
    return "'" + text.replace("'", "") + "'"


PIXELS = _literal("pixels")


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _text(value) -> str:
    """A text cell as a string: '' for None and NaN."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _person(name, title) -> str:
    return f"{_text(name)} ({_text(title)})" if _text(title) else _text(name)


def _placeable(df: pd.DataFrame) -> pd.Series:
    """Sites that can go on the map: coordinates checked ok (and present)."""
    return (df["coordinate_status"] == "ok") & df["latitude"].notna() & df["longitude"].notna()


def _type_name(ctx: shell.Context, code) -> str:
    return ctx.t(f"sites_type_{code if code in TYPES else 'other'}")


def _status_label(ctx: shell.Context, status: str, level: str) -> str:
    return ctx.t(f"sites_{status}_{level}")


def _days_text(ctx: shell.Context, days: float) -> str:
    if days is None or pd.isna(days):
        return "—"
    if math.isinf(days):
        return ctx.t("sites_no_use")
    return ctx.t("sites_days", d=fmt.number(days, ctx.lang, 1 if days < 10 else 0))


def _go(state: ViewState) -> None:
    """Show another view: the URL is the source of truth, the shell reads it on the rerun."""
    st.query_params.from_dict(to_params(state))


def _site_state(ctx: shell.Context, facility_id: str) -> ViewState:
    fac = ctx.facilities
    district_of = dict(zip(fac["commune_code"], fac["district_code"], strict=True))
    commune_of = dict(zip(fac["facility_id"], fac["commune_code"], strict=True))
    return drill_down(ctx.state, facility_id, district_of=district_of, commune_of_site=commune_of)


def _on_map_select(ctx: shell.Context, key: str) -> None:
    event = st.session_state.get(key) or {}
    objects = (event.get("selection") or {}).get("objects") or {}
    picked = objects.get("sites") or []
    if picked and picked[0].get("facility_id") != ctx.state.site:
        _go(_site_state(ctx, picked[0]["facility_id"]))


def _on_pick(ctx: shell.Context) -> None:
    picked = st.session_state.get(PICK_KEY) or ""
    if picked == (ctx.state.site or ""):
        return
    _go(_site_state(ctx, picked) if picked else drill_up(ctx.state))


def _pick_status(ctx: shell.Context) -> str:
    """The colouring (page option `status`), kept in the URL."""
    from_url = ctx.state.option("status")
    if from_url in STATUS_OPTIONS and from_url != st.session_state.get(_STATUS_SEEN):
        st.session_state[STATUS_KEY] = from_url  # the URL changed: a link, back or forward
    status = st.radio(
        ctx.t("sites_colour_by"),
        STATUS_OPTIONS,
        key=STATUS_KEY,
        horizontal=True,
        format_func=lambda s: ctx.t(f"sites_status_{s}"),
        help="\n\n".join(
            f"**{widgets.label(ctx, m)}**: {widgets.definition(ctx, m)}"
            for m in ("days_of_stock", "deferral_rate")
        ),
    )
    if status != from_url:
        st.query_params["status"] = status
    st.session_state[_STATUS_SEEN] = status
    return status


def _pick_site(ctx: shell.Context, sites: pd.DataFrame) -> None:
    ordered = sites.sort_values(["name", "facility_id"])
    labels = {
        r.facility_id: f"{_text(r.name) or r.facility_id} — {_text(r.commune_name)}"
        for r in ordered.itertuples()
    }
    options = ["", *labels]
    current = ctx.state.site or ""
    if current not in options:
        options.append(current)
        labels[current] = ctx.scope_name()
    if st.session_state.get(PICK_KEY) != current:
        st.session_state[PICK_KEY] = current
    st.selectbox(
        ctx.t("sites_pick"),
        options,
        key=PICK_KEY,
        format_func=lambda f: labels.get(f, f) if f else ctx.t("sites_pick_none"),
        help=ctx.t("sites_pick_help"),
        on_change=partial(_on_pick, ctx),
        placeholder=ctx.t("sites_pick_none"),
    )


def _tooltip_rows(
    ctx: shell.Context, df: pd.DataFrame, status: str, max_radius: float
) -> pd.DataFrame:
    lang = ctx.lang
    out = pd.DataFrame(
        {
            "facility_id": df["facility_id"],
            "latitude": df["latitude"].astype(float),
            "longitude": df["longitude"].astype(float),
        }
    )
    out["t_name"] = [
        html.escape(_text(n) or f) for n, f in zip(df["name"], df["facility_id"], strict=True)
    ]
    out["t_type"] = [html.escape(_type_name(ctx, t)) for t in df["facility_type"]]
    out["t_area"] = [
        html.escape(", ".join(x for x in (_text(c), _text(d)) if x))
        for c, d in zip(df["commune_name"], df["district_name"], strict=True)
    ]
    out["t_tables"] = [fmt.number(v, lang) for v in df["tables_count"]]
    out["t_person"] = [
        html.escape(_person(p, t)) if _text(p) else "—"
        for p, t in zip(df["person_in_charge"], df["person_in_charge_title"], strict=True)
    ]
    out["t_doses"] = [fmt.number(v, lang) for v in df["doses"]]
    out["t_deferrals"] = [
        f"{fmt.number(n, lang)} ({fmt.percent(r, lang)})" if s else "—"
        for n, r, s in zip(df["deferrals"], df["deferral_rate"], df["screened"], strict=True)
    ]
    out["t_on_hand"] = [
        "—" if pd.isna(v) else fmt.number(v, lang) for v in df["on_hand"].astype(float)
    ]
    out["t_days"] = [_days_text(ctx, d) for d in df["days_of_stock"]]
    level = df[f"{status}_status"]
    out["t_level"] = [html.escape(_status_label(ctx, status, s)) for s in level]
    out["colour"] = [_rgb(base.STATUS_COLOURS[s], 225) for s in level]
    top = max(int(df["doses"].max()), 1) if len(df) else 1
    # Area proportional to doses; the largest point of the view gets `max_radius` pixels.
    out["radius"] = [round(3 + (max_radius - 3) * math.sqrt(d / top), 1) for d in df["doses"]]
    return out.sort_values("radius", ascending=False)  # small points drawn last, on top


def _tooltip_html(ctx: shell.Context, status: str) -> str:
    """The tooltip template: labels in the interface language, values pre-formatted per row."""
    t, label = ctx.t, partial(widgets.label, ctx)
    rows = [
        (t("sites_col_type"), "{t_type}"),
        (t("sites_col_commune"), "{t_area}"),
        (t("sites_col_tables"), "{t_tables}"),
        (t("sites_col_person"), "{t_person}"),
        (label("doses"), "<b>{t_doses}</b>"),
        (label("deferrals"), "<b>{t_deferrals}</b>"),
        (label("on_hand"), "<b>{t_on_hand}</b>"),
        (label("days_of_stock"), "<b>{t_days}</b>"),
        (t("sites_level", status=t(f"sites_status_{status}").lower()), "<b>{t_level}</b>"),
    ]
    lines = ["<b style='font-size:15px'>{t_name}</b>"]
    lines += [f"{html.escape(name)}: {value}" for name, value in rows]
    return "<br/>".join(lines)


def _view(lons: list[float], lats: list[float]) -> pdk.ViewState:
    """Centre and zoom that fit the given points."""
    if not lats:
        return pdk.ViewState(latitude=20.25, longitude=106.2, zoom=9)
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    lon_span = max(lon1 - lon0, 0.02)
    merc = math.log(math.tan(math.pi / 4 + math.radians(lat1) / 2)) - math.log(
        math.tan(math.pi / 4 + math.radians(lat0) / 2)
    )
    y_span = max(merc, 0.02 * math.pi / 180)
    zoom_x = math.log2(0.9 * MAP_WIDTH_GUESS * 360 / (512 * lon_span))
    zoom_y = math.log2(0.9 * MAP_HEIGHT * 2 * math.pi / (512 * y_span))
    zoom = max(7.5, min(13.5, zoom_x, zoom_y))
    return pdk.ViewState(
        latitude=(lat0 + lat1) / 2, longitude=(lon0 + lon1) / 2, zoom=zoom, pitch=0
    )


def _tint(hex_colour: str, strength: float = 0.16) -> list[int]:
    """A light tint of a palette colour, for the areas under the points."""
    r, g, b, _ = _rgb(hex_colour)
    return [round(255 - (255 - c) * strength) for c in (r, g, b)] + [255]


def _base_areas(ctx: shell.Context, shapes: boundaries.Boundaries, map_code: str):
    """The areas under the points: the districts for the province, else the communes of the
    district (or of the commune's district), tinted; with their label points."""
    areas = ctx.areas
    if map_code == PROVINCE_CODE:
        level, codes = "district", areas.loc[areas["area_level"] == "district", "area_code"]
    else:
        district = map_code if len(map_code) == 3 else _district_of(ctx, map_code)
        level = "commune"
        codes = areas.loc[
            (areas["area_level"] == "commune") & (areas["district_code"] == district),
            "area_code",
        ]
    features = []
    for i, feature in enumerate(shapes.subset(level, codes)["features"]):
        chosen = len(map_code) == 5 and feature["id"] == map_code
        colour = base.PALETTE[4] if chosen else base.PALETTE[i % (len(base.PALETTE) - 1)]
        tint = _tint(colour, 0.35 if chosen else 0.13 if level == "district" else 0.07)
        features.append({**feature, "properties": {**feature["properties"], "tint": tint}})
    labels = pd.DataFrame(
        [
            {"name": f["properties"]["name"], "longitude": p[0], "latitude": p[1]}
            for f in features
            if (p := shapes.points.get(f["id"])) is not None
        ],
        columns=["name", "longitude", "latitude"],
    )
    return level, {"type": "FeatureCollection", "features": features}, labels


def _district_of(ctx: shell.Context, commune: str) -> str:
    found = ctx.areas.loc[ctx.areas["area_code"] == commune, "district_code"]
    return str(found.iloc[0]) if len(found) else ""


def _map_scope(ctx: shell.Context) -> str:
    """The area the map shows: the chosen area; with a site picked, its district, so that
    the neighbouring sites stay in view."""
    state = ctx.state
    if state.site:
        fac = ctx.facilities[ctx.facilities["facility_id"] == state.site]
        return state.district or (str(fac["district_code"].iloc[0]) if len(fac) else PROVINCE_CODE)
    return state.commune or state.district or PROVINCE_CODE


def _deck(ctx: shell.Context, points: pd.DataFrame, status: str, map_code: str) -> pdk.Deck:
    shapes = boundaries.load(ctx.areas)
    level, areas, labels = _base_areas(ctx, shapes, map_code)
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id="areas",
            data=areas,
            filled=True,
            stroked=True,
            get_fill_color="properties.tint",
            get_line_color=[255, 255, 255, 255] if level == "district" else [190, 190, 200, 255],
            line_width_min_pixels=2 if level == "district" else 1,
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            id="labels",
            data=labels.to_dict("records"),
            get_position=["longitude", "latitude"],
            get_text="name",
            get_size=13 if map_code == PROVINCE_CODE else 11,
            get_color=[60, 60, 70, 255],
            get_pixel_offset=[0, -10],
            # The default atlas is ASCII only; Vietnamese names need their own letters.
            character_set=_literal("".join(sorted(set("".join(labels["name"].astype(str)))))),
            font_family=_literal(base.FONT),
            font_settings={"sdf": True},
            outline_width=3,
            outline_color=[255, 255, 255, 230],
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="sites",
            data=points.to_dict("records"),
            get_position=["longitude", "latitude"],
            get_radius="radius",
            radius_units=PIXELS,
            get_fill_color="colour",
            stroked=True,
            get_line_color=[255, 255, 255, 255],
            line_width_min_pixels=1,
            pickable=True,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 90],
        ),
    ]
    chosen = points[points["facility_id"] == (ctx.state.site or "")]
    if len(chosen):
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="chosen",
                data=chosen[["latitude", "longitude", "radius"]].to_dict("records"),
                get_position=["longitude", "latitude"],
                get_radius="radius",
                radius_units=PIXELS,
                filled=False,
                stroked=True,
                get_line_color=[0, 0, 0, 255],
                line_width_min_pixels=3,
                pickable=False,
            )
        )
    box = shapes.extent(f["id"] for f in areas["features"])
    if box is not None:
        view = _view([box[0], box[2]], [box[1], box[3]])
    else:
        view = _view(points["longitude"].tolist(), points["latitude"].tolist())
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        # No basemap at all (no tile server, no token): map_provider=None with the default
        # map_style; map_style=None would make Streamlit fetch its themed Carto style.
        map_provider=None,
        tooltip={
            "html": _tooltip_html(ctx, status),
            "style": {
                "backgroundColor": "white",
                "color": "#1f1f1f",
                "fontSize": "13px",
                "fontFamily": base.FONT,
                "border": "1px solid #c8c8c8",
                "borderRadius": "4px",
                "padding": "8px",
                "maxWidth": "320px",
            },
        },
    )


def _legend(ctx: shell.Context, df: pd.DataFrame, status: str, map_code: str) -> None:
    counts = df[f"{status}_status"].value_counts()
    chips = []
    for level in STATUS_ORDER:
        colour = base.STATUS_COLOURS[level]
        chips.append(
            "<div style='display:flex;align-items:center;gap:8px;margin:4px 0'>"
            f"<span style='display:inline-block;width:14px;height:14px;border-radius:50%;"
            f"background:{colour};flex:none'></span>"
            f"<span>{html.escape(_status_label(ctx, status, level))} "
            f"(<b>{fmt.number(int(counts.get(level, 0)), ctx.lang)}</b>)</span></div>"
        )
    st.markdown(f"**{ctx.t('sites_status_' + status)}**")
    st.markdown("".join(chips), unsafe_allow_html=True)
    metric = "days_of_stock" if status == "stock" else "deferral_rate"
    st.caption(f"{widgets.definition(ctx, metric)}")
    top = int(df["doses"].max()) if len(df) else 0
    st.caption(ctx.t("sites_legend_size", max=fmt.number(top, ctx.lang)))
    shapes = boundaries.load(ctx.areas)
    if shapes.is_approximate("district" if map_code == PROVINCE_CODE else "commune"):
        st.caption(ctx.t("sites_outline_note"))
    else:
        st.caption(ctx.t("sites_outline_file", name=Path(shapes.source or "").name))


def _formatted(df: pd.DataFrame, lang: str, numbers=(), percents=(), decimals=()):
    """A Styler showing Vietnamese number formats while the cells keep their values."""
    style = df.style
    for col in numbers:
        style = style.format(lambda v: fmt.number(v, lang), subset=[col], na_rep="—")
    for col in percents:
        style = style.format(lambda v: fmt.percent(v, lang), subset=[col], na_rep="—")
    for col in decimals:
        style = style.format(
            lambda v: "—" if pd.isna(v) or math.isinf(v) else fmt.number(v, lang, 1),
            subset=[col],
            na_rep="—",
        )
    return style


def _site_table(ctx: shell.Context, df: pd.DataFrame) -> pd.DataFrame:
    t = ctx.t
    return pd.DataFrame(
        {
            t("sites_col_name"): df["name"],
            t("sites_col_type"): [_type_name(ctx, x) for x in df["facility_type"]],
            t("sites_col_commune"): df["commune_name"],
            t("sites_col_district"): df["district_name"],
            t("sites_col_tables"): df["tables_count"],
            t("sites_col_person"): df["person_in_charge"],
            widgets.label(ctx, "checked_in"): df["checked_in"],
            widgets.label(ctx, "screened"): df["screened"],
            widgets.label(ctx, "doses"): df["doses"],
            widgets.label(ctx, "deferrals"): df["deferrals"],
            widgets.label(ctx, "deferral_rate"): df["deferral_rate"],
            widgets.label(ctx, "on_hand"): df["on_hand"].astype(float),
            widgets.label(ctx, "days_of_stock"): df["days_of_stock"],
        }
    )


def _show_site_table(ctx: shell.Context, df: pd.DataFrame, key: str) -> None:
    table = _site_table(ctx, df)
    lab = partial(widgets.label, ctx)
    st.dataframe(
        _formatted(
            table,
            ctx.lang,
            numbers=[
                ctx.t("sites_col_tables"), lab("checked_in"), lab("screened"), lab("doses"),
                lab("deferrals"), lab("on_hand"),
            ],
            percents=[lab("deferral_rate")],
            decimals=[lab("days_of_stock")],
        ),
        hide_index=True,
        width="stretch",
        key=key,
    )  # fmt: skip


def _off_map(ctx: shell.Context, df: pd.DataFrame) -> None:
    off = df[~_placeable(df)]
    if off.empty:
        return
    st.warning(
        ctx.t("sites_off_map_title", n=fmt.number(len(off), ctx.lang)),
        icon=":material/location_off:",
    )
    t = ctx.t

    def coords(lat, lon) -> str:
        if pd.isna(lat) or pd.isna(lon):
            return "—"
        return f"{fmt.number(lat, ctx.lang, 5)}; {fmt.number(lon, ctx.lang, 5)}"

    table = pd.DataFrame(
        {
            t("sites_col_name"): off["name"],
            t("sites_col_commune"): off["commune_name"],
            t("sites_col_district"): off["district_name"],
            t("sites_col_reason"): [
                t(f"sites_reason_{s}")
                if s in ("missing", "outside_province")
                else t("sites_reason_missing")
                if s == "ok"  # marked ok, yet without a point
                else _text(s)
                for s in off["coordinate_status"]
            ],
            t("sites_col_coordinates"): [
                coords(a, b) for a, b in zip(off["latitude"], off["longitude"], strict=True)
            ],
            widgets.label(ctx, "doses"): off["doses"],
            widgets.label(ctx, "deferral_rate"): off["deferral_rate"],
        }
    )
    st.dataframe(
        _formatted(
            table,
            ctx.lang,
            numbers=[widgets.label(ctx, "doses")],
            percents=[widgets.label(ctx, "deferral_rate")],
        ),
        hide_index=True,
        width="stretch",
        key="sites_off_map_table",
    )


def _detail(ctx: shell.Context) -> None:
    site = ctx.read(sites_q.site_status)
    if site.empty:
        widgets.no_data(ctx)
        return
    row = site.iloc[0]
    prev = ctx.read(sites_q.site_status, period=ctx.previous)
    before = prev.iloc[0] if len(prev) else None
    st.divider()
    head, button = st.columns([5, 1], vertical_alignment="bottom")
    head.subheader(f"{ctx.t('sites_detail')}: {row['name']}")
    if button.button(ctx.t("sites_clear"), icon=":material/close:", key="sites_clear"):
        _go(drill_up(ctx.state))
        st.rerun()
    person = _person(row["person_in_charge"], row["person_in_charge_title"]) or "—"
    st.caption(
        " · ".join(
            [
                _type_name(ctx, row["facility_type"]),
                _text(row["address"])
                or ", ".join(x for x in (_text(row["commune_name"]), _text(row["district_name"]))),
                f"{ctx.t('sites_col_tables')}: {fmt.number(row['tables_count'], ctx.lang)}",
                f"{ctx.t('sites_vaccinators')}: {fmt.number(row['vaccinators_count'], ctx.lang)}",
                f"{ctx.t('sites_emergency')}: {fmt.number(row['emergency_staff_count'], ctx.lang)}",
                f"{ctx.t('sites_col_person')}: {person}",
            ]
        )
    )
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(
            ctx, "doses", int(row["doses"]), None if before is None else int(before["doses"])
        )
    with cols[1]:
        widgets.kpi(
            ctx,
            "deferral_rate",
            _num(row["deferral_rate"]),
            None if before is None else _num(before["deferral_rate"]),
            kind="percent",
            inverse=True,
        )
    with cols[2]:
        widgets.kpi(ctx, "on_hand", _num(row["on_hand"]))
    with cols[3]:
        st.metric(
            widgets.label(ctx, "days_of_stock"),
            _days_text(ctx, row["days_of_stock"]),
            help=widgets.definition(ctx, "days_of_stock"),
            border=True,
        )
    # Without the Screening page in the navigation there is nothing to link to.
    with contextlib.suppress(StreamlitAPIException):
        st.page_link(
            "app_pages/screening.py",
            label=ctx.t("sites_to_screening"),
            icon=":material/stethoscope:",
            query_params=ctx.params(),
        )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('sites_daily')}**")
        _daily_chart(ctx)
    with right:
        st.markdown(f"**{ctx.t('sites_funnel')}**")
        _funnel_chart(ctx)


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _daily_chart(ctx: shell.Context) -> None:
    daily = ctx.read(sites_q.site_daily)
    fig = go.Figure()
    for i, measure in enumerate(("checked_in", "screened", "doses")):
        fig.add_trace(
            go.Bar(
                x=daily["date"],
                y=daily[measure],
                name=widgets.label(ctx, measure),
                marker_color=base.PALETTE[i],
                hovertemplate="%{y:,}",
            )
        )
    fig.update_layout(hovermode="x unified", barmode="group", bargap=0.25)
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    base.date_axis(base.style(fig, ctx.lang, height=340))
    if len(daily) <= 16:  # a week or two: every day, without the year
        fig.update_xaxes(dtick=86400000.0, tickformat="%d/%m")
    table = pd.DataFrame(
        {
            ctx.t("sites_date"): [fmt.day(d) for d in daily["date"]],
            **{widgets.label(ctx, m): daily[m] for m in ("checked_in", "screened", "doses")},
        }
    )
    widgets.chart(
        ctx, fig, table, key="sites_daily_chart", metrics=("checked_in", "screened", "doses")
    )


def _funnel_chart(ctx: shell.Context) -> None:
    funnel = ctx.read(sites_q.site_funnel)
    labels = [ctx.t(f"sites_step_{s}") for s in funnel["step"]]
    text = [
        f"{fmt.number(c, ctx.lang)} ({fmt.percent(s, ctx.lang)})"
        for c, s in zip(funnel["count"], funnel["share"], strict=True)
    ]
    fig = go.Figure(
        go.Funnel(
            y=labels,
            x=funnel["count"],
            text=text,
            textinfo="text",
            textposition="inside",
            textfont={"color": ["white", "#1f1f1f", "white", "#1f1f1f"], "size": 15},
            marker={"color": base.PALETTE[:4]},
            hoverinfo="skip",
            connector={"fillcolor": "#eef0f4"},
        )
    )
    base.style(fig, ctx.lang, height=340)
    fig.update_layout(showlegend=False)
    table = pd.DataFrame(
        {
            ctx.t("sites_step"): labels,
            ctx.t("sites_count"): funnel["count"],
            ctx.t("sites_share"): [fmt.percent(s, ctx.lang) for s in funnel["share"]],
        }
    )
    widgets.chart(
        ctx,
        fig,
        table,
        key="sites_funnel_chart",
        metrics=("checked_in", "screened", "doses", "observed"),
    )


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_sites")
    map_code = _map_scope(ctx)
    sites = ctx.read(sites_q.site_status, scope=ctx.scope_for(map_code))
    if sites.empty:
        st.info(ctx.t("sites_no_sites"))
        return
    controls = st.columns([2, 3])
    with controls[0]:
        status = _pick_status(ctx)
    with controls[1]:
        _pick_site(ctx, sites)
    on_map = sites[_placeable(sites)]
    off_map = sites[~_placeable(sites)]
    alerts = int((sites[f"{status}_status"] == "alert").sum())
    cols = st.columns(3)
    cols[0].metric(
        ctx.t("sites_on_map"),
        fmt.number(len(on_map), ctx.lang),
        help=ctx.t("sites_on_map_help"),
        border=True,
    )
    cols[1].metric(
        ctx.t("sites_alert_count"),
        fmt.number(alerts, ctx.lang),
        help=ctx.t("sites_alert_count_help"),
        border=True,
    )
    cols[2].metric(
        ctx.t("sites_off_map"),
        fmt.number(len(off_map), ctx.lang),
        help=ctx.t("sites_off_map_help"),
        border=True,
    )
    if int(sites["checked_in"].sum()) == 0:
        st.info(ctx.t("sites_no_sessions"))
    # Smaller points for the whole province (some 250 sites) than for a district.
    points = _tooltip_rows(ctx, on_map, status, 11 if map_code == PROVINCE_CODE else 20)
    left, right = st.columns([4, 1])
    with left:
        key = f"sites_map_{map_code}_{ctx.state.site or ''}"
        st.pydeck_chart(
            _deck(ctx, points, status, map_code),
            height=MAP_HEIGHT,
            on_select=partial(_on_map_select, ctx, key),
            selection_mode="single-object",
            key=key,
            alt=ctx.t("sites_map_alt", status=ctx.t(f"sites_status_{status}").lower()),
        )
    with right:
        _legend(ctx, on_map, status, map_code)
    _off_map(ctx, sites)
    # Built only when opened: formatting some 250 rows costs more than the rest of the page.
    table = st.expander(ctx.t("sites_table"), key="sites_table_open", on_change="rerun")
    if table.open:
        with table:
            _show_site_table(ctx, sites, "sites_table")
    if ctx.state.site:
        _detail(ctx)


ctx = shell.context()
if ctx is not None:
    render(ctx)
