"""The Ministry of Health's daily report (queries/moh_report.py, dashboard/exports/moh_report.py,
`python -m dashboard.moh_report`) on hand-made marts, on SQLite and PostgreSQL: the counts worked
out by hand in the comments, the workbook read back with openpyxl against them and against the
query, and its columns in the order of the Ministry's template."""

from __future__ import annotations

from datetime import date

import openpyxl
import pandas as pd
import pytest
from handmade_marts import build, day, facility, read, store

from dashboard import moh_report as cli
from dashboard.exports import moh_report as report
from queries import moh_report
from queries.scope import Scope
from warehouse import schema

DAY = day("2022-06-20")
PROVINCE = Scope("province", "36")
# The template's columns in order (Phụ lục 5 of 3588/QĐ-BYT as recorded in
# shared/data/vn-moh-vaccination-formats/README.md, with 43/QĐ-BYT's dose categories in place of
# "Mũi 1 / Mũi 2"), header rows as (group, column).
TEMPLATE_ORDER = [
    ("TT", None), ("Địa phương/ Cơ sở y tế / Ngày triển khai", None), ("Đợt tiêm *", None),
    ("Loại vắc xin", None), ("Số đối tượng trong ngày", None), ("Số chuyển bệnh viện tiêm", None),
    ("Số không đồng ý tiêm chủng", None), ("Số hoãn tiêm", None), ("Số chống chỉ định", None),
    ("Số tiêm được", "Liều cơ bản - Mũi 1"), (None, "Liều cơ bản - Mũi 2"),
    (None, "Liều cơ bản - Mũi 3"), (None, "Liều bổ sung"), (None, "Liều nhắc lại"),
    ("Vắc xin Covid-19 (liều)", "Số sử dụng (liều)**"), (None, "Số hủy (liều)"),
    ("Số phản ứng thông thường sau tiêm chủng", None), ("Số tai biến nặng ****", None),
    ("Ghi chú", None),
]  # fmt: skip


def area(code: str, level: str, parent: str | None, name: str) -> dict:
    return {"area_code": code, "area_level": level, "name": name, "parent_code": parent,
            "district_code": code if level == "district" else parent}  # fmt: skip


def session(fid: str, on: date, **counts) -> dict:
    return {"facility_id": fid, "date": on, **counts}


def dose(fid: str, vaccine: str, number: int, kind: str, doses: int, on: date = DAY) -> dict:
    return {"facility_id": fid, "date": on, "vaccine_code": vaccine, "dose_number": number,
            "dose_kind": kind, "doses": doses}  # fmt: skip


def ledger(store_id: str, vaccine: str, on: date, **flows) -> dict:
    return {"store_id": store_id, "vaccine_code": vaccine, "date": on, "on_hand": 100, **flows}


def rows() -> dict:
    before = day("2022-06-19")
    return {
        "warehouse_meta": [{"key": "schema_version", "value": schema.SCHEMA_VERSION}],
        "area": [
            area("36", "province", None, "Tỉnh Nam Định"),
            area("356", "district", "36", "Thành phố Nam Định"),
            area("359", "district", "36", "Huyện Vụ Bản"),
            area("13633", "commune", "356", "Phường Vị Xuyên"),
            area("13636", "commune", "356", "Phường Lộc Hạ"),
            area("13771", "commune", "359", "Xã Liên Minh"),
        ],
        "vaccine": [
            {"vaccine_code": "AZ", "name": "AstraZeneca", "primary_series_doses": 2},
            {"vaccine_code": "PFIZER", "name": "Pfizer", "primary_series_doses": 2},
        ],
        "facility": [
            facility("F1", "356", "13633", name="Trạm Y tế Phường Vị Xuyên"),
            facility("F2", "356", "13636", name="Trạm Y tế Phường Lộc Hạ"),
            facility("F3", "359", "13771", name="Trạm Y tế Xã Liên Minh"),
            facility("F4", "359", "13771", name="Bệnh viện huyện Vụ Bản"),  # idle on the day
        ],
        "store": [
            store("S1", "F1", "356", "13633"),
            store("S2", "F2", "356", "13636"),
            store("S3", "F3", "359", "13771"),
            store("S4", "F4", "359", "13771"),
            store("SD", None, "356", "356"),  # a district store: no site of its own
        ],
        "mart_session_day": [
            session(
                "F1",
                DAY,
                checked_in=50,
                screened=48,
                deferred=3,
                contraindicated=1,
                referred=2,
                doses=42,
                reactions_mild=4,
                reactions_serious=1,
            ),
            session("F2", DAY, checked_in=20, screened=20, deferred=1, doses=19, reactions_mild=1),
            session("F3", DAY, checked_in=30, screened=30, contraindicated=2, doses=28),
            session("F1", before, checked_in=999, doses=999),  # another day
            session("F4", before, checked_in=7, doses=7),
        ],  # fmt: skip
        "mart_dose_day": [
            # F1: AZ primary 1 (10) and 2 (12), PFIZER booster dose 3 (15) and 4 (5): 42.
            dose("F1", "AZ", 1, "primary", 10),
            dose("F1", "AZ", 2, "primary", 12),
            dose("F1", "PFIZER", 3, "booster", 15),
            dose("F1", "PFIZER", 4, "booster", 5),
            # F2: AZ primary 3 (4), a stray primary 4 (1, counted with dose 3), additional 14.
            dose("F2", "AZ", 3, "primary", 4),
            dose("F2", "AZ", 4, "primary", 1),
            dose("F2", "AZ", 3, "additional", 14),
            # F3: PFIZER primary 1 (28).
            dose("F3", "PFIZER", 1, "primary", 28),
            dose("F4", "AZ", 1, "primary", 7, on=day("2022-06-19")),
        ],
        "mart_stock_day": [
            ledger("S1", "AZ", DAY, administered=22, wasted=2),
            ledger("S1", "PFIZER", DAY, administered=20),
            ledger("S2", "AZ", DAY, administered=19, wasted=1),
            ledger("S3", "PFIZER", DAY, administered=28, wasted=6),
            ledger("S4", "AZ", DAY, received=50),  # only a receipt: not a working site
            ledger("SD", "AZ", DAY, administered=0, wasted=9),  # not a site's store
        ],
    }


@pytest.fixture
def warehouse(dbs) -> str:
    return build(dbs.new_url("moh"), rows())


EXPECTED = {
    # facility: checked_in, referred, deferred, contraindicated, p1, p2, p3, additional,
    # booster, doses, used, wasted, mild, serious
    "F1": [50, 2, 3, 1, 10, 12, 0, 0, 20, 42, 42, 2, 4, 1],
    "F2": [20, 0, 1, 0, 0, 0, 5, 14, 0, 19, 19, 1, 1, 0],
    "F3": [30, 0, 0, 2, 28, 0, 0, 0, 0, 28, 28, 6, 0, 0],
}
RECORDED = [c for c in moh_report.COUNTS if c not in moh_report.NOT_RECORDED]


def test_site_rows_by_hand(warehouse):
    df = read(warehouse, moh_report.facility_rows, PROVINCE, DAY)
    # District 356 first; in it the communes by name (Lộc Hạ before Vị Xuyên).
    assert df["facility_id"].tolist() == ["F2", "F1", "F3"]
    got = {r.facility_id: [int(getattr(r, c)) for c in RECORDED] for r in df.itertuples()}
    assert got == EXPECTED
    assert df["refused"].isna().all()  # not recorded: empty, not 0
    assert df.set_index("facility_id")["vaccines"].to_dict() == {
        "F1": "AstraZeneca, Pfizer", "F2": "AstraZeneca", "F3": "Pfizer"}  # fmt: skip
    district = read(warehouse, moh_report.facility_rows, Scope("district", "359"), DAY)
    assert district["facility_id"].tolist() == ["F3"]
    assert read(warehouse, moh_report.facility_rows, PROVINCE, day("2022-06-21")).empty


def test_district_totals_by_hand(warehouse):
    df = read(warehouse, moh_report.facility_rows, PROVINCE, DAY)
    totals = moh_report.district_totals(df).set_index("district_code")
    assert totals.loc["356", "sites"] == 2 and totals.loc["359", "sites"] == 1
    assert totals.loc["356", "checked_in"] == 70 and totals.loc["356", "doses"] == 61
    assert totals.loc["356", "wasted"] == 3 and totals.loc["359", "wasted"] == 6
    assert totals["refused"].isna().all()


def _workbook(data: bytes):
    from io import BytesIO

    return openpyxl.load_workbook(BytesIO(data)).active


def _header(ws) -> list[tuple]:
    top, sub = report.FIRST_HEADER_ROW, report.FIRST_HEADER_ROW + 1
    return [
        (ws.cell(row=top, column=c).value, ws.cell(row=sub, column=c).value)
        for c in range(1, ws.max_column + 1)
    ]


def test_workbook_numbers_and_columns(warehouse):
    def make(conn):
        return report.workbook(report.gather(conn, PROVINCE, DAY, "Tỉnh Nam Định", "x"))

    ws = _workbook(read(warehouse, make))
    assert _header(ws) == TEMPLATE_ORDER
    fields = [field for _, _, field in report.TEMPLATE]
    body = []
    for values in ws.iter_rows(min_row=report.FIRST_HEADER_ROW + 2, values_only=True):
        if values[1] is None:
            break
        body.append(dict(zip(fields, values, strict=True)))
    labels = [(r["tt"], r["label"]) for r in body]
    assert labels == [
        (None, "Tổng cộng: Tỉnh Nam Định"),
        ("I", "Thành phố Nam Định"),
        (1, "Trạm Y tế Phường Lộc Hạ"),
        (2, "Trạm Y tế Phường Vị Xuyên"),
        ("II", "Huyện Vụ Bản"),
        (1, "Trạm Y tế Xã Liên Minh"),
    ]
    shown = [c for c in RECORDED if c != "doses"]  # the template has no total-doses column
    sites = {r["note"]: [r[c] for c in shown] for r in body if isinstance(r["tt"], int)}
    assert sites == {
        fid: [v for c, v in zip(RECORDED, counts, strict=True) if c != "doses"]
        for fid, counts in EXPECTED.items()
    }
    # The totals equal the query's sums, and every number is stored as a number.
    df = read(warehouse, moh_report.facility_rows, PROVINCE, DAY)
    for c in shown:
        assert body[0][c] == int(df[c].sum())
        assert body[1][c] == int(df.loc[df["district_code"] == "356", c].sum())
    assert all(r["refused"] is None and r["round"] is None for r in body)
    assert ws["D5"].value.date() == DAY and ws["D5"].number_format == "dd/mm/yyyy"
    assert ws["D3"].value == "Tỉnh Nam Định"


def test_command_line_writes_the_report(warehouse, tmp_path, capsys):
    code = cli.main(["--date", "2022-06-20", "--scope", "359", "--out", str(tmp_path),
                     "--warehouse-url", warehouse])  # fmt: skip
    assert code == 0
    path = tmp_path / "bao-cao-ngay-byt_huyen-vu-ban_2022-06-20.xlsx"
    assert capsys.readouterr().out.strip() == str(path)
    ws = _workbook(path.read_bytes())
    assert _header(ws) == TEMPLATE_ORDER
    first = report.FIRST_HEADER_ROW + 2
    assert ws.cell(row=first, column=2).value == "Tổng cộng: Huyện Vụ Bản"
    assert ws.cell(row=first, column=5).value == 30  # F3 only
    assert ws.cell(row=first, column=10).value == 28


def test_command_line_refuses_an_unknown_scope(warehouse, tmp_path, capsys):
    code = cli.main(["--date", "2022-06-20", "--scope", "999", "--out", str(tmp_path),
                     "--warehouse-url", warehouse])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown scope '999'") and err.count("\n") == 1
    assert not list(tmp_path.glob("*.xlsx"))


def test_empty_day_gives_a_report_with_zero_totals(warehouse):
    def make(conn):
        return report.workbook(report.gather(conn, PROVINCE, day("2022-07-01"), "Tỉnh", ""))

    ws = _workbook(read(warehouse, make))
    first = report.FIRST_HEADER_ROW + 2
    assert ws.cell(row=first, column=5).value == 0
    assert ws.cell(row=first + 1, column=1).value is None or pd.isna(
        ws.cell(row=first + 1, column=1).value
    )


def test_command_line_refuses_a_missing_warehouse(tmp_path, capsys):
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    args = ["--date", "2022-06-20", "--out", str(tmp_path), "--warehouse-url", missing]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no database file at") and err.count("\n") == 1
