"""The overview's "Cần quyết định" (decisions needed) and expired / near-expiry sections."""

TEXTS = {
    "decisions_title": {"vi": "Cần quyết định", "en": "Decisions needed"},
    "decisions_intro": {
        "vi": "Tính đến {day}. Hết vắc xin: số ngày đến khi hết (như trang Vắc xin & tồn kho: "
        "số tồn và số đang chuyển đến / mức dùng mỗi ngày, lấy mức lớn hơn giữa 14 ngày qua và "
        "kế hoạch 14 ngày tới), dưới {within} ngày. Lô sắp hết hạn: hết hạn trong {near} ngày "
        "mà điểm tiêm không dùng hết kịp với tốc độ {use_days} ngày qua, trong khi điểm khác "
        "cùng huyện dùng được. Tồn đọng chứng nhận: từ {backlog_min} mũi và từ {backlog_days} "
        "ngày tiêm (trung bình 28 ngày). Mục tiêu bao phủ: dự báo theo tốc độ 14 ngày qua. "
        "Ngưỡng trong tệp cấu hình cảnh báo, mục [decisions].",
        "en": "As of {day}. Stock-outs: days until stock-out (as on the Vaccines & stock page: "
        "on hand and in transit / daily use, the larger of the last 14 days' and the next 14 "
        "days' plan), under {within} days. Expiring lots: expiring within {near} days, more "
        "than the site will use by then at its pace of the last {use_days} days, while another "
        "site of the same district could use them. Certificate backlogs: at least "
        "{backlog_min} injections and {backlog_days} days of injections (28-day mean). "
        "Coverage target: projected at the pace of the last 14 days. "
        "Thresholds in the alerts configuration file, section [decisions].",
    },
    "decisions_stockouts": {
        "vi": "Điểm tiêm sắp hết vắc xin trong {days} ngày",
        "en": "Sites running out within {days} days",
    },
    "decisions_out_now": {"vi": "đã hết", "en": "already out"},
    "decisions_out_today": {"vi": "hết trong ngày", "en": "out within a day"},
    "decisions_out_in": {"vi": "hết sau {days} ngày", "en": "out in {days} days"},
    "decisions_stockout": {
        "vi": "**{site}** · {vaccine}: {when} (tồn {on_hand} liều, dùng {use} liều/ngày).",
        "en": "**{site}** · {vaccine}: {when} ({on_hand} on hand, {use} used a day).",
    },
    "decisions_moves": {
        "vi": "Lô sắp hết hạn nên chuyển sang điểm tiêm khác cùng huyện",
        "en": "Expiring lots another site of the district could use",
    },
    "decisions_move": {
        "vi": "**{site}** · {vaccine} lô {lot}, hết hạn {day}: {unused} trong {on_hand} liều "
        "sẽ không dùng kịp; **{to}** (dùng {to_use} liều/ngày) có thể dùng {can_use} liều.",
        "en": "**{site}** · {vaccine} lot {lot}, expires {day}: {unused} of {on_hand} doses "
        "will not be used in time; **{to}** ({to_use} a day) could use {can_use}.",
    },
    "decisions_backlogs": {
        "vi": "Khu vực tồn đọng chứng nhận quá ngưỡng",
        "en": "Areas with a certificate backlog past the threshold",
    },
    "decisions_backlog": {
        "vi": "**{area}**: {backlog} mũi chưa cấp chứng nhận, bằng {days} ngày tiêm.",
        "en": "**{area}**: {backlog} injections without a certificate, {days} days of injections.",
    },
    "decisions_no_doses": {"vi": "không tiêm trong 28 ngày", "en": "no injections in 28 days"},
    "decisions_targets": {
        "vi": "Huyện chưa đạt {share} người 18+ tiêm đủ liều cơ bản trước {day} "
        "với tốc độ hiện tại",
        "en": "Districts not on course for {share} of people 18+ fully vaccinated by {day}",
    },
    "decisions_target": {
        "vi": "**{area}**: {coverage} đã tiêm đủ liều cơ bản; {share} {when} "
        "(tốc độ 14 ngày qua: {pace} người/ngày).",
        "en": "**{area}**: {coverage} fully vaccinated; {share} {when} "
        "(pace of the last 14 days: {pace} people a day).",
    },
    "decisions_target_on": {"vi": "dự kiến ngày {day}", "en": "expected on {day}"},
    "decisions_target_never": {
        "vi": "chưa đạt với tốc độ hiện tại",
        "en": "not at this pace",
    },
    "decisions_none": {"vi": "Không có.", "en": "None."},
    "decisions_all": {"vi": "Xem tất cả {total} mục", "en": "All {total} items"},
    "decisions_item": {"vi": "Nội dung", "en": "Item"},
    "expiry_title": {
        "vi": "Vắc xin đã hết hạn và sắp hết hạn",
        "en": "Expired and near-expiry doses",
    },
    "expiry_expired": {
        "vi": "Liều đã hết hạn còn trong kho",
        "en": "Expired doses still on hand",
    },
    "expiry_near": {
        "vi": "Liều hết hạn trong {days} ngày tới",
        "en": "Doses expiring within {days} days",
    },
    "expiry_lots": {"vi": "{lots} lô ở {stores} kho", "en": "{lots} lots in {stores} stores"},
    "expiry_top": {
        "vi": "{shown} lô nhiều liều nhất trong {total} lô (đã hết hạn trước)",
        "en": "The {shown} largest of {total} lots (expired first)",
    },
    "expiry_state": {"vi": "Tình trạng", "en": "State"},
    "expiry_state_expired": {"vi": "Đã hết hạn", "en": "Expired"},
    "expiry_state_near": {"vi": "Sắp hết hạn", "en": "Near expiry"},
    "expiry_store": {"vi": "Kho", "en": "Store"},
    "expiry_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
    "expiry_lot": {"vi": "Số lô", "en": "Lot"},
    "expiry_date": {"vi": "Hạn dùng", "en": "Expiry date"},
    "expiry_on_hand": {"vi": "Số liều tồn", "en": "Doses on hand"},
    "expiry_link": {"vi": "Xem trang Vắc xin & tồn kho", "en": "Open Vaccine and stock"},
}
