"""Data quality ("Chất lượng dữ liệu"): ETL runs and data as of, rejected rows by reason with the
rows themselves (no personal data), sites late on a planned day (no visit, no stock report or
both), sites with bad coordinates, and doses in visits reconciled with doses declared in stock
reports, by district."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import format as fmt
from dashboard import i18n, shell, widgets
from dashboard.figures import base
from queries import quality as quality_q

i18n.register(
    {
        "quality_runs": {"vi": "Các lần nạp dữ liệu (ETL)", "en": "Data loads (ETL runs)"},
        "quality_last_run_line": {
            "vi": "Lần nạp gần nhất (số {run}): {status}, kết thúc lúc {finished}, chạy trong "
            "{seconds} giây.",
            "en": "Last load (run {run}): {status}, finished {finished}, took {seconds} seconds.",
        },
        "quality_kpi_rejected": {"vi": "Bản ghi bị loại", "en": "Rejected rows"},
        "quality_kpi_late": {"vi": "Điểm tiêm chưa báo cáo", "en": "Sites not reporting"},
        "quality_kpi_coords": {"vi": "Điểm tiêm sai tọa độ", "en": "Bad coordinates"},
        "quality_kpi_gap": {"vi": "Lệch báo cáo kho", "en": "Stock reports vs visits"},
        "quality_status_success": {"vi": "Thành công", "en": "Succeeded"},
        "quality_status_failed": {"vi": "Lỗi", "en": "Failed"},
        "quality_status_running": {"vi": "Đang chạy", "en": "Running"},
        "quality_col_run": {"vi": "Lần nạp", "en": "Run"},
        "quality_col_started": {"vi": "Bắt đầu", "en": "Started"},
        "quality_col_finished": {"vi": "Kết thúc", "en": "Finished"},
        "quality_col_status": {"vi": "Trạng thái", "en": "Status"},
        "quality_col_high_water": {"vi": "Dữ liệu cập nhật đến", "en": "Data as of"},
        "quality_col_seconds": {"vi": "Thời gian chạy (giây)", "en": "Duration (seconds)"},
        "quality_col_extracted": {"vi": "Bản ghi đọc vào", "en": "Rows in"},
        "quality_col_loaded": {"vi": "Bản ghi đã nạp", "en": "Rows loaded"},
        "quality_col_rejected": {"vi": "Bản ghi bị loại", "en": "Rows rejected"},
        "quality_col_error": {"vi": "Lỗi", "en": "Error"},
        "quality_no_runs": {
            "vi": "Chưa có lần nạp dữ liệu nào được ghi nhận.",
            "en": "No data load has been recorded yet.",
        },
        "quality_rejects": {"vi": "Bản ghi bị loại theo lý do", "en": "Rejected rows by reason"},
        "quality_rejects_note": {
            "vi": "Áp dụng cho toàn bộ kho dữ liệu (không lọc theo địa bàn, thời gian): bản ghi "
            "bị loại thường thiếu hoặc sai chính mã địa bàn, điểm tiêm. Không hiển thị dữ liệu "
            "cá nhân; mã định danh người tiêm (đã mã hóa) được ẩn.",
            "en": "For the whole warehouse (not filtered by area or period): rejected rows often "
            "lack the very area or site code. No personal data is shown; the pseudonymous "
            "person keys are hidden.",
        },
        "quality_no_rejects": {
            "vi": "Không có bản ghi nào bị loại.",
            "en": "No row has been rejected.",
        },
        "quality_col_table": {"vi": "Bảng nguồn", "en": "Source table"},
        "quality_col_kind": {"vi": "Lý do", "en": "Reason"},
        "quality_col_open": {"vi": "Chưa xử lý", "en": "Open"},
        "quality_col_resolved": {"vi": "Đã nạp lại", "en": "Resolved"},
        "quality_col_value": {"vi": "Giá trị sai", "en": "Offending value"},
        "quality_col_pk": {"vi": "Mã bản ghi", "en": "Record id"},
        "quality_col_first_run": {"vi": "Lần nạp phát hiện", "en": "First seen in run"},
        "quality_col_last_run": {"vi": "Lần nạp gần nhất", "en": "Last seen in run"},
        "quality_pick_table": {"vi": "Xem bản ghi bị loại của bảng", "en": "Rejected rows of"},
        "quality_rows_capped": {
            "vi": "Hiển thị {shown} trên tổng số {total} bản ghi.",
            "en": "Showing {shown} of {total} rows.",
        },
        "quality_late": {
            "vi": "Điểm tiêm có kế hoạch nhưng chưa gửi lượt tiêm hoặc báo cáo kho",
            "en": "Sites with a plan that sent no visits or no stock report",
        },
        "quality_no_late": {
            "vi": "Mọi điểm tiêm có kế hoạch trong kỳ đều đã có lượt tiếp đón và báo cáo kho.",
            "en": "Every site with a plan in the period had visits and a stock report.",
        },
        "quality_late_counts": {
            "vi": "{visits} ngày không có lượt tiêm · {stock} ngày không có báo cáo kho · "
            "{both} ngày thiếu cả hai",
            "en": "{visits} days without visits · {stock} without a stock report · "
            "{both} without either",
        },
        "quality_col_missing": {"vi": "Thiếu", "en": "Missing"},
        "quality_missing_visits": {"vi": "Lượt tiêm", "en": "Visits"},
        "quality_missing_stock_report": {"vi": "Báo cáo kho", "en": "Stock report"},
        "quality_missing_both": {"vi": "Cả hai", "en": "Both"},
        "quality_coords": {"vi": "Điểm tiêm sai tọa độ", "en": "Sites with bad coordinates"},
        "quality_no_coords": {
            "vi": "Mọi điểm tiêm trong địa bàn đều có tọa độ hợp lệ.",
            "en": "Every site in the area has valid coordinates.",
        },
        "quality_coord_missing": {"vi": "Thiếu tọa độ", "en": "Missing"},
        "quality_coord_outside_province": {
            "vi": "Tọa độ nằm ngoài tỉnh",
            "en": "Outside the province",
        },
        "quality_col_site": {"vi": "Điểm tiêm", "en": "Site"},
        "quality_col_commune": {"vi": "Xã, Phường, Thị trấn", "en": "Commune"},
        "quality_col_district": {"vi": "Huyện, Thành phố", "en": "District"},
        "quality_col_date": {"vi": "Ngày", "en": "Day"},
        "quality_col_planned": {"vi": "Số mũi theo kế hoạch", "en": "Planned doses"},
        "quality_col_problem": {"vi": "Vấn đề", "en": "Problem"},
        "quality_col_lat": {"vi": "Vĩ độ", "en": "Latitude"},
        "quality_col_lon": {"vi": "Kinh độ", "en": "Longitude"},
        "quality_recon": {
            "vi": "Đối chiếu số mũi tiêm với báo cáo kho, theo huyện",
            "en": "Doses in visits against stock reports, by district",
        },
        "quality_col_visits": {"vi": "Số mũi đã tiêm (lượt tiêm)", "en": "Doses (visits)"},
        "quality_col_declared": {"vi": "Số sử dụng (báo cáo kho)", "en": "Declared (reports)"},
        "quality_col_ledger": {"vi": "Số sử dụng (sổ kho)", "en": "Administered (ledger)"},
        "quality_col_gap": {"vi": "Chênh lệch", "en": "Difference"},
        "quality_col_gap_rate": {"vi": "Tỷ lệ chênh lệch", "en": "Difference rate"},
        "quality_gap_axis": {
            "vi": "Chênh lệch (báo cáo kho − lượt tiêm), %",
            "en": "Difference (reports − visits), %",
        },
        "quality_no_recon": {
            "vi": "Không có mũi tiêm hay báo cáo kho nào trong kỳ đã chọn.",
            "en": "No doses or stock reports in the chosen period.",
        },
    }
)

TABLES_VI = {
    "visit": "Lượt tiêm",
    "citizen": "Người tiêm",
    "stock_transaction": "Giao dịch kho",
    "stock_report": "Báo cáo kho",
    "certificate": "Chứng nhận tiêm",
    "aefi_report": "Phản ứng sau tiêm",
    "vaccination_plan": "Kế hoạch tiêm",
    "facility": "Điểm tiêm",
    "store": "Kho vắc xin",
    "vaccine": "Vắc xin",
}
TABLES_EN = {
    "visit": "Visits",
    "citizen": "Citizens",
    "stock_transaction": "Stock transactions",
    "stock_report": "Stock reports",
    "certificate": "Certificates",
    "aefi_report": "AEFI reports",
    "vaccination_plan": "Vaccination plans",
    "facility": "Sites",
    "store": "Vaccine stores",
    "vaccine": "Vaccines",
}
FIELDS = {
    "visit_id": ("Mã lượt tiêm", "Visit id"),
    "facility_id": ("Mã điểm tiêm", "Site id"),
    "session_date": ("Ngày buổi tiêm", "Session day"),
    "checked_in_at": ("Giờ tiếp đón", "Checked in at"),
    "screened_at": ("Giờ khám sàng lọc", "Screened at"),
    "screening_result": ("Kết quả khám sàng lọc", "Screening result"),
    "deferral_reason": ("Lý do hoãn tiêm", "Deferral reason"),
    "injected_at": ("Giờ tiêm", "Injected at"),
    "vaccine_code": ("Mã vắc xin", "Vaccine code"),
    "lot_number": ("Số lô", "Lot"),
    "dose_number": ("Mũi số", "Dose number"),
    "dose_kind": ("Loại liều", "Dose kind"),
    "observed_until": ("Theo dõi sau tiêm đến", "Watched until"),
    "immediate_reaction": ("Phản ứng tại chỗ", "Immediate reaction"),
    "status": ("Trạng thái", "Status"),
    "recorded_at": ("Giờ nhập liệu", "Recorded at"),
    "updated_at": ("Cập nhật lúc", "Updated at"),
    "birth_year": ("Năm sinh", "Birth year"),
    "sex": ("Giới tính", "Sex"),
    "residence_commune_code": ("Mã xã nơi cư trú", "Residence commune code"),
    "priority_group": ("Nhóm đối tượng ưu tiên", "Priority group"),
    "txn_id": ("Mã giao dịch", "Transaction id"),
    "store_id": ("Mã kho", "Store id"),
    "txn_date": ("Ngày giao dịch", "Transaction day"),
    "expiry_date": ("Hạn sử dụng", "Expiry date"),
    "txn_type": ("Loại giao dịch", "Transaction type"),
    "quantity_doses": ("Số liều", "Doses"),
    "counterparty_store_id": ("Kho đối ứng", "Counterpart store"),
    "waste_reason": ("Lý do hủy", "Waste reason"),
    "report_id": ("Mã báo cáo", "Report id"),
    "report_date": ("Ngày báo cáo", "Report day"),
    "received_doses": ("Số nhập", "Received"),
    "administered_doses": ("Số sử dụng", "Administered"),
    "remaining_doses": ("Số tồn", "Remaining"),
    "submitted_at": ("Nộp lúc", "Submitted at"),
    "plan_id": ("Mã kế hoạch", "Plan id"),
    "planned_doses": ("Số mũi theo kế hoạch", "Planned doses"),
    "approved_at": ("Duyệt lúc", "Approved at"),
    "certificate_id": ("Mã chứng nhận", "Certificate id"),
    "issued_at": ("Cấp lúc", "Issued at"),
    "revoked_at": ("Thu hồi lúc", "Revoked at"),
    "aefi_id": ("Mã báo cáo phản ứng", "AEFI id"),
    "onset_at": ("Khởi phát lúc", "Onset at"),
    "severity": ("Mức độ", "Severity"),
    "outcome": ("Kết quả", "Outcome"),
    "name": ("Tên", "Name"),
    "commune_code": ("Mã xã", "Commune code"),
}
KINDS = {
    "malformed residence_commune_code": (
        "Mã xã nơi cư trú sai định dạng",
        "Malformed residence commune code",
    ),
    "injected with unknown vaccine_code": (
        "Đã tiêm nhưng mã vắc xin không có trong danh mục",
        "Injected with an unknown vaccine code",
    ),
    "unknown facility_id": (
        "Mã điểm tiêm không có trong danh mục",
        "Unknown site id",
    ),
    "quantity_doses must be positive": (
        "Số liều giao dịch phải lớn hơn 0",
        "Transaction doses not positive",
    ),
    "unknown commune_code": (
        "Mã xã không có trong danh mục",
        "Unknown commune code",
    ),
    "unknown store level": (
        "Cấp kho không hợp lệ",
        "Unknown store level",
    ),
    "unknown area_code": (
        "Mã địa bàn không có trong danh mục",
        "Unknown area code",
    ),
    "unknown sex": (
        "Giới tính không hợp lệ",
        "Unknown sex",
    ),
    "unknown plan status": (
        "Trạng thái kế hoạch không hợp lệ",
        "Unknown plan status",
    ),
    "missing citizen_id": (
        "Thiếu mã người tiêm",
        "Missing citizen id",
    ),
    "missing or unreadable session_date": (
        "Thiếu hoặc sai ngày buổi tiêm",
        "Missing or unreadable session day",
    ),
    "missing or unreadable updated_at": (
        "Thiếu hoặc sai thời điểm cập nhật",
        "Missing or unreadable update time",
    ),
    "unknown visit status": (
        "Trạng thái lượt tiêm không hợp lệ",
        "Unknown visit status",
    ),
    "unknown screening_result": (
        "Kết quả khám sàng lọc không hợp lệ",
        "Unknown screening result",
    ),
    "unknown deferral_reason": (
        "Lý do hoãn tiêm không hợp lệ",
        "Unknown deferral reason",
    ),
    "injected without a valid dose_number": (
        "Đã tiêm nhưng thiếu số mũi hợp lệ",
        "Injected without a valid dose number",
    ),
}


def _table_name(ctx: shell.Context, code: str) -> str:
    return (TABLES_EN if ctx.lang == "en" else TABLES_VI).get(code, code)


def _kind_name(ctx: shell.Context, kind: str) -> str:
    names = KINDS.get(kind)
    return names[1 if ctx.lang == "en" else 0] if names else kind


def _moment(value) -> str:
    return "—" if value is None or pd.isna(value) else fmt.moment(value.to_pydatetime())


def _num(ctx: shell.Context, value, digits: int = 0) -> str:
    """A number as the interface writes it ("—" when missing); table cells are text so the
    Vietnamese separators survive the browser's locale."""
    if value is None or pd.isna(value):
        return "—"
    return fmt.number(float(value) if digits else int(value), ctx.lang, digits)


def _caption(ctx: shell.Context, metric: str) -> None:
    st.caption(f"**{widgets.label(ctx, metric)}**: {widgets.definition(ctx, metric)}")


def _gap_rate(recon: pd.DataFrame) -> float | None:
    visits = int(recon["visit_doses"].sum())
    return int(recon["gap"].sum()) / visits if visits else None


def _kpis(ctx, runs, summary, late, coords, recon) -> None:
    late_before = ctx.read(quality_q.late_sites, period=ctx.previous)
    recon_before = ctx.read(quality_q.dose_reconciliation, period=ctx.previous)
    cols = st.columns(4)
    with cols[0]:
        widgets.kpi(
            ctx, "rejected_rows", int(summary["open"].sum()), title=ctx.t("quality_kpi_rejected")
        )
    with cols[1]:
        widgets.kpi(
            ctx,
            "late_sites",
            len(late),
            len(late_before),
            inverse=True,
            title=ctx.t("quality_kpi_late"),
        )
    with cols[2]:
        widgets.kpi(ctx, "bad_coordinates", len(coords), title=ctx.t("quality_kpi_coords"))
    with cols[3]:
        rate, previous = _gap_rate(recon), _gap_rate(recon_before)
        delta = None
        if rate is not None and previous is not None:
            delta = f"{fmt.signed((rate - previous) * 100, ctx.lang, 1)} " + (
                "pp" if ctx.lang == "en" else "đ.p."
            )
        # A gap either way is a problem: the change is shown without a good/bad colour.
        st.metric(
            ctx.t("quality_kpi_gap"),
            fmt.percent(rate, ctx.lang),
            delta=delta,
            delta_color="off",
            delta_description=ctx.t("compared_last_week") if delta else None,
            help=widgets.definition(ctx, "declared_gap"),
            border=True,
        )
    if not runs.empty:
        last = runs.iloc[0]
        status = (
            ctx.t(f"quality_status_{last['status']}")
            if last["status"]
            in (
                "success",
                "failed",
            )
            else str(last["status"])
        )
        line = ctx.t(
            "quality_last_run_line",
            run=last["run_id"],
            status=status,
            finished=_moment(last["finished_at"]),
            seconds=fmt.number(last["seconds"], ctx.lang, 0),
        )
        if last["status"] == "success":
            st.caption(f":material/check_circle: {line}")
        else:
            st.warning(line, icon=":material/error:")


def _runs(ctx: shell.Context, runs: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_runs"))
    _caption(ctx, "data_as_of")
    if runs.empty:
        st.info(ctx.t("quality_no_runs"))
        return
    table = pd.DataFrame(
        {
            ctx.t("quality_col_run"): runs["run_id"],
            ctx.t("quality_col_started"): runs["started_at"].map(_moment),
            ctx.t("quality_col_finished"): runs["finished_at"].map(_moment),
            ctx.t("quality_col_seconds"): [_num(ctx, v, 1) for v in runs["seconds"]],
            ctx.t("quality_col_status"): [
                ctx.t(f"quality_status_{s}") if s in ("success", "failed") else s
                for s in runs["status"]
            ],
            ctx.t("quality_col_high_water"): runs["platform_high_water"].map(_moment),
            ctx.t("quality_col_extracted"): [_num(ctx, v) for v in runs["rows_extracted"]],
            ctx.t("quality_col_loaded"): [_num(ctx, v) for v in runs["rows_loaded"]],
            ctx.t("quality_col_rejected"): [_num(ctx, v) for v in runs["rows_rejected"]],
            ctx.t("quality_col_error"): runs["error"].fillna(""),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 250))


def _rejects(ctx: shell.Context, summary: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_rejects"))
    _caption(ctx, "rejected_rows")
    st.caption(ctx.t("quality_rejects_note"))
    if summary.empty or summary["open"].sum() == 0:
        st.info(ctx.t("quality_no_rejects"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("quality_col_table"): summary["source_table"].map(
                    lambda c: _table_name(ctx, c)
                ),
                ctx.t("quality_col_kind"): summary["kind"].map(lambda k: _kind_name(ctx, k)),
                ctx.t("quality_col_open"): summary["open"],
                ctx.t("quality_col_resolved"): summary["resolved"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    tables = list(summary.loc[summary["open"] > 0, "source_table"].drop_duplicates())
    current = ctx.state.option("rejects")
    if st.session_state.get("quality_rejects_table") not in tables:
        st.session_state["quality_rejects_table"] = current if current in tables else tables[0]
    picked = st.selectbox(
        ctx.t("quality_pick_table"),
        tables,
        key="quality_rejects_table",
        format_func=lambda c: _table_name(ctx, c),
    )
    if picked != current:
        st.query_params["rejects"] = picked
    rows = ctx.read_plain(quality_q.reject_rows, picked)
    total = int(summary.loc[summary["source_table"] == picked, "open"].sum())
    if len(rows) < total:
        st.caption(
            ctx.t(
                "quality_rows_capped",
                shown=fmt.number(len(rows), ctx.lang),
                total=fmt.number(total, ctx.lang),
            )
        )
    shown = rows.drop(columns=["reason"]).assign(
        kind=rows["kind"].map(lambda k: _kind_name(ctx, k))
    )
    for col in shown.columns[5:]:
        if shown[col].dtype == object:
            # Dates travel as midnight timestamps in row_json: show the day only.
            shown[col] = shown[col].map(
                lambda v: v.removesuffix("T00:00:00") if isinstance(v, str) else v
            )
    # The record id repeats the table's own key column: show it once.
    same = [c for c in shown.columns[5:] if shown[c].astype(str).equals(shown["source_pk"])]
    shown = shown.drop(columns=same)
    index = 1 if ctx.lang == "en" else 0
    shown = shown.rename(
        columns={
            "source_pk": ctx.t("quality_col_pk"),
            "kind": ctx.t("quality_col_kind"),
            "value": ctx.t("quality_col_value"),
            "first_run_id": ctx.t("quality_col_first_run"),
            "last_run_id": ctx.t("quality_col_last_run"),
            **{k: v[index] for k, v in FIELDS.items()},
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch", height=320)


def _late(ctx: shell.Context, late: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_late"))
    _caption(ctx, "late_sites")
    if late.empty:
        st.success(ctx.t("quality_no_late"), icon=":material/check_circle:")
        return
    counts = late["missing"].value_counts()
    st.caption(
        ctx.t(
            "quality_late_counts",
            **{
                key: fmt.number(int(counts.get(kind, 0)), ctx.lang)
                for key, kind in (("visits", "visits"), ("stock", "stock_report"), ("both", "both"))
            },
        )
    )
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("quality_col_date"): late["date"].map(fmt.day),
                ctx.t("quality_col_site"): late["name"].fillna(late["facility_id"]),
                ctx.t("quality_col_missing"): [
                    ctx.t(f"quality_missing_{m}") for m in late["missing"]
                ],
                ctx.t("quality_col_commune"): late["commune_name"],
                ctx.t("quality_col_district"): late["district_name"],
                ctx.t("quality_col_planned"): late["planned_doses"],
            }
        ),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(late), 320),
    )


def _coords(ctx: shell.Context, coords: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_coords"))
    _caption(ctx, "bad_coordinates")
    if coords.empty:
        st.success(ctx.t("quality_no_coords"), icon=":material/check_circle:")
        return
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("quality_col_site"): coords["name"].fillna(coords["facility_id"]),
                ctx.t("quality_col_problem"): coords["coordinate_status"].map(
                    lambda s: (
                        ctx.t(f"quality_coord_{s}") if s in ("missing", "outside_province") else s
                    )
                ),
                ctx.t("quality_col_lat"): [_num(ctx, v, 5) for v in coords["latitude"]],
                ctx.t("quality_col_lon"): [_num(ctx, v, 5) for v in coords["longitude"]],
                ctx.t("quality_col_commune"): coords["commune_name"],
                ctx.t("quality_col_district"): coords["district_name"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _reconciliation(ctx: shell.Context, recon: pd.DataFrame) -> None:
    st.subheader(ctx.t("quality_recon"))
    if recon.empty:
        st.info(ctx.t("quality_no_recon"))
        return
    table = pd.DataFrame(
        {
            ctx.t("quality_col_district"): recon["name"],
            ctx.t("quality_col_visits"): [_num(ctx, v) for v in recon["visit_doses"]],
            ctx.t("quality_col_declared"): [_num(ctx, v) for v in recon["declared_doses"]],
            ctx.t("quality_col_ledger"): [_num(ctx, v) for v in recon["ledger_doses"]],
            ctx.t("quality_col_gap"): [fmt.signed(int(v), ctx.lang) for v in recon["gap"]],
            ctx.t("quality_col_gap_rate"): [fmt.percent(r, ctx.lang) for r in recon["gap_rate"]],
        }
    )
    ordered = recon.sort_values("gap_rate", na_position="first")
    rate = ordered["gap_rate"].fillna(0) * 100
    colours = [base.PALETTE[5] if r < 0 else base.PALETTE[0] for r in rate]
    fig = go.Figure(
        go.Bar(
            x=rate,
            y=ordered["name"],
            orientation="h",
            marker_color=colours,
            text=[fmt.percent(r, ctx.lang) if pd.notna(r) else "—" for r in ordered["gap_rate"]],
            textposition="outside",
            cliponaxis=False,
            customdata=list(
                zip(
                    [fmt.number(v, ctx.lang) for v in ordered["visit_doses"]],
                    [fmt.number(v, ctx.lang) for v in ordered["declared_doses"]],
                    strict=True,
                )
            ),
            hovertemplate="%{y}<br>"
            + ctx.t("quality_col_visits")
            + ": %{customdata[0]}<br>"
            + ctx.t("quality_col_declared")
            + ": %{customdata[1]}<extra></extra>",
        )
    )
    base.style(fig, ctx.lang, height=34 * len(ordered) + 130)
    # Room on both sides for the labels outside the bars, so none runs into the names.
    low, high = min(float(rate.min()), 0.0), max(float(rate.max()), 0.0)
    pad = max(high - low, 1.0) * 0.18
    fig.update_layout(
        xaxis_title=ctx.t("quality_gap_axis"),
        xaxis_range=[low - (pad if low < 0 else 0), high + pad],
        yaxis_automargin=True,
        margin={"l": 10, "r": 30},
        bargap=0.35,
    )
    fig.add_vline(x=0, line_color="#555555", line_width=1)
    widgets.chart(
        ctx,
        fig,
        table,
        key="quality_recon",
        metrics=("doses", "declared_administered", "declared_gap"),
    )


ctx = shell.context()
if ctx is not None:
    shell.header(ctx, "page_quality")
    runs = ctx.read_plain(quality_q.etl_runs)
    summary = ctx.read_plain(quality_q.reject_summary)
    late = ctx.read(quality_q.late_sites)
    coords = ctx.read(quality_q.bad_coordinates)
    recon = ctx.read(quality_q.dose_reconciliation)
    _kpis(ctx, runs, summary, late, coords, recon)
    _runs(ctx, runs)
    _reconciliation(ctx, recon)
    _late(ctx, late)
    _coords(ctx, coords)
    _rejects(ctx, summary)
