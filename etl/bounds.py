"""The plausible range of dated and counted values: a row outside it is rejected with its reason.

The campaign's dates: the first vaccines reached Vietnam at the end of February 2021 and the
province's last campaign sessions ran in 2023, so sessions, injections, certificates, AEFI
onsets, plans and stock movements are dated within CAMPAIGN_FIRST_DAY..CAMPAIGN_LAST_DAY (a
date in 1990 or 2030 is a typing error, and would stretch every period and export to decades).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

CAMPAIGN_FIRST_DAY = date(2021, 1, 1)
CAMPAIGN_LAST_DAY = date(2023, 12, 31)
# A dose number counts the doses in a person's history: at most the longest primary series of
# the catalogue (3, Abdala), one additional dose (immunocompromised people) and two boosters.
MAX_DOSE_NUMBER = 6
# Birth years: from 1900 to the year of the load (a person cannot be born after it).
FIRST_BIRTH_YEAR = 1900


def last_birth_year() -> int:
    return datetime.now(UTC).year


def outside_campaign(days: pd.Series) -> pd.Series:
    """Dates (midnight timestamps, no zone) outside the campaign; missing ones are not."""
    first, last = pd.Timestamp(CAMPAIGN_FIRST_DAY), pd.Timestamp(CAMPAIGN_LAST_DAY)
    return days.notna() & ((days < first) | (days > last))


def campaign_text() -> str:
    return f"outside the campaign ({CAMPAIGN_FIRST_DAY}..{CAMPAIGN_LAST_DAY})"
