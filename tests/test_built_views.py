"""What the pages build once per view and share (figures, tables, texts, the reference data:
`cached.built`, `shell.Context.built`) is made again for a new data version: after a load, an
open page shows the new data in every figure and table, never one built from the old."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, timedelta

import numpy as np
import plotly.graph_objects as go
from conftest import ROOT
from page_support import etl, open_folded
from platform_builder import (
    _ts,
    _visit,
    create_platform,
    insert_rows,
    tiny_platform_rows,
    update_rows,
)
from streamlit.testing.v1 import AppTest

from dashboard import cached, sidebar
from dashboard.exports import images
from dashboard.figures import base

APP = str(ROOT / "dashboard" / "app.py")
WEEK = "2021-W37"  # 2021-09-13 .. 2021-09-19
NEW_NAME = "Trạm Y tế Phường Hạ Long (cơ sở mới)"


def test_a_build_is_kept_per_key_and_made_again_for_a_new_data_version():
    made: list[str] = []

    def build(version: str):
        made.append(version)
        return [version]  # a new object on every build

    run = uuid.uuid4().hex  # keys no other test used
    first = cached.built(("t", run, "v1"), lambda: build("v1"))
    assert cached.built(("t", run, "v1"), lambda: build("v1")) is first  # shared, not copied
    assert cached.built(("t", run, "v2"), lambda: build("v2")) == ["v2"]
    assert made == ["v1", "v2"]


def _values(data) -> list:
    """A plotly array as the figure's JSON holds it: a list, or typed bytes (`bdata`)."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _types(figure: dict) -> set[str]:
    return {trace.get("type") for trace in figure["data"]}


def _doses_on(at: AppTest, day: str) -> float:
    """The overview's daily doses chart: the day's doses, all dose groups together."""
    trend = next(f for f in _figures(at) if len(f["data"]) >= 3 and f["data"][0]["type"] == "bar")
    total = 0.0
    for bar in (t for t in trend["data"] if t["type"] == "bar"):
        for x, y in zip(_values(bar["x"]), _values(bar["y"]), strict=True):
            total += y if str(x).startswith(day) else 0
    return total


def _open(monkeypatch, url: str, page: str | None, **params: str) -> AppTest:
    monkeypatch.setenv("VAX_WAREHOUSE_URL", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["week"] = WEEK
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _cell(at: AppTest, column: str, area: str, value_column: str | None = None):
    """The value in `value_column` (default `column`) of the row of `area` in the first table
    by area with a column `column` (the page's folded tables opened)."""
    open_folded(at)
    table = next(d.value for d in at.dataframe if {column, "Địa bàn"} <= set(d.value.columns))
    return table.loc[table["Địa bàn"] == area, value_column or column].iloc[0]


def test_figures_and_tables_show_a_new_load(monkeypatch, tmp_path):
    platform, wh = f"sqlite:///{tmp_path / 'p.db'}", f"sqlite:///{tmp_path / 'w.db'}"
    create_platform(platform, tiny_platform_rows())
    etl(platform, wh)
    overview = _open(monkeypatch, wh, None)
    coverage = _open(monkeypatch, wh, "app_pages/coverage.py")
    sites = _open(monkeypatch, wh, "app_pages/sites.py", district="356")

    def shown() -> dict:
        return {
            "daily doses chart": _doses_on(overview, "2021-09-16"),
            "doses ranking": _cell(overview, "Số mũi đã tiêm", "Thành phố Nam Định"),
            "coverage ranking": _cell(overview, "Số người (≥ 1 mũi)", "Huyện Vụ Bản"),
            "residence table": _cell(
                coverage, "Tỷ lệ bao phủ: đủ liều cơ bản", "Huyện Vụ Bản",
                "Số người đã tiêm ít nhất 1 mũi",
            ),
            "people waiting": _cell(coverage, "Đang chờ", "Huyện Vụ Bản"),
            "map": [f for f in _figures(coverage) if _types(f) & {"choropleth", "scattergeo"}],
            "site picker": sites.selectbox(key="sites_pick").options,
            "sidebar sites": sites.selectbox(key="f_site").options,  # the reference data
        }  # fmt: skip

    before = shown()
    assert before["map"] and not any(NEW_NAME in o for o in before["site picker"])
    assert NEW_NAME not in before["sidebar sites"]

    # A dose entered late: C15 (who lives in Vụ Bản) at F1 (Thành phố Nam Định) on
    # 2021-09-16; and F1 renamed.
    late = _visit("V99", "C15", "F1", "2021-09-16", "2021-09-16 03:00",
                  injected="2021-09-16 03:20", vaccine="AZ", dose=1, kind="primary",
                  recorded="2021-12-01 08:00")  # fmt: skip
    insert_rows(platform, "visit", [late])
    renamed = {"facility_id": "F1", "name": NEW_NAME, "updated_at": _ts("2021-12-01 08:00")}
    assert update_rows(platform, "facility", "facility_id", [renamed]) == 1
    etl(platform, wh)
    cached.data_version.clear()  # read again now, as it is every 10 s; every other cache kept
    for at in (overview, coverage, sites):
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    after = shown()
    for name in ("daily doses chart", "doses ranking", "coverage ranking", "residence table",
                 "people waiting"):  # fmt: skip
        assert after[name] == before[name] + 1, name
    assert after["map"] != before["map"]
    assert any(o.startswith(NEW_NAME) for o in after["site picker"])
    assert NEW_NAME in after["sidebar sites"]


def test_the_week_list_follows_the_data_span():
    first, last = date(2021, 9, 1), date(2021, 9, 20)
    weeks, captions = sidebar._weeks(first, last, "vi")
    assert sidebar._weeks(first, last, "vi")[0] is weeks  # made once per span and language
    later, _ = sidebar._weeks(first, last + timedelta(days=7), "vi")
    assert later == ["2021-W38", *weeks]
    assert captions["2021-W37"] == "Tuần 37: 13/09–19/09/2021"
    assert sidebar._weeks(first, last, "en")[1]["2021-W37"] == "Week 37: 13/09–19/09/2021"


def test_a_shared_figure_is_sent_as_it_was_drawn_and_its_image_leaves_it_alone():
    def drawn() -> go.Figure:
        fig = go.Figure(go.Bar(x=np.array([1, 2, 3]), y=np.array([4.0, 5.5, 6.0]), name="a"))
        return fig.update_layout(title={"text": "Số mũi"}, height=300)

    fig = base.shared(drawn())
    plain = fig.to_dict()
    assert plain == drawn().to_dict()
    assert fig.to_dict() is plain  # made once
    slide = images.slide_spec(
        fig, title="Số mũi", area="Tỉnh Nam Định", period="Tuần 37", source="Nguồn",
        data_as_of="20/09/2021",
    )  # fmt: skip
    assert slide["layout"]["height"] != 300  # laid out for a slide, on a copy
    assert fig.to_dict() == drawn().to_dict()


def test_a_warehouse_rebuilt_at_the_same_address_is_another_data_version(tmp_path):
    """Rebuilt, a warehouse starts its data version again: the dashboard's caches must not
    take it for the warehouse it replaced."""
    from queries import readiness
    from warehouse import engine as wh_engine
    from warehouse import setup

    url = f"sqlite:///{tmp_path / 'w.db'}"
    seen = []
    for _ in range(2):
        engine = wh_engine.make_engine(url)
        with engine.begin() as conn:
            setup.ensure_schema(conn)
            seen.append((setup.data_version(conn), readiness.data_version(conn)))
        engine.dispose()
        (tmp_path / "w.db").unlink()
    assert seen[0][0] == seen[1][0] == "0"
    assert seen[0][1] != seen[1][1]
