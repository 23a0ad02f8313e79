"""The overview's alerts in words and as a table: each kind's rule, each alert's message, value
and threshold (with the numbers as `queries.site_alerts.alerts` rounds them for display), and the
table of every alert. Pure functions of the alert rows, the thresholds and the language."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from dashboard import format as fmt
from dashboard.i18n import text
from queries.alerts import Thresholds

KINDS = (
    "low_stock", "deferral_spike", "certificate_backlog", "no_data",
    "high_throughput", "repeated_stock_report", "round_stock_report", "late_recording",
)  # fmt: skip
# The page behind each kind of alert (same scope and period).
PAGES = {
    "low_stock": "stock",
    "deferral_spike": "screening",
    "certificate_backlog": "certificates",
    "no_data": "quality",
    "high_throughput": "flow",
    "repeated_stock_report": "stock",
    "round_stock_report": "stock",
    "late_recording": "flow",
}


def _t(key: str, lang: str, **values) -> str:
    return text(key, lang).format(**values)


def _digits(level: float) -> int:
    """Decimals enough to show a significance level (0.001 -> 3, 0.05 -> 2)."""
    return max(0, -math.floor(math.log10(level))) if level > 0 else 0


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
            "significance": n(t.spike_significance, _digits(t.spike_significance)),
            "min_deferrals": n(t.spike_min_deferrals),
            "min_baseline": n(t.spike_min_baseline_screened),
        },
        "certificate_backlog": {
            "count": n(t.backlog_min_count),
            "days": n(t.backlog_min_days, 1),
            "serious": n(t.backlog_serious_days, 1),
        },
        "no_data": {"min": n(t.no_data_min_days), "serious": n(t.no_data_serious_days)},
        "high_throughput": {
            "max": n(t.max_doses_per_table_hour, 0),
            "serious": n(t.throughput_serious_sessions),
        },
        "repeated_stock_report": {"min": n(t.repeat_min_reports)},
        "round_stock_report": {
            "multiple": n(t.round_multiple),
            "min": n(t.round_min_reports),
            "share": fmt.percent(t.round_min_share, lang, 0),
        },
        "late_recording": {
            "share": fmt.percent(t.late_min_share, lang, 0),
            "doses": n(t.late_min_doses),
            "serious": fmt.percent(t.late_serious_share, lang, 0),
        },
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
            f"overview_msg_deferral_spike_{row.get('baseline_source') or 'site'}",
            lang,
            rate=fmt.percent(value, lang),
            deferrals=fmt.number(row["deferrals"], lang),
            screened=fmt.number(row["screened"], lang),
            weeks=t.spike_baseline_weeks,
            baseline=fmt.percent(row["baseline_rate"], lang),
            threshold=fmt.percent(threshold, lang),
            p=_p_value(row["p_value"], lang),
        )
    if kind in _ANOMALY_MESSAGES:
        return _ANOMALY_MESSAGES[kind](row, lang)
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


def _p_value(p, lang: str) -> str:
    """A p-value as people read it: "< 0,0001" when tiny."""
    p = fmt.value(p)
    if p is None:
        return "—"
    return f"< {fmt.number(0.0001, lang, 4)}" if p < 0.0001 else fmt.number(p, lang, 4)


def _dates(row: dict) -> str:
    return ", ".join(fmt.day(d)[:5] for d in str(row["dates"]).split(","))


_ANOMALY_MESSAGES = {
    "high_throughput": lambda row, lang: _t(
        "overview_msg_high_throughput",
        lang,
        value=fmt.number(row["shown_value"], lang, 1),
        sessions=fmt.number(row["sessions"], lang),
        dates=_dates(row),
        threshold=fmt.number(row["shown_threshold"], lang, 1),
    ),
    "repeated_stock_report": lambda row, lang: _t(
        "overview_msg_repeated_stock_report",
        lang,
        reports=fmt.number(row["value"], lang),
        vaccine=row["vaccine_code"],
        declared=fmt.number(row["declared"], lang),
        dates=" – ".join(fmt.day(d)[:5] for d in str(row["dates"]).split(",")),
    ),
    "round_stock_report": lambda row, lang: _t(
        "overview_msg_round_stock_report",
        lang,
        reports=fmt.number(row["reports"], lang),
        declarations=fmt.number(row["declarations"], lang),
        share=fmt.percent(row["value"], lang),
    ),
    "late_recording": lambda row, lang: _t(
        "overview_msg_late_recording",
        lang,
        late=fmt.number(row["recorded_late"], lang),
        doses=fmt.number(row["doses"], lang),
        share=fmt.percent(row["value"], lang),
        lag=fmt.number(row["lag_days"], lang, 1),
    ),
}


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
    if row["kind"] == "high_throughput":
        unit = text("overview_per_table_hour", lang)
        return (
            f"{fmt.number(value, lang, 1)} {unit}",
            f"> {fmt.number(threshold, lang, 1)} {unit}",
        )
    if row["kind"] == "repeated_stock_report":
        unit = text("overview_reports_unit", lang)
        return f"{fmt.number(value, lang)} {unit}", f"≥ {fmt.number(threshold, lang)} {unit}"
    if row["kind"] in ("round_stock_report", "late_recording"):
        return fmt.percent(value, lang), f"≥ {fmt.percent(threshold, lang, 0)}"
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
