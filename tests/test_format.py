"""Numbers as Vietnamese officials write them, and missing values shown as a dash."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import format as fmt


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, "n/a"])
def test_every_missing_value_is_a_dash(missing):
    assert fmt.value(missing) is None
    for show in (fmt.number, fmt.percent, fmt.signed, fmt.points):
        assert show(missing) == "—"


def test_vietnamese_and_english_separators():
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(1234567.25, "en", 1) == "1,234,567.2"
    assert fmt.percent(0.1234) == "12,3 %"
    assert fmt.percent(0.1234, "en") == "12.3%"
    assert fmt.number(np.int64(42)) == "42"
    assert fmt.number(math.inf) == "—"


def test_a_change_that_rounds_to_zero_has_no_sign():
    assert fmt.signed(0.04, "vi", 1) == "0,0"
    assert fmt.signed(-0.04, "vi", 1) == "0,0"
    assert fmt.signed(-1234.5, "vi", 1) == "-1.234,5"
    assert fmt.signed(12, "en") == "+12"
    assert fmt.points(-0.00001) == "0,0 đ.p."
    assert fmt.points(0.0123, "en") == "+1.2 pp"


def test_days_and_moments():
    assert fmt.day(date(2021, 11, 27)) == "27/11/2021"
    assert fmt.day(None) == "—"
    assert fmt.moment(pd.Timestamp("2022-06-30 16:54", tz="UTC")) == "23:54 30/06/2022"
