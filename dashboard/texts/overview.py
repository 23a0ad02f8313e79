"""Texts of the weekly overview (dashboard/app_pages/overview.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "overview_cards": {"vi": "Chỉ số chính", "en": "Headline figures"},
    "overview_measure": {"vi": "Tỷ lệ bao phủ theo", "en": "Coverage of"},
    "overview_measure_1plus": {"vi": "≥ 1 mũi", "en": "≥ 1 dose"},
    "overview_measure_full": {"vi": "Đủ liều cơ bản", "en": "Fully vaccinated"},
    "overview_measure_boosted": {"vi": "Mũi nhắc lại", "en": "Boosted"},
    "overview_coverage_card": {
        "vi": "Bao phủ {measure} ({denominator})",
        "en": "Coverage {measure} ({denominator})",
    },
    "overview_card_measure_1plus": {"vi": "≥ 1 mũi", "en": "≥ 1 dose"},
    "overview_card_measure_full": {"vi": "đủ liều", "en": "full"},
    "overview_card_measure_boosted": {"vi": "nhắc lại", "en": "boosted"},
    "overview_card_people_1plus": {
        "vi": "Người đã tiêm ≥ 1 mũi",
        "en": "People with ≥ 1 dose",
    },
    "overview_card_people_full": {"vi": "Người tiêm đủ liều cơ bản", "en": "Fully vaccinated"},
    "overview_card_backlog": {"vi": "Chưa cấp chứng nhận", "en": "Certificate backlog"},
    "overview_days_unit": {"vi": "ngày", "en": "days"},
    "overview_coverage_note": {
        "vi": "Tỷ lệ bao phủ = số người {group} đã tiêm {measure} (theo nơi cư trú, đến hết "
        "{day}) / dân số {group} của địa bàn.",
        "en": "Coverage = people {group} with {measure} (by residence, as of {day}) / the "
        "area's population {group}.",
    },
    "overview_site_commune_note": {
        "vi": "Với một điểm tiêm, số người và tỷ lệ bao phủ là của xã, phường nơi đặt điểm tiêm.",
        "en": "For a site, people and coverage are those of the commune the site is in.",
    },
    "overview_over_100": {
        "vi": "Tỷ lệ bao phủ vượt 100 % ({value}): dân số ước tính của nhóm nhỏ hơn số người "
        "đã tiêm — có thể do người chuyển đến hoặc Tổng điều tra 2019 chưa tính hết. Số liệu "
        "được giữ nguyên, không cắt về 100 %.",
        "en": "Coverage above 100 % ({value}): the group's estimated population is smaller "
        "than the people vaccinated — people moved in, or the 2019 census missed them. The "
        "figure is shown as is, not clipped to 100 %.",
    },
    "overview_aefi_caveat": {
        "vi": "Phản ứng sau tiêm: số báo cáo chưa được xác minh, không giảm trừ sau điều tra.",
        "en": "AEFI: reports are unverified and not reduced after investigation.",
    },
    "overview_no_activity": {
        "vi": "Không có buổi tiêm nào trong thời gian đã chọn tại địa bàn này; các số cộng "
        "dồn (số người, tồn kho, tồn đọng chứng nhận) vẫn được hiển thị.",
        "en": "No sessions in the chosen period in this area; cumulative figures (people, "
        "stock, certificate backlog) are still shown.",
    },
    "overview_trend": {"vi": "Số mũi tiêm theo ngày", "en": "Daily doses by dose"},
    "overview_dose1": {"vi": "Mũi 1", "en": "Dose 1"},
    "overview_dose2": {"vi": "Mũi 2", "en": "Dose 2"},
    "overview_dose3plus": {
        "vi": "Mũi 3 trở lên, mũi nhắc lại",
        "en": "Dose 3+ / booster",
    },
    "overview_dose3plus_note": {
        "vi": "Mũi 1, Mũi 2: liều cơ bản thứ nhất, thứ hai; “Mũi 3 trở lên, mũi nhắc lại”: "
        "liều cơ bản thứ ba (vắc xin 3 liều), liều bổ sung và liều nhắc lại.",
        "en": "Dose 1, dose 2: first and second primary doses; “dose 3+ / booster”: third "
        "primary doses (3-dose vaccines), additional and booster doses.",
    },
    "overview_planned_line": {"vi": "Kế hoạch (số mũi)", "en": "Plan (doses)"},
    "overview_total": {"vi": "Tổng", "en": "Total"},
    "overview_date": {"vi": "Ngày", "en": "Date"},
    "overview_rank_districts": {
        "vi": "Xếp hạng huyện, thành phố",
        "en": "Districts ranked",
    },
    "overview_rank_communes": {
        "vi": "Xếp hạng xã, phường, thị trấn — {district}",
        "en": "Communes ranked — {district}",
    },
    "overview_rank_coverage": {
        "vi": "Tỷ lệ bao phủ {measure} đến {day}",
        "en": "Coverage, {measure}, as of {day}",
    },
    "overview_rank_doses": {
        "vi": "Số mũi đã tiêm trong kỳ (tỷ lệ hoàn thành kế hoạch)",
        "en": "Doses in the period (plan achievement)",
    },
    "overview_rank_hint": {
        "vi": "Chọn một cột để xem chi tiết địa bàn đó. Cột màu cam, tên có dấu ▶: địa bàn "
        "đang chọn; cột đỏ cam có dấu ⚠: vượt 100 %.",
        "en": "Click a bar to drill into that area. Orange bar, name marked ▶: the area in "
        "view; vermilion bar marked ⚠: above 100 %.",
    },
    "overview_rank_doses_note": {
        "vi": "Số mũi tính theo nơi đặt điểm tiêm; “KH” = tỷ lệ hoàn thành kế hoạch.",
        "en": "Doses by the area of the site; “plan” = plan achievement.",
    },
    "overview_of_plan": {"vi": "KH", "en": "of plan"},
    "overview_no_plan": {"vi": "không có KH", "en": "no plan"},
    "overview_area": {"vi": "Địa bàn", "en": "Area"},
    "overview_people": {"vi": "Số người", "en": "People"},
    "overview_alerts": {"vi": "Cảnh báo", "en": "Alerts"},
    "overview_alerts_none": {
        "vi": "Không có cảnh báo nào cho địa bàn và thời gian đã chọn.",
        "en": "No alerts for the chosen area and period.",
    },
    "overview_alerts_config_error": {
        "vi": "Không đọc được tệp ngưỡng cảnh báo ({error}). Đang dùng ngưỡng mặc định.",
        "en": "The alert thresholds file could not be used ({error}). Using the defaults.",
    },
    "overview_alerts_config": {
        "vi": "Ngưỡng cảnh báo do quản trị viên đặt trong tệp {path}.",
        "en": "Alert thresholds are set by the administrator in {path}.",
    },
    "overview_alerts_filter": {"vi": "Loại cảnh báo", "en": "Alert types"},
    "overview_alerts_top": {
        "vi": "{shown} cảnh báo nặng nhất / {total}",
        "en": "The {shown} most severe of {total}",
    },
    "overview_alerts_all": {
        "vi": "Xem tất cả {total} cảnh báo (bảng)",
        "en": "All {total} alerts (table)",
    },
    "overview_severity": {"vi": "Mức độ", "en": "Severity"},
    "overview_severity_serious": {"vi": "Nghiêm trọng", "en": "Serious"},
    "overview_severity_warning": {"vi": "Cần chú ý", "en": "Warning"},
    "overview_kind": {"vi": "Loại cảnh báo", "en": "Alert"},
    "overview_kind_low_stock": {"vi": "Sắp hết vắc xin", "en": "Low stock"},
    "overview_kind_deferral_spike": {
        "vi": "Hoãn tiêm tăng đột biến",
        "en": "Deferral-rate spike",
    },
    "overview_kind_certificate_backlog": {
        "vi": "Tồn đọng chứng nhận",
        "en": "Certificate backlog",
    },
    "overview_kind_no_data": {"vi": "Điểm tiêm chưa báo cáo", "en": "Sites not reporting"},
    "overview_rule_low_stock": {
        "vi": "Kho của điểm tiêm còn dưới {min} ngày đủ dùng vào cuối kỳ (nghiêm trọng: dưới "
        "{serious} ngày hoặc hết vắc xin khi có kế hoạch tiêm trong kỳ).",
        "en": "The site's store holds under {min} days of stock at the period end (serious: "
        "under {serious} days, or out of stock with a plan in the period).",
    },
    "overview_rule_deferral_spike": {
        "vi": "Số hoãn tiêm trong kỳ nhiều hơn mức ngẫu nhiên có thể giải thích so với tỷ lệ "
        "của chính điểm tiêm trong {weeks} tuần trước (kiểm định chính xác Fisher một phía), "
        "hoặc tỷ lệ của huyện khi điểm tiêm khám dưới {min_baseline} lượt trong các tuần đó "
        "(kiểm định nhị thức một phía): cảnh báo khi p < {significance}, từ {min_deferrals} "
        "lượt hoãn tiêm, {screened} lượt khám sàng lọc, tỷ lệ từ {min_rate} và cao hơn {factor} "
        "lần tỷ lệ nền trở lên (nghiêm trọng: gấp {serious} lần).",
        "en": "More deferrals in the period than chance explains against the site's own rate "
        "over the {weeks} weeks before (one-sided Fisher exact test), or its district's rate "
        "when the site screened under {min_baseline} people in those weeks (one-sided binomial "
        "test): flagged when p < {significance}, with at least {min_deferrals} deferrals, "
        "{screened} screened, a rate of at least {min_rate} and over {factor} times the "
        "baseline (serious: {serious} times).",
    },
    "overview_rule_certificate_backlog": {
        "vi": "Cuối kỳ còn từ {count} mũi chưa cấp chứng nhận và bằng từ {days} ngày tiêm "
        "của điểm tiêm trở lên (trung bình 28 ngày; nghiêm trọng: từ {serious} ngày).",
        "en": "At the period end, at least {count} injections without a certificate, and at "
        "least {days} days of the site's injections (28-day mean; serious: {serious} days).",
    },
    "overview_rule_no_data": {
        "vi": "Điểm tiêm đang hoạt động, vào ngày có kế hoạch tiêm đã duyệt, không có lượt "
        "tiếp đón nào hoặc không có báo cáo kho của ngày đó, trong từ {min} ngày của kỳ trở lên "
        "(nghiêm trọng: từ {serious} ngày) — cùng định nghĩa với trang Chất lượng dữ liệu.",
        "en": "An active site that, on a day with an approved plan, recorded no visit or sent "
        "no stock report for that day, on at least {min} days of the period (serious: "
        "{serious} days) — the definition of the Data quality page.",
    },
    "overview_msg_stock_out": {
        "vi": "hết vắc xin: tồn {on_hand} liều cuối kỳ trong khi có kế hoạch tiêm trong kỳ.",
        "en": "out of stock: on hand {on_hand} at the period end, with a plan in the period.",
    },
    "overview_msg_low_stock": {
        "vi": "còn {days} ngày đủ dùng (ngưỡng < {threshold} ngày): tồn {on_hand} liều, sử "
        "dụng trung bình {use} liều/ngày trong 7 ngày qua.",
        "en": "{days} days of stock (threshold < {threshold}): on hand {on_hand}, "
        "{use} used a day over the last 7 days.",
    },
    "overview_msg_deferral_spike_site": {
        "vi": "{deferrals} lượt hoãn tiêm trên {screened} lượt khám sàng lọc ({rate}); {weeks} "
        "tuần trước đó: {baseline} (ngưỡng > {threshold}; p = {p}).",
        "en": "{deferrals} deferrals of {screened} screened ({rate}); {baseline} over the "
        "{weeks} weeks before (threshold > {threshold}; p = {p}).",
    },
    "overview_msg_deferral_spike_district": {
        "vi": "{deferrals} lượt hoãn tiêm trên {screened} lượt khám sàng lọc ({rate}); tỷ lệ "
        "của huyện {weeks} tuần trước đó: {baseline} (ngưỡng > {threshold}; p = {p}).",
        "en": "{deferrals} deferrals of {screened} screened ({rate}); the district's rate over "
        "the {weeks} weeks before: {baseline} (threshold > {threshold}; p = {p}).",
    },
    "overview_msg_certificate_backlog": {
        "vi": "{backlog} mũi tiêm chưa cấp chứng nhận, bằng {days} ngày tiêm của điểm "
        "(ngưỡng ≥ {threshold} mũi).",
        "en": "{backlog} injections without a certificate, {days} days of the site's "
        "injections (threshold ≥ {threshold}).",
    },
    "overview_msg_no_injections": {
        "vi": "không tiêm trong 28 ngày",
        "en": "no injections in 28 days",
    },
    "overview_msg_no_data": {
        "vi": "{days} ngày có kế hoạch tiêm nhưng không có lượt tiếp đón hoặc không có báo cáo "
        "kho ({dates}): {no_visits} ngày không có lượt tiếp đón, {no_report} ngày không có báo "
        "cáo kho.",
        "en": "{days} planned days with no visit or no stock report ({dates}): {no_visits} "
        "without a visit, {no_report} without a stock report.",
    },
    "overview_alerts_jump": {
        "vi": "**Cảnh báo:** {serious} nghiêm trọng, {warning} cần chú ý — [xem danh sách]"
        "(#canh-bao)",
        "en": "**Alerts:** {serious} serious, {warning} warnings — [see the list](#canh-bao)",
    },
    "overview_open_site": {"vi": "Xem điểm tiêm", "en": "Open the site"},
    "overview_details": {"vi": "Xem chi tiết:", "en": "Details:"},
    "overview_site": {"vi": "Điểm tiêm", "en": "Site"},
    "overview_value": {"vi": "Giá trị", "en": "Value"},
    "overview_threshold": {"vi": "Ngưỡng", "en": "Threshold"},
    "overview_detail": {"vi": "Chi tiết", "en": "Detail"},
    "overview_link": {"vi": "Liên kết", "en": "Link"},
}
