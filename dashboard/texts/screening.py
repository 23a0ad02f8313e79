"""Texts of the Screening and deferrals page: its charts, tables and deferral reasons."""

TEXTS: dict[str, dict[str, str]] = {
    "screening_reason_acute_illness": {
        "vi": "Đang mắc bệnh cấp tính",
        "en": "Acute illness",
    },
    "screening_reason_fever": {"vi": "Sốt", "en": "Fever"},
    "screening_reason_uncontrolled_chronic": {
        "vi": "Bệnh mạn tính chưa ổn định",
        "en": "Uncontrolled chronic disease",
    },
    "screening_reason_recent_covid": {"vi": "Mới mắc COVID-19", "en": "Recent COVID-19"},
    "screening_reason_pregnancy": {"vi": "Đang mang thai", "en": "Pregnancy"},
    "screening_reason_allergy_history": {
        "vi": "Tiền sử phản vệ, dị ứng",
        "en": "History of anaphylaxis or allergy",
    },
    "screening_reason_recent_other_vaccine": {
        "vi": "Mới tiêm vắc xin khác",
        "en": "Another vaccine recently",
    },
    "screening_reason_other": {"vi": "Lý do khác", "en": "Other reason"},
    "screening_reason_none": {"vi": "Không ghi lý do", "en": "No reason recorded"},
    "screening_by_reason": {"vi": "Theo lý do", "en": "By reason"},
    "screening_trend": {
        "vi": "Tỷ lệ hoãn tiêm {n} tuần gần nhất",
        "en": "Deferral rate over the last {n} weeks",
    },
    "screening_by_district": {"vi": "Theo huyện, thành phố", "en": "By district"},
    "screening_by_commune": {"vi": "Theo xã, phường, thị trấn", "en": "By commune"},
    "screening_by_facility": {"vi": "Theo điểm tiêm", "en": "By site"},
    "screening_by_area_hint": {
        "vi": "Bấm vào một cột để xem chi tiết địa bàn đó.",
        "en": "Click a bar to drill down into that area.",
    },
    "screening_top": {
        "vi": "Điểm tiêm có tỷ lệ hoãn tiêm cao nhất",
        "en": "Sites with the highest deferral rates",
    },
    "screening_top_hint": {
        "vi": "Chỉ tính điểm tiêm có từ {n} lượt khám sàng lọc trở lên trong kỳ. Chọn một "
        "dòng để xem riêng điểm tiêm đó.",
        "en": "Only sites with at least {n} screenings in the period. Select a row to look "
        "at that site alone.",
    },
    "screening_top_none": {
        "vi": "Không có điểm tiêm nào đạt {n} lượt khám sàng lọc trong kỳ.",
        "en": "No site screened {n} people or more in the period.",
    },
    "screening_reason": {"vi": "Lý do", "en": "Reason"},
    "screening_result": {"vi": "Kết quả khám sàng lọc", "en": "Screening result"},
    "screening_visits": {"vi": "Số lượt", "en": "Visits"},
    "screening_rate_of_screened": {
        "vi": "Tỷ lệ trên số lượt khám sàng lọc",
        "en": "Share of screened visits",
    },
    "screening_area": {"vi": "Địa bàn", "en": "Area"},
    "screening_site": {"vi": "Điểm tiêm", "en": "Site"},
    "screening_district": {"vi": "Huyện, Thành phố", "en": "District"},
    "screening_commune": {"vi": "Xã, Phường, Thị trấn", "en": "Commune"},
    "screening_main_reason": {"vi": "Lý do thường gặp nhất", "en": "Most frequent reason"},
    "screening_week": {"vi": "Tuần", "en": "Week"},
    "screening_week_of": {"vi": "Tuần từ {day}", "en": "Week from {day}"},
    "screening_province_line": {
        "vi": "Toàn tỉnh (tỷ lệ hoãn tiêm)",
        "en": "Whole province (deferral rate)",
    },
    "screening_scope_rate": {"vi": "Chung {name}: {rate}", "en": "{name} overall: {rate}"},
    "screening_on_map": {
        "vi": "Xem điểm tiêm trên bản đồ",
        "en": "See the site on the map",
    },
    # Short headers of the top-sites table (the full label and definition are in their help).
    "screening_short_screened": {"vi": "Lượt khám", "en": "Screened"},
    "screening_short_deferral_rate": {"vi": "Tỷ lệ hoãn", "en": "Rate"},
    "screening_short_deferrals": {"vi": "Số hoãn", "en": "Deferrals"},
    "screening_short_main_reason": {"vi": "Lý do chính", "en": "Main reason"},
}
