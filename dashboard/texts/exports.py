"""Texts of the downloads: the buttons, the lines drawn into images and written into workbooks,
and what is said when a file cannot be made."""

TEXTS: dict[str, dict[str, str]] = {
    "export_chart": {"vi": "Tải ảnh", "en": "Download image"},
    "export_chart_help": {
        "vi": "Ảnh biểu đồ cỡ trình chiếu (PNG 3200×1800) hoặc SVG, có tiêu đề, địa bàn, thời "
        "gian, nguồn và ngày cập nhật dữ liệu",
        "en": "The chart as a slide-size image (PNG 3200×1800) or SVG, with its title, area, "
        "period, source and data-as-of date",
    },
    "export_make": {"vi": "Tạo ảnh {fmt}", "en": "Make {fmt}"},
    "export_save": {"vi": "Lưu {fmt}", "en": "Save {fmt}"},
    "export_making": {"vi": "Đang tạo ảnh {fmt}…", "en": "Making the {fmt} image…"},
    "export_table": {"vi": "Tải bảng", "en": "Download table"},
    "export_xlsx": {"vi": "Excel (XLSX)", "en": "Excel (XLSX)"},
    "export_csv": {"vi": "CSV", "en": "CSV"},
    "export_source": {
        "vi": "Hệ thống quản lý tiêm chủng COVID-19, kho dữ liệu báo cáo của Ban Chỉ đạo tỉnh "
        "Nam Định",
        "en": "COVID-19 vaccination management platform, reporting warehouse of the Nam Định "
        "steering committee",
    },
    "export_source_line": {
        "vi": "Nguồn: {source} · Dữ liệu cập nhật đến {data_as_of}",
        "en": "Source: {source} · Data as of {data_as_of}",
    },
    "export_area": {"vi": "Địa bàn", "en": "Area"},
    "export_period": {"vi": "Thời gian", "en": "Period"},
    "export_data_as_of": {"vi": "Dữ liệu cập nhật đến", "en": "Data as of"},
    "export_source_label": {"vi": "Nguồn", "en": "Source"},
    "export_definitions": {"vi": "Định nghĩa", "en": "Definitions"},
    "export_no_browser": {
        "vi": "Không tạo được ảnh: máy chủ chưa cài trình duyệt Chromium (gói `chromium` của "
        "Debian, hoặc đặt VAX_CHROMIUM_PATH). Bảng số liệu vẫn tải được.",
        "en": "The image could not be made: the server has no Chromium browser (Debian's "
        "`chromium` package, or set VAX_CHROMIUM_PATH). The table can still be downloaded.",
    },
    "export_render_failed": {
        "vi": "Không tạo được ảnh lúc này; lỗi đã được ghi vào nhật ký của máy chủ. Hãy thử lại.",
        "en": "The image could not be made just now; the error is in the server's log. Try again.",
    },
}
