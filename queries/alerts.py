"""Alert thresholds an administrator sets in `config/alerts.toml` (or the file named by the
setting VAX_ALERTS_CONFIG). The settings are documented inside that file."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path

import settings

ENV_VAR = "VAX_ALERTS_CONFIG"
DEFAULT_PATH = settings.DEFAULT_ALERTS_PATH
EPOCH = date(1970, 1, 1)


class AlertsConfigError(ValueError):
    """The alerts configuration file cannot be used (unreadable, malformed, bad values)."""


@dataclass(frozen=True)
class Thresholds:
    """Every alert threshold, with the defaults of the shipped `config/alerts.toml`."""

    # [low_stock]
    min_days_of_stock: float = 3.0
    serious_days_of_stock: float = 1.0
    # [deferral_spike]
    spike_factor: float = 2.0
    spike_min_screened: int = 20
    spike_min_rate: float = 0.05
    spike_baseline_weeks: int = 4
    spike_serious_factor: float = 4.0
    spike_significance: float = 0.001
    spike_min_deferrals: int = 5
    spike_min_baseline_screened: int = 100
    # [certificate_backlog]
    backlog_min_count: int = 50
    backlog_min_days: float = 3.0
    backlog_serious_days: float = 7.0
    # [no_data]
    no_data_min_days: int = 1
    no_data_serious_days: int = 3
    # [throughput]
    max_doses_per_table_hour: float = 60.0
    throughput_serious_sessions: int = 3
    # [stock_report]
    repeat_min_reports: int = 5
    round_multiple: int = 100
    round_min_reports: int = 3
    round_min_share: float = 0.5
    # [recording_lag]
    late_min_share: float = 0.2
    late_min_doses: int = 50
    late_serious_share: float = 0.5
    # [expiry]
    near_expiry_days: int = 30
    # [decisions]
    stockout_within_days: float = 7.0
    stockout_use_days: int = 14
    backlog_decision_days: float = 7.0
    coverage_target: float = 0.9
    # coverage_target_date, kept as days since 1970-01-01 (every setting is a number)
    coverage_target_days: int = (date(2022, 12, 31) - EPOCH).days

    @property
    def coverage_target_date(self) -> date:
        return EPOCH + timedelta(days=self.coverage_target_days)


# (section, key in the file) -> Thresholds field
_SETTINGS: dict[tuple[str, str], str] = {
    ("low_stock", "min_days_of_stock"): "min_days_of_stock",
    ("low_stock", "serious_days_of_stock"): "serious_days_of_stock",
    ("deferral_spike", "factor"): "spike_factor",
    ("deferral_spike", "min_screened"): "spike_min_screened",
    ("deferral_spike", "min_rate"): "spike_min_rate",
    ("deferral_spike", "baseline_weeks"): "spike_baseline_weeks",
    ("deferral_spike", "serious_factor"): "spike_serious_factor",
    ("deferral_spike", "significance"): "spike_significance",
    ("deferral_spike", "min_deferrals"): "spike_min_deferrals",
    ("deferral_spike", "min_baseline_screened"): "spike_min_baseline_screened",
    ("certificate_backlog", "min_count"): "backlog_min_count",
    ("certificate_backlog", "min_days"): "backlog_min_days",
    ("certificate_backlog", "serious_days"): "backlog_serious_days",
    ("no_data", "min_days"): "no_data_min_days",
    ("no_data", "serious_days"): "no_data_serious_days",
    ("throughput", "max_doses_per_table_hour"): "max_doses_per_table_hour",
    ("throughput", "serious_sessions"): "throughput_serious_sessions",
    ("stock_report", "repeat_min_reports"): "repeat_min_reports",
    ("stock_report", "round_multiple"): "round_multiple",
    ("stock_report", "round_min_reports"): "round_min_reports",
    ("stock_report", "round_min_share"): "round_min_share",
    ("recording_lag", "min_late_share"): "late_min_share",
    ("recording_lag", "min_doses"): "late_min_doses",
    ("recording_lag", "serious_late_share"): "late_serious_share",
    ("expiry", "near_days"): "near_expiry_days",
    ("decisions", "stockout_within_days"): "stockout_within_days",
    ("decisions", "stockout_use_days"): "stockout_use_days",
    ("decisions", "backlog_days"): "backlog_decision_days",
    ("decisions", "coverage_target"): "coverage_target",
    ("decisions", "coverage_target_date"): "coverage_target_days",
}
_TYPES = {f.name: f.type for f in fields(Thresholds)}


def config_path() -> Path:
    """The alerts file in use: $VAX_ALERTS_CONFIG if set, else `config/alerts.toml`."""
    return settings.alerts_config()


def _value(section: str, key: str, raw: object, kind: str) -> float | int:
    name = f"{section}.{key}"
    if key.endswith("_date"):  # a TOML date (2022-12-31), kept as days since 1970-01-01
        if not isinstance(raw, date) or isinstance(raw, datetime):
            raise AlertsConfigError(f"{name} must be a date such as 2022-12-31, not {raw!r}")
        return (raw - EPOCH).days
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise AlertsConfigError(f"{name} must be a number, not {raw!r}")
    if kind == "int":
        if isinstance(raw, float) and not raw.is_integer():
            raise AlertsConfigError(f"{name} must be a whole number, not {raw!r}")
        value: float | int = int(raw)
    else:
        value = float(raw)
    if not math.isfinite(value) or value < 0:
        raise AlertsConfigError(f"{name} must be a finite number >= 0, not {raw!r}")
    return value


def parse_thresholds(data: dict) -> Thresholds:
    """Thresholds from the parsed TOML document; unknown sections or keys are refused, so that
    a misspelt setting does not silently keep its default."""
    values: dict[str, float | int] = {}
    known_sections = {section for section, _ in _SETTINGS}
    for section, body in data.items():
        if section not in known_sections:
            raise AlertsConfigError(
                f"unknown section [{section}]; expected one of {sorted(known_sections)}"
            )
        if not isinstance(body, dict):
            raise AlertsConfigError(f"[{section}] must be a table of settings")
        for key, raw in body.items():
            field = _SETTINGS.get((section, key))
            if field is None:
                allowed = sorted(k for s, k in _SETTINGS if s == section)
                raise AlertsConfigError(
                    f"unknown setting {section}.{key}; [{section}] accepts {allowed}"
                )
            values[field] = _value(section, key, raw, _TYPES[field])
    thresholds = Thresholds(**values)
    if thresholds.serious_days_of_stock > thresholds.min_days_of_stock:
        raise AlertsConfigError(
            "low_stock.serious_days_of_stock must not exceed low_stock.min_days_of_stock"
        )
    if thresholds.spike_baseline_weeks < 1:
        raise AlertsConfigError("deferral_spike.baseline_weeks must be at least 1")
    if thresholds.no_data_min_days < 1:
        raise AlertsConfigError("no_data.min_days must be at least 1")
    if not 0 < thresholds.spike_significance <= 1:
        raise AlertsConfigError("deferral_spike.significance must be above 0 and at most 1")
    if thresholds.round_multiple < 2:
        raise AlertsConfigError("stock_report.round_multiple must be at least 2")
    if thresholds.repeat_min_reports < 2:
        raise AlertsConfigError("stock_report.repeat_min_reports must be at least 2")
    if not 0 < thresholds.coverage_target <= 1:
        raise AlertsConfigError("decisions.coverage_target must be above 0 and at most 1")
    if thresholds.stockout_use_days < 1:
        raise AlertsConfigError("decisions.stockout_use_days must be at least 1")
    return thresholds


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """Read the alert thresholds (the defaults when the shipped file has been removed).

    Raises AlertsConfigError with a one-line reason when the file is unreadable, is not valid
    TOML, or holds an unknown setting or an unusable value.
    """
    if path is None:
        path = config_path()
        if path == DEFAULT_PATH and not path.exists():
            return Thresholds()
    path = Path(path)
    if not path.exists():
        raise AlertsConfigError(f"{path} does not exist (set by {ENV_VAR}?)")
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise AlertsConfigError(f"{path}: not valid TOML ({exc})") from exc
    except OSError as exc:
        raise AlertsConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        return parse_thresholds(data)
    except AlertsConfigError as exc:
        raise AlertsConfigError(f"{path}: {exc}") from exc
