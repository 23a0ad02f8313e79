"""Vaccine and stock ("Vắc xin & tồn kho"): the ledger flows of the stores serving the scope,
on hand, days of stock, stock-out days and wastage by reason; the flow of doses down the store
hierarchy; the gaps between the ledger, the sites' declarations and the visits; plans against
doses administered."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard import i18n, shell, widgets
from dashboard.figures import base
from queries import stock as stock_q
from queries.stock import FLOW_RANK

i18n.register(
    {
        "stock_plan_chart": {
            "vi": "Kế hoạch và số mũi đã tiêm theo ngày",
            "en": "Planned and administered doses by day",
        },
        "stock_waste_chart": {"vi": "Vắc xin hủy theo lý do", "en": "Doses wasted by reason"},
        "stock_flow_chart": {
            "vi": "Luồng vắc xin từ kho tỉnh xuống huyện và điểm tiêm",
            "en": "Flow of doses from the province store to districts and sites",
        },
        "stock_flow_note": {
            "vi": "Mỗi luồng là số liều kho nhận đã nhập trong kỳ từ đúng kho gửi (phiếu nhận "
            "điều chuyển); liều đã xuất nhưng chưa nhận chưa được tính.",
            "en": "Each link is the doses a store booked in over the period from its actual "
            "sender (transfers in); doses sent and not yet received are not counted.",
        },
        "stock_flow_grouped": {
            "vi": "Kho các điểm tiêm được gộp theo huyện; chọn một huyện để xem từng điểm tiêm.",
            "en": "Site stores are grouped by district; choose a district to see each site.",
        },
        "stock_flow_not_drawn": {
            "vi": "Luồng trả ngược lên tuyến trên hoặc giữa hai kho cùng tuyến không vẽ trên "
            "biểu đồ, chỉ có trong bảng số liệu.",
            "en": "Returns to a higher store and transfers between stores of one level are not "
            "drawn; they are in the table.",
        },
        "stock_unknown_sender": {"vi": "Không rõ kho gửi", "en": "Sender not recorded"},
        "stock_sites_n": {"vi": "{n} điểm tiêm", "en": "{n} sites"},
        "stock_column_national": {"vi": "Tuyến trên", "en": "National level"},
        "stock_column_districts": {"vi": "Huyện", "en": "Districts"},
        "stock_column_sites": {"vi": "Điểm tiêm", "en": "Sites"},
        "stock_to_district": {"vi": "Huyện của kho nhận", "en": "Receiver's district"},
        "stock_by_store": {
            "vi": "Theo kho và vắc xin (cuối kỳ)",
            "en": "By store and vaccine (at the end of the period)",
        },
        "stock_gaps": {
            "vi": "Chênh lệch theo điểm tiêm (lớn nhất trước)",
            "en": "Gaps by site (largest first)",
        },
        "stock_gaps_none": {
            "vi": "Không có chênh lệch nào trong kỳ.",
            "en": "No gap in the period.",
        },
        "stock_lots": {"vi": "Lô vắc xin sắp hết hạn", "en": "Lots near expiry"},
        "stock_lots_none": {
            "vi": "Không có lô nào còn tồn với hạn dùng trong vòng 30 ngày kể từ cuối kỳ.",
            "en": "No lot on hand expires within 30 days of the period end.",
        },
        "stock_lot": {"vi": "Số lô", "en": "Lot"},
        "stock_sites_hint": {
            "vi": "Toàn tỉnh: kho tỉnh và kho các huyện. Chọn một huyện để xem kho của từng "
            "điểm tiêm.",
            "en": "Whole province: the province and district stores. Choose a district to see "
            "each site's store.",
        },
        "stock_expiry": {"vi": "Hạn dùng", "en": "Expiry date"},
        "stock_days_left": {"vi": "Còn (ngày)", "en": "Days left"},
        "stock_outside": {"vi": "Nhập từ tuyến trên", "en": "From the national level"},
        "stock_province_store": {"vi": "Kho tỉnh", "en": "Province store"},
        "stock_from": {"vi": "Từ", "en": "From"},
        "stock_to": {"vi": "Đến", "en": "To"},
        "stock_doses": {"vi": "Số liều", "en": "Doses"},
        "stock_day": {"vi": "Ngày", "en": "Day"},
        "stock_store": {"vi": "Kho", "en": "Store"},
        "stock_level": {"vi": "Tuyến", "en": "Level"},
        "stock_level_province": {"vi": "Tỉnh", "en": "Province"},
        "stock_level_district": {"vi": "Huyện", "en": "District"},
        "stock_level_facility": {"vi": "Điểm tiêm", "en": "Site"},
        "stock_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
        "stock_site": {"vi": "Điểm tiêm", "en": "Site"},
        "stock_district": {"vi": "Huyện, Thành phố", "en": "District"},
        "stock_reason": {"vi": "Lý do", "en": "Reason"},
        "stock_reason_expired": {"vi": "Hết hạn sử dụng", "en": "Expired"},
        "stock_reason_broken": {"vi": "Vỡ, hỏng", "en": "Broken"},
        "stock_reason_opened_vial_expired": {
            "vi": "Lọ đã mở quá thời gian",
            "en": "Opened vial expired",
        },
        "stock_reason_cold_chain": {"vi": "Sự cố dây chuyền lạnh", "en": "Cold-chain failure"},
        "stock_reason_none": {"vi": "Không ghi lý do", "en": "No reason recorded"},
        "stock_plan_line": {"vi": "Kế hoạch", "en": "Plan"},
        "stock_visits_line": {"vi": "Mũi tiêm (lượt tiêm)", "en": "Doses (visits)"},
        "stock_ledger_line": {"vi": "Sử dụng (sổ kho)", "en": "Administered (ledger)"},
    }
)


def _formatted(df: pd.DataFrame, lang: str, numbers=()):
    style = df.style
    if numbers:
        style = style.format(lambda v: fmt.number(v, lang), subset=list(numbers), na_rep="—")
    return style


def _text(values: pd.Series, ctx: shell.Context, show) -> list[str]:
    """Values shown as text in the interface language, a dash where there is none."""
    return ["—" if pd.isna(v) else show(v, ctx.lang) for v in values]


def _as_text(ctx: shell.Context, table: pd.DataFrame, numbers=(), aligned=()):
    """The table with the `numbers` columns written as the interface writes them, and a column
    set-up right-aligning them and the `aligned` ones (already text). The long tables of this
    page are drawn this way: plain text costs milliseconds where a styled table of hundreds of
    rows costs a tenth of a second on every rerun (the price: a click on the header of such a
    column sorts it as text)."""
    out = table.copy()
    for column in numbers:
        out[column] = _text(out[column], ctx, fmt.number)
    right = st.column_config.TextColumn(alignment="right")
    return out, {column: right for column in (*numbers, *aligned)}


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _reason(ctx: shell.Context, code: str) -> str:
    if not code:
        return ctx.t("stock_reason_none")
    key = f"stock_reason_{code}"
    # A reason outside the known list is shown as recorded rather than hidden.
    return ctx.t(key) if key in i18n.TEXTS else str(code)


def _kpis(ctx: shell.Context, now: pd.Series, before: pd.Series) -> None:
    cols = st.columns(4)
    for col, metric in zip(cols, ("received", "issued_out", "administered", "wasted"), strict=True):
        with col:
            widgets.kpi(
                ctx, metric, int(now[metric]), int(before[metric]), inverse=metric == "wasted"
            )
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(
            ctx,
            "wastage_rate",
            _num(now["wastage_rate"]),
            _num(before["wastage_rate"]),
            kind="percent",
            inverse=True,
        )
    with cols[1]:
        widgets.kpi(ctx, "on_hand", int(now["on_hand"]), int(before["on_hand"]))
    with cols[2]:
        days = _num(now["days_of_stock"])
        st.metric(
            widgets.label(ctx, "days_of_stock"),
            fmt.number(days, ctx.lang, 1),
            help=widgets.definition(ctx, "days_of_stock"),
            border=True,
        )
    with cols[3]:
        widgets.kpi(
            ctx,
            "stockout_days",
            int(now["stockout_days"]),
            int(before["stockout_days"]),
            inverse=True,
        )


def _plan_chart(ctx: shell.Context, daily: pd.DataFrame, now: pd.Series) -> None:
    st.markdown(f"**{ctx.t('stock_plan_chart')}**")
    if int(daily[["planned_doses", "doses", "administered"]].to_numpy().sum()) == 0:
        widgets.no_data(ctx)
        return
    planned, doses = int(now["planned_doses"]), int(now["doses"])
    achieved = doses / planned if planned else None
    st.caption(
        f"{widgets.label(ctx, 'planned_doses')}: {fmt.number(planned, ctx.lang)} · "
        f"{widgets.label(ctx, 'doses')}: {fmt.number(doses, ctx.lang)} · "
        f"{widgets.label(ctx, 'plan_achievement')}: {fmt.percent(achieved, ctx.lang)}"
    )
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=daily["date"],
            y=daily["planned_doses"],
            name=ctx.t("stock_plan_line"),
            marker_color=base.PALETTE[4],
            hovertemplate="%{y:,}<extra>%{fullData.name}</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=daily["date"],
            y=daily["doses"],
            name=ctx.t("stock_visits_line"),
            mode="lines+markers",
            line={"color": base.PALETTE[0], "width": 3},
            hovertemplate="%{y:,}<extra>%{fullData.name}</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=daily["date"],
            y=daily["administered"],
            name=ctx.t("stock_ledger_line"),
            mode="lines+markers",
            line={"color": base.PALETTE[1], "width": 2, "dash": "dash"},
            marker={"symbol": "diamond"},
            hovertemplate="%{y:,}<extra>%{fullData.name}</extra>",
        )
    )
    fig.update_layout(hovermode="x unified")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    base.date_axis(fig)
    fig.update_xaxes(tickformat="%d/%m")
    base.style(fig, ctx.lang, height=360)
    table = pd.DataFrame(
        {
            ctx.t("stock_day"): [fmt.day(d) for d in daily["date"]],
            widgets.label(ctx, "planned_doses"): daily["planned_doses"],
            widgets.label(ctx, "doses"): daily["doses"],
            widgets.label(ctx, "administered"): daily["administered"],
        }
    )
    widgets.chart(
        ctx,
        fig,
        _formatted(table, ctx.lang, numbers=list(table.columns[1:])),
        key="stock_plan_chart",
        metrics=("planned_doses", "plan_achievement"),
    )


def _waste_chart(ctx: shell.Context, waste: pd.DataFrame, vaccines: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('stock_waste_chart')}**")
    if waste.empty:
        widgets.no_data(ctx)
        return
    df = waste.assign(
        reason=[_reason(ctx, c) for c in waste["waste_reason"]],
        vaccine=[vaccines.get(c, c) for c in waste["vaccine_code"]],
    )
    order = df.groupby("reason")["doses"].sum().sort_values(ascending=False).index.tolist()
    fig = go.Figure()
    for i, (vaccine, part) in enumerate(df.groupby("vaccine", sort=True)):
        part = part.groupby("reason")["doses"].sum().reindex(order)
        fig.add_trace(
            go.Bar(
                y=order,
                x=part.fillna(0),
                orientation="h",
                name=vaccine,
                marker_color=base.PALETTE[i % len(base.PALETTE)],
                hovertemplate="%{y}: %{x:,}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat=",d", title=ctx.t("stock_doses"))
    base.style(fig, ctx.lang, height=max(300, 40 * len(order) + 140))
    table = pd.DataFrame(
        {
            ctx.t("stock_reason"): df["reason"],
            ctx.t("stock_vaccine"): df["vaccine"],
            widgets.label(ctx, "wasted"): df["doses"],
        }
    )
    widgets.chart(
        ctx,
        fig,
        _formatted(table, ctx.lang, numbers=[widgets.label(ctx, "wasted")]),
        key="stock_waste_chart",
        metrics=("wasted", "wastage_rate"),
    )


def _node_labels(ctx: shell.Context, drawn: pd.DataFrame, pairs: pd.DataFrame) -> dict:
    """Short node labels, so that the columns do not run into each other: the province store
    as such, a district store by its district, a district's site stores by their number, a
    single site store by its name (every full name is in the table)."""
    sides = []
    for side in ("from", "to"):
        columns = [f"{side}_{c}" for c in ("store_id", "level", "district_code", "district_name")]
        sides.append(pairs[columns].set_axis(["store", "level", "code", "district"], axis=1))
    ends = pd.concat(sides).drop_duplicates("store")
    district_of = dict(zip(ends["store"], ends["district"], strict=True))
    sites = ends[ends["level"] == "facility"].groupby("code")["store"].nunique()
    labels: dict[str, str] = {}
    for side in ("source", "target"):
        for node, name, level in zip(
            drawn[side], drawn[f"{side}_name"], drawn[f"{side}_level"], strict=True
        ):
            if node in labels:
                continue
            if level == "national":
                labels[node] = ctx.t("stock_outside")
            elif level == "unknown":
                labels[node] = ctx.t("stock_unknown_sender")
            elif level == "province":
                labels[node] = ctx.t("stock_province_store")
            elif level == "district":
                district = district_of.get(node[2:])
                labels[node] = district if isinstance(district, str) else name
            elif level == "sites":
                labels[node] = ctx.t("stock_sites_n", n=int(sites.get(node[2:], 0)))
            else:
                labels[node] = name or node[2:]
    return labels


def _flow_chart(
    ctx: shell.Context, flow: pd.DataFrame, pairs: pd.DataFrame, vaccines: dict[str, str]
) -> None:
    st.markdown(f"**{ctx.t('stock_flow_chart')}**")
    if flow.empty:
        widgets.no_data(ctx)
        return
    rank = flow["target_level"].map(FLOW_RANK) > flow["source_level"].map(FLOW_RANK)
    drawn = flow[rank]
    labels = _node_labels(ctx, drawn, pairs)
    nodes = list(labels)
    levels = dict(zip(drawn["source"], drawn["source_level"], strict=True))
    levels.update(zip(drawn["target"], drawn["target_level"], strict=True))
    index = {code: i for i, code in enumerate(nodes)}
    colour = {
        "national": base.PALETTE[7],
        "unknown": "#999999",
        "province": base.PALETTE[0],
        "district": base.PALETTE[1],
    }
    node_colours = [colour.get(levels[c], base.PALETTE[2]) for c in nodes]
    # One column per level, spread over the width, with the level named above it.
    columns = sorted({FLOW_RANK[levels[c]] for c in nodes})
    place = {r: i / max(len(columns) - 1, 1) for i, r in enumerate(columns)}
    node_x = [min(max(place[FLOW_RANK[levels[c]]], 0.001), 0.999) for c in nodes]
    headers = {0: "stock_column_national", 1: "stock_level_province", 2: "stock_column_districts"}
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",d",
            textfont={"color": "#1a1a1a", "size": 13, "shadow": "none"},
            node={
                "label": [labels[c] for c in nodes],
                "color": node_colours,
                "x": node_x,
                "y": [None] * len(nodes),
                "pad": 8,
                "thickness": 16,
                "line": {"width": 0},
                "hovertemplate": "%{label}: %{value:,}<extra></extra>",
            },
            link={
                "source": [index[s] for s in drawn["source"]],
                "target": [index[t] for t in drawn["target"]],
                "value": drawn["doses"].tolist(),
                "color": "rgba(0,114,178,0.25)",
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,}<extra></extra>",
            },
        )
    )
    # A plain int: Streamlit takes the figure's height only from a Python number.
    per_column = int(pd.Series([levels[c] for c in nodes]).value_counts().max())
    base.style(fig, ctx.lang, height=max(360, 28 * per_column + 110))
    fig.update_layout(margin={"t": 36})
    for rank_, x in place.items():
        fig.add_annotation(
            text=f"<b>{ctx.t(headers.get(rank_, 'stock_column_sites'))}</b>",
            x=x,
            y=1.0,
            xref="paper",
            yref="paper",
            xanchor="left" if x < 0.5 else ("right" if x > 0.5 else "center"),
            yanchor="bottom",
            showarrow=False,
            font={"size": 13, "color": "#555555"},
        )
    notes = [ctx.t("stock_flow_note")]
    if (flow["target_level"] == "sites").any():
        notes.append(ctx.t("stock_flow_grouped"))
    if len(drawn) < len(flow):
        notes.append(ctx.t("stock_flow_not_drawn"))
    st.caption(" ".join(notes))
    table = pd.DataFrame(
        {
            ctx.t("stock_from"): [
                ctx.t("stock_outside")
                if k == "receipt"
                else (n if isinstance(n, str) else (i or ctx.t("stock_unknown_sender")))
                for k, n, i in zip(
                    pairs["kind"], pairs["from_name"], pairs["from_store_id"], strict=True
                )
            ],
            ctx.t("stock_to"): pairs["to_name"].fillna(pairs["to_store_id"]),
            ctx.t("stock_to_district"): pairs["to_district_name"].fillna("—"),
            ctx.t("stock_vaccine"): [vaccines.get(c, c) for c in pairs["vaccine_code"]],
            widgets.label(ctx, "received"): pairs["doses"],
        }
    )
    table, config = _as_text(ctx, table, numbers=[widgets.label(ctx, "received")])
    widgets.chart(
        ctx, fig, table, key="stock_flow_chart", metrics=("dose_flow",), column_config=config
    )


def _store_table(ctx: shell.Context, stores: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('stock_by_store')}**")
    if stores.empty:
        widgets.no_data(ctx)
        return
    if ctx.state.district is None and (stores["level"] == "facility").any():
        # Hundreds of site stores would bury the province and district stores: sites show
        # from a district down, and their gaps are listed below.
        st.caption(ctx.t("stock_sites_hint"))
        stores = stores[stores["level"] != "facility"]
    lab = widgets.label
    table = pd.DataFrame(
        {
            ctx.t("stock_store"): stores["name"].fillna(stores["store_id"]),
            ctx.t("stock_level"): [ctx.t(f"stock_level_{v}") for v in stores["level"]],
            ctx.t("stock_vaccine"): stores["vaccine_name"].fillna(stores["vaccine_code"]),
            **{lab(ctx, m): stores[m] for m in ("received", "issued_out", "administered")},
            lab(ctx, "wasted"): stores["wasted"],
            lab(ctx, "on_hand"): stores["on_hand"],
            # Blank cells (no declaration, nothing used) as a dash, not "None".
            lab(ctx, "declared_remaining"): _text(stores["declared_remaining"], ctx, fmt.number),
            lab(ctx, "days_of_stock"): _text(
                stores["days_of_stock"], ctx, lambda v, lang: fmt.number(v, lang, 1)
            ),
            lab(ctx, "wastage_rate"): _text(stores["wastage_rate"], ctx, fmt.percent),
        }
    )
    numbers = [lab(ctx, m) for m in ("received", "issued_out", "administered", "wasted", "on_hand")]
    aligned = [lab(ctx, m) for m in ("declared_remaining", "days_of_stock", "wastage_rate")]
    table, config = _as_text(ctx, table, numbers, aligned)
    st.caption(
        " · ".join(
            f"**{lab(ctx, m)}**: {widgets.definition(ctx, m)}" for m in ("on_hand", "days_of_stock")
        )
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(420, 36 * len(table) + 40),
        key="stock_by_store_table",
        column_config=config,
    )


def _gaps_table(ctx: shell.Context, gaps: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('stock_gaps')}**")
    st.caption(
        " · ".join(
            f"**{widgets.label(ctx, m)}**: {widgets.definition(ctx, m)}"
            for m in ("stock_discrepancy", "administered_gap")
        )
    )
    if gaps.empty:
        st.info(ctx.t("stock_gaps_none"))
        return
    lab = widgets.label
    table = pd.DataFrame(
        {
            ctx.t("stock_site"): gaps["name"].fillna(gaps["facility_id"]),
            ctx.t("stock_district"): gaps["district_name"],
            lab(ctx, "declared_remaining"): _text(gaps["declared_remaining"], ctx, fmt.number),
            lab(ctx, "on_hand"): _text(gaps["on_hand"], ctx, fmt.number),
            lab(ctx, "stock_discrepancy"): _text(gaps["stock_discrepancy"], ctx, fmt.signed),
            lab(ctx, "administered"): gaps["administered"],
            lab(ctx, "doses"): gaps["doses"],
            lab(ctx, "administered_gap"): gaps["administered_gap"],
        }
    )
    table, config = _as_text(ctx, table, list(table.columns[5:]), list(table.columns[2:5]))
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(420, 36 * len(table) + 40),
        key="stock_gaps_table",
        column_config=config,
    )


def render(ctx: shell.Context) -> None:
    shell.header(ctx, "page_stock")
    now = ctx.read(stock_q.totals).iloc[0]
    before = ctx.read(stock_q.totals, period=ctx.previous).iloc[0]
    _kpis(ctx, now, before)
    stores = ctx.read(stock_q.by_store)
    daily = ctx.read(stock_q.daily)
    moved = int(now[["received", "issued_out", "administered", "wasted"]].abs().sum())
    if stores.empty and moved == 0 and int(daily["doses"].sum()) == 0:
        widgets.no_data(ctx)
        return
    vaccines = dict(zip(stores["vaccine_code"], stores["vaccine_name"].fillna(""), strict=True))
    vaccines = {k: v or k for k, v in vaccines.items()}
    left, right = st.columns(2)
    with left:
        _plan_chart(ctx, daily, now)
    with right:
        _waste_chart(ctx, ctx.read(stock_q.waste_by_reason), vaccines)
    if not ctx.state.site:
        _flow_chart(ctx, ctx.read(stock_q.flow), ctx.read(stock_q.transfers), vaccines)
    _store_table(ctx, stores)
    _gaps_table(ctx, ctx.read(stock_q.gaps))
    _lots_table(ctx, ctx.read(stock_q.lots_near_expiry), vaccines)


def _lots_table(ctx: shell.Context, lots: pd.DataFrame, vaccines: dict[str, str]) -> None:
    st.markdown(f"**{ctx.t('stock_lots')}**")
    st.caption(
        f"**{widgets.label(ctx, 'lots_near_expiry')}**: "
        f"{widgets.definition(ctx, 'lots_near_expiry')}"
    )
    if lots.empty:
        st.info(ctx.t("stock_lots_none"))
        return
    table = pd.DataFrame(
        {
            ctx.t("stock_store"): lots["store_name"].fillna(lots["store_id"]),
            ctx.t("stock_level"): [ctx.t(f"stock_level_{v}") for v in lots["level"]],
            ctx.t("stock_vaccine"): [vaccines.get(c, c) for c in lots["vaccine_code"]],
            ctx.t("stock_lot"): lots["lot_number"].fillna("—"),
            ctx.t("stock_expiry"): [fmt.day(d) for d in lots["expiry_date"]],
            ctx.t("stock_days_left"): lots["days_left"],
            widgets.label(ctx, "on_hand"): lots["on_hand"],
        }
    )
    numbers = [ctx.t("stock_days_left"), widgets.label(ctx, "on_hand")]
    table, config = _as_text(ctx, table, numbers)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(420, 36 * len(table) + 40),
        key="stock_lots_table",
        column_config=config,
    )


ctx = shell.context()
if ctx is not None:
    render(ctx)
