"""The allocation rule (queries/allocation.py) on hand-made sites whose right answer is worked
out by hand in the comments: proportional shares, rounding remainders, a site without capacity,
stock that covers a site's need, capacity below need, and a quantity larger than all need."""

from __future__ import annotations

import pandas as pd
import pytest

from queries import allocation


def sites(*rows) -> pd.DataFrame:
    """(facility_id, district_code, need, capacity, stock[, days_of_stock]) tuples."""
    columns = [*allocation.INPUT_COLUMNS, "days_of_stock"]
    return pd.DataFrame([(*r, *([None] * (6 - len(r)))) for r in rows], columns=columns)


def proposed(p: allocation.Proposal) -> dict[str, int]:
    return dict(zip(p.sites["facility_id"], p.sites["proposed"], strict=True))


def reasons(p: allocation.Proposal) -> dict[str, str]:
    return dict(zip(p.sites["facility_id"], p.sites["reason"], strict=True))


def test_shares_follow_room_and_the_largest_remainder_takes_the_rounding():
    # Rooms 50, 30, 20 (need under capacity, no stock); Q = 7:
    # exact 3.5, 2.1, 1.4 -> whole 3, 2, 1 = 6; the one dose left goes to A (.5 the largest).
    p = allocation.allocate(
        sites(("A", "D1", 50, 100, 0), ("B", "D1", 30, 100, 0), ("C", "D2", 20, 100, 0)), 7
    )
    assert proposed(p) == {"A": 4, "B": 2, "C": 1}
    assert (p.room, p.left) == (100, 0)
    assert p.sites["exact"].round(6).tolist() == [3.5, 2.1, 1.4]
    assert set(reasons(p).values()) == {"share"}


def test_equal_remainders_go_to_the_site_with_fewer_days_of_stock_then_its_id():
    # Rooms 10, 10, 10; Q = 2: exact 0.667 each, whole 0; two doses left, equal fractions and
    # rooms: C has 1 day of stock, then A before B by id.
    p = allocation.allocate(
        sites(("A", "D1", 10, 50, 0, 5.0), ("B", "D1", 10, 50, 0, 5.0),
              ("C", "D1", 10, 50, 0, 1.0)),
        2,
    )  # fmt: skip
    assert proposed(p) == {"A": 1, "B": 0, "C": 1}
    assert p.sites["proposed"].sum() == 2


def test_a_site_without_capacity_gets_nothing_and_says_why():
    # Z: need 500 but no recent sessions (capacity 0): room 0. Y takes everything up to its
    # room 80 = min(100, 90) - 10.
    p = allocation.allocate(sites(("Y", "D1", 100, 90, 10), ("Z", "D1", 500, 0, 0)), 50)
    assert proposed(p) == {"Y": 50, "Z": 0}
    assert reasons(p) == {"Y": "share", "Z": "no_capacity"}
    assert p.sites.set_index("facility_id").loc["Y", "capped"]  # capacity 90 < need 100
    assert p.room == 80


def test_stock_that_covers_the_need_and_capacity_below_need():
    # S: need 100, capacity 200, stock 120: capped need 100 - 120 < 0 -> room 0.
    # T: need 500, capacity 300, stock 100: room 200. U: no need.
    p = allocation.allocate(
        sites(("S", "D1", 100, 200, 120), ("T", "D2", 500, 300, 100), ("U", "D2", 0, 300, 0)),
        150,
    )
    assert proposed(p) == {"S": 0, "T": 150, "U": 0}
    assert reasons(p) == {"S": "stock_covers", "T": "share", "U": "no_need"}
    got = p.sites.set_index("facility_id")
    assert (got.loc["T", "capped_need"], got.loc["T", "room"]) == (300, 200)


def test_a_quantity_larger_than_all_need_fills_every_room_and_leaves_the_rest():
    # Rooms 40 and 60 (100 in all); Q = 150: each gets its room, 50 stay at the province.
    p = allocation.allocate(sites(("A", "D1", 40, 100, 0), ("B", "D2", 60, 100, 0)), 150)
    assert proposed(p) == {"A": 40, "B": 60}
    assert (p.room, p.left) == (100, 50)
    assert set(reasons(p).values()) == {"full"}


def test_the_total_is_the_quantity_whatever_the_rounding():
    rows = [(f"F{i:02d}", f"D{i % 3}", 7 * i + 3, 1000, i % 4) for i in range(1, 30)]
    for quantity in (1, 17, 333, 1000, 5001):
        p = allocation.allocate(sites(*rows), quantity)
        assert p.sites["proposed"].sum() == min(quantity, p.room)
        assert (p.sites["proposed"] <= p.sites["room"]).all()
        # no site is more than one dose away from its exact share
        assert ((p.sites["proposed"] - p.sites["exact"]).abs() < 1).all()


def test_districts_sum_their_sites():
    p = allocation.allocate(
        sites(("A", "D1", 50, 100, 0), ("B", "D1", 30, 100, 0), ("C", "D2", 20, 100, 0)), 7
    )
    d = allocation.by_district(p).set_index("district_code")
    assert d.loc["D1", ["sites", "need", "room", "proposed"]].tolist() == [2, 80, 80, 6]
    assert d.loc["D2", "proposed"] == 1


def test_nothing_to_give_and_bad_quantities():
    p = allocation.allocate(sites(("A", "D1", 50, 100, 0)), 0)
    assert proposed(p) == {"A": 0} and p.left == 0
    with pytest.raises(ValueError, match="0 or more"):
        allocation.allocate(sites(("A", "D1", 50, 100, 0)), -1)


def test_capacity_and_a_communes_need_shared_among_its_sites():
    # 12 doses per table-hour × 2 tables × 4 hours × 14 days = 1344.
    assert allocation.capacity(12, 2, 4, 14) == 1344
    assert allocation.capacity(None, 2, 4, 14) == 0 and allocation.capacity(12, 0, 4, 14) == 0
    # 101 people over capacities 300 and 100: 75.75 and 25.25 -> 76 and 25.
    assert allocation.share_need(101, [300, 100]) == [76, 25]
    assert allocation.share_need(50, [0, 0]) == [0, 0]
