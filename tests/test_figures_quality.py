"""The Data quality page's figure builders and the pure helpers of `queries.quality`, on small
hand-made frames: what each draws or counts."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from dashboard.figures import base
from dashboard.figures import quality as fig
from dashboard.texts.quality import FIELDS, KINDS, SOURCE_TABLES
from queries import quality

LABELS = {"visits": "Lượt tiêm", "declared": "Báo cáo kho", "axis": "Chênh lệch, %"}


def recon_rows() -> pd.DataFrame:
    """`quality.dose_reconciliation` rows for three districts (one without visit doses)."""
    df = pd.DataFrame(
        {
            "district_code": ["356", "359", "360"],
            "name": ["Thành phố Nam Định", "Huyện Vụ Bản", "Huyện Ý Yên"],
            "visit_doses": [1000, 200, 0],
            "declared_doses": [932, 220, 15],
            "ledger_doses": [990, 200, 15],
        }
    )
    df["gap"] = df["declared_doses"] - df["visit_doses"]
    df["gap_rate"] = [
        g / v if v else math.nan for g, v in zip(df["gap"], df["visit_doses"], strict=True)
    ]
    return df


def test_reconciliation_chart_bars_labels_and_colours():
    chart = fig.reconciliation_chart(recon_rows(), "vi", LABELS)
    bar = chart.data[0]
    assert bar.orientation == "h"
    # Sorted by the gap, the area without visit doses first (drawn at 0, labelled "—").
    assert list(bar.y) == ["Huyện Ý Yên", "Thành phố Nam Định", "Huyện Vụ Bản"]
    assert list(bar.text) == ["—", "-6,8 %", "10,0 %"]
    assert list(bar.x) == pytest.approx([0.0, -6.8, 10.0])
    assert list(bar.marker.color) == [base.PALETTE[0], base.PALETTE[5], base.PALETTE[0]]
    assert chart.layout.xaxis.title.text == "Chênh lệch, %"
    assert chart.layout.xaxis.range[0] < -6.8 and chart.layout.xaxis.range[1] > 10.0
    assert "Lượt tiêm: %{customdata[0]}" in bar.hovertemplate
    assert [list(c) for c in bar.customdata][1] == ["1.000", "932"]


def test_reconciliation_table_keeps_the_values():
    columns = {c: c.upper() for c in ("name", *fig.MEASURES)}
    table = fig.reconciliation_table(recon_rows(), columns)
    assert list(table.columns) == ["NAME", *(c.upper() for c in fig.MEASURES)]
    assert table["GAP"].tolist() == [-68, 20, 15]


def test_a_site_beside_its_district_keeps_the_district_figure():
    district = recon_rows().iloc[[0]]
    # `dose_reconciliation` for a site: one row under its district's code and name.
    site = district.assign(visit_doses=100, declared_doses=100, ledger_doses=100, gap=0,
                           gap_rate=0.0)  # fmt: skip
    rows = quality.beside_district(site, district, "F1", "Trạm Y tế A")
    assert rows["name"].tolist() == ["Thành phố Nam Định", "Trạm Y tế A"]
    assert rows["code"].tolist() == ["356", "F1"]
    assert rows["gap_rate"].tolist() == pytest.approx([-0.068, 0.0])
    bar = fig.reconciliation_chart(rows, "vi", LABELS).data[0]
    assert dict(zip(bar.y, bar.text, strict=True)) == {
        "Thành phố Nam Định": "-6,8 %",
        "Trạm Y tế A": "0,0 %",
    }


def test_total_gap_rate_and_late_site_count():
    assert quality.total_gap_rate(recon_rows()) == pytest.approx((-68 + 20 + 15) / 1200)
    assert quality.total_gap_rate(recon_rows().iloc[[2]]) is None
    late = pd.DataFrame({"facility_id": ["F1", "F1", "F2"]})
    assert quality.late_site_count(late) == 2
    assert quality.late_site_count(late.iloc[:0]) == 0


def test_runs_table():
    runs = pd.DataFrame(
        {
            "run_id": [2, 1],
            "started_at": pd.to_datetime(["2022-06-27 01:00", "2022-06-26 01:00"], utc=True),
            "finished_at": pd.to_datetime(["2022-06-27 01:05", None], utc=True),
            "status": ["success", "failed"],
            "platform_high_water": pd.to_datetime(["2022-06-26 23:00", None], utc=True),
            "rows_extracted": pd.array([1200, 10], dtype="Int64"),
            "rows_loaded": pd.array([1190, 0], dtype="Int64"),
            "rows_rejected": pd.array([10, None], dtype="Int64"),
            "seconds": [300.5, math.nan],
            "error": [None, "boom"],
        }
    )
    names = ("run", "finished", "seconds", "status", "high_water", "extracted", "loaded",
             "rejected", "error")  # fmt: skip
    table = fig.runs_table(runs, {n: n for n in names}, {"success": "Thành công"})
    assert table["finished"].tolist() == ["08:05 27/06/2022", "—"]  # in Vietnam time (UTC+7)
    assert table["status"].tolist() == ["Thành công", "failed"]
    assert table["extracted"].tolist() == [1200.0, 10.0]
    assert math.isnan(table["rejected"].iloc[1])
    assert table["error"].tolist() == ["", "boom"]
    clean = fig.runs_table(runs.iloc[:1], {n: n for n in names}, {})
    assert "error" not in clean.columns  # no error: no empty column


def test_reject_tables_name_tables_kinds_and_fields():
    summary = pd.DataFrame(
        {"source_table": ["visit", "mystery"], "kind": ["unknown facility_id", "odd"],
         "open": [3, 1], "resolved": [0, 2]}
    )  # fmt: skip
    columns = {"table": "Bảng", "kind": "Lý do", "open": "Mở", "resolved": "Đã xử lý"}
    table = fig.rejects_summary_table(summary, "vi", columns, SOURCE_TABLES, KINDS)
    assert table["Bảng"].tolist() == ["Lượt tiêm", "mystery"]
    assert table["Lý do"].tolist() == ["Mã điểm tiêm không có trong danh mục", "odd"]
    english = fig.rejects_summary_table(summary, "en", columns, SOURCE_TABLES, KINDS)
    assert english["Bảng"].tolist() == ["Visits", "mystery"]
    rows = pd.DataFrame(
        {
            "source_pk": ["VX1"],
            "kind": ["unknown facility_id"],
            "value": ["F9"],
            "reason": ["unknown facility_id 'F9'"],
            "first_run_id": [1],
            "last_run_id": [2],
            "visit_id": ["VX1"],
            "session_date": ["2021-09-15T00:00:00"],
            "facility_id": ["F9"],
        }
    )
    lead = {"source_pk": "Mã bản ghi", "kind": "Lý do", "value": "Giá trị sai",
            "first_run_id": "Lần đầu", "last_run_id": "Lần cuối"}  # fmt: skip
    shown = fig.reject_rows_table(rows, "vi", lead, FIELDS, KINDS)
    assert list(shown.columns) == ["Mã bản ghi", "Lý do", "Giá trị sai", "Lần đầu", "Lần cuối",
                                   "Ngày buổi tiêm", "Mã điểm tiêm"]  # fmt: skip
    assert shown["Ngày buổi tiêm"].tolist() == ["2021-09-15"]  # the day, not midnight
    assert shown["Lý do"].tolist() == ["Mã điểm tiêm không có trong danh mục"]
    quiet = fig.reject_rows_table(rows.assign(value=""), "vi", lead, FIELDS, KINDS)
    assert "Giá trị sai" not in quiet.columns  # no reason quotes a value: no empty column


def test_late_and_coordinates_tables():
    late = pd.DataFrame(
        {"facility_id": ["F3", "F1"], "name": [None, "Trạm Y tế A"], "commune_name": ["A", "B"],
         "district_name": ["D", "D"], "date": [date(2021, 9, 19), date(2021, 9, 16)],
         "planned_doses": [40, 30], "missing": ["both", "visits"]}
    )  # fmt: skip
    columns = {k: k for k in ("date", "site", "missing", "commune", "district", "planned")}
    table = fig.late_table(late, columns, {"both": "Cả hai", "visits": "Lượt tiêm"})
    assert table["date"].tolist() == ["19/09/2021", "16/09/2021"]
    assert table["site"].tolist() == ["F3", "Trạm Y tế A"]
    assert table["missing"].tolist() == ["Cả hai", "Lượt tiêm"]
    coords = pd.DataFrame(
        {"facility_id": ["F2"], "name": ["TTYT Vụ Bản"], "coordinate_status": ["outside_province"],
         "latitude": [21.123456], "longitude": [None], "commune_name": ["A"],
         "district_name": ["D"]}
    )  # fmt: skip
    columns = {k: k for k in ("site", "problem", "lat", "lon", "commune", "district")}
    table = fig.coords_table(coords, "vi", columns, {"outside_province": "Ngoài tỉnh"})
    assert table.iloc[0].tolist() == ["TTYT Vụ Bản", "Ngoài tỉnh", "21,12346", "—", "A", "D"]
