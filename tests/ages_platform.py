"""A hand-made platform for target groups: the tiny platform plus six residents of commune
13741 (Thị trấn Gôi, district 359) vaccinated around the New Year of 2022, with birth years on
both sides of each group's edge, one without a birth date and one born after the days counted
(the ETL loads birth years up to the year of the load, rejecting those before 1900; a birth
year after a day is not valid on that day).

| citizen | born | age 2021 | age 2022 | first dose |
|---|---|---|---|---|
| A1 | 2004-12-31 | 17 (12-17) | 18 (18+) | 2021-12-20 |
| A2 | 2003-06-01 | 18 (18+) | 19 (18+) | 2021-12-21 |
| A3 | none | - | - | 2021-12-22 |
| A4 | 1956-03-01 | 65 (18+, 50+, 65+) | 66 | 2022-01-03 |
| A5 | 2010-01-01 | 11 (5-11) | 12 (12-17) | 2021-12-22 |
| A6 | 2024-07-01 (not valid before 2024) | - | - | 2021-12-22 |

A2 also gets dose 2 (AZ) on 2022-01-02, so is fully vaccinated from then.
The numbers they give are worked out in tests/test_reference_metrics.py.
"""

from __future__ import annotations

from platform_builder import _visit, create_platform, insert_rows, tiny_platform_rows

COMMUNE = "13741"
BIRTHS = {
    "A1": "2004-12-31",
    "A2": "2003-06-01",
    "A3": None,
    "A4": "1956-03-01",
    "A5": "2010-01-01",
    "A6": "2024-07-01",
}
FIRST_DOSES = {
    "A1": "2021-12-20",
    "A2": "2021-12-21",
    "A3": "2021-12-22",
    "A4": "2022-01-03",
    "A5": "2021-12-22",
    "A6": "2021-12-22",
}


def ages_rows() -> tuple[list[dict], list[dict]]:
    """The citizen and visit rows added to the tiny platform."""
    citizens = [
        {
            "citizen_id": cid,
            "national_id": None,
            "full_name": f"Người dân {cid}",
            "birth_date": born,
            "sex": "F",
            "phone": None,
            "residence_commune_code": COMMUNE,
            "priority_group": 0,
            "updated_at": "2021-12-01T00:00:00+00:00",
        }
        for cid, born in BIRTHS.items()
    ]
    visits = [
        _visit(f"VA-{cid}", cid, "F2", day, f"{day} 01:00", injected=f"{day} 01:20",
               vaccine="AZ", dose=1, kind="primary")
        for cid, day in FIRST_DOSES.items()
    ]  # fmt: skip
    visits.append(
        _visit("VA-A2-2", "A2", "F2", "2022-01-02", "2022-01-02 01:00",
               injected="2022-01-02 01:20", vaccine="AZ", dose=2, kind="primary")
    )  # fmt: skip
    return citizens, visits


def create_ages_platform(url: str) -> None:
    create_platform(url, tiny_platform_rows())
    citizens, visits = ages_rows()
    insert_rows(url, "citizen", citizens)
    insert_rows(url, "visit", visits)
