"""Texts of the Adverse events page: severities, outcomes, channels, its charts and tables."""

TEXTS: dict[str, dict[str, str]] = {
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
    "aefi_outcome_col": {"vi": "Kết cục", "en": "Outcome"},
    "aefi_channel_col": {"vi": "Kênh báo cáo", "en": "Channel"},
    "aefi_reports_col": {"vi": "Số báo cáo", "en": "Reports"},
    "aefi_no_serious": {
        "vi": "Không có báo cáo tai biến nặng trong kỳ.",
        "en": "No serious event reported in the period.",
    },
    # Short column names for the tables beside the charts (the full names are on hover).
    "aefi_col_mild": {"vi": "Thông thường", "en": "Common"},
    "aefi_col_serious": {"vi": "Nặng", "en": "Serious"},
    "aefi_col_doses": {"vi": "Số mũi", "en": "Doses"},
    "aefi_col_rate": {"vi": "/ 100.000 mũi", "en": "Per 100,000"},
}
