"""Interface texts, Vietnamese first (the terms of GLOSSARY.md), English as a switch."""

from __future__ import annotations

DEFAULT_LANGUAGE = "vi"

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
        "vi": "Dữ liệu cập nhật đến {high_water} (nạp lúc {loaded})",
        "en": "Data as of {high_water} (loaded {loaded})",
    },
    "stale_data": {
        "vi": "dữ liệu đã cũ: lần nạp gần nhất cách đây hơn {hours} giờ",
        "en": "stale data: the last load finished more than {hours} hours ago",
    },
    "no_data_period": {
        "vi": "Không có dữ liệu cho địa bàn và thời gian đã chọn.",
        "en": "No data for the chosen area and period.",
    },
    "compared_last_week": {"vi": "so với tuần trước", "en": "vs previous period"},
    "show_table": {"vi": "Xem bảng số liệu", "en": "Show the table"},
    "definition": {"vi": "Định nghĩa", "en": "Definition"},
    "under_construction": {
        "vi": "Kho dữ liệu báo cáo đã sẵn sàng. Các trang của bảng điều khiển đang được xây dựng.",
        "en": "The reporting warehouse is ready. The dashboard pages are under construction.",
    },
}


def register(texts: dict[str, dict[str, str]]) -> None:
    """Add a page's own texts (each key with "vi" and "en"); keys must be new."""
    clash = set(texts) & set(TEXTS)
    if clash and any(TEXTS[k] != texts[k] for k in clash):
        raise KeyError(f"interface text keys defined twice: {sorted(clash)}")
    TEXTS.update(texts)


def text(key: str, lang: str) -> str:
    """The interface text `key` in `lang`, falling back to Vietnamese."""
    entry = TEXTS[key]
    return entry.get(lang, entry[DEFAULT_LANGUAGE])
