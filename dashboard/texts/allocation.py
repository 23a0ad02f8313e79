"""The allocation proposal page (Phân bổ vắc xin)."""

TEXTS = {
    "page_allocation": {"vi": "Phân bổ vắc xin", "en": "Vaccine allocation"},
    "alloc_intro": {
        "vi": "Đề xuất số liều cho từng huyện và từng điểm tiêm từ một lô hàng, để Ban chỉ đạo "
        "xem và sửa. Cách tính: nhu cầu = số người chưa tiêm trong nhóm đã chọn (dân số nhóm "
        "trừ số người đã tiêm ít nhất 1 mũi) + số người đến hạn và quá hạn mũi tiếp theo, của "
        "xã, chia cho các điểm tiêm của xã theo công suất; công suất = số mũi mỗi bàn-giờ của "
        "điểm tiêm trong {window} ngày qua × số bàn × số giờ tiêm mỗi ngày × số ngày kế hoạch "
        "(rút ngắn đến ngày hết hạn của lô đầu tiên); phần thiếu = min(nhu cầu, công suất) − "
        "tồn kho (kể cả hàng đang chuyển). Số liều chia theo tỷ lệ phần thiếu, làm tròn theo "
        "phần dư lớn nhất để tổng đúng bằng số liều cần phân bổ; nếu nhiều hơn tổng phần "
        "thiếu, mỗi điểm nhận đủ phần thiếu và phần còn lại ở kho tỉnh.",
        "en": "A proposal of doses per district and site from one shipment, for the committee "
        "to review and edit. Rule: need = people not yet vaccinated in the chosen group (the "
        "group's population less people with at least one dose) + people due or overdue for "
        "their next dose, of the commune, shared among the commune's sites by capacity; "
        "capacity = the site's doses per table-hour over the last {window} days × tables × "
        "hours a day × planning days (cut at the first lot's expiry); shortfall = min(need, "
        "capacity) − stock (including doses in transit). Doses are shared in proportion to "
        "the shortfall, rounded by largest remainder so they add up to the quantity exactly; "
        "a quantity above the total shortfall fills every shortfall and the rest stays at the "
        "province store.",
    },
    "alloc_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
    "alloc_quantity": {"vi": "Số liều cần phân bổ", "en": "Doses to allocate"},
    "alloc_use_stock": {
        "vi": "Lấy số tồn kho tỉnh ({doses} liều)",
        "en": "Use the province store's stock ({doses} doses)",
    },
    "alloc_days": {"vi": "Số ngày kế hoạch", "en": "Planning days"},
    "alloc_hours": {"vi": "Giờ tiêm mỗi ngày", "en": "Vaccination hours a day"},
    "alloc_stock_line": {
        "vi": "Kho tỉnh có {doses} liều {vaccine} ({lots} lô), lô hết hạn sớm nhất {expiry}. "
        "Công suất tính trên {days} ngày.",
        "en": "The province store holds {doses} doses of {vaccine} (lots: {lots}), the first "
        "expiring {expiry}. Capacity counted over {days} days.",
    },
    "alloc_no_lots": {
        "vi": "Kho tỉnh không còn {vaccine} chưa hết hạn. Công suất tính trên {days} ngày.",
        "en": "The province store holds no unexpired {vaccine}. Capacity counted over {days} days.",
    },
    "alloc_expiry_cut": {
        "vi": "Lô đầu tiên hết hạn {expiry}: chỉ tính công suất đến ngày đó.",
        "en": "The first lot expires {expiry}: capacity is counted up to that day only.",
    },
    "alloc_scope": {
        "vi": "Phân bổ cho các điểm tiêm của {area} có kho riêng ({sites} điểm).",
        "en": "Allocated over the sites of {area} with their own store ({sites} sites).",
    },
    "alloc_totals": {
        "vi": "Đề xuất {proposed} liều cho {sites} điểm tiêm; tổng phần thiếu {room} liều; "
        "còn lại ở kho tỉnh {left} liều.",
        "en": "Proposed {proposed} doses to {sites} sites; total shortfall {room} doses; "
        "{left} doses stay at the province store.",
    },
    "alloc_districts": {"vi": "Theo huyện", "en": "By district"},
    "alloc_sites": {
        "vi": 'Theo điểm tiêm (sửa cột "Phân bổ")',
        "en": 'By site (edit the "Allocated" column)',
    },
    "alloc_edited_ok": {
        "vi": "Tổng sau khi sửa: {total} liều, bằng đề xuất.",
        "en": "Total after editing: {total} doses, as proposed.",
    },
    "alloc_edited_off": {
        "vi": "Tổng sau khi sửa: {total} liều, {diff} so với đề xuất ({proposed} liều).",
        "en": "Total after editing: {total} doses, {diff} against the proposal ({proposed}).",
    },
    "alloc_edited_over": {
        "vi": "Tổng sau khi sửa ({total} liều) vượt số liều cần phân bổ ({quantity} liều).",
        "en": "The edited total ({total} doses) exceeds the quantity ({quantity} doses).",
    },
    "alloc_no_sites": {
        "vi": "Không có điểm tiêm có kho riêng trong khu vực này.",
        "en": "No site with its own store in this area.",
    },
    "alloc_col_district": {"vi": "Huyện", "en": "District"},
    "alloc_col_site": {"vi": "Điểm tiêm", "en": "Site"},
    "alloc_col_sites": {"vi": "Số điểm tiêm", "en": "Sites"},
    "alloc_col_need": {"vi": "Nhu cầu (người)", "en": "Need (people)"},
    "alloc_col_capacity": {"vi": "Công suất (liều)", "en": "Capacity (doses)"},
    "alloc_col_stock": {"vi": "Tồn + đang chuyển", "en": "Stock + in transit"},
    "alloc_col_days": {"vi": "Số ngày tồn", "en": "Days of stock"},
    "alloc_col_room": {"vi": "Phần thiếu", "en": "Shortfall"},
    "alloc_col_proposed": {"vi": "Đề xuất", "en": "Proposed"},
    "alloc_col_edited": {"vi": "Phân bổ", "en": "Allocated"},
    "alloc_col_reason": {"vi": "Lý do", "en": "Reason"},
    "alloc_download": {"vi": "Phân bổ vắc xin {vaccine}", "en": "Allocation of {vaccine}"},
    "alloc_base": {
        "vi": "Nhu cầu {need} (xã: chưa tiêm {unvaccinated} + đến hạn {due}), công suất "
        "{capacity}, tồn {stock} → thiếu {room}",
        "en": "Need {need} (commune: {unvaccinated} not vaccinated + {due} due), capacity "
        "{capacity}, stock {stock} → shortfall {room}",
    },
    "alloc_reason_no_capacity": {
        "vi": "Không có buổi tiêm trong {window} ngày qua (công suất 0): không phân bổ.",
        "en": "No session in the last {window} days (capacity 0): nothing allocated.",
    },
    "alloc_reason_no_need": {
        "vi": "Xã không còn người cần tiêm: không phân bổ.",
        "en": "No one left to vaccinate in the commune: nothing allocated.",
    },
    "alloc_reason_stock_covers": {
        "vi": "{base}: tồn kho đủ, không phân bổ.",
        "en": "{base}: the stock covers it, nothing allocated.",
    },
    "alloc_reason_full": {
        "vi": "{base}: nhận đủ phần thiếu.",
        "en": "{base}: gets its whole shortfall.",
    },
    "alloc_reason_share": {
        "vi": "{base}: nhận {share} phần thiếu (chia theo tỷ lệ).",
        "en": "{base}: gets {share} of its shortfall (proportional share).",
    },
    "alloc_capped": {
        "vi": " Công suất thấp hơn nhu cầu.",
        "en": " Capacity is below the need.",
    },
}
