"""Metric definitions (METRICS.md) in one place, in Vietnamese and English.

The dashboard shows these next to every KPI and chart; exports and reports use the same labels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    label_vi: str
    label_en: str
    definition_vi: str
    definition_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_vi


_ACTIVE_VI = "lượt tiêm hợp lệ (không bị hủy)"
_ACTIVE_EN = "active (not voided) visits"

METRICS: dict[str, Metric] = {
    "checked_in": Metric(
        "Lượt tiếp đón",
        "Checked in",
        f"Số {_ACTIVE_VI} trong ngày buổi tiêm.",
        f"Number of {_ACTIVE_EN} on the session day.",
    ),
    "screened": Metric(
        "Lượt khám sàng lọc",
        "Screened",
        f"Số {_ACTIVE_VI} đã được khám sàng lọc.",
        f"{_ACTIVE_EN.capitalize()} with a screening recorded.",
    ),
    "eligible": Metric(
        "Đủ điều kiện tiêm",
        "Eligible",
        f"Số {_ACTIVE_VI} có kết quả khám sàng lọc: đủ điều kiện tiêm.",
        f"{_ACTIVE_EN.capitalize()} screened as eligible.",
    ),
    "deferred": Metric(
        "Tạm hoãn tiêm",
        "Deferred",
        f"Số {_ACTIVE_VI} có kết quả khám sàng lọc: tạm hoãn tiêm.",
        f"{_ACTIVE_EN.capitalize()} screened as deferred.",
    ),
    "contraindicated": Metric(
        "Chống chỉ định",
        "Contraindicated",
        f"Số {_ACTIVE_VI} có kết quả khám sàng lọc: chống chỉ định.",
        f"{_ACTIVE_EN.capitalize()} screened as contraindicated.",
    ),
    "referred": Metric(
        "Chuyển tiêm tại bệnh viện",
        "Referred to hospital",
        f"Số {_ACTIVE_VI} được chuyển tiêm tại bệnh viện.",
        f"{_ACTIVE_EN.capitalize()} referred to a hospital.",
    ),
    "deferral_rate": Metric(
        "Tỷ lệ hoãn tiêm",
        "Deferral rate",
        "(Tạm hoãn + chống chỉ định + chuyển viện) / số lượt khám sàng lọc.",
        "(Deferred + contraindicated + referred) / screened.",
    ),
    "doses": Metric(
        "Số mũi đã tiêm",
        "Doses administered",
        f"Số {_ACTIVE_VI} đã tiêm, tính theo ngày buổi tiêm.",
        f"{_ACTIVE_EN.capitalize()} with an injection, counted on the session day.",
    ),
    "people_1plus": Metric(
        "Số người đã tiêm ít nhất 1 mũi",
        "People with at least one dose",
        "Số người (theo CCCD/CMND, nếu không có thì theo mã đối tượng) có ít nhất một mũi tiêm "
        "hợp lệ đến hết ngày, tính theo nơi cư trú.",
        "Distinct persons (by national ID, else platform record) with an active injection on "
        "or before the day, by residence.",
    ),
    "people_full": Metric(
        "Số người tiêm đủ liều cơ bản",
        "People fully vaccinated (primary series)",
        "Số người có số mũi cơ bản khác nhau đạt số liều của phác đồ ngắn nhất trong các vắc xin "
        "đã tiêm, đến hết ngày, theo nơi cư trú.",
        "Distinct persons whose primary-series injections cover at least as many dose numbers "
        "as the shortest series among their vaccines, by the day, by residence.",
    ),
    "people_boosted": Metric(
        "Số người đã tiêm mũi nhắc lại",
        "People boosted",
        "Số người có ít nhất một mũi nhắc lại hợp lệ đến hết ngày, theo nơi cư trú.",
        "Distinct persons with an active booster injection on or before the day, by residence.",
    ),
    "coverage": Metric(
        "Tỷ lệ bao phủ",
        "Coverage",
        "Số người của nhóm đối tượng / dân số ước tính của nhóm tại địa bàn (mọi lứa tuổi, từ 18 "
        "tuổi, 12-17, 5-11, từ 50, từ 65 tuổi; tuổi = năm của ngày − năm sinh). Vượt 100 % "
        "nghĩa là dân số ước tính thấp và được đánh dấu.",
        "People of the target group / the group's estimated population in the area (all ages, "
        "18+, 12-17, 5-11, 50+, 65+; age = year of the day − birth year). Above 100 % means the "
        "estimate is low, and is flagged.",
    ),
    "target_group": Metric(
        "Nhóm đối tượng",
        "Target group",
        "Nhóm tuổi tính bao phủ: all (mọi lứa tuổi), 18+, 12-17, 5-11, 50+, 65+. Tuổi trong năm = "
        "năm − năm sinh, nên mỗi tháng Giêng một lớp tuổi chuyển sang nhóm trên. Người không có "
        "năm sinh hợp lệ chỉ được tính trong «mọi lứa tuổi».",
        "The age group coverage is computed for: all (all ages), 18+, 12-17, 5-11, 50+, 65+. "
        "The age in a year is the year − birth year, so each January one birth year moves up a "
        "group. People without a valid birth year count in «all ages» only.",
    ),
    "population": Metric(
        "Dân số mục tiêu (ước tính)",
        "Target population (estimate)",
        "Dân số của nhóm trong năm của ngày, ước tính từ Tổng điều tra dân số 2019 (Tổng cục "
        "Thống kê) theo huyện và nhóm 5 tuổi: mỗi nhóm chia đều cho từng tuổi, cộng thêm số năm "
        "từ 2019 (không tính sinh, tử, di cư); xã lấy cơ cấu tuổi của huyện nhân với dân số "
        "2019 của xã. «Mọi lứa tuổi» là tổng dân số 2019.",
        "The group's population in the year of the day, estimated from the 2019 Population and "
        "Housing Census (GSO) by district and five-year band: each band spread evenly over its "
        "ages, aged forward by the years since 2019 (no births, deaths or migration); a commune "
        "gets its district's age shares times its own 2019 total. «All ages» is the 2019 total.",
    ),
    "unknown_birth_year": Metric(
        "Không có năm sinh hợp lệ",
        "No valid birth year",
        "Số người đã tiêm ít nhất 1 mũi không có năm sinh hợp lệ (trống, trước 1900 hoặc sau năm "
        "của ngày): chỉ được tính trong «mọi lứa tuổi».",
        "People with at least one dose without a valid birth year (none, before 1900 or after "
        "the year of the day): counted in «all ages» only.",
    ),
    "drop_out": Metric(
        "Tỷ lệ bỏ mũi",
        "Drop-out",
        "(Người đã tiêm ít nhất 1 mũi − người tiêm đủ liều cơ bản) / người đã tiêm ít nhất 1 mũi.",
        "(People with >= 1 dose − fully vaccinated) / people with >= 1 dose.",
    ),
    "issued": Metric(
        "Chứng nhận đã cấp",
        "Certificates issued",
        "Số giấy chứng nhận không bị thu hồi, theo ngày cấp.",
        "Certificates not revoked, by issue date.",
    ),
    "backlog": Metric(
        "Chưa cấp chứng nhận (tồn đọng)",
        "Certificate backlog",
        "Số mũi tiêm hợp lệ trước ngày D chưa có giấy chứng nhận (không bị thu hồi) "
        "đến hết ngày D.",
        "Active injections before day D without an unrevoked certificate by the end of D.",
    ),
    "reports": Metric(
        "Phản ứng sau tiêm",
        "AEFI reports",
        "Số báo cáo phản ứng sau tiêm của lượt tiêm hợp lệ, theo ngày khởi phát. Chưa được xác "
        "minh và không giảm trừ sau điều tra.",
        "AEFI reports on active visits, by onset date. Unverified, not reduced after "
        "investigation.",
    ),
    "received": Metric(
        "Số nhập",
        "Received",
        "Nhập từ tuyến trên và nhận điều chuyển trong ngày.",
        "Receipts and transfers in on the day.",
    ),
    "issued_out": Metric(
        "Số xuất",
        "Issued out",
        "Điều chuyển đi trong ngày.",
        "Transfers out on the day.",
    ),
    "administered": Metric(
        "Số sử dụng (sổ kho)",
        "Administered (ledger)",
        "Số liều ghi sử dụng trong sổ kho trong ngày.",
        "Ledger `administered` doses on the day.",
    ),
    "wasted": Metric(
        "Số hủy",
        "Wasted",
        "Số liều hủy trong ngày, theo lý do.",
        "Doses wasted on the day.",
    ),
    "adjustment": Metric(
        "Điều chỉnh",
        "Adjustment",
        "Điều chỉnh kiểm kê (có dấu).",
        "Signed stock adjustments.",
    ),
    "on_hand": Metric(
        "Số tồn (sổ kho)",
        "On hand (ledger)",
        "Cộng dồn đến hết ngày: nhập + nhận − xuất − sử dụng − hủy + điều chỉnh.",
        "Running sum to the end of the day: + received − issued out − administered − wasted "
        "+ adjustment.",
    ),
    "declared_remaining": Metric(
        "Số tồn báo cáo",
        "Declared remaining",
        "Số tồn cuối ngày do điểm tiêm tự báo cáo (lần nộp sau cùng).",
        "The store's own declared closing balance for the day (latest submission).",
    ),
    "planned_doses": Metric(
        "Số mũi theo kế hoạch",
        "Planned doses",
        "Tổng số mũi của các kế hoạch tiêm đã được phê duyệt cho các ngày trong kỳ.",
        "Planned doses of the approved vaccination plans for the days of the period.",
    ),
    "plan_achievement": Metric(
        "Tỷ lệ hoàn thành kế hoạch",
        "Plan achievement",
        "Số mũi đã tiêm / số mũi theo kế hoạch đã phê duyệt, cùng địa bàn và thời gian.",
        "Doses administered / approved planned doses, same area and period.",
    ),
    "deferrals": Metric(
        "Số hoãn tiêm",
        "Deferrals",
        f"Số {_ACTIVE_VI} có kết quả khám sàng lọc: tạm hoãn tiêm, chống chỉ định hoặc chuyển "
        "tiêm tại bệnh viện.",
        f"{_ACTIVE_EN.capitalize()} screened as deferred, contraindicated or referred to a "
        "hospital.",
    ),
    "aefi_serious": Metric(
        "Tai biến nặng sau tiêm",
        "Serious AEFI",
        "Số báo cáo phản ứng sau tiêm mức độ nặng của lượt tiêm hợp lệ, theo ngày khởi phát. "
        "Chưa được xác minh và không giảm trừ sau điều tra.",
        "Serious AEFI reports on active visits, by onset date. Unverified, not reduced after "
        "investigation.",
    ),
    "days_of_stock": Metric(
        "Số ngày đủ dùng",
        "Days of stock",
        "Số tồn (sổ kho) cuối ngày / số sử dụng (sổ kho) trung bình mỗi ngày trong 7 ngày kết "
        "thúc vào ngày đó.",
        "On hand (ledger) at the end of the day / mean daily ledger-administered doses over the "
        "7 days ending on that day.",
    ),
    "observed": Metric(
        "Theo dõi sau tiêm",
        "Post-vaccination watch",
        f"Số {_ACTIVE_VI} đã tiêm có ghi nhận thời điểm kết thúc theo dõi sau tiêm.",
        f"{_ACTIVE_EN.capitalize()} with an injection and a recorded end of the watch.",
    ),
    "coverage_1plus": Metric(
        "Tỷ lệ bao phủ: ít nhất 1 mũi",
        "Coverage: at least one dose",
        "Số người đã tiêm ít nhất 1 mũi (theo nơi cư trú, đến hết ngày) / dân số mục tiêu đã "
        "chọn. Vượt 100 % nghĩa là ước tính thấp: được đánh dấu, không cắt bớt.",
        "People of the chosen target group with at least one dose (by residence, by the end of "
        "the day) / its estimated population. Above 100% means the estimate is low: flagged, "
        "never clipped.",
    ),
    "coverage_full": Metric(
        "Tỷ lệ bao phủ: đủ liều cơ bản",
        "Coverage: fully vaccinated (primary series)",
        "Số người tiêm đủ liều cơ bản (theo nơi cư trú, đến hết ngày) / dân số mục tiêu đã chọn. "
        "Vượt 100 % nghĩa là ước tính thấp: được đánh dấu, không cắt bớt.",
        "People fully vaccinated with the primary series (by residence, by the end of the day) / "
        "the chosen target population. Above 100% means the estimate is low: flagged.",
    ),
    "coverage_boosted": Metric(
        "Tỷ lệ bao phủ: mũi nhắc lại",
        "Coverage: booster",
        "Số người đã tiêm mũi nhắc lại (theo nơi cư trú, đến hết ngày) / dân số mục tiêu đã chọn. "
        "Vượt 100 % nghĩa là ước tính thấp: được đánh dấu, không cắt bớt.",
        "People of the chosen target group with a booster dose (by residence, by the end of the "
        "day) / its estimated population. Above 100% means the estimate is low: flagged, never "
        "clipped.",
    ),
    "data_as_of": Metric(
        "Dữ liệu cập nhật đến",
        "Data as of",
        "Mốc cập nhật (updated_at) cao nhất của nền tảng trong lần nạp thành công gần nhất, và "
        "thời điểm lần nạp đó kết thúc.",
        "The platform's updated_at high-water mark of the last successful load, and the time "
        "that load finished.",
    ),
    "rejected_rows": Metric(
        "Bản ghi bị loại",
        "Rejected rows",
        "Bản ghi của nền tảng không nạp được vì sai quy tắc kiểm tra (theo lý do), còn mở: "
        "chưa được lần nạp sau sửa và nạp lại.",
        "Platform rows that failed validation and were not loaded (by reason), still open: not "
        "loaded by a later run.",
    ),
    "late_sites": Metric(
        "Điểm tiêm chưa báo cáo",
        "Sites that have not reported",
        "Ngày có kế hoạch tiêm đã duyệt của điểm tiêm đang hoạt động nhưng không có lượt tiếp "
        "đón nào, hoặc kho của điểm tiêm không có báo cáo kho (số nhập, sử dụng, tồn) của "
        "ngày đó (mỗi điểm tiêm, mỗi ngày tính một lần).",
        "Days on which an active site had an approved plan and no visit at all, or no stock "
        "report (received, used, remaining) from its store for that day (one per site and "
        "day).",
    ),
    "bad_coordinates": Metric(
        "Điểm tiêm sai tọa độ",
        "Sites with bad coordinates",
        "Điểm tiêm thiếu tọa độ hoặc có tọa độ nằm ngoài tỉnh.",
        "Sites whose coordinates are missing or outside the province.",
    ),
    "declared_administered": Metric(
        "Số sử dụng theo báo cáo kho",
        "Administered as declared in stock reports",
        "Số liều đã sử dụng khai báo trong báo cáo kho của các kho tại điểm tiêm (lần nộp mới "
        "nhất của mỗi ngày).",
        "Doses declared administered in the stock reports of the site stores (latest "
        "submission of each day).",
    ),
    "declared_gap": Metric(
        "Chênh lệch báo cáo kho so với lượt tiêm",
        "Stock reports against visits",
        "Số sử dụng theo báo cáo kho − số mũi đã tiêm ghi nhận từ lượt tiêm, cùng địa bàn và "
        "thời gian; tỷ lệ = chênh lệch / số mũi đã tiêm.",
        "Doses declared administered in stock reports − doses administered from visits, same "
        "area and period; rate = difference / doses administered.",
    ),
    "aefi_rate": Metric(
        "Tỷ lệ phản ứng sau tiêm / 100.000 mũi",
        "AEFI rate per 100,000 doses",
        "Số báo cáo phản ứng sau tiêm / số mũi đã tiêm của cùng vắc xin, cùng kỳ × 100.000. "
        "Báo cáo chưa được xác minh.",
        "AEFI reports / doses administered of the same vaccine and period × 100,000. Reports "
        "are unverified.",
    ),
    "throughput": Metric(
        "Số mũi / bàn tiêm / giờ",
        "Doses per table-hour",
        "Số mũi đã tiêm / (số bàn tiêm × số giờ từ mũi tiêm đầu tiên đến mũi cuối cùng trong "
        "buổi).",
        "Doses administered / (vaccination tables × hours between the first and last injection "
        "of the session).",
    ),
    "below_capacity": Metric(
        "Buổi tiêm dưới công suất",
        "Sessions below capacity",
        "Buổi tiêm (một điểm tiêm, một ngày) có số mũi / bàn tiêm / giờ thấp hơn 50 % trung vị "
        "của chính điểm tiêm đó trong kỳ.",
        "Sessions (one site, one day) whose doses per table-hour fall under 50% of that site's "
        "median in the period.",
    ),
    "screen_wait": Metric(
        "Chờ khám sàng lọc (phút)",
        "Wait for screening (minutes)",
        "Thời gian trung bình từ tiếp đón đến khám sàng lọc, trên các lượt đã khám sàng lọc.",
        "Mean time from reception to screening, over screened visits.",
    ),
    "inject_wait": Metric(
        "Chờ tiêm (phút)",
        "Wait for injection (minutes)",
        "Thời gian trung bình từ khám sàng lọc đến tiêm, trên các mũi đã tiêm.",
        "Mean time from screening to injection, over doses administered.",
    ),
    "recorded_late_share": Metric(
        "Tỷ lệ mũi nhập muộn",
        "Doses entered late",
        "Số mũi tiêm được nhập vào hệ thống sau ngày buổi tiêm / số mũi đã tiêm.",
        "Doses entered into the platform after the session day / doses administered.",
    ),
    "recording_lag": Metric(
        "Độ trễ nhập liệu (ngày)",
        "Recording lag (days)",
        "Trung bình (thời điểm nhập − hết ngày buổi tiêm), trên các mũi đã tiêm; số âm nghĩa là "
        "nhập trong ngày.",
        "Mean of (recorded at − end of the session day) over doses administered; negative means "
        "entered on the day.",
    ),
    "wastage_rate": Metric(
        "Tỷ lệ hủy",
        "Wastage rate",
        "Số hủy / (số sử dụng (sổ kho) + số hủy), cùng kho, vắc xin và thời gian.",
        "Wasted / (ledger administered + wasted), same stores, vaccine and period.",
    ),
    "stockout_days": Metric(
        "Ngày hết vắc xin",
        "Stock-out days",
        "Số ngày (tính theo kho điểm tiêm và vắc xin) có kế hoạch tiêm vắc xin đó nhưng số tồn "
        "(sổ kho) cuối ngày ≤ 0.",
        "Days (per site store and vaccine) with a plan for that vaccine and an on-hand (ledger) "
        "balance ≤ 0 at the end of the day.",
    ),
    "stock_discrepancy": Metric(
        "Chênh lệch tồn kho",
        "Stock discrepancy",
        "Số tồn báo cáo − số tồn (sổ kho), vào ngày báo cáo gần nhất trong kỳ của kho điểm tiêm.",
        "Declared remaining − on hand (ledger), on the site store's latest reported day in the "
        "period.",
    ),
    "administered_gap": Metric(
        "Chênh lệch sổ kho so với lượt tiêm",
        "Ledger against visits",
        "Số sử dụng (sổ kho) của kho điểm tiêm − số mũi đã tiêm ghi nhận từ lượt tiêm của điểm "
        "tiêm đó, trong kỳ.",
        "Ledger administered of the site store − doses recorded in the site's visits, over the "
        "period.",
    ),
    "dose_flow": Metric(
        "Luồng vắc xin",
        "Flow of doses",
        "Số liều mỗi kho nhận trong kỳ theo nơi gửi: nhập từ tuyến trên (phiếu nhập) và nhận "
        "điều chuyển từ kho gửi ghi trên phiếu nhận (kho tỉnh → kho huyện → kho điểm tiêm), "
        "tính vào ngày kho nhận nhập.",
        "Doses each store received over the period by origin: receipts from the national level "
        "and transfers in from the sender the receiver recorded (province store → district "
        "stores → site stores), on the day the receiver booked them in.",
    ),
    "certificate_lag": Metric(
        "Thời gian chờ cấp chứng nhận",
        "Certificate lag",
        "Trung bình (thời điểm cấp − thời điểm tiêm), tính bằng giờ, của các chứng nhận cấp "
        "trong kỳ.",
        "Mean (issued_at − injected_at), in hours, over the certificates issued in the period.",
    ),
    "backlog_change": Metric(
        "Thay đổi tồn đọng",
        "Change in backlog",
        "Tồn đọng cuối kỳ − tồn đọng cuối ngày trước kỳ.",
        "Backlog at the end of the period − backlog at the end of the day before it.",
    ),
    "lots_near_expiry": Metric(
        "Lô sắp hết hạn",
        "Lots near expiry",
        "Số tồn (sổ kho) theo lô cuối kỳ của các lô có hạn dùng trong vòng 30 ngày kể từ cuối kỳ.",
        "On hand (ledger) by lot at the end of the period, for lots expiring within 30 days of "
        "the period end.",
    ),
    # Who is due for their next dose (queries/due.py), as of the end of a day D.
    "interval_days": Metric(
        "Khoảng cách (ngày)",
        "Interval (days)",
        "Khoảng cách tối thiểu từ mũi gần nhất đến mũi chờ tiêm, theo vắc xin (tệp cấu hình, "
        "hướng dẫn của Bộ Y tế).",
        "Minimum interval from the last dose to the dose awaited, by vaccine (the configuration "
        "file, the Ministry of Health's guidance).",
    ),
    "waiting": Metric(
        "Đang chờ",
        "Waiting",
        "Người có mũi gần nhất trước hoặc trong ngày D và chưa tiêm mũi tiếp theo đến hết ngày D.",
        "People whose last dose was on or before D and who had no next dose by the end of D.",
    ),
    "due_soon": Metric(
        "Sắp đến hạn",
        "Due soon",
        "Người đang chờ có ngày đến hạn trong upcoming_days ngày sau ngày D (mặc định 7).",
        "People waiting whose due date falls within upcoming_days days after D (7 by default).",
    ),
    "due": Metric(
        "Đến hạn",
        "Due",
        "Người đang chờ đã tới ngày đến hạn (mũi gần nhất + khoảng cách), chưa quá grace_days "
        "ngày (mặc định 28).",
        "People waiting whose due date (last dose + interval) is reached, by at most grace_days "
        "days (28 by default).",
    ),
    "overdue": Metric(
        "Quá hạn",
        "Overdue",
        "Người đang chờ đã quá ngày đến hạn hơn grace_days ngày (mặc định 28).",
        "People waiting more than grace_days days (28 by default) past their due date.",
    ),
    "no_interval": Metric(
        "Chưa có khoảng cách",
        "No interval",
        "Người đang chờ sau một vắc xin mà tệp cấu hình không cho khoảng cách đến mũi đó.",
        "People waiting after a vaccine the configuration file gives no interval for that dose.",
    ),
}
