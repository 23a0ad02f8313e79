"""The anomaly kinds of the overview's alerts (`queries.anomalies`)."""

TEXTS = {
    "overview_kind_high_throughput": {
        "vi": "Công suất tiêm bất thường",
        "en": "Implausible throughput",
    },
    "overview_kind_repeated_stock_report": {
        "vi": "Báo cáo tồn kho lặp lại",
        "en": "Repeated stock report",
    },
    "overview_kind_round_stock_report": {
        "vi": "Báo cáo tồn kho số tròn",
        "en": "Round stock figures",
    },
    "overview_kind_late_recording": {
        "vi": "Nhập liệu muộn",
        "en": "Late recording",
    },
    "overview_rule_high_throughput": {
        "vi": "Buổi tiêm có số mũi trên mỗi bàn tiêm mỗi giờ (giữa mũi tiêm đầu và cuối) vượt "
        "{max} — hơn một mũi mỗi phút ở mọi bàn, khó xảy ra thực tế; thường do số bàn tiêm sai "
        "hoặc giờ tiêm nhập hàng loạt (nghiêm trọng: từ {serious} buổi trong kỳ).",
        "en": "Sessions above {max} doses per table-hour (between the first and last "
        "injection) — over one injection a minute at every table, implausible; usually a wrong "
        "table count or injection times entered in bulk (serious: {serious} sessions).",
    },
    "overview_rule_repeated_stock_report": {
        "vi": "Điểm tiêm báo cùng một số tồn của một loại vắc xin trong từ {min} lần báo cáo "
        "liên tiếp (kết thúc trong kỳ) trong khi sổ kho cho thấy tồn kho đã thay đổi.",
        "en": "The site declared the same remaining stock of a vaccine on at least {min} "
        "declarations in a row (ending in the period) while the ledger's balance changed.",
    },
    "overview_rule_round_stock_report": {
        "vi": "Từ {min} báo cáo tồn kho trong kỳ là bội số của {multiple} (khác số sổ kho), "
        "chiếm từ {share} số báo cáo của điểm tiêm: số ước lượng.",
        "en": "At least {min} declarations of the period are multiples of {multiple} (not the "
        "ledger's figure), at least {share} of the site's declarations: estimated figures.",
    },
    "overview_rule_late_recording": {
        "vi": "Từ {share} số mũi tiêm của kỳ được nhập sau ngày tiêm, ở điểm tiêm có từ "
        "{doses} mũi (nghiêm trọng: từ {serious}).",
        "en": "At least {share} of the period's injections recorded after the session day, at "
        "sites with at least {doses} injections (serious: {serious}).",
    },
    "overview_msg_high_throughput": {
        "vi": "{value} mũi/bàn/giờ (ngưỡng > {threshold}); {sessions} buổi vượt ngưỡng ({dates}).",
        "en": "{value} doses per table-hour (threshold > {threshold}); {sessions} sessions "
        "above it ({dates}).",
    },
    "overview_msg_repeated_stock_report": {
        "vi": "báo tồn {declared} liều {vaccine} trong {reports} lần liên tiếp ({dates}) "
        "trong khi sổ kho thay đổi.",
        "en": "declared {declared} doses of {vaccine} on {reports} declarations in a row "
        "({dates}) while the ledger changed.",
    },
    "overview_msg_round_stock_report": {
        "vi": "{reports} trên {declarations} báo cáo tồn kho trong kỳ là số tròn ({share}).",
        "en": "{reports} of {declarations} stock declarations of the period are round "
        "figures ({share}).",
    },
    "overview_msg_late_recording": {
        "vi": "{late} trên {doses} mũi tiêm nhập sau ngày tiêm ({share}); độ trễ trung bình "
        "{lag} ngày.",
        "en": "{late} of {doses} injections recorded after the session day ({share}); mean "
        "recording lag {lag} days.",
    },
    "overview_per_table_hour": {"vi": "mũi/bàn/giờ", "en": "doses/table-hour"},
    "overview_reports_unit": {"vi": "báo cáo", "en": "reports"},
}
