"""The weekly overview page (dashboard/app_pages/overview.py): it renders on a demo-like, a tiny
and an empty warehouse, for the province and a district, in both languages; the numbers it
shows are those `queries.overview` returns; its alerts lead to the site's detail on the sites
page and never contradict their thresholds."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from page_support import default_period, open_page, read, table_with
from test_queries_overview import add_missing_day

from dashboard import format as fmt
from queries import overview, quality
from queries.scope import Period

PAGE = "app_pages/overview.py"
W37 = Period(date(2021, 9, 13), date(2021, 9, 19))
CARDS_VI = [
    "Số mũi đã tiêm",
    "Tỷ lệ hoàn thành kế hoạch",
    "Người đã tiêm ≥ 1 mũi (18+)",
    "Người tiêm đủ liều cơ bản (18+)",
    "Bao phủ ≥ 1 mũi (18+)",
    "Số hoãn tiêm",
    "Tỷ lệ hoãn tiêm",
    "Tai biến nặng sau tiêm",
    "Chứng nhận đã cấp",
    "Chưa cấp chứng nhận",
    "Số tồn (sổ kho)",
    "Số ngày đủ dùng",
]
DETAIL_PAGES = ("stock", "certificates", "aefi", "screening", "flow", "quality")
LOW = (
    "[low_stock]\nmin_days_of_stock = 200\nserious_days_of_stock = 50\n"
    "[deferral_spike]\nmin_screened = 1\nmin_deferrals = 1\nsignificance = 1.0\n"
    "min_baseline_screened = 1\n"
    "[certificate_backlog]\nmin_count = 1\nmin_days = 0\n"
)


# --- warehouses ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    """The tiny platform with F3 planned on a day it sent nothing (hand-checked numbers)."""
    return warehouses.tiny("overview", add_missing_day)


@pytest.fixture(scope="module")
def demo(small_province) -> str:
    return small_province[1]


def run_page(monkeypatch, url: str, alerts: str | None = None, tmp=None, **params) -> object:
    """The overview on `url`; `alerts` is the text of an alert thresholds file (in `tmp`)."""
    if alerts is None:
        monkeypatch.delenv("VAX_ALERTS_CONFIG", raising=False)
    else:
        path = tmp / "alerts.toml"
        path.write_text(alerts)
        monkeypatch.setenv("VAX_ALERTS_CONFIG", str(path))
    return open_page(PAGE, monkeypatch, url, **params)


def kpis(url: str, code: str, period: Period, group: str = "18+"):
    return read(url, overview.kpis, code, period, group).set_index("window")


def metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def shown_period(at) -> Period:
    """The period in the header caption ("<scope> · dd/mm/yyyy – dd/mm/yyyy")."""
    text = at.caption[0].value.split(" · ")[-1]
    start, end = (date(*map(int, reversed(part.strip().split("/")))) for part in text.split("–"))
    return Period(start, end)


def expected_cards(df, lang: str = "vi") -> dict[str, str]:
    cur = df.loc["current"]
    unit = "ngày" if lang == "vi" else "days"
    return {
        "Số mũi đã tiêm": fmt.number(cur["doses"], lang),
        "Tỷ lệ hoàn thành kế hoạch": fmt.percent(cur["plan_achievement"], lang),
        "Người đã tiêm ≥ 1 mũi (18+)": fmt.number(cur["people_1plus"], lang),
        "Người tiêm đủ liều cơ bản (18+)": fmt.number(cur["people_full"], lang),
        "Bao phủ ≥ 1 mũi (18+)": fmt.percent(cur["coverage_1plus"], lang),
        "Số hoãn tiêm": fmt.number(cur["deferrals"], lang),
        "Tỷ lệ hoãn tiêm": fmt.percent(cur["deferral_rate"], lang),
        "Tai biến nặng sau tiêm": fmt.number(cur["aefi_serious"], lang),
        "Chứng nhận đã cấp": fmt.number(cur["issued"], lang),
        "Chưa cấp chứng nhận": fmt.number(cur["backlog"], lang),
        "Số tồn (sổ kho)": fmt.number(cur["on_hand"], lang),
        "Số ngày đủ dùng": (
            "—"
            if cur["days_of_stock"] != cur["days_of_stock"]
            else f"{fmt.number(cur['days_of_stock'], lang, 1)} {unit}"
        ),
    }


def site_links(at) -> list:
    return [link for link in at.get("page_link") if "site=" in link.proto.query_string]


def page_of(link) -> str:
    """The page a link leads to (its address or script name)."""
    return link.proto.page.split("/")[-1].removesuffix(".py")


def alert_lines(at) -> list[str]:
    return [m.value for m in at.markdown if " · " in m.value and ": " in m.value]


# --- the demo-like warehouse -----------------------------------------------------------------
def test_the_province_view_shows_what_the_queries_return(monkeypatch, demo):
    at = run_page(monkeypatch, demo)
    assert at.title[0].value == "Tổng quan tuần"
    period = shown_period(at)
    assert period == default_period(demo)
    shown = metrics(at)
    assert list(shown)[:12] == CARDS_VI
    expected = kpis(demo, "36", period)
    assert {k: shown[k][0] for k in CARDS_VI} == expected_cards(expected)
    doses = expected["doses"]
    assert shown["Số mũi đã tiêm"][1] == fmt.signed(doses["current"] - doses["previous"])
    assert [s.value for s in at.subheader] == [
        "Chỉ số chính",
        "Tóm tắt tuần",
        "Cần quyết định",
        "Vắc xin đã hết hạn và sắp hết hạn",
        "Số mũi tiêm theo ngày",
        "Xếp hạng huyện, thành phố",
        "Cảnh báo",
        "Báo cáo và tài liệu họp",
    ]
    # Opening the page adds nothing to the address (Back leaves in one press).
    assert "measure" not in at.query_params and "group" not in at.query_params


def test_the_daily_trend_and_the_ranking_tables_match_the_queries(monkeypatch, demo):
    at = run_page(monkeypatch, demo, week="2021-W42")
    period = Period(date(2021, 10, 18), date(2021, 10, 24))
    trend = read(demo, overview.daily_trend, "36", period)
    ranking = read(demo, overview.ranking, "36", period)
    shown = table_with(at, "Ngày")
    assert shown["Ngày"].tolist() == [fmt.day(d) for d in period.days]
    for group, column in (
        ("dose1", "Mũi 1"),
        ("dose2", "Mũi 2"),
        ("dose3plus", "Mũi 3 trở lên, mũi nhắc lại"),
    ):
        assert shown[column].tolist() == trend[group].tolist()
    coverage_table = table_with(at, "Tỷ lệ bao phủ")
    best = ranking.sort_values("coverage_1plus", ascending=False).iloc[0]
    assert coverage_table.iloc[0]["Địa bàn"] == best["name"]
    assert coverage_table.iloc[0]["Tỷ lệ bao phủ"] == pytest.approx(best["coverage_1plus"])
    doses_table = table_with(at, "Số mũi đã tiêm").set_index("Địa bàn")
    for row in ranking.itertuples():
        assert doses_table.loc[row.name, "Số mũi đã tiêm"] == row.doses
        assert doses_table.loc[row.name, "Tỷ lệ hoàn thành kế hoạch"] == pytest.approx(
            row.plan_achievement, nan_ok=True
        )


def test_a_single_district_ranks_its_communes(monkeypatch, demo):
    at = run_page(monkeypatch, demo, district="366")
    assert "Huyện Hải Hậu" in at.caption[0].value
    shown = metrics(at)
    expected = expected_cards(kpis(demo, "366", shown_period(at)))
    assert {k: shown[k][0] for k in CARDS_VI} == expected
    assert "Xếp hạng xã, phường, thị trấn — Huyện Hải Hậu" in [s.value for s in at.subheader]
    names = set(table_with(at, "Địa bàn")["Địa bàn"])
    assert "Thị trấn Yên Định" in names and "Huyện Hải Hậu" not in names


def test_english_on_request(monkeypatch, demo):
    at = run_page(monkeypatch, demo, lang="en")
    assert at.title[0].value == "Weekly overview"
    labels = [m.label for m in at.metric]
    assert "Doses administered" in labels and "Days of stock" in labels
    cur = kpis(demo, "36", shown_period(at)).loc["current"]
    doses = next(m for m in at.metric if m.label == "Doses administered")
    assert doses.value == fmt.number(cur["doses"], "en")
    assert "Alerts" in [s.value for s in at.subheader]


@pytest.mark.parametrize("code", ["36", "366"])
def test_sites_not_reporting_are_the_late_sites_of_the_quality_page(monkeypatch, demo, code):
    params = {} if code == "36" else {"district": code}
    at = run_page(monkeypatch, demo, **params)
    late = read(demo, quality.late_sites, code, shown_period(at))
    assert len(late) > 0
    shown = metrics(at)["Điểm tiêm chưa báo cáo"][0]
    assert shown == fmt.number(late["facility_id"].nunique())


def test_the_all_alerts_table_links_to_each_sites_detail(monkeypatch, demo, tmp_path):
    at = run_page(monkeypatch, demo, LOW, tmp_path, week="2021-W42", measure="full")
    table = table_with(at, "Liên kết")
    assert len(table) > 10
    for link in table["Liên kết"]:
        url = urlparse(link)
        assert url.path == "sites"
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert query["lang"] == "vi" and query["week"] == "2021-W42"
        assert {"district", "commune", "site"} <= set(query)
        assert "measure" not in query  # the overview's options stay on the overview


# --- the tiny warehouse: hand-checked numbers ------------------------------------------------
def test_the_week_of_the_tiny_platform(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37")
    shown = metrics(at)
    assert shown["Số mũi đã tiêm"] == ("8", "+8")
    assert shown["Tỷ lệ hoàn thành kế hoạch"][0] == "4,2 %"  # 8 / 190
    assert shown["Người đã tiêm ≥ 1 mũi (18+)"] == ("6", "+3")
    assert shown["Người tiêm đủ liều cơ bản (18+)"] == ("4", "+3")
    assert shown["Số hoãn tiêm"][0] == "3"
    assert shown["Tỷ lệ hoãn tiêm"][0] == "25,0 %"
    assert shown["Tai biến nặng sau tiêm"][0] == "1"
    assert shown["Chứng nhận đã cấp"][0] == "5"
    assert shown["Chưa cấp chứng nhận"][0] == "3"
    assert shown["Số tồn (sổ kho)"] == ("1.620", "+620")
    assert shown["Số ngày đủ dùng"][0] == "378,0 ngày"
    plan = table_with(at, "Số mũi theo kế hoạch")["Số mũi theo kế hoạch"].tolist()
    assert plan == [0, 0, 100, 30, 60, 0, 0]


def test_the_detail_links_keep_the_view_and_fit_three_to_a_row(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", district="356")
    links = {page_of(link): link.proto.query_string for link in at.get("page_link")}
    for name in DETAIL_PAGES:
        query = links[name]
        assert "week=2021-W37" in query and "district=356" in query
    # At most three links to a row, so that each page's name is shown whole at 1366 px.
    rows = [
        c
        for c in at.columns
        if c.children
        and all(e.type == "page_link" and page_of(e) in DETAIL_PAGES for e in c.children.values())
    ]
    assert sum(len(c.children) for c in rows) == len(DETAIL_PAGES)
    assert all(c.proto.weight >= 1 / 3 - 1e-9 for c in rows)


def test_the_site_that_sent_no_data_links_to_its_detail_on_the_sites_page(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", measure="full")
    alert = next(t for t in alert_lines(at) if "Bệnh viện Đa khoa tỉnh Nam Định" in t)
    assert "Điểm tiêm chưa báo cáo" in alert and "16/09" in alert
    assert "không có báo cáo kho" in alert
    links = site_links(at)
    assert len(links) == 1
    assert page_of(links[0]) == "sites"
    query = {k: v[0] for k, v in parse_qs(links[0].proto.query_string).items()}
    assert query == {
        "lang": "vi",
        "week": "2021-W37",
        "district": "356",
        "commune": "13633",
        "site": "F3",
    }


def test_thresholds_come_from_the_administrators_file(monkeypatch, tiny, tmp_path):
    at = run_page(monkeypatch, tiny, LOW, tmp_path, week="2021-W37")
    counts = {m.label: m.value for m in at.metric}
    assert counts["Sắp hết vắc xin"] == "2"
    assert counts["Hoãn tiêm tăng đột biến"] == "1"
    assert counts["Tồn đọng chứng nhận"] == "2"
    assert counts["Điểm tiêm chưa báo cáo"] == "1"
    assert len(site_links(at)) == 6
    assert all("ngưỡng cảnh báo" not in w.value for w in at.warning)


def test_a_value_under_its_threshold_is_never_shown_at_it(monkeypatch, tiny, tmp_path):
    # F2 holds 85 / (20 / 7) = 29.75 days of stock: "29,8 (threshold < 29,8)" would contradict.
    config = "[low_stock]\nmin_days_of_stock = 29.8\nserious_days_of_stock = 1\n"
    at = run_page(monkeypatch, tiny, config, tmp_path, week="2021-W37")
    alert = next(t for t in alert_lines(at) if "Sắp hết vắc xin" in t)
    assert "còn 29,7 ngày đủ dùng (ngưỡng < 29,8 ngày)" in alert


def test_a_broken_thresholds_file_is_reported_and_the_defaults_used(monkeypatch, tiny, tmp_path):
    at = run_page(monkeypatch, tiny, "[low_stock]\nmin_days_of_stok = 3\n", tmp_path)
    warning = next(w.value for w in at.warning if "ngưỡng cảnh báo" in w.value)
    assert "min_days_of_stok" in warning and "mặc định" in warning
    assert len(site_links(at)) == 1  # the default thresholds: F3's missing data only


def test_coverage_measure_and_target_group_are_page_options(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", measure="full", group="all")
    card = next(m for m in at.metric if m.label.startswith("Bao phủ"))
    assert card.label == "Bao phủ đủ liều (mọi tuổi)"
    cur = kpis(tiny, "36", W37, "all").loc["current"]
    assert card.value == fmt.percent(cur["coverage_full"])
    assert cur["population"] == 1780393  # the 2019 census total
    notes = " ".join(c.value for c in at.caption)
    assert "Mẫu số: tổng dân số theo Tổng điều tra dân số và nhà ở 2019" in notes
    at.segmented_control(key="opt_measure").set_value("boosted").run()
    assert at.query_params["measure"] in ("boosted", ["boosted"])
    card = next(m for m in at.metric if m.label.startswith("Bao phủ"))
    assert card.label == "Bao phủ nhắc lại (mọi tuổi)"
    # Everyone on the tiny platform was born in 1980: nobody aged 12-17.
    at.selectbox(key="opt_group").set_value("12-17").run()
    assert at.query_params["group"] in ("12-17", ["12-17"])
    card = next(m for m in at.metric if m.label.startswith("Bao phủ"))
    assert (card.label, card.value) == ("Bao phủ nhắc lại (12–17)", "0,0 %")
    notes = " ".join(c.value for c in at.caption)
    assert "Mẫu số: dân số 12–17 năm 2021, ước tính từ Tổng điều tra dân số" in notes
    assert "số người từ 12 đến 17 tuổi đã tiêm" in notes


def test_the_coverage_card_in_english_with_a_group_chosen(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", group="18+", lang="en")
    card = next(m for m in at.metric if m.label.startswith("Coverage"))
    cur = kpis(tiny, "36", W37, "18+").loc["current"]
    assert card.label == "Coverage ≥ 1 dose (18+)"
    assert card.value == fmt.percent(cur["coverage_1plus"], "en")
    assert cur["people_1plus"] == 6 and cur["population"] == 1322989  # 18+ in 2021
    notes = " ".join(c.value for c in at.caption)
    assert "Denominator: population 18+ in 2021, estimated from the 2019 Population" in notes
    at.selectbox(key="opt_group").set_value("65+").run()
    card = next(m for m in at.metric if m.label.startswith("Coverage"))
    assert (card.label, card.value) == ("Coverage ≥ 1 dose (65+)", "0.0%")


def test_an_area_without_activity_says_so(monkeypatch, tiny):
    at = run_page(monkeypatch, tiny, week="2021-W37", district="360")
    infos = [i.value for i in at.info]
    assert any("Không có buổi tiêm nào" in t for t in infos)
    assert any("Không có dữ liệu" in t for t in infos)  # the trend and the ranking
    assert any("Không có cảnh báo" in t for t in infos)
    assert metrics(at)["Số mũi đã tiêm"][0] == "0"


# --- the empty warehouse ---------------------------------------------------------------------
def test_an_empty_warehouse_gives_a_plain_message(monkeypatch, no_visit_warehouse):
    at = run_page(monkeypatch, no_visit_warehouse)
    assert any("chưa có buổi tiêm nào" in i.value for i in at.info)
    assert not at.metric
