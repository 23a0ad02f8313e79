"""The briefing's closing tables: deferrals by reason, the stock alerts (sites running out), the
certificate backlog and the adverse events of the week, each with its one-line summary."""

from __future__ import annotations

import sqlalchemy as sa

from dashboard import format as fmt
from dashboard.briefing.text import TEXTS, Table, nfc, t
from queries import aefi, certificates, decisions, screening
from queries.alerts import Thresholds
from queries.definitions import METRICS
from queries.scope import Period, Scope

SHOWN = 8


def _reason(code: str, lang: str) -> str:
    if not code:
        return t("screening_reason_none", lang)
    key = f"screening_reason_{code}"
    return t(key, lang) if key in TEXTS else nfc(code)


def tables(
    conn: sa.Connection, scope: Scope, period: Period, th: Thresholds, lang: str
) -> list[Table]:
    out = []
    sc = screening.totals(conn, scope, period).iloc[0]
    reasons = screening.by_reason(conn, scope, period).head(SHOWN)
    out.append(
        Table(
            t("briefing_deferrals", lang),
            [
                t("briefing_result", lang),
                t("briefing_reason", lang),
                t("briefing_visits", lang),
                t("briefing_rate", lang),
            ],  # fmt: skip
            [
                [
                    nfc(METRICS[r["screening_result"]].label(lang))
                    if r["screening_result"] in METRICS
                    else nfc(r["screening_result"]),
                    _reason(r["deferral_reason"], lang),
                    fmt.number(r["visits"], lang),
                    fmt.percent(r["rate"], lang),
                ]
                for r in reasons.to_dict("records")
            ],
            t(
                "briefing_deferrals_note",
                lang,
                deferrals=fmt.number(sc["deferrals"], lang),
                screened=fmt.number(sc["screened"], lang),
                rate=fmt.percent(sc["deferral_rate"], lang),
            ),
        )
    )
    stock = decisions.stockouts(conn, scope, period, th).head(SHOWN)
    out.append(
        Table(
            t("briefing_stock", lang, days=fmt.number(th.stockout_within_days, lang)),
            [
                t("briefing_site", lang),
                t("briefing_vaccine", lang),
                nfc(METRICS["on_hand"].label(lang)),
                t("briefing_daily_use", lang),
                t("briefing_days_left", lang),
            ],  # fmt: skip
            [
                [
                    nfc(r["store_name"] or r["facility_id"]),
                    r["vaccine_code"],
                    fmt.number(r["on_hand"], lang),
                    fmt.number(r["daily_use"], lang, 1),
                    fmt.number(r["days_left"], lang, 0),
                ]
                for r in stock.to_dict("records")
            ],
        )
    )
    ct = certificates.totals(conn, scope, period).iloc[0]
    top = decisions.certificate_backlogs(conn, scope, period, th).head(SHOWN)
    out.append(
        Table(
            t("briefing_certificates", lang),
            [
                t("overview_area", lang),
                nfc(METRICS["backlog"].label(lang)),
                t("briefing_backlog_days", lang),
            ],  # fmt: skip
            [
                [
                    nfc(r["name"]),
                    fmt.number(r["backlog"], lang),
                    fmt.number(r["backlog_days"], lang, 1),
                ]
                for r in top.to_dict("records")
            ],
            t(
                "briefing_certificates_note",
                lang,
                issued=fmt.number(ct["issued"], lang),
                backlog=fmt.number(ct["backlog"], lang),
                change=fmt.signed(ct["backlog_change"], lang),
            ),
        )
    )
    at = aefi.totals(conn, scope, period).iloc[0]
    by_vaccine = aefi.by_vaccine(conn, scope, period)
    by_vaccine = by_vaccine[by_vaccine[["mild", "serious"]].sum(axis=1) > 0]
    out.append(
        Table(
            t("briefing_aefi", lang),
            [
                t("briefing_vaccine", lang),
                t("briefing_mild", lang),
                t("briefing_serious", lang),
                nfc(METRICS["doses"].label(lang)),
            ],  # fmt: skip
            [
                [
                    r["vaccine_code"],
                    fmt.number(r["mild"], lang),
                    fmt.number(r["serious"], lang),
                    fmt.number(r["doses"], lang),
                ]  # fmt: skip
                for r in by_vaccine.to_dict("records")
            ],
            t(
                "briefing_aefi_note",
                lang,
                mild=fmt.number(at["mild"], lang),
                serious=fmt.number(at["serious"], lang),
                doses=fmt.number(at["doses"], lang),
            )
            + " "
            + t("overview_aefi_caveat", lang),
        )
    )
    return out
