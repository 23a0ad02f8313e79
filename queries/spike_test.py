"""One-sided tests of "more deferrals this week than the baseline explains", in plain numpy.

A site's deferrals are compared with its own baseline (the weeks before) by the one-sided
Fisher exact test: given the site's deferrals over both windows together, how likely is it
that at least this many fell in this week by chance, if the rate did not change? This is
exact for any counts (no normal approximation) and takes the baseline's own noise into
account, so its false-alarm rate is at most the chosen significance level.

A site with too small a baseline is compared with its district's rate over the same weeks,
taken as known (the district screens hundreds or thousands of people a week): the one-sided
binomial test P(X >= x) for X ~ Binomial(screened, district rate).

Both return p-values; the alert is raised when the p-value is under the significance level of
`config/alerts.toml`.
"""

from __future__ import annotations

import math

import numpy as np


def _log_choose(n: np.ndarray | int, k: np.ndarray) -> np.ndarray:
    lg = np.vectorize(math.lgamma, otypes=[float])
    return lg(np.asarray(n) + 1.0) - lg(k + 1.0) - lg(np.asarray(n) - k + 1.0)


def _sum_exp(logs: np.ndarray) -> float:
    if logs.size == 0:
        return 0.0
    top = float(np.max(logs))
    return float(min(1.0, math.exp(top) * float(np.sum(np.exp(logs - top)))))


def fisher_upper(x: int, n: int, base_x: int, base_n: int) -> float:
    """P(X >= x) under equal rates, X the deferrals of this week given the total: X follows
    the hypergeometric law of `n` draws from `n + base_n` people of whom `x + base_x` were
    deferred. `x` of `n` screened this week, `base_x` of `base_n` in the baseline."""
    x, n, base_x, base_n = int(x), int(n), int(base_x), int(base_n)
    if not 0 <= x <= n or not 0 <= base_x <= base_n:
        raise ValueError("deferrals must be between 0 and the number screened")
    total, deferred = n + base_n, x + base_x
    if x == 0:
        return 1.0
    k = np.arange(x, min(deferred, n) + 1, dtype=float)
    logs = _log_choose(deferred, k) + _log_choose(total - deferred, n - k)
    logs = logs - _log_choose(total, np.array(float(n)))
    return _sum_exp(logs)


def binomial_upper(x: int, n: int, p: float) -> float:
    """P(X >= x) for X ~ Binomial(n, p)."""
    x, n = int(x), int(n)
    if not 0 <= x <= n:
        raise ValueError("deferrals must be between 0 and the number screened")
    if x == 0 or p >= 1:
        return 1.0
    if p <= 0:
        return 0.0
    k = np.arange(x, n + 1, dtype=float)
    logs = _log_choose(n, k) + k * math.log(p) + (n - k) * math.log1p(-p)
    return _sum_exp(logs)


def false_alarm_rate(
    rng: np.random.Generator,
    rate: float,
    screened: int,
    base_screened: int,
    significance: float,
    draws: int,
    min_deferrals: int = 0,
) -> float:
    """The share of `draws` simulated site-weeks without a spike (this week's and the
    baseline's deferrals both drawn at the same constant `rate`) that the site test flags:
    p-value under `significance` and at least `min_deferrals` deferrals this week."""
    x = rng.binomial(screened, rate, draws)
    base = rng.binomial(base_screened, rate, draws)
    flagged = 0
    cache: dict[tuple[int, int], float] = {}
    for a, b in zip(x.tolist(), base.tolist(), strict=True):
        if a < max(min_deferrals, 1):
            continue
        key = (a, b)
        if key not in cache:
            cache[key] = fisher_upper(a, screened, b, base_screened)
        flagged += cache[key] < significance
    return flagged / draws
