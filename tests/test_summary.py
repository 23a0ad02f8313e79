"""The weekly summary (queries/summary.py, dashboard/summary_text.py) on the tiny hand-made
platform, on SQLite and PostgreSQL: each sentence's numbers against the hand count of
tests/platform_builder.py (worked out in the comments), in both languages; and the overview
showing it (AppTest, both languages)."""

from __future__ import annotations

from datetime import date

import pytest
from page_support import default_period, open_page
from test_queries_overview import WEEK, population, warehouse  # noqa: F401 - the fixture

from dashboard import format as fmt
from dashboard import summary_text
from queries import summary
from queries.alerts import Thresholds
from queries.scope import resolve_scope
from warehouse import engine as wh_engine

# Low thresholds so that every sentence has something to say on the tiny platform.
T = Thresholds(
    stockout_within_days=100, near_expiry_days=120, backlog_min_count=1, backlog_decision_days=0
)
# Short intervals and a 10-day grace period: people waiting on 19/09 are due.
INTERVALS = """
grace_days = 10
upcoming_days = 7
[vaccines.AZ]
next_primary_days = 0
next_primary_source = "test"
booster_days = 0
booster_source = "test"
"""


@pytest.fixture
def facts(warehouse, monkeypatch, tmp_path):  # noqa: F811 - the imported fixture
    path = tmp_path / "intervals.toml"
    path.write_text(INTERVALS, encoding="utf-8")
    monkeypatch.setenv("VAX_DOSE_INTERVALS_CONFIG", str(path))
    engine = wh_engine.make_engine(warehouse, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            found = summary.gather(conn, resolve_scope(conn, "36"), WEEK, T)
    finally:
        engine.dispose()
    return {f.key: f for f in found}


def test_every_fact_is_counted_as_by_hand(facts, warehouse):  # noqa: F811
    assert list(facts) == list(summary.KEYS)
    doses = facts["doses"].values
    # Active injected visits in 13-19/09: V14 V17 V03 V07 V02 V12 V13 V15; none the week before.
    # Approved plans: P01 100 + P03 60 + P90 30.
    assert (doses["doses"], doses["previous"], doses["planned"], doses["days"]) == (8, 0, 190, 7)
    assert doses["plan_achievement"] == pytest.approx(8 / 190) and doses["change"] is None
    cov = facts["coverage"].values
    pop = population(warehouse, "36")
    # People of Nam Định with >= 1 dose: 6 on 19/09 against 3 on 12/09; full: 4 against 1.
    assert (cov["people_1plus"], cov["people_full"]) == (6, 4)
    assert cov["coverage_1plus"] == pytest.approx(6 / pop)
    assert cov["change_1plus"] == pytest.approx(3 / pop)
    assert cov["change_full"] == pytest.approx(3 / pop)
    areas = facts["areas"].values
    # City 5 doses / 130 planned, Vụ Bản 3 / 60; no other district has a plan.
    assert (areas["level"], areas["with_plan"], areas["behind_count"], areas["ahead_count"]) == (
        "district", 2, 2, 0,
    )  # fmt: skip
    assert [round(s, 6) for _, s in areas["behind"]] == [round(5 / 130, 6), 0.05]
    out = facts["stockouts"].values
    # Use over 06-19/09: SF2 20 administered (85 on hand: 85 / (20/14) = 59.5, 59 whole days);
    # SF1 10 administered + 2 wasted (185 / (12/14) = 215.8 days: past 100).
    assert (out["stocks"], out["sites"]) == (1, 1)
    assert out["first"]["site"] == "Kho điểm tiêm TTYT Vụ Bản"
    assert out["first"]["days_left"] == 59
    exp = facts["expiry"].values
    # Every lot expires 31/12/2021 (103 days after 19/09, within 120): S36 AZ 550 and
    # PFIZER 600, S359 AZ 200, SF1 185, SF2 85; nothing expired.
    assert (exp["near_doses"], exp["near_lots"], exp["near_stores"]) == (1620, 5, 4)
    assert (exp["expired_doses"], exp["expired_lots"], exp["expired_stores"]) == (0, 0, 0)
    backlog = facts["backlog"].values
    # V07, V15 never certified, V13 only on 20/09; by district: City 2, Vụ Bản 1.
    assert (backlog["backlog"], backlog["previous"], backlog["areas"]) == (3, 0, 2)
    # A04 (V02) serious; A03 is on a voided visit.
    assert (facts["aefi"].values["serious"], facts["aefi"].values["previous"]) == (1, 0)
    due = facts["due"].values
    # Waiting on 19/09 after AZ: C11 (dose 1 on 17/09) and C12 (dose 1) for dose 2, P1 (dose 2
    # on 16/09) for a booster: all within 10 days of their due date. C03 (Janssen) and C13
    # (last dose Pfizer) have no interval in the file; C10 is boosted; C07 lives elsewhere.
    assert (due["due"], due["overdue"], due["primary"], due["booster"]) == (3, 0, 2, 1)
    # SF1's lot: 96 doses it will not use, but no other site of its district to take them.
    assert facts["decisions"].values == {
        "stockouts": 1, "moves": 0, "move_doses": 0, "backlogs": 2, "total": 3,
    }  # fmt: skip


def test_each_sentence_shows_its_numbers_the_vietnamese_way(facts, warehouse):  # noqa: F811
    written = {s.key: s for s in summary_text.sentences(list(facts.values()), "vi")}
    pop = population(warehouse, "36")
    assert 5 <= len(written) <= 10
    doses = written["doses"].text
    assert doses.startswith("Từ 13/09/2021 đến 19/09/2021 đã tiêm 8 mũi")
    assert "đạt 4,2 % kế hoạch (190 mũi)" in doses  # 8 / 190 = 4,21 %
    cov = written["coverage"].text
    assert f"{fmt.number(6)} người" in cov and fmt.percent(6 / pop) in cov
    assert fmt.points(3 / pop) in cov and "đ.p." in cov
    assert "2 huyện chưa đạt" in written["areas"].text
    assert "(3,8 %)" in written["areas"].text and "(5,0 %)" in written["areas"].text
    assert "còn 59 ngày" in written["stockouts"].text
    assert "1.620 liều sẽ hết hạn trong 120 ngày" in written["expiry"].text
    assert written["backlog"].text.startswith("3 mũi tiêm chưa được cấp chứng nhận")
    assert written["aefi"].text.startswith("Ghi nhận 1 trường hợp tai biến nặng")
    assert "3 người đến hạn và 0 người quá hạn" in written["due"].text
    assert written["decisions"].text.startswith("Cần quyết định 3 việc")
    # Every sentence names the queries its numbers come from.
    assert written["doses"].sources == ("queries.overview.kpis",)
    assert written["areas"].sources == ("queries.overview.ranking",)
    assert all(s.sources and all(x.startswith("queries.") for x in s.sources)
               for s in written.values())  # fmt: skip


def test_the_english_sentences_carry_the_same_numbers(facts):
    written = {s.key: s.text for s in summary_text.sentences(list(facts.values()), "en")}
    assert written["doses"].startswith("From 13/09/2021 to 19/09/2021, 8 doses were given")
    assert "4.2% of the plan (190 doses)" in written["doses"]
    assert "59 days left" in written["stockouts"]
    assert "1,620 doses expiring within 120 days" in written["expiry"]
    assert written["decisions"].startswith("3 items need a decision")
    assert summary_text.paragraph(list(facts.values()), "en").count(". ") >= 8


def test_changes_and_empty_facts_read_as_words():
    values = {
        "start": date(2022, 6, 20), "end": date(2022, 6, 26), "days": 7, "doses": 1234567,
        "previous": 1000000, "planned": 0, "plan_achievement": None, "change": 0.234567,
    }  # fmt: skip
    fact = summary.Fact("doses", values, ("queries.overview.kpis",))
    text = summary_text.sentences([fact], "vi")[0].text
    assert "1.234.567 mũi, tăng 23,5 % so với 7 ngày trước đó (1.000.000 mũi)" in text
    assert "không có kế hoạch tiêm được duyệt" in text
    down = summary_text.sentences([summary.Fact("doses", {**values, "change": -0.5})], "en")
    assert "down 50.0%" in down[0].text
    same = summary_text.sentences([summary.Fact("doses", {**values, "change": 0.0001})], "vi")
    assert "mũi, không đổi so với 7 ngày" in same[0].text
    none = summary.Fact("decisions", {"total": 0, "stockouts": 0, "moves": 0, "move_doses": 0,
                                      "backlogs": 0})  # fmt: skip
    assert "Không có việc nào" in summary_text.sentences([none], "vi")[0].text


@pytest.mark.parametrize(
    ("days_left", "available", "vi", "en"),
    [
        (0.0, 0.0, "đã hết", "already out"),
        (0.0, 3.0, "còn dưới 1 ngày", "less than a day left"),  # a dose or two remain
        (4.0, 40.0, "còn 4 ngày", "4 days left"),
    ],
)
def test_a_stock_under_a_day_of_use_is_not_called_out(days_left, available, vi, en):
    first = {"site": "Trạm Y tế X", "vaccine": "AZ", "days_left": days_left, "available": available}
    fact = summary.Fact("stockouts", {"within": 7, "stocks": 1, "sites": 1, "first": first})
    assert f"(AZ, {vi})" in summary_text.sentences([fact], "vi")[0].text
    assert f"(AZ, {en})" in summary_text.sentences([fact], "en")[0].text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_overview_shows_the_summary(monkeypatch, small_province, lang):
    url = small_province[1]
    monkeypatch.delenv("VAX_ALERTS_CONFIG", raising=False)
    monkeypatch.delenv("VAX_DOSE_INTERVALS_CONFIG", raising=False)
    at = open_page("app_pages/overview.py", monkeypatch, url, lang=lang)
    title = "Tóm tắt tuần" if lang == "vi" else "Weekly summary"
    assert title in [s.value for s in at.subheader]
    period = default_period(url)
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            found = summary.gather(conn, resolve_scope(conn, "36"), period, Thresholds())
    finally:
        engine.dispose()
    expected = summary_text.sentences(found, lang)
    shown = {m.value: m for m in at.markdown}
    for sentence in expected:
        assert sentence.text in shown, sentence.text
        assert sentence.sources[0] in shown[sentence.text].help
    assert summary_text.paragraph(found, lang) in [c.value for c in at.code]
