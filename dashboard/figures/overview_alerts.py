"""The overview's alerts in words and as a table: each kind's rule, each alert's message, value
and threshold (with the numbers as `queries.site_alerts.alerts` rounds them for display), and the
table of every alert. Pure functions of the alert rows, the thresholds and the language."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard import format as fmt
from dashboard.i18n import text
from queries.alerts import Thresholds

KINDS = ("low_stock", "deferral_spike", "certificate_backlog", "no_data")


def _t(key: str, lang: str, **values) -> str:
    return text(key, lang).format(**values)


def rule(kind: str, t: Thresholds, lang: str) -> str:
    """When an alert of `kind` is raised, and when it is serious, in words."""

    def n(value, digits: int = 0) -> str:
        return fmt.number(value, lang, digits)

    values = {
        "low_stock": {"min": n(t.min_days_of_stock, 1), "serious": n(t.serious_days_of_stock, 1)},
        "deferral_spike": {
            "factor": n(t.spike_factor, 1),
            "weeks": t.spike_baseline_weeks,
            "min_rate": fmt.percent(t.spike_min_rate, lang, 0),
            "screened": n(t.spike_min_screened),
            "serious": n(t.spike_serious_factor, 1),
        },
        "certificate_backlog": {
            "count": n(t.backlog_min_count),
            "days": n(t.backlog_min_days, 1),
            "serious": n(t.backlog_serious_days, 1),
        },
        "no_data": {"min": n(t.no_data_min_days), "serious": n(t.no_data_serious_days)},
    }
    return _t(f"overview_rule_{kind}", lang, **values[kind])


def rules(t: Thresholds, lang: str) -> str:
    """Every kind's rule, one after the other."""
    return " ".join(f"**{text(f'overview_kind_{k}', lang)}**: {rule(k, t, lang)}" for k in KINDS)


def message(row: dict, t: Thresholds, lang: str) -> str:
    """What an alert (a row of `queries.site_alerts.alerts`) says."""
    kind = row["kind"]
    value, threshold = row["shown_value"], row["shown_threshold"]
    if kind == "low_stock" and row["on_hand"] <= 0:
        return _t("overview_msg_stock_out", lang, on_hand=fmt.number(row["on_hand"], lang))
    if kind == "low_stock":
        return _t(
            "overview_msg_low_stock",
            lang,
            days=fmt.number(value, lang, 1),
            threshold=fmt.number(threshold, lang, 1),
            on_hand=fmt.number(row["on_hand"], lang),
            use=fmt.number(row["daily_use"], lang),
        )
    if kind == "deferral_spike":
        return _t(
            "overview_msg_deferral_spike",
            lang,
            rate=fmt.percent(value, lang),
            screened=fmt.number(row["screened"], lang),
            weeks=t.spike_baseline_weeks,
            baseline=fmt.percent(row["baseline_rate"], lang),
            threshold=fmt.percent(threshold, lang),
        )
    if kind == "certificate_backlog":
        days = row["shown_backlog_days"]
        return _t(
            "overview_msg_certificate_backlog",
            lang,
            backlog=fmt.number(value, lang),
            days=fmt.number(days, lang, 1)
            if fmt.value(days) is not None
            else text("overview_msg_no_injections", lang),
            threshold=fmt.number(threshold, lang),
        )
    return _t(
        "overview_msg_no_data",
        lang,
        days=fmt.number(value, lang),
        dates=", ".join(fmt.day(d)[:5] for d in str(row["dates"]).split(",")),
        no_visits=fmt.number(row["no_visit_days"], lang),
        no_report=fmt.number(row["no_report_days"], lang),
    )


def value_and_threshold(row: dict, lang: str) -> tuple[str, str]:
    """The alert's value and its threshold, each with its unit and comparison."""
    value, threshold = row["shown_value"], row["shown_threshold"]
    days = text("overview_days_unit", lang)
    if row["kind"] == "low_stock":
        return (
            f"{fmt.number(value, lang, 1)} {days}",
            f"< {fmt.number(threshold, lang, 1)} {days}",
        )
    if row["kind"] == "deferral_spike":
        return fmt.percent(value, lang), f"> {fmt.percent(threshold, lang)}"
    if row["kind"] == "certificate_backlog":
        return fmt.number(value, lang), f"≥ {fmt.number(threshold, lang)}"
    return f"{fmt.number(value, lang)} {days}", f"≥ {fmt.number(threshold, lang)} {days}"


def severity_badge(severity: str, lang: str) -> str:
    """The severity as a coloured badge (Streamlit markdown)."""
    name = text(f"overview_severity_{severity}", lang)
    if severity == "serious":
        return f":red-badge[:material/error: {name}]"
    return f":orange-badge[:material/warning: {name}]"


def alerts_table(
    rows: Sequence[dict], places: Sequence[str], links: Sequence[str], t: Thresholds, lang: str
) -> pd.DataFrame:
    """Every alert: severity, kind, site, its place, value, threshold, message and the link to
    the site (`places` and `links` one per row)."""
    values = [value_and_threshold(row, lang) for row in rows]

    def name(key: str) -> str:
        return text(f"overview_{key}", lang)

    return pd.DataFrame(
        {
            name("severity"): [name(f"severity_{r['severity']}") for r in rows],
            name("kind"): [name(f"kind_{r['kind']}") for r in rows],
            name("site"): [r["facility_name"] for r in rows],
            name("area"): list(places),
            name("value"): [v for v, _ in values],
            name("threshold"): [th for _, th in values],
            name("detail"): [message(r, t, lang) for r in rows],
            name("link"): list(links),
        }
    )
