"""Ratios and tests that more than one page shows, computed once (METRICS.md)."""

from __future__ import annotations

import math

import pandas as pd


def ratio(numerator, denominator):
    """numerator / denominator, None (NaN for Series) where the denominator is 0 or missing."""
    if isinstance(numerator, pd.Series) or isinstance(denominator, pd.Series):
        if isinstance(denominator, pd.Series):
            den = denominator.astype("float64")
        else:  # one denominator for every row of the numerator
            den = pd.Series(denominator, index=numerator.index, dtype="float64")
        return numerator / den.where(den > 0)
    if denominator is None or numerator is None:
        return None
    try:
        if pd.isna(denominator) or pd.isna(numerator) or float(denominator) <= 0:
            return None
    except TypeError:
        return None
    return float(numerator) / float(denominator)


def plan_achievement(doses, planned):
    """Doses given over doses planned (METRICS.md "plan achievement")."""
    return ratio(doses, planned)


def drop_out(people_1plus, people_full):
    """(people with >= 1 dose - people fully vaccinated) / people with >= 1 dose."""
    return ratio(people_1plus - people_full, people_1plus)


def above_100(coverage) -> bool | pd.Series:
    """Coverage over 100 %: the denominator is smaller than the people counted (shown, never
    clipped). False where the coverage is unknown."""
    if isinstance(coverage, pd.Series):
        return (coverage.astype("float64") > 1.0).fillna(False).astype(bool)
    return (
        coverage is not None
        and not (isinstance(coverage, float) and math.isnan(coverage))
        and (coverage > 1.0)
    )


def shown_under(value: float, threshold: float, digits: int) -> float:
    """`value` rounded to `digits` for display such that a value strictly under `threshold`
    is never shown as equal to or above it (2.96 under 3 shows as 2.9, not 3.0)."""
    factor = 10**digits
    shown = round(value * factor) / factor
    if value < threshold and shown >= threshold:
        shown = math.floor(value * factor) / factor
        if shown >= threshold:
            shown = threshold - 1 / factor
    return shown


def shown_over(value: float, threshold: float, digits: int) -> float:
    """`value` rounded to `digits` for display such that a value strictly over `threshold` is
    never shown as equal to or below it (the mirror of `measures.shown_under`)."""
    return -shown_under(-value, -threshold, digits)


def shown_threshold(threshold: float, shown: float, digits: int, *, below: bool) -> float:
    """A threshold rounded to `digits` for display beside the `shown` value: to the nearest
    when that keeps the value on its side (below it for "<", above it for ">"), else rounded
    up (for "<") or down (for ">")."""
    nearest = round(threshold, digits)
    if (shown < nearest) if below else (shown > nearest):
        return nearest
    factor = 10**digits
    scaled = round(threshold * factor, 9)  # 0.57 * 100 is 56.99999999999999
    return (math.ceil(scaled) if below else math.floor(scaled)) / factor
