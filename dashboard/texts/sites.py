"""Texts of the Sites map page."""

TEXTS: dict[str, dict[str, str]] = {
    "sites_colour_by": {"vi": "Tô màu theo", "en": "Colour by"},
    "sites_status_stock": {"vi": "Số ngày đủ dùng", "en": "Days of stock"},
    "sites_status_deferral": {"vi": "Tỷ lệ hoãn tiêm", "en": "Deferral rate"},
    "sites_pick": {"vi": "Xem chi tiết điểm tiêm", "en": "Show a site's detail"},
    "sites_pick_none": {"vi": "— Chọn điểm tiêm —", "en": "— Pick a site —"},
    "sites_pick_help": {
        "vi": "Chọn trong danh sách hoặc bấm vào một điểm trên bản đồ.",
        "en": "Pick from the list or click a point on the map.",
    },
    "sites_stock_alert": {"vi": "Dưới 3 ngày", "en": "Under 3 days"},
    "sites_stock_warn": {"vi": "Từ 3 đến dưới 7 ngày", "en": "3 to under 7 days"},
    "sites_stock_ok": {
        "vi": "Từ 7 ngày trở lên (hoặc không sử dụng)",
        "en": "7 days or more (or none used)",
    },
    "sites_stock_none": {"vi": "Không có số liệu kho", "en": "No stock data"},
    "sites_deferral_alert": {"vi": "Từ 10 % trở lên", "en": "10% or more"},
    "sites_deferral_warn": {"vi": "Từ 5 % đến dưới 10 %", "en": "5% to under 10%"},
    "sites_deferral_ok": {"vi": "Dưới 5 %", "en": "Under 5%"},
    "sites_deferral_none": {"vi": "Chưa có lượt khám sàng lọc", "en": "Nobody screened"},
    "sites_legend_size": {
        "vi": "Kích thước điểm: số mũi đã tiêm trong kỳ (lớn nhất {max} mũi).",
        "en": "Point size: doses administered in the period (largest {max}).",
    },
    "sites_outline_note": {
        "vi": "Nền bản đồ: ranh giới gần đúng, dựng từ tọa độ trung tâm các xã (không phải "
        "ranh giới hành chính chính thức).",
        "en": "Base map: approximate boundaries built from the commune centroids (not "
        "official boundaries).",
    },
    "sites_outline_file": {
        "vi": "Nền bản đồ: ranh giới từ tệp {name}.",
        "en": "Base map: boundaries from the file {name}.",
    },
    "sites_on_map": {"vi": "Điểm tiêm trên bản đồ", "en": "Sites on the map"},
    "sites_on_map_help": {
        "vi": "Điểm tiêm đang hoạt động hoặc có buổi tiêm trong kỳ, có tọa độ hợp lệ.",
        "en": "Active sites, or sites with sessions in the period, with valid coordinates.",
    },
    "sites_alert_count": {"vi": "Điểm tiêm cần chú ý", "en": "Sites needing attention"},
    "sites_alert_count_help": {
        "vi": "Số điểm tiêm ở mức cảnh báo (màu đỏ cam) theo tiêu chí tô màu đang chọn.",
        "en": "Sites at the alert level (vermilion) of the chosen colouring.",
    },
    "sites_off_map": {"vi": "Chưa có tọa độ hợp lệ", "en": "Without valid coordinates"},
    "sites_off_map_help": {
        "vi": "Điểm tiêm thiếu tọa độ hoặc có tọa độ nằm ngoài tỉnh: không vẽ trên bản đồ, "
        "liệt kê trong bảng bên dưới.",
        "en": "Sites with missing coordinates or coordinates outside the province: not "
        "drawn, listed in the table below.",
    },
    "sites_off_map_title": {
        "vi": "{n} điểm tiêm không hiển thị trên bản đồ (thiếu tọa độ hoặc tọa độ ngoài "
        "tỉnh). Số liệu của các điểm này vẫn được tính đầy đủ.",
        "en": "{n} sites are not on the map (missing coordinates or coordinates outside the "
        "province). Their figures still count everywhere.",
    },
    "sites_reason_missing": {"vi": "Thiếu tọa độ", "en": "Missing coordinates"},
    "sites_reason_outside_province": {
        "vi": "Tọa độ nằm ngoài tỉnh",
        "en": "Coordinates outside the province",
    },
    "sites_col_name": {"vi": "Điểm tiêm", "en": "Site"},
    "sites_col_type": {"vi": "Loại hình", "en": "Type"},
    "sites_col_commune": {"vi": "Xã, Phường, Thị trấn", "en": "Commune"},
    "sites_col_district": {"vi": "Huyện, Thành phố", "en": "District"},
    "sites_col_reason": {"vi": "Lý do", "en": "Reason"},
    "sites_col_coordinates": {"vi": "Tọa độ đã khai báo", "en": "Recorded coordinates"},
    "sites_col_tables": {"vi": "Bàn tiêm", "en": "Vaccination tables"},
    "sites_col_person": {"vi": "Người phụ trách", "en": "Person in charge"},
    "sites_level": {"vi": "Mức theo {status}", "en": "Level by {status}"},
    "sites_vaccinators": {"vi": "Cán bộ tiêm", "en": "Vaccinators"},
    "sites_emergency": {"vi": "Cán bộ cấp cứu, chống sốc", "en": "Emergency staff"},
    "sites_type_commune_station": {"vi": "Trạm Y tế xã", "en": "Commune health station"},
    "sites_type_district_centre": {
        "vi": "Trung tâm Y tế huyện",
        "en": "District health centre",
    },
    "sites_type_hospital": {"vi": "Bệnh viện", "en": "Hospital"},
    "sites_type_mobile": {"vi": "Đội tiêm lưu động", "en": "Mobile team"},
    "sites_type_private": {"vi": "Cơ sở tiêm chủng tư nhân", "en": "Private site"},
    "sites_type_other": {"vi": "Cơ sở khác", "en": "Other"},
    "sites_days": {"vi": "{d} ngày", "en": "{d} days"},
    "sites_no_use": {
        "vi": "không sử dụng trong 7 ngày qua",
        "en": "none used in the last 7 days",
    },
    "sites_no_sessions": {
        "vi": "Không có buổi tiêm nào trong kỳ đã chọn: các điểm được vẽ với kích thước nhỏ nhất.",
        "en": "No sessions in the chosen period: sites are drawn at the smallest size.",
    },
    "sites_no_sites": {
        "vi": "Không có điểm tiêm nào trong địa bàn đã chọn.",
        "en": "No vaccination sites in the chosen area.",
    },
    "sites_table": {"vi": "Bảng số liệu các điểm tiêm", "en": "Table of the sites"},
    "sites_map_alt": {
        "vi": "Bản đồ các điểm tiêm, kích thước theo số mũi tiêm, màu theo {status}.",
        "en": "Map of the vaccination sites, sized by doses, coloured by {status}.",
    },
    "sites_detail": {"vi": "Chi tiết điểm tiêm", "en": "Site detail"},
    "sites_clear": {"vi": "Bỏ chọn điểm tiêm", "en": "Clear the site"},
    "sites_to_screening": {
        "vi": "Xem khám sàng lọc và hoãn tiêm của điểm tiêm này",
        "en": "Screening and deferrals at this site",
    },
    "sites_daily": {"vi": "Diễn biến theo ngày", "en": "Day by day"},
    "sites_funnel": {"vi": "Bốn bước tiêm chủng trong kỳ", "en": "The four steps"},
    "sites_step": {"vi": "Bước", "en": "Step"},
    "sites_share": {"vi": "So với tiếp đón", "en": "Share of reception"},
    "sites_step_checked_in": {"vi": "Tiếp đón", "en": "Reception"},
    "sites_step_screened": {"vi": "Khám sàng lọc", "en": "Screening"},
    "sites_step_doses": {"vi": "Tiêm", "en": "Injection"},
    "sites_step_observed": {"vi": "Theo dõi sau tiêm", "en": "Post-vaccination watch"},
    "sites_date": {"vi": "Ngày", "en": "Day"},
    "sites_count": {"vi": "Số lượt", "en": "Visits"},
}
