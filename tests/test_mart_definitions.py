"""The one definition of the facility-day marts against METRICS.md, on visits made by hand.

`etl.marts_memory.facility_day_marts` is what both the full and the incremental load call.
Every expected value below is worked out by hand from the rows and the definitions in
METRICS.md (sessions, doses, screening, certificates), so a change of the definition that
disagrees with METRICS.md fails here whichever load path uses it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from etl.marts_memory import facility_day_marts

# Times are UTC; the province's day is UTC+7, so a session day D ends at D 17:00 UTC.
VISITS = [
    # F1, 2 Aug: screened after 10 min, injected 20 min later, recorded the same day.
    dict(visit_id="v1", facility_id="F1", session_date="2021-08-02", status="active",
         checked_in_at="2021-08-02T01:00:00Z", screened_at="2021-08-02T01:10:00Z",
         screening_result="eligible", deferral_reason=None,
         injected_at="2021-08-02T01:30:00Z", recorded_at="2021-08-02T10:00:00Z",
         observed_until="2021-08-02T02:00:00Z", immediate_reaction="none",
         vaccine_code="AZ", dose_kind="primary", dose_number=1),
    # F1, 2 Aug: deferred for fever after 5 min; no dose.
    dict(visit_id="v2", facility_id="F1", session_date="2021-08-02", status="active",
         checked_in_at="2021-08-02T02:00:00Z", screened_at="2021-08-02T02:05:00Z",
         screening_result="deferred", deferral_reason="fever",
         injected_at=None, recorded_at="2021-08-02T02:06:00Z",
         observed_until=None, immediate_reaction=None,
         vaccine_code=None, dose_kind=None, dose_number=None),
    # F1, 2 Aug: a second dose with a mild reaction, not observed, recorded 36 h after the
    # end of the session's day (late).
    dict(visit_id="v3", facility_id="F1", session_date="2021-08-02", status="active",
         checked_in_at="2021-08-02T03:00:00Z", screened_at="2021-08-02T03:30:00Z",
         screening_result="eligible", deferral_reason=None,
         injected_at="2021-08-02T04:00:00Z", recorded_at="2021-08-04T05:00:00Z",
         observed_until=None, immediate_reaction="mild",
         vaccine_code="AZ", dose_kind="primary", dose_number=2),
    # F1, 2 Aug: voided, so in no mart (its certificate still counts as issued: METRICS
    # counts unrevoked certificates whatever their visit's status).
    dict(visit_id="v4", facility_id="F1", session_date="2021-08-02", status="voided",
         checked_in_at="2021-08-02T04:30:00Z", screened_at="2021-08-02T04:40:00Z",
         screening_result="eligible", deferral_reason=None,
         injected_at="2021-08-02T05:00:00Z", recorded_at="2021-08-02T05:01:00Z",
         observed_until="2021-08-02T05:30:00Z", immediate_reaction="serious",
         vaccine_code="AZ", dose_kind="primary", dose_number=1),
    # F2, 2 Aug: contraindicated (allergy) after 15 min.
    dict(visit_id="v5", facility_id="F2", session_date="2021-08-02", status="active",
         checked_in_at="2021-08-02T01:00:00Z", screened_at="2021-08-02T01:15:00Z",
         screening_result="contraindicated", deferral_reason="allergy",
         injected_at=None, recorded_at="2021-08-02T01:16:00Z",
         observed_until=None, immediate_reaction=None,
         vaccine_code=None, dose_kind=None, dose_number=None),
    # F1, 3 Aug: a booster with a serious reaction, observed, recorded before the day ends.
    dict(visit_id="v6", facility_id="F1", session_date="2021-08-03", status="active",
         checked_in_at="2021-08-03T00:40:00Z", screened_at="2021-08-03T00:50:00Z",
         screening_result="eligible", deferral_reason=None,
         injected_at="2021-08-03T01:00:00Z", recorded_at="2021-08-03T03:00:00Z",
         observed_until="2021-08-03T01:30:00Z", immediate_reaction="serious",
         vaccine_code="PF", dose_kind="booster", dose_number=3),
]  # fmt: skip

CERTIFICATES = [
    # v1's certificate the next (local) day: v1 waits one day in the backlog; lag 24.5 h.
    dict(visit_id="v1", issued_at="2021-08-03T02:00:00Z", issued_date="2021-08-03",
         revoked_at=None),
    # v6's certificate the same day, 0.5 h after the dose; a revoked one beside it is ignored.
    dict(visit_id="v6", issued_at="2021-08-03T01:30:00Z", issued_date="2021-08-03",
         revoked_at=None),
    dict(visit_id="v6", issued_at="2021-08-03T01:20:00Z", issued_date="2021-08-03",
         revoked_at="2021-08-03T01:25:00Z"),
    # The voided v4's certificate, two days after its dose (48 h).
    dict(visit_id="v4", issued_at="2021-08-04T05:00:00Z", issued_date="2021-08-04",
         revoked_at=None),
]  # fmt: skip
# v3 never gets a certificate: it stays in the backlog from 2 Aug on.


@pytest.fixture(scope="module", params=["us", "s"])
def marts(request) -> dict[str, pd.DataFrame]:
    return facility_day_marts(pd.DataFrame(VISITS), pd.DataFrame(CERTIFICATES), request.param)


def _row(frame: pd.DataFrame, **keys) -> dict:
    mask = pd.Series(True, index=frame.index)
    for column, value in keys.items():
        if column == "date":
            mask &= pd.to_datetime(frame["date"]) == pd.Timestamp(value)
        else:
            mask &= frame[column] == value
    found = frame[mask]
    assert len(found) == 1, f"expected one row for {keys}, found {len(found)}"
    return found.iloc[0].to_dict()


def _missing(value) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def test_session_day_counts_active_visits_by_facility_and_day(marts):
    frame = marts["mart_session_day"]
    assert len(frame) == 3  # F1 on 2 and 3 Aug, F2 on 2 Aug; the voided visit adds nothing
    f1 = _row(frame, facility_id="F1", date="2021-08-02")
    assert {k: int(f1[k]) for k in (
        "checked_in", "screened", "eligible", "deferred", "contraindicated", "referred",
        "doses", "observed", "reactions_mild", "reactions_serious", "recorded_late",
    )} == {
        "checked_in": 3, "screened": 3, "eligible": 2, "deferred": 1, "contraindicated": 0,
        "referred": 0, "doses": 2, "observed": 1, "reactions_mild": 1, "reactions_serious": 0,
        "recorded_late": 1,
    }  # fmt: skip
    assert f1["screen_wait_minutes_sum"] == pytest.approx(10 + 5 + 30)
    assert f1["inject_wait_minutes_sum"] == pytest.approx(20 + 30)
    # Recording lag of injected visits: v1 7 h before the day's end, v3 36 h after it.
    assert f1["recording_lag_days_sum"] == pytest.approx(-7 / 24 + 36 / 24)
    assert pd.Timestamp(f1["first_injection_at"]) == pd.Timestamp("2021-08-02T01:30:00Z")
    assert pd.Timestamp(f1["last_injection_at"]) == pd.Timestamp("2021-08-02T04:00:00Z")


def test_session_day_leaves_sums_missing_where_no_visit_had_a_value(marts):
    f2 = _row(marts["mart_session_day"], facility_id="F2", date="2021-08-02")
    assert (int(f2["checked_in"]), int(f2["contraindicated"]), int(f2["doses"])) == (1, 1, 0)
    assert f2["screen_wait_minutes_sum"] == pytest.approx(15)
    for column in ("inject_wait_minutes_sum", "recording_lag_days_sum"):
        assert _missing(f2[column]), column
    assert _missing(f2["first_injection_at"]) and _missing(f2["last_injection_at"])


def test_session_day_of_the_booster_day(marts):
    f1 = _row(marts["mart_session_day"], facility_id="F1", date="2021-08-03")
    assert (int(f1["doses"]), int(f1["observed"]), int(f1["reactions_serious"])) == (1, 1, 1)
    assert int(f1["recorded_late"]) == 0
    assert f1["recording_lag_days_sum"] == pytest.approx(-14 / 24)


def test_dose_day_by_vaccine_dose_number_and_kind(marts):
    frame = marts["mart_dose_day"]
    got = {
        (r.facility_id, str(pd.Timestamp(r.date).date()), r.vaccine_code, int(r.dose_number),
         r.dose_kind): (int(r.doses), int(r.reactions_mild), int(r.reactions_serious))
        for r in frame.itertuples()
    }  # fmt: skip
    assert got == {
        ("F1", "2021-08-02", "AZ", 1, "primary"): (1, 0, 0),
        ("F1", "2021-08-02", "AZ", 2, "primary"): (1, 1, 0),
        ("F1", "2021-08-03", "PF", 3, "booster"): (1, 0, 1),
    }


def test_screening_day_keeps_deferrals_contraindications_and_referrals(marts):
    frame = marts["mart_screening_day"]
    got = {
        (r.facility_id, r.screening_result, r.deferral_reason): int(r.visits)
        for r in frame.itertuples()
    }
    assert got == {("F1", "deferred", "fever"): 1, ("F2", "contraindicated", "allergy"): 1}


def test_certificate_day_issued_lag_and_backlog_moves(marts):
    frame = marts["mart_certificate_day"]
    days = {str(pd.Timestamp(d).date()) for d in frame["date"]}
    assert days == {"2021-08-02", "2021-08-03", "2021-08-04"}
    assert set(frame["facility_id"]) == {"F1"}
    aug2 = _row(frame, facility_id="F1", date="2021-08-02")
    aug3 = _row(frame, facility_id="F1", date="2021-08-03")
    aug4 = _row(frame, facility_id="F1", date="2021-08-04")
    # v1 and v3 enter the backlog on their session day; v1 leaves it when certified on 3 Aug;
    # v6, certified on its session day, never enters it.
    assert [int(aug2[k]) for k in ("issued", "backlog_in", "backlog_out")] == [0, 2, 0]
    assert [int(aug3[k]) for k in ("issued", "backlog_in", "backlog_out")] == [2, 0, 1]
    assert [int(aug4[k]) for k in ("issued", "backlog_in", "backlog_out")] == [1, 0, 0]
    assert aug3["lag_hours_sum"] == pytest.approx(24.5 + 0.5)
    assert int(aug3["lag_count"]) == 2
    assert aug4["lag_hours_sum"] == pytest.approx(48)
    assert _missing(aug2["lag_hours_sum"]) and int(aug2["lag_count"]) == 0
