"""Texts of the "who is due" section of the coverage page and the days-until-stock-out section
of the stock page."""

TEXTS: dict[str, dict[str, str]] = {
    "due_title": {
        "vi": "Người đến hạn tiêm mũi tiếp theo (cuối ngày {day})",
        "en": "People due for their next dose (end of {day})",
    },
    "due_definition": {
        "vi": "Đếm người (không có tên), theo xã nơi cư trú và vắc xin của mũi gần nhất. Ngày "
        "đến hạn = ngày tiêm mũi gần nhất + khoảng cách tối thiểu của vắc xin đó đến mũi cơ bản "
        "tiếp theo hoặc mũi nhắc lại. **Đến hạn**: đã tới ngày đến hạn, chưa quá {grace} ngày. "
        "**Quá hạn**: quá ngày đến hạn hơn {grace} ngày mà chưa tiêm. **Sắp đến hạn**: đến hạn "
        "trong {upcoming} ngày tới. Người đã tiêm nhắc lại không còn được tính.",
        "en": "People counted (no names), by residence commune and the vaccine of their last "
        "dose. Due date = last dose + that vaccine's minimum interval to the next primary dose "
        "or to a booster. **Due**: the due date is reached, by at most {grace} days. "
        "**Overdue**: more than {grace} days past the due date without the dose. **Due soon**: "
        "due within the next {upcoming} days. Boosted people are no longer counted.",
    },
    "due_primary_due": {"vi": "Mũi cơ bản đến hạn", "en": "Primary dose due"},
    "due_primary_overdue": {"vi": "Mũi cơ bản quá hạn", "en": "Primary dose overdue"},
    "due_booster_due": {"vi": "Mũi nhắc lại đến hạn", "en": "Booster due"},
    "due_booster_overdue": {"vi": "Mũi nhắc lại quá hạn", "en": "Booster overdue"},
    "due_soon_line": {
        "vi": "Sắp đến hạn trong {upcoming} ngày tới: {primary} mũi cơ bản, {booster} mũi "
        "nhắc lại.",
        "en": "Due within the next {upcoming} days: {primary} primary doses, {booster} boosters.",
    },
    "due_no_interval_line": {
        "vi": "{n} người chờ mũi tiếp theo của vắc xin chưa có khoảng cách trong tệp cấu hình "
        "(không phân loại).",
        "en": "{n} people wait after a vaccine the configuration gives no interval for (not "
        "classified).",
    },
    "due_by_area": {"vi": "Theo {level}", "en": "By {level}"},
    "due_by_vaccine": {
        "vi": "Theo vắc xin của mũi gần nhất",
        "en": "By the vaccine of the last dose",
    },
    "due_area": {"vi": "Địa bàn", "en": "Area"},
    "due_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
    "due_kind": {"vi": "Mũi chờ tiêm", "en": "Dose awaited"},
    "due_kind_primary": {"vi": "Mũi cơ bản tiếp theo", "en": "Next primary dose"},
    "due_kind_booster": {"vi": "Mũi nhắc lại", "en": "Booster"},
    "due_interval": {"vi": "Khoảng cách (ngày)", "en": "Interval (days)"},
    "due_waiting": {"vi": "Đang chờ", "en": "Waiting"},
    "due_soon": {"vi": "Sắp đến hạn", "en": "Due soon"},
    "due_due": {"vi": "Đến hạn", "en": "Due"},
    "due_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "due_people": {"vi": "Số người", "en": "People"},
    "due_none": {
        "vi": "Không có ai đang chờ mũi tiếp theo vào cuối ngày này.",
        "en": "Nobody waits for a next dose at the end of this day.",
    },
    "due_sources": {
        "vi": "Khoảng cách giữa các mũi và nguồn (tệp {file})",
        "en": "Intervals between doses and their sources (file {file})",
    },
    "due_source": {"vi": "Nguồn", "en": "Source"},
    "due_config_error": {
        "vi": "Không dùng được tệp khoảng cách giữa các mũi ({error}); phần này tạm ẩn.",
        "en": "The dose-interval file cannot be used ({error}); this section is hidden.",
    },
    # --- days until stock-out (stock page)
    "stockout_title": {
        "vi": "Số ngày đến khi hết vắc xin (cuối ngày {day})",
        "en": "Days until stock-out (end of {day})",
    },
    "stockout_formula": {
        "vi": "Số ngày = (tồn kho + đang vận chuyển đến kho) ÷ mức dùng mỗi ngày, làm tròn "
        "xuống. Mức dùng mỗi ngày = số lớn hơn giữa (số liều xuất khỏi kho — tiêm, hủy, điều "
        "chuyển — trong 14 ngày qua) ÷ 14 và (số liều theo kế hoạch buổi tiêm đã duyệt của "
        "điểm tiêm trong 14 ngày tới) ÷ 14. Đang vận chuyển = liều kho trên đã xuất cho kho này "
        "mà kho này chưa nhập. Kho không dùng vắc xin nào: không tính.",
        "en": "Days = (on hand + in transit to the store) ÷ daily use, rounded down. Daily "
        "use = the larger of (doses that left the store — administered, wasted, sent on — in "
        "the last 14 days) ÷ 14 and (planned doses of the site's approved sessions in the next "
        "14 days) ÷ 14. In transit = doses its senders issued to the store that it has not "
        "booked in. A store that uses nothing: not computed.",
    },
    "stockout_within": {
        "vi": "{n} kho điểm tiêm hết vắc xin trong vòng {days} ngày.",
        "en": "{n} site stores run out within {days} days.",
    },
    "stockout_none": {
        "vi": "Không có kho nào đang dùng vắc xin vào cuối ngày này.",
        "en": "No store uses vaccine at the end of this day.",
    },
    "stockout_store": {"vi": "Kho", "en": "Store"},
    "stockout_district": {"vi": "Huyện", "en": "District"},
    "stockout_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
    "stockout_on_hand": {"vi": "Tồn kho", "en": "On hand"},
    "stockout_in_transit": {"vi": "Đang vận chuyển", "en": "In transit"},
    "stockout_recent": {"vi": "Dùng/ngày (14 ngày qua)", "en": "Use/day (last 14 days)"},
    "stockout_planned": {"vi": "Kế hoạch/ngày (14 ngày tới)", "en": "Planned/day (next 14 days)"},
    "stockout_days": {"vi": "Số ngày còn đủ", "en": "Days left"},
    "stockout_date": {"vi": "Dự kiến hết", "en": "Runs out on"},
    "stockout_never": {"vi": "không dùng", "en": "no use"},
    "stockout_chart": {
        "vi": "Các kho điểm tiêm hết vắc xin sớm nhất",
        "en": "The site stores that run out first",
    },
}
