"""Texts of the target-group selector and of the denominator's method, shared by the pages that
show coverage (dashboard/target_group.py)."""

TEXTS: dict[str, dict[str, str]] = {
    "group_label": {"vi": "Nhóm đối tượng", "en": "Target group"},
    "group_all": {"vi": "Mọi lứa tuổi", "en": "All ages"},
    "group_18plus": {"vi": "Từ 18 tuổi trở lên", "en": "Aged 18 and over"},
    "group_12_17": {"vi": "Từ 12 đến 17 tuổi", "en": "Aged 12 to 17"},
    "group_5_11": {"vi": "Từ 5 đến 11 tuổi", "en": "Aged 5 to 11"},
    "group_50plus": {"vi": "Từ 50 tuổi trở lên", "en": "Aged 50 and over"},
    "group_65plus": {"vi": "Từ 65 tuổi trở lên", "en": "Aged 65 and over"},
    "group_short_all": {"vi": "mọi tuổi", "en": "all ages"},
    "group_short_18plus": {"vi": "18+", "en": "18+"},
    "group_short_12_17": {"vi": "12–17", "en": "12–17"},
    "group_short_5_11": {"vi": "5–11", "en": "5–11"},
    "group_short_50plus": {"vi": "50+", "en": "50+"},
    "group_short_65plus": {"vi": "65+", "en": "65+"},
    "group_help": {
        "vi": "Tử số và mẫu số cùng một nhóm người. Tuổi trong năm = năm − năm sinh (như danh "
        "sách của Bộ Y tế), nên mỗi tháng Giêng một lớp tuổi chuyển sang nhóm trên. Người không "
        "có năm sinh hợp lệ chỉ được tính trong «Mọi lứa tuổi». Mẫu số: dân số của nhóm trong "
        "năm, ƯỚC TÍNH từ Tổng điều tra dân số và nhà ở 2019 (Tổng cục Thống kê) theo huyện và "
        "nhóm 5 tuổi: chia đều mỗi nhóm cho từng tuổi, cộng thêm số năm kể từ 2019 (không tính "
        "sinh, tử, di cư); xã lấy cơ cấu tuổi của huyện nhân với dân số 2019 của xã. «Mọi lứa "
        "tuổi» là tổng dân số 2019. Tỷ lệ vượt 100 % được đánh dấu, không cắt bớt.",
        "en": "Numerator and denominator cover the same people. The age in a year is the year "
        "− birth year (as the Ministry's lists count it), so each January one birth year moves "
        "up a group. People without a valid birth year count in «All ages» only. Denominator: "
        "the group's population in that year, ESTIMATED from the 2019 Population and Housing "
        "Census (GSO) by district and five-year band: each band spread evenly over its ages, "
        "aged forward by the years since 2019 (no births, deaths or migration); a commune gets "
        "its district's age shares times its own 2019 total. «All ages» is the 2019 total. "
        "Coverage above 100 % is flagged, never clipped.",
    },
    "group_denominator_estimate": {
        "vi": "Mẫu số: dân số {group} năm {year}, ước tính từ {source} (chia đều nhóm 5 tuổi, "
        "cộng tuổi theo năm; xã theo cơ cấu tuổi của huyện).",
        "en": "Denominator: population {group} in {year}, estimated from the {source} (five-year "
        "bands spread evenly, aged forward; communes by their district's age shares).",
    },
    "group_denominator_census": {
        "vi": "Mẫu số: tổng dân số theo {source}.",
        "en": "Denominator: the total population at the {source}.",
    },
    "group_denominator_short_estimate": {
        "vi": "Mẫu số: dân số {group} năm {year} (ước tính từ {source})",
        "en": "Denominator: population {group} in {year} (estimate from the {source})",
    },
    "group_denominator_short_census": {
        "vi": "Mẫu số: tổng dân số ({source})",
        "en": "Denominator: total population ({source})",
    },
    "group_source_gso": {
        "vi": "Tổng điều tra dân số và nhà ở 2019 (Tổng cục Thống kê)",
        "en": "2019 Population and Housing Census (GSO)",
    },
    "group_source_gso_short": {"vi": "Tổng điều tra 2019", "en": "2019 census"},
    "group_unknown_birth_year": {
        "vi": "{n} người đã tiêm không có năm sinh hợp lệ: chỉ được tính trong «Mọi lứa tuổi».",
        "en": "{n} vaccinated people have no valid birth year: they count in «All ages» only.",
    },
    "group_over_100": {
        "vi": "Vượt 100 % nghĩa là dân số ước tính thấp hơn thực tế (người chuyển đến, hoặc Tổng "
        "điều tra chưa tính hết): số liệu được giữ nguyên và đánh dấu ⚠.",
        "en": "Above 100 % means the estimated population is too low (people moved in, or the "
        "census missed them): the value is kept and marked ⚠.",
    },
}
