"""The weekly summary's sentence templates (dashboard/summary_text.py fills them)."""

TEXTS = {
    "summary_title": {"vi": "Tóm tắt tuần", "en": "Weekly summary"},
    "summary_intro": {
        "vi": "Viết tự động từ số liệu theo mẫu câu, cho {area} từ {start} đến {end}. Di chuột "
        "vào biểu tượng bên cạnh mỗi câu để xem số liệu lấy từ đâu.",
        "en": "Written from the numbers by sentence templates, for {area}, {start} to {end}. "
        "Hover over the icon beside each sentence to see where its numbers come from.",
    },
    "summary_source": {"vi": "Nguồn: {sources}", "en": "Source: {sources}"},
    "summary_copy": {"vi": "Văn bản để sao chép", "en": "Text to copy"},
    # doses
    "summary_doses": {
        "vi": "Từ {start} đến {end} đã tiêm {doses} mũi, {change} so với {days} ngày trước đó "
        "({previous} mũi); {plan}.",
        "en": "From {start} to {end}, {doses} doses were given, {change} on the previous "
        "{days} days ({previous}); {plan}.",
    },
    "summary_up": {"vi": "tăng {value}", "en": "up {value}"},
    "summary_down": {"vi": "giảm {value}", "en": "down {value}"},
    "summary_same": {"vi": "không đổi", "en": "no change"},
    "summary_from_none": {"vi": "trong khi không có mũi nào", "en": "against none"},
    "summary_plan": {
        "vi": "đạt {achievement} kế hoạch ({planned} mũi)",
        "en": "{achievement} of the plan ({planned} doses)",
    },
    "summary_no_plan": {
        "vi": "không có kế hoạch tiêm được duyệt trong kỳ",
        "en": "no approved vaccination plan in the period",
    },
    # coverage
    "summary_coverage": {
        "vi": "Đến {end}, {people_1plus} người đã tiêm ít nhất 1 mũi, tỷ lệ bao phủ {cov_1plus} "
        "dân số từ 18 tuổi ({change_1plus} trong kỳ); {people_full} người đã tiêm đủ liều cơ "
        "bản, {cov_full} ({change_full}).",
        "en": "By {end}, {people_1plus} people had at least one dose, coverage {cov_1plus} of "
        "the population aged 18 and over ({change_1plus} in the period); {people_full} were "
        "fully vaccinated, {cov_full} ({change_full}).",
    },
    # areas behind and ahead of their plan
    "summary_areas": {
        "vi": "So với kế hoạch tiêm, {behind}; {ahead}.",
        "en": "Against their vaccination plans, {behind}; {ahead}.",
    },
    "summary_areas_behind": {
        "vi": "{count} {level} chưa đạt, chậm nhất là {names}",
        "en": "{count} {level} are behind, the furthest {names}",
    },
    "summary_areas_none_behind": {
        "vi": "không {level} nào chưa đạt",
        "en": "none of the {level} is behind",
    },
    "summary_areas_ahead": {
        "vi": "{count} {level} đạt hoặc vượt, cao nhất là {names}",
        "en": "{count} {level} are on or ahead of plan, the furthest {names}",
    },
    "summary_areas_none_ahead": {
        "vi": "không {level} nào đạt kế hoạch",
        "en": "none of the {level} is on plan",
    },
    "summary_areas_no_plan": {
        "vi": "Không {level} nào có kế hoạch tiêm được duyệt trong kỳ.",
        "en": "No {level} has an approved vaccination plan in the period.",
    },
    "summary_level_district": {"vi": "huyện", "en": "districts"},
    "summary_level_commune": {"vi": "xã", "en": "communes"},
    "summary_and": {"vi": "và", "en": "and"},
    # stock-outs
    "summary_stockouts": {
        "vi": "{stocks} loại vắc xin ở {sites} điểm tiêm sẽ hết trong {within} ngày tới với "
        "tốc độ dùng hiện tại, sớm nhất là {site} ({vaccine}, {when}).",
        "en": "{stocks} vaccine stocks at {sites} sites run out within {within} days at the "
        "current pace, first {site} ({vaccine}, {when}).",
    },
    "summary_stockouts_none": {
        "vi": "Không điểm tiêm nào sẽ hết vắc xin trong {within} ngày tới với tốc độ dùng "
        "hiện tại.",
        "en": "No site runs out of a vaccine within {within} days at the current pace.",
    },
    "summary_out_now": {"vi": "đã hết", "en": "already out"},
    "summary_out_today": {"vi": "còn dưới 1 ngày", "en": "less than a day left"},
    "summary_out_in": {"vi": "còn {days} ngày", "en": "{days} days left"},
    # expiry
    "summary_expiry": {
        "vi": "Trong kho còn {expired} liều đã hết hạn ({expired_lots} lô ở {expired_stores} "
        "kho) và {near} liều sẽ hết hạn trong {near_days} ngày tới ({near_lots} lô ở "
        "{near_stores} kho).",
        "en": "Stores hold {expired} expired doses ({expired_lots} lots in {expired_stores} "
        "stores) and {near} doses expiring within {near_days} days ({near_lots} lots in "
        "{near_stores} stores).",
    },
    # certificates
    "summary_backlog": {
        "vi": "{backlog} mũi tiêm chưa được cấp chứng nhận ({previous} ở cuối kỳ trước); "
        "{areas} khu vực tồn đọng từ {days} ngày tiêm trở lên.",
        "en": "{backlog} injections have no certificate yet ({previous} at the end of the "
        "previous period); {areas} areas hold a backlog of {days} days of injections or more.",
    },
    # AEFI
    "summary_aefi": {
        "vi": "Ghi nhận {serious} trường hợp tai biến nặng sau tiêm trong kỳ ({previous} ở kỳ "
        "trước).",
        "en": "Serious adverse events reported in the period: {serious} ({previous} in the "
        "previous one).",
    },
    # due
    "summary_due": {
        "vi": "Đến {end}, {due} người đến hạn và {overdue} người quá hạn tiêm mũi tiếp theo "
        "({primary} chờ liều cơ bản, {booster} chờ mũi nhắc lại): đây là số cần cho kế hoạch "
        "tiêm tuần tới.",
        "en": "By {end}, {due} people are due and {overdue} overdue for their next dose "
        "({primary} for a primary dose, {booster} for a booster): the number to plan next "
        "week's sessions for.",
    },
    # decisions
    "summary_decisions": {
        "vi": "Cần quyết định {total} việc: {stockouts} kho điểm tiêm sắp hết vắc xin, {moves} "
        "lô sắp hết hạn nên chuyển ({move_doses} liều) và {backlogs} khu vực tồn đọng chứng "
        "nhận.",
        "en": "{total} items need a decision: {stockouts} site stocks running out, {moves} "
        "expiring lots to move ({move_doses} doses) and {backlogs} areas with a certificate "
        "backlog.",
    },
    "summary_decisions_none": {
        "vi": "Không có việc nào cần quyết định theo các ngưỡng hiện hành.",
        "en": "Nothing needs a decision under the current thresholds.",
    },
}
