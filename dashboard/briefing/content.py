"""What the weekly briefing says, gathered from `queries/` for a scope and an ISO week: the
week's headline figures with their change on the week before, the decisions needed and the
alerts, the daily trend, the ranking one level down (for a commune or a site, its district's
communes) and its coverage map, deferrals, stock, certificates and adverse events. The deck
and the PDF writers draw this one value, so both files say the same; every text is
NFC-normalised here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import sqlalchemy as sa

from dashboard import format as fmt
from dashboard.briefing import area_map, sections
from dashboard.briefing.text import Table, nfc, t
from dashboard.figures import overview as overview_fig
from dashboard.figures import overview_alerts as alert_texts
from dashboard.stockout_words import when_out
from queries import access, decisions, overview, periods, site_alerts
from queries.alerts import Thresholds
from queries.definitions import METRICS
from queries.freshness import freshness
from queries.moh_report import scope_name
from queries.scope import Allowed, Period, Scope, check_allowed

SHOWN = 8  # rows per list (alerts, decisions, ranking...)
TREND_WEEKS = 8
# Headline figures: (KPI column, metric, kind, lower is better).
KPIS = (
    ("doses", "doses", "number", False),
    ("plan_achievement", "plan_achievement", "percent", False),
    ("people_1plus", "people_1plus", "number", False),
    ("people_full", "people_full", "number", False),
    ("coverage_full", "coverage_full", "percent", False),
    ("people_boosted", "people_boosted", "number", False),
    ("deferrals", "deferrals", "number", True),
    ("deferral_rate", "deferral_rate", "percent", True),
    ("aefi_serious", "aefi_serious", "number", True),
    ("issued", "issued", "number", False),
    ("backlog", "backlog", "number", True),
    ("days_of_stock", "days_of_stock", "decimal", False),
)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | None
    previous: float | None
    shown: str
    change: str


@dataclass
class Briefing:
    lang: str
    title: str
    area: str
    week: str
    period: Period
    period_text: str
    data_as_of: str
    source: str
    kpis: list[Kpi]
    compared: str
    decisions: list[str]
    alerts: Table
    trend: pd.DataFrame  # date, dose1, dose2, dose3plus, total, planned, plan_achievement
    trend_labels: dict[str, str]
    trend_title: str
    ranking: Table
    ranking_chart: pd.DataFrame  # the ranking query's rows, best coverage first
    ranking_title: str
    area_map: area_map.AreaMap | None = None  # the coverage map of the ranked areas
    sections: list[Table] = field(default_factory=list)  # deferrals, stock, certificates, AEFI
    figures: dict[str, go.Figure] = field(default_factory=dict)
    pictures: dict[str, bytes] = field(default_factory=dict)  # images drawn, for both files

    def t(self, key: str, **kw) -> str:
        return t(key, self.lang, **kw)


def week_period(week: str) -> Period:
    """The Monday-to-Sunday days of an ISO week label ("2022-W25"); ValueError otherwise."""
    start = periods.week_start(week)
    if start is None:
        raise ValueError(f"not an ISO week (YYYY-Www): {week!r}")
    return Period(start, start + timedelta(days=6))


def shown(value, kind: str, lang: str) -> str:
    if kind == "percent":
        return fmt.percent(value, lang)
    return fmt.number(value, lang, 1 if kind == "decimal" else 0)


def change(value, previous, kind: str, lang: str) -> str:
    """The change on the week before: points for a percentage, else the difference and, where
    the week before had any, its ratio ("+1.234 (+5,2 %)")."""
    v, p = fmt.value(value), fmt.value(previous)
    if v is None or p is None or math.isinf(v) or math.isinf(p):
        return fmt.MISSING
    if kind == "percent":
        return fmt.points(v - p, lang)
    diff = fmt.signed(v - p, lang, 1 if kind == "decimal" else 0)
    if p == 0:
        return diff
    ratio = (v - p) / abs(p)
    return f"{diff} ({fmt.signed(ratio * 100, lang, 1)}{' %' if lang == 'vi' else '%'})"


def _kpis(table: pd.DataFrame, lang: str) -> list[Kpi]:
    cur, prev = table.loc["current"], table.loc["previous"]
    out = []
    for column, metric, kind, _ in KPIS:
        label = nfc(METRICS[metric].label(lang))
        v, p = fmt.value(cur[column]), fmt.value(prev[column])
        out.append(Kpi(column, label, v, p, shown(v, kind, lang), change(v, p, kind, lang)))
    return out


def _decisions(conn, scope: Scope, period: Period, th: Thresholds, lang: str, names) -> list[str]:
    lines = []
    for row in decisions.stockouts(conn, scope, period, th).head(SHOWN).to_dict("records"):
        when = when_out(row["days_left"], row["available"], lang)
        lines.append(
            t(
                "decisions_stockout",
                lang,
                site=names.get(row["facility_id"], row["facility_id"]),
                vaccine=row["vaccine_code"],
                when=when,
                on_hand=fmt.number(row["on_hand"], lang),
                use=fmt.number(row["daily_use"], lang, 1),
            )
        )
    for row in decisions.lots_to_move(conn, scope, period, th).head(SHOWN).to_dict("records"):
        lines.append(
            t(
                "decisions_move",
                lang,
                site=row["facility_name"],
                vaccine=row["vaccine_code"],
                lot=row["lot_number"],
                day=fmt.day(row["expiry_date"]),
                unused=fmt.number(row["unused"], lang),
                on_hand=fmt.number(row["on_hand"], lang),
                to=row["to_facility_name"],
                can_use=fmt.number(row["can_use"], lang),
                to_use=fmt.number(row["to_daily_use"], lang, 1),
            )
        )
    backlogs = decisions.certificate_backlogs(conn, scope, period, th)
    for row in backlogs.head(SHOWN).to_dict("records"):
        days = row["backlog_days"]
        lines.append(
            t(
                "decisions_backlog",
                lang,
                area=row["name"],
                backlog=fmt.number(row["backlog"], lang),
                days=t("decisions_no_doses", lang)
                if math.isinf(days)
                else fmt.number(days, lang, 1),
            )
        )
    return lines


def _alerts(conn, scope, period, th: Thresholds, lang: str) -> Table:
    df = site_alerts.alerts(conn, scope, period, th)
    rows = [
        [
            t(f"overview_severity_{r['severity']}", lang),
            t(f"overview_kind_{r['kind']}", lang),
            nfc(r["facility_name"]),
            nfc(alert_texts.message(r, th, lang)).replace("**", ""),
        ]
        for r in df.head(SHOWN).to_dict("records")
    ]
    cols = [t(k, lang) for k in ("overview_severity", "briefing_kind", "briefing_site")]
    note = t("briefing_more", lang, n=fmt.number(len(df) - SHOWN, lang)) if len(df) > SHOWN else ""
    return Table(t("overview_alerts", lang), [*cols, t("decisions_item", lang)], rows, note)


def _commune_of(conn, scope: Scope) -> str | None:
    """A commune's own code, or the commune a site lies in; None for a district or more."""
    if scope.level == "commune":
        return scope.code
    if scope.level == "facility":
        sql = "SELECT commune_code FROM facility WHERE facility_id = :c"
        return conn.execute(sa.text(sql), {"c": scope.code}).scalar()
    return None


def ranked_scope(conn, scope: Scope) -> Scope:
    """What the briefing ranks and maps: the province's districts, else the communes of the
    scope's district (a commune's or a site's too, as on the overview and the coverage page:
    a district's briefing names nothing outside the district)."""
    if scope.level in ("province", "district"):
        return scope
    commune = _commune_of(conn, scope)
    sql = "SELECT district_code FROM area WHERE area_code = :c"
    return Scope("district", conn.execute(sa.text(sql), {"c": commune}).scalar())


def _ranking(
    conn, allowed: Allowed, scope: Scope, period: Period, lang: str
) -> tuple[Table, pd.DataFrame, str]:
    ranked = ranked_scope(conn, scope)
    district = ranked.code if ranked.level == "district" else None
    df = access.read(conn, allowed, overview.ranking, ranked, period)
    df = df.sort_values(["coverage_full", "doses"], ascending=False, na_position="last")
    title = t("overview_rank_districts", lang)
    if district:
        title = t("overview_rank_communes", lang, district=scope_name(conn, ranked))
    rows = [
        [
            str(i),
            nfc(r["name"]),
            fmt.number(r["doses"], lang),
            fmt.percent(r["plan_achievement"], lang),
            fmt.percent(r["coverage_full"], lang),
            fmt.percent(r["coverage_boosted"], lang),
        ]
        for i, r in enumerate(df.to_dict("records"), start=1)
    ]
    cols = [
        "#",
        t("overview_area", lang),
        *(nfc(METRICS[m].label(lang)) for m in ("doses", "plan_achievement", "coverage_full")),
        nfc(METRICS["coverage_boosted"].label(lang)),
    ]
    shown, more = SHOWN * 3, len(rows) - SHOWN * 3
    note = t("briefing_more", lang, n=fmt.number(more, lang)) if more > 0 else ""
    return Table(title, cols, rows[:shown], note), df.reset_index(drop=True), title


def gather(
    conn: sa.Connection,
    scope: Scope,
    week: str,
    lang: str = "vi",
    thresholds: Thresholds | None = None,
    allowed: Allowed | None = None,
) -> Briefing:
    """The briefing of `scope` for the ISO week `week`, in `lang`, for a user who may see
    `allowed` (default: the province); ScopeRefused for a scope outside it."""
    allowed = allowed or Allowed.province()
    check_allowed(conn, allowed, scope)
    th = thresholds or Thresholds()
    period = week_period(week)
    area = nfc(scope_name(conn, scope))
    names = dict(conn.execute(sa.text("SELECT facility_id, name FROM facility")).all())
    table = overview.kpis(conn, scope, period).set_index("window")
    trend_period = Period(period.end - timedelta(days=7 * TREND_WEEKS - 1), period.end)
    trend = overview.daily_trend(conn, scope, trend_period)
    labels = {g: t(f"overview_{g}", lang) for g in overview.DOSE_GROUPS}
    labels |= {"total": t("overview_total", lang), "planned": t("overview_planned_line", lang)}
    ranking, ranking_chart, ranking_title = _ranking(conn, allowed, scope, period, lang)
    fresh = freshness(conn)
    start, end = period.start, period.end
    briefing = Briefing(
        lang=lang,
        title=t("briefing_title", lang),
        area=area,
        week=week,
        period=period,
        period_text=t(
            "briefing_period",
            lang,
            week=week[-2:].lstrip("W0") or "0",
            start=fmt.day(start),
            end=fmt.day(end),
        ),  # fmt: skip
        data_as_of=fmt.moment(fresh.high_water),
        source=t("export_source", lang),
        kpis=_kpis(table, lang),
        compared=t("compared_last_week", lang),
        decisions=_decisions(conn, scope, period, th, lang, names),
        alerts=_alerts(conn, scope, period, th, lang),
        trend=trend,
        trend_labels=labels,
        trend_title=t("briefing_trend", lang, weeks=TREND_WEEKS),
        ranking=ranking,
        ranking_chart=ranking_chart,
        ranking_title=ranking_title,
        area_map=area_map.gather(
            conn, ranking_chart, period, lang, highlight=_commune_of(conn, scope)
        ),
        sections=sections.tables(conn, scope, period, th, lang),
    )
    briefing.figures = {
        "trend": overview_fig.daily_doses(trend, lang, labels),
        "ranking": overview_fig.coverage_ranking(ranking_chart, "full", lang, None),
        "map": briefing.area_map.figure,
    }
    return briefing
