"""Texts of the weekly briefing (the deck and the PDF) and of its button on the overview."""

TEXTS: dict[str, dict[str, str]] = {
    "briefing_title": {
        "vi": "Báo cáo giao ban tuần: tiêm chủng vắc xin phòng COVID-19",
        "en": "Weekly briefing: COVID-19 vaccination",
    },
    "briefing_period": {
        "vi": "Tuần {week}: {start} – {end}",
        "en": "Week {week}: {start} – {end}",
    },
    "briefing_kpis": {"vi": "Chỉ số chính của tuần", "en": "The week's key figures"},
    "briefing_change": {"vi": "Thay đổi", "en": "Change"},
    "briefing_this_week": {"vi": "Tuần này", "en": "This week"},
    "briefing_last_week": {"vi": "Tuần trước", "en": "Last week"},
    "briefing_metric": {"vi": "Chỉ số", "en": "Figure"},
    "briefing_decisions": {"vi": "Cần quyết định", "en": "Decisions needed"},
    "briefing_no_decisions": {
        "vi": "Không có việc cần quyết định trong tuần.",
        "en": "Nothing to decide this week.",
    },
    "briefing_no_rows": {"vi": "Không có.", "en": "None."},
    "briefing_more": {"vi": "… và {n} mục khác.", "en": "… and {n} more."},
    "briefing_kind": {"vi": "Loại", "en": "Kind"},
    "briefing_site": {"vi": "Điểm tiêm", "en": "Site"},
    "briefing_trend": {
        "vi": "Số mũi tiêm theo ngày, {weeks} tuần gần nhất",
        "en": "Daily doses, the last {weeks} weeks",
    },
    "briefing_deferrals": {
        "vi": "Tạm hoãn, chống chỉ định, chuyển viện theo lý do",
        "en": "Deferrals, contraindications and referrals by reason",
    },
    "briefing_deferrals_note": {
        "vi": "{deferrals} trường hợp trên {screened} lượt khám sàng lọc ({rate}).",
        "en": "{deferrals} of {screened} screened ({rate}).",
    },
    "briefing_result": {"vi": "Kết quả khám", "en": "Result"},
    "briefing_reason": {"vi": "Lý do", "en": "Reason"},
    "briefing_visits": {"vi": "Số lượt", "en": "Visits"},
    "briefing_rate": {"vi": "Tỷ lệ", "en": "Rate"},
    "briefing_stock": {
        "vi": "Cảnh báo tồn kho: điểm tiêm hết vắc xin trong {days} ngày",
        "en": "Stock alerts: sites running out within {days} days",
    },
    "briefing_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
    "briefing_daily_use": {"vi": "Dùng mỗi ngày", "en": "Used a day"},
    "briefing_days_left": {"vi": "Số ngày còn", "en": "Days left"},
    "briefing_certificates": {
        "vi": "Tồn đọng cấp chứng nhận",
        "en": "Certificate backlog",
    },
    "briefing_certificates_note": {
        "vi": "Cấp trong tuần: {issued}; tồn đọng cuối tuần: {backlog} ({change} so với đầu "
        "tuần). Khu vực tồn đọng quá ngưỡng:",
        "en": "Issued in the week: {issued}; backlog at the end of the week: {backlog} "
        "({change} on the start of the week). Areas past the threshold:",
    },
    "briefing_backlog_days": {"vi": "Bằng số ngày tiêm", "en": "Days of injections"},
    "briefing_aefi": {"vi": "Phản ứng sau tiêm", "en": "Adverse events"},
    "briefing_aefi_note": {
        "vi": "{mild} phản ứng thông thường, {serious} phản ứng nặng trên {doses} mũi tiêm.",
        "en": "{mild} mild and {serious} serious reports for {doses} doses.",
    },
    "briefing_mild": {"vi": "Thông thường", "en": "Mild"},
    "briefing_serious": {"vi": "Nặng", "en": "Serious"},
    "briefing_source": {
        "vi": "Nguồn: {source} · Dữ liệu cập nhật đến {data_as_of}",
        "en": "Source: {source} · Data as of {data_as_of}",
    },
    "briefing_map_key": {"vi": "Số trên bản đồ: thứ hạng", "en": "Numbers on the map: rank"},
    "briefing_page": {"vi": "Trang {n}", "en": "Page {n}"},
    "briefing_button": {"vi": "Báo cáo giao ban tuần", "en": "Weekly briefing"},
    "briefing_button_help": {
        "vi": "Bản trình chiếu (PPTX, biểu đồ chỉnh sửa được) và bản PDF cùng nội dung cho địa "
        "bàn và tuần đang xem",
        "en": "A slide deck (PPTX, editable charts) and a PDF with the same content for the area "
        "and week in view",
    },
    "briefing_make": {"vi": "Tạo báo cáo giao ban", "en": "Make the briefing"},
    "briefing_making": {"vi": "Đang tạo báo cáo giao ban…", "en": "Making the briefing…"},
    "briefing_step_data": {"vi": "Đọc số liệu", "en": "Reading the figures"},
    "briefing_step_deck": {"vi": "Tạo bản trình chiếu", "en": "Making the deck"},
    "briefing_step_pdf": {"vi": "Tạo bản PDF", "en": "Making the PDF"},
    "briefing_done": {"vi": "Đã tạo xong", "en": "Done"},
    "briefing_save_pptx": {"vi": "Lưu PPTX", "en": "Save PPTX"},
    "briefing_save_pdf": {"vi": "Lưu PDF", "en": "Save PDF"},
    "briefing_week_only": {
        "vi": "Báo cáo giao ban làm theo tuần: hãy chọn một tuần trong bộ lọc thời gian.",
        "en": "The briefing is made for a week: choose a week in the period filter.",
    },
}
