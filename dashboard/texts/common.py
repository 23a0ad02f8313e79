"""Texts every page shares: the application, navigation, filters, freshness and notices."""

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {
        "vi": "Ban Chỉ đạo tiêm chủng COVID-19 — Nam Định",
        "en": "COVID-19 Vaccination Steering Committee — Nam Định",
    },
    "language_label": {"vi": "Ngôn ngữ / Language", "en": "Ngôn ngữ / Language"},
    "page_overview": {"vi": "Tổng quan tuần", "en": "Weekly overview"},
    "page_coverage": {"vi": "Độ bao phủ", "en": "Coverage by district"},
    "page_sites": {"vi": "Bản đồ điểm tiêm", "en": "Sites map"},
    "page_screening": {"vi": "Khám sàng lọc & hoãn tiêm", "en": "Screening and deferrals"},
    "page_stock": {"vi": "Vắc xin & tồn kho", "en": "Vaccine and stock"},
    "page_certificates": {"vi": "Chứng nhận tiêm", "en": "Certificates"},
    "page_aefi": {"vi": "Phản ứng sau tiêm", "en": "Adverse events"},
    "page_flow": {"vi": "Quy trình buổi tiêm", "en": "Session flow"},
    "page_quality": {"vi": "Chất lượng dữ liệu", "en": "Data quality"},
    "no_warehouse": {
        "vi": "Chưa tìm thấy kho dữ liệu báo cáo. Hãy chạy `make run` để tạo dữ liệu mẫu.",
        "en": "No reporting warehouse was found. Run `make run` to build the demo data.",
    },
    "other_schema": {
        "vi": "Kho dữ liệu báo cáo được tạo bởi một phiên bản khác của chương trình, cần tạo lại "
        "(dữ liệu gốc không bị ảnh hưởng):",
        "en": "The reporting warehouse was built by another version of the program and must be "
        "rebuilt (the source data is not affected):",
    },
    "empty_warehouse": {
        "vi": "Kho dữ liệu chưa có buổi tiêm nào. Hãy chạy `python -m etl run` để nạp dữ liệu.",
        "en": "The warehouse holds no sessions yet. Run `python -m etl run` to load data.",
    },
    "period": {"vi": "Thời gian", "en": "Period"},
    "period_week": {"vi": "Theo tuần", "en": "Week"},
    "period_range": {"vi": "Tùy chọn", "en": "Custom range"},
    "week": {"vi": "Tuần", "en": "Week"},
    "date_range": {"vi": "Từ ngày – đến ngày", "en": "From – to"},
    "scope": {"vi": "Địa bàn", "en": "Area"},
    "district": {"vi": "Huyện, Thành phố", "en": "District"},
    "commune": {"vi": "Xã, Phường, Thị trấn", "en": "Commune"},
    "site": {"vi": "Điểm tiêm", "en": "Vaccination site"},
    "whole_province": {"vi": "Toàn tỉnh", "en": "Whole province"},
    "all_communes": {"vi": "Tất cả xã, phường", "en": "All communes"},
    "all_sites": {"vi": "Tất cả điểm tiêm", "en": "All sites"},
    "data_as_of": {
        "vi": "Dữ liệu cập nhật đến {high_water} · lần nạp gần nhất xong lúc {loaded}",
        "en": "Data as of {high_water} · last load finished {loaded}",
    },
    "stale_data": {
        "vi": "bộ nạp dữ liệu có thể đã ngừng: chưa có lần nạp thành công nào trong {age}",
        "en": "the loader may have stopped: no successful load in {age}",
    },
    "stale_failures": {
        "vi": "{n} lần nạp sau đó bị lỗi (xem trang Chất lượng dữ liệu)",
        "en": "{n} later loads failed (see the Data quality page)",
    },
    "age_minutes": {"vi": "{n} phút", "en": "{n} minutes"},
    "age_hours": {"vi": "{n} giờ", "en": "{n} hours"},
    "no_data_period": {
        "vi": "Không có dữ liệu cho địa bàn và thời gian đã chọn.",
        "en": "No data for the chosen area and period.",
    },
    "compared_last_week": {"vi": "so với tuần trước", "en": "vs last week"},
    "compared_last_period": {"vi": "so với kỳ trước", "en": "vs last period"},
    "show_table": {"vi": "Xem bảng số liệu", "en": "Show the table"},
    "definition": {"vi": "Định nghĩa", "en": "Definition"},
    "app_short": {"vi": "BCĐ tiêm chủng Nam Định", "en": "Nam Định vaccination"},
    "week_definition": {
        "vi": "Tuần theo chuẩn ISO: từ thứ Hai đến Chủ nhật.",
        "en": "ISO weeks: Monday to Sunday.",
    },
    "page_error": {
        "vi": "Không hiển thị được phần này của trang. Lỗi đã được ghi vào nhật ký của máy chủ; "
        "hãy thử tải lại trang hoặc chọn địa bàn, thời gian khác.",
        "en": "This part of the page could not be shown. The error has been written to the "
        "server's log; reload the page or choose another area or period.",
    },
    # --- a hand-edited link: what could not be used, and what is shown instead --------------
    "notice_page": {
        "vi": "Không có trang “{value}” — đang hiển thị Tổng quan tuần",
        "en": "There is no page “{value}” — showing the weekly overview",
    },
    "notice_lang": {
        "vi": "Không hỗ trợ ngôn ngữ “{value}” — đang hiển thị tiếng Việt",
        "en": "Language “{value}” is not available — showing Vietnamese",
    },
    "notice_week_malformed": {
        "vi": "“{value}” không phải là một tuần (ví dụ đúng: 2022-W25) — đang hiển thị {shown}",
        "en": "“{value}” is not a week (for example 2022-W25) — showing {shown}",
    },
    "notice_week_outside": {
        "vi": "Không có số liệu tuần “{value}” (số liệu có từ {first} đến {last}) — đang hiển "
        "thị {nearest}",
        "en": "No data for week “{value}” (data from {first} to {last}) — showing {nearest}",
    },
    "notice_range_malformed": {
        "vi": "Khoảng thời gian “{from}” – “{to}” không đúng dạng ngày (YYYY-MM-DD) — đang "
        "hiển thị {shown}",
        "en": "The range “{from}” – “{to}” is not two dates (YYYY-MM-DD) — showing {shown}",
    },
    "notice_range_reversed": {
        "vi": "Ngày bắt đầu {from} sau ngày kết thúc {to} — đã đổi chỗ hai ngày",
        "en": "The start {from} is after the end {to} — the two dates were swapped",
    },
    "notice_range_outside": {
        "vi": "Không có số liệu từ {from} đến {to} (số liệu có từ {first} đến {last}) — đang "
        "hiển thị {shown}",
        "en": "No data from {from} to {to} (data from {first} to {last}) — showing {shown}",
    },
    "notice_range_clipped": {
        "vi": "Số liệu chỉ có từ {first} đến {last} — đang hiển thị {shown}",
        "en": "Data runs only from {first} to {last} — showing {shown}",
    },
    "notice_district": {
        "vi": "Không có huyện mã {value} — đang hiển thị toàn tỉnh",
        "en": "There is no district with code {value} — showing the whole province",
    },
    "notice_commune": {
        "vi": "Không có xã mã {value} — đang hiển thị {shown}",
        "en": "There is no commune with code {value} — showing {shown}",
    },
    "notice_site": {
        "vi": "Không có điểm tiêm mã “{value}” — đang hiển thị {shown}",
        "en": "There is no vaccination site “{value}” — showing {shown}",
    },
    "notice_option": {
        "vi": "“{value}” không phải là lựa chọn của “{label}” — đang dùng “{shown}”",
        "en": "“{value}” is not a choice of “{label}” — using “{shown}”",
    },
}
