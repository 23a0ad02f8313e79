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
