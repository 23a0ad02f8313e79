"""Texts of the Vaccine and stock page: its charts, tables, store levels and waste reasons."""

TEXTS: dict[str, dict[str, str]] = {
    "stock_plan_chart": {
        "vi": "Kế hoạch và số mũi đã tiêm theo ngày",
        "en": "Planned and administered doses by day",
    },
    "stock_waste_chart": {"vi": "Vắc xin hủy theo lý do", "en": "Doses wasted by reason"},
    "stock_flow_chart": {
        "vi": "Luồng vắc xin từ kho tỉnh xuống huyện và điểm tiêm",
        "en": "Flow of doses from the province store to districts and sites",
    },
    "stock_flow_note": {
        "vi": "Mỗi luồng là số liều kho nhận đã nhập trong kỳ từ đúng kho gửi (phiếu nhận "
        "điều chuyển); liều đã xuất nhưng chưa nhận chưa được tính.",
        "en": "Each link is the doses a store booked in over the period from its actual "
        "sender (transfers in); doses sent and not yet received are not counted.",
    },
    "stock_flow_grouped": {
        "vi": "Kho các điểm tiêm được gộp theo huyện; chọn một huyện để xem từng điểm tiêm.",
        "en": "Site stores are grouped by district; choose a district to see each site.",
    },
    "stock_flow_not_drawn": {
        "vi": "Luồng trả ngược lên tuyến trên hoặc giữa hai kho cùng tuyến không vẽ trên "
        "biểu đồ, chỉ có trong bảng số liệu.",
        "en": "Returns to a higher store and transfers between stores of one level are not "
        "drawn; they are in the table.",
    },
    "stock_unknown_sender": {"vi": "Không rõ kho gửi", "en": "Sender not recorded"},
    "stock_sites_n": {"vi": "{n} điểm tiêm", "en": "{n} sites"},
    "stock_column_national": {"vi": "Tuyến trên", "en": "National level"},
    "stock_column_districts": {"vi": "Huyện", "en": "Districts"},
    "stock_column_sites": {"vi": "Điểm tiêm", "en": "Sites"},
    "stock_to_district": {"vi": "Huyện của kho nhận", "en": "Receiver's district"},
    "stock_by_store": {
        "vi": "Theo kho và vắc xin (cuối kỳ)",
        "en": "By store and vaccine (at the end of the period)",
    },
    "stock_gaps": {
        "vi": "Chênh lệch theo điểm tiêm (lớn nhất trước)",
        "en": "Gaps by site (largest first)",
    },
    "stock_gaps_none": {
        "vi": "Không có chênh lệch nào trong kỳ.",
        "en": "No gap in the period.",
    },
    "stock_lots": {"vi": "Lô vắc xin sắp hết hạn", "en": "Lots near expiry"},
    "stock_lots_none": {
        "vi": "Không có lô nào còn tồn với hạn dùng trong vòng 30 ngày kể từ cuối kỳ.",
        "en": "No lot on hand expires within 30 days of the period end.",
    },
    "stock_lot": {"vi": "Số lô", "en": "Lot"},
    "stock_sites_hint": {
        "vi": "Toàn tỉnh: kho tỉnh và kho các huyện. Chọn một huyện để xem kho của từng điểm tiêm.",
        "en": "Whole province: the province and district stores. Choose a district to see "
        "each site's store.",
    },
    "stock_expiry": {"vi": "Hạn dùng", "en": "Expiry date"},
    "stock_days_left": {"vi": "Còn (ngày)", "en": "Days left"},
    "stock_outside": {"vi": "Nhập từ tuyến trên", "en": "From the national level"},
    "stock_province_store": {"vi": "Kho tỉnh", "en": "Province store"},
    "stock_from": {"vi": "Từ", "en": "From"},
    "stock_to": {"vi": "Đến", "en": "To"},
    "stock_doses": {"vi": "Số liều", "en": "Doses"},
    "stock_day": {"vi": "Ngày", "en": "Day"},
    "stock_store": {"vi": "Kho", "en": "Store"},
    "stock_level": {"vi": "Tuyến", "en": "Level"},
    "stock_level_province": {"vi": "Tỉnh", "en": "Province"},
    "stock_level_district": {"vi": "Huyện", "en": "District"},
    "stock_level_facility": {"vi": "Điểm tiêm", "en": "Site"},
    "stock_vaccine": {"vi": "Vắc xin", "en": "Vaccine"},
    "stock_site": {"vi": "Điểm tiêm", "en": "Site"},
    "stock_district": {"vi": "Huyện, Thành phố", "en": "District"},
    "stock_reason": {"vi": "Lý do", "en": "Reason"},
    "stock_reason_expired": {"vi": "Hết hạn sử dụng", "en": "Expired"},
    "stock_reason_broken": {"vi": "Vỡ, hỏng", "en": "Broken"},
    "stock_reason_opened_vial_expired": {
        "vi": "Lọ đã mở quá thời gian",
        "en": "Opened vial expired",
    },
    "stock_reason_cold_chain": {"vi": "Sự cố dây chuyền lạnh", "en": "Cold-chain failure"},
    "stock_reason_none": {"vi": "Không ghi lý do", "en": "No reason recorded"},
    "stock_plan_line": {"vi": "Kế hoạch", "en": "Plan"},
    "stock_visits_line": {"vi": "Mũi tiêm (lượt tiêm)", "en": "Doses (visits)"},
    "stock_ledger_line": {"vi": "Sử dụng (sổ kho)", "en": "Administered (ledger)"},
    # Short table headers (the full label and definition are in the header's help).
    "stock_short_received": {"vi": "Nhập", "en": "In"},
    "stock_short_issued_out": {"vi": "Xuất", "en": "Out"},
    "stock_short_administered": {"vi": "Sử dụng", "en": "Used"},
    "stock_short_wasted": {"vi": "Hủy", "en": "Wasted"},
    "stock_short_on_hand": {"vi": "Tồn", "en": "On hand"},
    "stock_short_declared_remaining": {"vi": "Báo cáo", "en": "Declared"},
    "stock_short_days_of_stock": {"vi": "Đủ dùng", "en": "Days"},
    "stock_short_wastage_rate": {"vi": "% hủy", "en": "% wasted"},
    "stock_short_stock_discrepancy": {"vi": "Lệch tồn", "en": "Stock gap"},
    "stock_short_doses": {"vi": "Mũi tiêm", "en": "Doses"},
    "stock_short_administered_gap": {"vi": "Lệch sử dụng", "en": "Use gap"},
}
