"""Texts of the coverage page: measures, denominators, the map, the ranking, the trend and
the table by residence, the flags above 100 % and the boundaries file's problems."""

TEXTS: dict[str, dict[str, str]] = {
    "coverage_measure": {"vi": "Chỉ tiêu", "en": "Measure"},
    "coverage_measure_1plus": {"vi": "Ít nhất 1 mũi", "en": "At least one dose"},
    "coverage_measure_full": {"vi": "Đủ liều cơ bản", "en": "Fully vaccinated"},
    "coverage_measure_boosted": {"vi": "Mũi nhắc lại", "en": "Booster"},
    "coverage_back_province": {"vi": "Về toàn tỉnh", "en": "Back to the province"},
    "coverage_up": {"vi": "Lên {name}", "en": "Up to {name}"},
    "coverage_click_hint": {
        "vi": "Bấm vào một {level} trên bản đồ hoặc trên biểu đồ xếp hạng để xem chi tiết.",
        "en": "Click a {level} on the map or on the ranking to drill into it.",
    },
    "coverage_level_district": {"vi": "huyện, thành phố", "en": "district"},
    "coverage_level_commune": {"vi": "xã, phường, thị trấn", "en": "commune"},
    "coverage_people_of": {
        "vi": "{people} người / {population} dân số mục tiêu",
        "en": "{people} people of a target population of {population}",
    },
    "coverage_dropout_detail": {
        "vi": "{gap} người đã tiêm mũi 1 chưa tiêm đủ liều cơ bản",
        "en": "{gap} people with a first dose not yet fully vaccinated",
    },
    "coverage_people_line": {
        "vi": "Tử số: người {group} (tuổi = năm − năm sinh), theo nơi cư trú, đến hết ngày {day}.",
        "en": "Numerator: people {group} (age = year − birth year), by residence, by the end "
        "of {day}.",
    },
    "coverage_no_denominator": {
        "vi": "Chưa có dân số mục tiêu ({denominator}) cho: {names}. Tỷ lệ của các địa bàn "
        "này để trống.",
        "en": "No target population ({denominator}) for: {names}. Their coverage is left blank.",
    },
    "coverage_no_people": {
        "vi": "Chưa có người nào ({group}) cư trú tại địa bàn này được tiêm tính đến hết ngày "
        "{day}.",
        "en": "Nobody ({group}) living in this area had been vaccinated by the end of {day}.",
    },
    "coverage_flag": {"vi": "Vượt 100 %", "en": "Above 100%"},
    "coverage_flag_legend": {
        "vi": "Vượt 100 %: dân số ước tính có thể thấp",
        "en": "Above 100%: the population estimate is probably low",
    },
    "coverage_flag_warning": {
        "vi": "**{n} địa bàn có tỷ lệ {measure} vượt 100 %** ({names}): dân số ước tính cho "
        "năm {year} thấp hơn số người đã tiêm (người chuyển đến, hoặc Tổng điều tra 2019 chưa "
        "tính hết); số liệu được giữ nguyên, không cắt bớt.",
        "en": "**{n} areas have {measure} coverage above 100%** ({names}): the population "
        "estimated for {year} is below the people vaccinated (people moved in, or the 2019 "
        "census missed them); values are kept, never clipped.",
    },
    "coverage_flag_more": {"vi": "và {n} địa bàn khác", "en": "and {n} more"},
    "coverage_map_title": {
        "vi": "{measure} theo {level}",
        "en": "{measure} by {level}",
    },
    "coverage_rank_title": {"vi": "Xếp hạng theo {level}", "en": "Ranking by {level}"},
    "coverage_trend_title": {
        "vi": "{measure} theo thời gian",
        "en": "{measure} over time",
    },
    "coverage_trend_note": {
        "vi": "Đường đậm: {scope}. Đường nhạt: từng {level}; nổi bật {level} cao nhất và "
        "thấp nhất tại ngày {day}.",
        "en": "Bold line: {scope}. Light lines: each {level}; highlighted, the highest and "
        "lowest {level} on {day}.",
    },
    "coverage_projection_title": {
        "vi": "Dự báo ngày đạt mục tiêu tiêm đủ liều cơ bản",
        "en": "When the full-vaccination targets would be reached",
    },
    "coverage_projection_target": {"vi": "Mục tiêu", "en": "Target"},
    "coverage_projection_date": {"vi": "Ngày đạt (dự báo)", "en": "Reached on (projected)"},
    "coverage_projection_range": {"vi": "Khoảng dự báo", "en": "Range"},
    "coverage_projection_pace": {"vi": "Tốc độ (người/ngày)", "en": "Pace (people a day)"},
    "coverage_projection_reached": {"vi": "đã đạt ngày {day}", "en": "reached on {day}"},
    "coverage_projection_never": {
        "vi": "chưa đạt với tốc độ hiện tại",
        "en": "not at this pace",
    },
    "coverage_projection_note": {
        "vi": "Mục tiêu: tỷ lệ người {group} tiêm đủ liều cơ bản trên dân số ước tính của nhóm. "
        "Tốc độ: số người tiêm đủ liều tăng thêm bình quân mỗi ngày trong {days} ngày đến hết "
        "{day}; khoảng dự báo theo tốc độ của tuần nhanh hơn và tuần chậm hơn trong {days} ngày "
        "đó. Không tính biến động dân số sau đó.",
        "en": "Target: the share of people {group} fully vaccinated over the group's estimated "
        "population. Pace: the people fully vaccinated gained a day on average over the {days} "
        "days to {day}; the range, at the pace of the faster and the slower week of those "
        "{days} days. Later changes of the population are not modelled.",
    },
    "coverage_table_title": {"vi": "Độ bao phủ theo nơi cư trú", "en": "Coverage by residence"},
    "coverage_approx": {
        "vi": "Ranh giới gần đúng (dựng từ tâm xã)",
        "en": "Approximate boundaries (built from commune centres)",
    },
    "coverage_boundaries_file": {"vi": "Ranh giới: tệp {file}", "en": "Boundaries: {file}"},
    "coverage_site_note": {
        "vi": "Tỷ lệ bao phủ tính theo nơi cư trú của người dân, không theo điểm tiêm: đang "
        "hiển thị {commune}, nơi đặt điểm tiêm.",
        "en": "Coverage is by residence, not by vaccination site: showing {commune}, where "
        "the site is.",
    },
    "coverage_outside": {
        "vi": "{n} người cư trú ngoài tỉnh đã tiêm ít nhất 1 mũi tại tỉnh; họ không được "
        "tính vào tỷ lệ bao phủ của tỉnh.",
        "en": "{n} people living outside the province had at least one dose here; they are "
        "not counted in the province's coverage.",
    },
    "coverage_kpi_title": {"vi": "Tỷ lệ {measure}", "en": "Coverage, {measure}"},
    "coverage_col_area": {"vi": "Địa bàn", "en": "Area"},
    "coverage_col_date": {"vi": "Ngày", "en": "Day"},
    "coverage_col_target": {"vi": "Dân số mục tiêu", "en": "Target population"},
    "coverage_head_coverage_1plus": {"vi": "Tỷ lệ ≥ 1 mũi", "en": "% ≥ 1 dose"},
    "coverage_head_coverage_full": {"vi": "Tỷ lệ đủ liều", "en": "% fully vacc."},
    "coverage_head_coverage_boosted": {"vi": "Tỷ lệ nhắc lại", "en": "% booster"},
    "coverage_head_people_1plus": {"vi": "Số người ≥ 1 mũi", "en": "People ≥ 1 dose"},
    "coverage_head_people_full": {"vi": "Số người đủ liều", "en": "People fully vacc."},
    "coverage_head_people_boosted": {"vi": "Số người nhắc lại", "en": "People booster"},
    "coverage_col_people": {"vi": "Số người", "en": "People"},
    "coverage_col_rate": {"vi": "Tỷ lệ", "en": "Coverage"},
    "coverage_total_row": {"vi": "Cộng: {name}", "en": "Total: {name}"},
    "coverage_hundred": {"vi": "100 %", "en": "100%"},
    "coverage_first_above": {"vi": "vượt 100 % từ {day}", "en": "above 100% since {day}"},
    "coverage_highest": {"vi": "cao nhất", "en": "highest"},
    "coverage_lowest": {"vi": "thấp nhất", "en": "lowest"},
    "coverage_data_as_of": {"vi": "Dữ liệu đến {day}", "en": "Data as of {day}"},
    "coverage_boundary_issues": {
        "vi": "Tệp ranh giới: {n} điểm cần kiểm tra",
        "en": "Boundaries file: {n} things to check",
    },
    "coverage_issue_unreadable": {
        "vi": "Không đọc được tệp ranh giới ({detail}); dùng ranh giới gần đúng.",
        "en": "The boundaries file cannot be read ({detail}); approximate shapes are used.",
    },
    "coverage_issue_not_geojson": {
        "vi": "Tệp ranh giới không phải GeoJSON FeatureCollection ({detail}); dùng ranh giới "
        "gần đúng.",
        "en": "The boundaries file is not a GeoJSON FeatureCollection ({detail}); "
        "approximate shapes are used.",
    },
    "coverage_issue_not_lonlat": {
        "vi": "Tọa độ trong tệp ranh giới không phải kinh độ/vĩ độ trong tỉnh; dùng ranh giới "
        "gần đúng.",
        "en": "The boundaries file's coordinates are not longitude/latitude in the province; "
        "approximate shapes are used.",
    },
    "coverage_issue_no_match": {
        "vi": "Không vùng nào trong tệp ranh giới khớp với mã hoặc tên địa bàn; dùng ranh giới "
        "gần đúng.",
        "en": "No feature of the boundaries file matches an area code or name; approximate "
        "shapes are used.",
    },
    "coverage_issue_unmatched_feature": {
        "vi": "Không khớp được vùng «{detail}» với địa bàn nào.",
        "en": "Feature «{detail}» matches no area.",
    },
    "coverage_issue_ambiguous_feature": {
        "vi": "Tên «{detail}» khớp với nhiều địa bàn; hãy dùng mã.",
        "en": "Name «{detail}» fits several areas; use codes.",
    },
    "coverage_issue_duplicate_feature": {
        "vi": "Địa bàn {detail} có nhiều hơn một vùng; dùng vùng đầu tiên.",
        "en": "Area {detail} has more than one feature; the first is used.",
    },
    "coverage_issue_bad_geometry": {
        "vi": "Vùng «{detail}» không có đa giác hợp lệ.",
        "en": "Feature «{detail}» has no usable polygon.",
    },
    "coverage_issue_missing_area": {
        "vi": "Địa bàn {detail} không có ranh giới trong tệp.",
        "en": "Area {detail} has no shape in the file.",
    },
    "coverage_issue_holds_districts": {
        "vi": "Tệp ranh giới chứa ranh giới cấp huyện (nhận ra theo tên địa bàn).",
        "en": "The boundaries file holds districts (recognised by their names).",
    },
    "coverage_issue_holds_communes": {
        "vi": "Tệp ranh giới chứa ranh giới cấp xã (nhận ra theo tên địa bàn).",
        "en": "The boundaries file holds communes (recognised by their names).",
    },
    "coverage_issue_no_point": {
        "vi": "Xã {detail} không có tọa độ tâm; không vẽ được.",
        "en": "Commune {detail} has no centre point; not drawn.",
    },
}
