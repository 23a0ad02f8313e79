"""Texts of the Data quality page: the interface, and the names of the source tables, their
fields and the kinds of reject reasons, as (Vietnamese, English)."""

TEXTS: dict[str, dict[str, str]] = {
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
    "quality_status_interrupted": {"vi": "Bị ngắt giữa chừng", "en": "Interrupted"},
    "quality_col_run": {"vi": "Lần nạp", "en": "Run"},
    "quality_col_finished": {"vi": "Kết thúc", "en": "Finished"},
    "quality_col_status": {"vi": "Trạng thái", "en": "Status"},
    "quality_col_high_water": {"vi": "Dữ liệu cập nhật đến", "en": "Data as of"},
    "quality_col_seconds": {"vi": "Thời gian (giây)", "en": "Duration (seconds)"},
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
        "vi": "{sites} điểm tiêm, {days} ngày có kế hoạch thiếu số liệu: {visits} ngày không có "
        "lượt tiêm · {stock_report} ngày không có báo cáo kho · {both} ngày thiếu cả hai",
        "en": "{sites} sites, {days} planned days without data: {visits} without visits · "
        "{stock_report} without a stock report · {both} without either",
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
    "quality_recon_beside": {
        "vi": "{name} đặt cạnh số liệu của cả {district}.",
        "en": "{name} beside the figures of the whole {district}.",
    },
    "quality_col_area": {"vi": "Địa bàn", "en": "Area"},
    "quality_no_recon": {
        "vi": "Không có mũi tiêm hay báo cáo kho nào trong kỳ đã chọn.",
        "en": "No doses or stock reports in the chosen period.",
    },
}

SOURCE_TABLES = {
    "visit": ("Lượt tiêm", "Visits"),
    "citizen": ("Người tiêm", "Citizens"),
    "stock_transaction": ("Giao dịch kho", "Stock transactions"),
    "stock_report": ("Báo cáo kho", "Stock reports"),
    "certificate": ("Chứng nhận tiêm", "Certificates"),
    "aefi_report": ("Phản ứng sau tiêm", "AEFI reports"),
    "vaccination_plan": ("Kế hoạch tiêm", "Vaccination plans"),
    "facility": ("Điểm tiêm", "Sites"),
    "store": ("Kho vắc xin", "Vaccine stores"),
    "vaccine": ("Vắc xin", "Vaccines"),
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
