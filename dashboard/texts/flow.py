"""Texts of the Session flow page: the funnel, throughput, sessions below capacity, late entry."""

TEXTS: dict[str, dict[str, str]] = {
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
    "flow_lag": {
        "vi": "Nhập liệu muộn, {n} tuần gần nhất",
        "en": "Late data entry, last {n} weeks",
    },
    "flow_kpi_screen_wait": {"vi": "Chờ khám (phút)", "en": "To screen (min)"},
    "flow_kpi_inject_wait": {"vi": "Chờ tiêm (phút)", "en": "To inject (min)"},
    "flow_kpi_throughput": {"vi": "Mũi/bàn/giờ", "en": "Doses/table-hour"},
    "flow_kpi_below": {"vi": "Dưới công suất", "en": "Below capacity"},
    "flow_kpi_late": {"vi": "Mũi nhập muộn", "en": "Entered late"},
    # Short column names, so that every column of the site tables fits at 1366 pixels (the
    # definitions are on hover).
    "flow_col_sessions": {"vi": "Buổi", "en": "Sessions"},
    "flow_col_doses": {"vi": "Số mũi", "en": "Doses"},
    "flow_col_table_hours": {"vi": "Bàn × giờ", "en": "Table-hours"},
    "flow_col_throughput": {"vi": "Mũi/bàn/giờ", "en": "Per table-hour"},
    "flow_col_threshold": {"vi": "Ngưỡng", "en": "Threshold"},
    "flow_col_below": {"vi": "Buổi dưới ngưỡng", "en": "Below"},
    "flow_col_hours": {"vi": "Giờ tiêm", "en": "Hours"},
    "flow_col_late": {"vi": "Nhập muộn", "en": "Late"},
    "flow_col_share": {"vi": "Tỷ lệ", "en": "Share"},
    "flow_col_lag_days": {"vi": "Trễ (ngày)", "en": "Lag (days)"},
}
