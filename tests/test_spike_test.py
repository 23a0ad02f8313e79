"""The deferral-spike test (queries/spike_test.py): its p-values against a direct sum of the
hypergeometric and binomial laws, and its false-alarm rate on data without spikes (synthetic
draws from a constant rate, and the small simulated province, whose simulator injects none),
which must stay under the bound its significance level implies."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from handmade_marts import build, day, facility, read

from queries import site_alerts, spike_test
from queries.alerts import Thresholds
from queries.scope import Period, Scope
from warehouse import engine as wh_engine


def fisher_by_hand(x: int, n: int, base_x: int, base_n: int) -> float:
    total, deferred = n + base_n, x + base_x
    return sum(
        math.comb(deferred, k) * math.comb(total - deferred, n - k)
        for k in range(x, min(deferred, n) + 1)
    ) / math.comb(total, n)


def binomial_by_hand(x: int, n: int, p: float) -> float:
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(x, n + 1))


@pytest.mark.parametrize(
    "x, n, base_x, base_n",
    [(4, 32, 3, 120), (1, 4, 0, 1), (0, 10, 2, 40), (12, 60, 8, 240), (30, 800, 50, 3000)],
)
def test_the_site_test_is_the_upper_tail_of_the_hypergeometric_law(x, n, base_x, base_n):
    assert spike_test.fisher_upper(x, n, base_x, base_n) == pytest.approx(
        fisher_by_hand(x, n, base_x, base_n), rel=1e-9
    )


@pytest.mark.parametrize("x, n, p", [(4, 32, 0.035), (0, 5, 0.1), (9, 40, 0.05), (3, 3, 0.2)])
def test_the_district_test_is_the_upper_tail_of_the_binomial_law(x, n, p):
    assert spike_test.binomial_upper(x, n, p) == pytest.approx(binomial_by_hand(x, n, p), rel=1e-9)
    assert spike_test.binomial_upper(2, 10, 0.0) == 0.0


def test_the_old_example_is_no_longer_a_spike():
    # 4 deferrals of 32 screened against 3.4 % over four weeks (about 4 of 120): chance.
    p = spike_test.fisher_upper(4, 32, 4, 120)
    assert 0.05 < p < 0.2
    assert p > Thresholds().spike_significance


@pytest.mark.parametrize(
    "rate, screened, base_screened", [(0.035, 32, 120), (0.05, 80, 320), (0.03, 400, 1600)]
)
def test_false_alarms_on_a_constant_rate_stay_under_the_level(rate, screened, base_screened):
    level, draws = 0.01, 20_000
    rng = np.random.default_rng(2022)
    rate_seen = spike_test.false_alarm_rate(rng, rate, screened, base_screened, level, draws)
    # The test is exact and conditional, so at most `level`, plus the draws' own noise.
    assert rate_seen <= level + 3 * math.sqrt(level * (1 - level) / draws)


def test_a_real_spike_is_found():
    # This week's rate three times the baseline's: the same test flags it most weeks.
    rng = np.random.default_rng(7)
    x = rng.binomial(200, 0.105, 500)
    base = rng.binomial(800, 0.035, 500)
    flagged = [
        spike_test.fisher_upper(a, 200, b, 800) < 0.001 for a, b in zip(x, base, strict=True)
    ]
    assert np.mean(flagged) > 0.6


def test_false_alarms_on_the_simulated_province_stay_under_the_level(small_province):
    """The simulator draws every deferral from rates by age that do not change before the
    Omicron wave (February 2022): the small province (to October 2021) has no spike. With only
    the test left (level 5 %, any count), the share of site-weeks flagged stays under it."""
    level = 0.05
    t = Thresholds(
        spike_significance=level,
        spike_min_deferrals=1,
        spike_min_screened=1,
        spike_min_rate=0.0,
        spike_factor=0.0,
        spike_min_baseline_screened=1,
    )
    engine = wh_engine.make_engine(small_province[1], create_dir=False, must_exist=True)
    flagged = tested = 0
    try:
        with engine.connect() as conn:
            monday = date(2021, 4, 5)
            while monday <= date(2021, 10, 25):
                period = Period(monday, monday + timedelta(days=6))
                flagged += len(site_alerts._deferral_spike(conn, Scope.province(), period, t))
                tested += conn.execute(
                    sa.text(
                        "SELECT COUNT(*) FROM (SELECT facility_id FROM mart_session_day "
                        "WHERE date BETWEEN :s AND :e GROUP BY facility_id "
                        "HAVING SUM(screened) > 0) x"
                    ),
                    {"s": period.start, "e": period.end},
                ).scalar()
                monday += timedelta(weeks=1)
    finally:
        engine.dispose()
    print(f"simulated province: {flagged} of {tested} site-weeks flagged at level {level}")
    assert tested >= 300  # enough site-weeks to measure a rate
    assert flagged / tested <= level + 3 * math.sqrt(level * (1 - level) / tested)


def screening(fid: str, date: str, screened: int, deferred: int) -> dict:
    return {"facility_id": fid, "date": day(date), "checked_in": screened, "screened": screened,
            "eligible": screened - deferred, "deferred": deferred}  # fmt: skip


def test_each_site_against_its_own_baseline_or_its_districts(dbs):
    """Week 20-26/06/2022, baseline the four weeks before. F1 has its own baseline (12 of
    400); F2's (1 of 50) is under 100 screened and F4 has none: both are tested against the
    district's 13 of 450."""
    url = build(
        dbs.new_url("spikes"),
        {
            "facility": [facility(f, "356", "13633") for f in ("F1", "F2", "F4")],
            "mart_session_day": [
                screening("F1", "2022-06-01", 400, 12),
                screening("F2", "2022-06-01", 50, 1),
                screening("F1", "2022-06-21", 40, 12),  # 30 %: a spike
                screening("F2", "2022-06-21", 32, 4),  # 12.5 %: chance
                screening("F4", "2022-06-21", 30, 8),  # 26.7 %: a spike
            ],
        },
    )
    week = Period(day("2022-06-20"), day("2022-06-26"))
    df = read(url, site_alerts._deferral_spike, Scope.province(), week, Thresholds())
    got = {r.facility_id: r for r in df.itertuples()}
    assert set(got) == {"F1", "F4"}
    assert got["F1"].baseline_source == "site"
    assert got["F1"].p_value == pytest.approx(fisher_by_hand(12, 40, 12, 400), rel=1e-9)
    assert got["F4"].baseline_source == "district"
    assert got["F4"].baseline_rate == pytest.approx(13 / 450)
    assert got["F4"].p_value == pytest.approx(binomial_by_hand(8, 30, 13 / 450), rel=1e-9)
    # F2 at the district's rate: p about 0.013, above 0.001, and 4 deferrals are under the
    # minimum of 5 (the old rule flagged it: 12.5 % is over twice 2 % with 32 screened).
    assert 0.01 < binomial_by_hand(4, 32, 13 / 450) < 0.1
    # With a level that lets chance through and no minimum count, F2 is flagged too.
    loose = Thresholds(spike_significance=0.1, spike_min_deferrals=1)
    flagged = read(url, site_alerts._deferral_spike, Scope.province(), week, loose)
    assert set(flagged["facility_id"]) == {"F1", "F2", "F4"}
