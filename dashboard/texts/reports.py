"""Texts of the overview's report files: the Ministry of Health's daily report and the weekly
briefing (the buttons, their help and progress)."""

TEXTS: dict[str, dict[str, str]] = {
    "reports_title": {"vi": "Báo cáo và tài liệu họp", "en": "Reports and meeting files"},
    "reports_moh": {
        "vi": "Báo cáo ngày gửi Bộ Y tế (Phụ lục 5, QĐ 3588/QĐ-BYT)",
        "en": "Daily report to the Ministry of Health (Annex 5, Decision 3588/QĐ-BYT)",
    },
    "reports_moh_day": {"vi": "Ngày báo cáo", "en": "Report day"},
    "reports_moh_help": {
        "vi": "Bảng Excel theo mẫu của Bộ Y tế cho địa bàn đang xem: mỗi điểm tiêm một dòng, "
        "tổng theo huyện",
        "en": "An Excel workbook in the Ministry's template for the area in view: one row per "
        "site, totals per district (headers in Vietnamese, as the form has them)",
    },
    "reports_make_moh": {"vi": "Tạo báo cáo ngày", "en": "Make the daily report"},
    "reports_making_moh": {"vi": "Đang tạo báo cáo ngày…", "en": "Making the daily report…"},
    "reports_save_moh": {"vi": "Lưu báo cáo (XLSX)", "en": "Save the report (XLSX)"},
    "reports_failed": {
        "vi": "Không tạo được tệp lúc này; lỗi đã được ghi vào nhật ký của máy chủ. Hãy thử lại.",
        "en": "The file could not be made just now; the error is in the server's log. Try again.",
    },
}
