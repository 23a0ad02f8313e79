"""Texts of the Certificates page: its charts, tables and cards."""

TEXTS: dict[str, dict[str, str]] = {
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
    "certificates_area": {"vi": "Địa bàn", "en": "Area"},
    "certificates_site": {"vi": "Điểm tiêm", "en": "Site"},
    "certificates_district": {"vi": "Huyện, Thành phố", "en": "District"},
    "certificates_hours": {"vi": "giờ", "en": "hours"},
    "certificates_hours_card": {"vi": "giờ", "en": "h"},  # short: the card is narrow
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
    # Short column names, so that every column of a table fits at 1366 pixels (the full names
    # and definitions are on hover).
    "certificates_col_backlog": {"vi": "Tồn đọng", "en": "Backlog"},
    "certificates_col_start": {"vi": "Đầu kỳ", "en": "At start"},
    "certificates_col_change": {"vi": "Thay đổi", "en": "Change"},
    "certificates_col_doses": {"vi": "Số mũi", "en": "Doses"},
    "certificates_col_issued": {"vi": "Đã cấp", "en": "Issued"},
    "certificates_col_lag": {"vi": "Chờ cấp (giờ)", "en": "Lag (hours)"},
}
