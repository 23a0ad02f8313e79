"""Target groups of coverage (METRICS.md, "Age and target groups").

A person's age on day D is year(D) - birth year: the age reached in that calendar year, as the
Ministry's lists define the groups by year of birth. So a group is, in each year, a range of
birth years, and it moves on by one birth year each January. People without a valid birth year
(none recorded, before VALID_BIRTH_YEAR_FROM, or after the year of D) count in `all` only.
"""

from __future__ import annotations

# group: (youngest age, oldest age), None where open.
TARGET_GROUPS: dict[str, tuple[int | None, int | None]] = {
    "all": (None, None),
    "18+": (18, None),
    "12-17": (12, 17),
    "5-11": (5, 11),
    "50+": (50, None),
    "65+": (65, None),
}
GROUPS = tuple(TARGET_GROUPS)
DEFAULT_GROUP = "18+"
VALID_BIRTH_YEAR_FROM = 1900


def check_group(group: str) -> None:
    if group not in TARGET_GROUPS:
        raise ValueError(f"unknown target group {group!r}: use one of {', '.join(GROUPS)}")


def birth_years(group: str, year: int) -> tuple[int, int] | None:
    """The birth years (first, last, inclusive) of a group's people in `year`; None for `all`
    (everyone, whatever their birth year)."""
    check_group(group)
    youngest, oldest = TARGET_GROUPS[group]
    if youngest is None:
        return None
    first = VALID_BIRTH_YEAR_FROM if oldest is None else year - oldest
    return max(first, VALID_BIRTH_YEAR_FROM), year - youngest


def valid_birth_years(year: int) -> tuple[int, int]:
    """The birth years counted as valid on a day of `year`."""
    return VALID_BIRTH_YEAR_FROM, year
