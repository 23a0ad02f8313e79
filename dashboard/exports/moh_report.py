"""The Ministry of Health's daily vaccination report as an Excel workbook, in the columns of its
template (Phụ lục 5 of Quyết định 3588/QĐ-BYT, 26/07/2021, with the primary / additional /
booster dose columns of Quyết định 43/QĐ-BYT, 07/01/2022): the scope's total, then each district's
total followed by its sites. The form is the Ministry's, so its headers are Vietnamese only."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from queries import moh_report
from queries.scope import Allowed, Scope, check_allowed

TITLE = "TỔNG HỢP BÁO CÁO HÀNG NGÀY KẾT QUẢ TRIỂN KHAI TIÊM CHỦNG VẮC XIN PHÒNG COVID-19"
FORM = (
    "Mẫu báo cáo kết quả tiêm hàng ngày (Phụ lục 5, Quyết định 3588/QĐ-BYT; Quyết định 43/QĐ-BYT)"
)
# The template's columns in order: (group header, column header, field of the row). A column
# without a group spans both header rows.
TEMPLATE = (
    ("", "TT", "tt"),
    ("", "Địa phương/ Cơ sở y tế / Ngày triển khai", "label"),
    ("", "Đợt tiêm *", "round"),
    ("", "Loại vắc xin", "vaccines"),
    ("", "Số đối tượng trong ngày", "checked_in"),
    ("", "Số chuyển bệnh viện tiêm", "referred"),
    ("", "Số không đồng ý tiêm chủng", "refused"),
    ("", "Số hoãn tiêm", "deferred"),
    ("", "Số chống chỉ định", "contraindicated"),
    ("Số tiêm được", "Liều cơ bản - Mũi 1", "primary_1"),
    ("Số tiêm được", "Liều cơ bản - Mũi 2", "primary_2"),
    ("Số tiêm được", "Liều cơ bản - Mũi 3", "primary_3"),
    ("Số tiêm được", "Liều bổ sung", "additional"),
    ("Số tiêm được", "Liều nhắc lại", "booster"),
    ("Vắc xin Covid-19 (liều)", "Số sử dụng (liều)**", "used"),
    ("Vắc xin Covid-19 (liều)", "Số hủy (liều)", "wasted"),
    ("", "Số phản ứng thông thường sau tiêm chủng", "reactions_mild"),
    ("", "Số tai biến nặng ****", "reactions_serious"),
    ("", "Ghi chú", "note"),
)
HEADERS = tuple(header for _, header, _ in TEMPLATE)
NOTES = (
    "* Đợt tiêm: nền tảng không ghi đợt tiêm của buổi tiêm, cột để trống.",
    "Số không đồng ý tiêm chủng: nền tảng không ghi nhận người từ chối tiêm, cột để trống.",
    "Số đối tượng trong ngày: lượt tiếp đón tại điểm tiêm trong ngày.",
    "Số tiêm được: mũi tiêm đã ghi nhận trong ngày theo loại liều (mũi cơ bản thứ 4 trở lên, "
    "nếu có, tính vào Mũi 3).",
    "** Số sử dụng: liều xuất tiêm trong sổ kho của điểm tiêm; Số hủy: liều hủy trong sổ kho.",
    "**** Số tai biến nặng: phản ứng nặng ghi nhận khi theo dõi sau tiêm tại điểm tiêm.",
)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"tt": 6, "label": 44, "round": 8, "vaccines": 30, "note": 14}
FIRST_HEADER_ROW = 7


@dataclass(frozen=True)
class Report:
    """What the workbook shows: the sites' rows and district totals of `queries.moh_report`."""

    unit: str
    day: date
    start: date | None
    sites: pd.DataFrame
    districts: pd.DataFrame
    data_as_of: str = ""


def gather(
    conn: sa.Connection,
    scope: Scope,
    day: date,
    unit: str,
    data_as_of: str = "",
    allowed: Allowed | None = None,
) -> Report:
    """The report's rows for a user who may see `allowed` (default: the province);
    ScopeRefused for a scope outside it."""
    check_allowed(conn, allowed or Allowed.province(), scope)
    sites = moh_report.facility_rows(conn, scope, day)
    return Report(
        unit=unit,
        day=day,
        start=moh_report.campaign_start(conn, scope),
        sites=sites,
        districts=moh_report.district_totals(sites),
        data_as_of=data_as_of,
    )


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _value(row, field: str):
    value = row.get(field)
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def body_rows(report: Report) -> list[tuple[str, dict]]:
    """The table's rows in order, as (kind, values by field): the scope's total, then per
    district its total and its sites."""
    counts = [c for c in moh_report.COUNTS if c not in moh_report.NOT_RECORDED]
    total = {c: int(report.districts[c].sum()) for c in counts}
    rows = [("total", {"tt": "", "label": f"Tổng cộng: {report.unit}", **total})]
    for n, district in enumerate(report.districts.to_dict("records"), start=1):
        rows.append(("district", {**district, "tt": _roman(n), "label": district["district_name"]}))
        sites = report.sites[report.sites["district_code"] == district["district_code"]]
        for i, site in enumerate(sites.to_dict("records"), start=1):
            rows.append(("site", {**site, "tt": i, "label": site["facility_name"],
                                  "note": site["facility_id"]}))  # fmt: skip
    return rows


def workbook(report: Report) -> bytes:
    """The report as .xlsx bytes: heading, the template's two header rows, the rows, the notes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bao cao ngay"
    last = get_column_letter(len(TEMPLATE))
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"] = FORM
    ws["A2"].font = Font(italic=True)
    header_lines = [
        ("Đơn vị:", report.unit),
        ("Thời gian bắt đầu triển khai:", report.start),
        ("Ngày báo cáo:", report.day),
        ("Số liệu đến:", report.data_as_of),
    ]
    for r, (name, value) in enumerate(header_lines, start=3):
        ws.cell(row=r, column=2, value=name).font = Font(bold=True)
        cell = ws.cell(row=r, column=4, value=value)
        cell.alignment = Alignment(horizontal="left")
        if isinstance(value, date):
            cell.number_format = "dd/mm/yyyy"
    top, sub = FIRST_HEADER_ROW, FIRST_HEADER_ROW + 1
    j = 1
    while j <= len(TEMPLATE):
        group = TEMPLATE[j - 1][0]
        if not group:
            ws.cell(row=top, column=j, value=TEMPLATE[j - 1][1])
            ws.merge_cells(start_row=top, start_column=j, end_row=sub, end_column=j)
            j += 1
            continue
        span = sum(1 for g, _, _ in TEMPLATE if g == group)
        ws.cell(row=top, column=j, value=group)
        ws.merge_cells(start_row=top, start_column=j, end_row=top, end_column=j + span - 1)
        for k in range(span):
            ws.cell(row=sub, column=j + k, value=TEMPLATE[j + k - 1][1])
        j += span
    for r in (top, sub):
        for c in range(1, len(TEMPLATE) + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.row_dimensions[top].height = 30
    ws.row_dimensions[sub].height = 45
    r = sub + 1
    for kind, values in body_rows(report):
        for c, (_, _, field) in enumerate(TEMPLATE, start=1):
            cell = ws.cell(row=r, column=c, value=_value(values, field))
            cell.border = BOX
            if field in moh_report.COUNTS:
                cell.number_format = "#,##0"
            if kind != "site":
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="Ghi chú:").font = Font(bold=True)
    for line in NOTES:
        r += 1
        ws.cell(row=r, column=2, value=line)
    for c, (_, _, field) in enumerate(TEMPLATE, start=1):
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(field, 12)
    ws.freeze_panes = ws.cell(row=sub + 1, column=3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{sub}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def file_name(unit_slug: str, day: date) -> str:
    """`bao-cao-ngay-byt_<area>_<YYYY-MM-DD>.xlsx`."""
    return f"bao-cao-ngay-byt_{unit_slug}_{day.isoformat()}.xlsx"
