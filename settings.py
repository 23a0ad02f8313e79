"""Every `VAX_*` environment variable the product reads: its name, default and meaning.

One module so that a setting is read in one way everywhere and documented once: the README's
configuration table lists exactly `VARIABLES` (a test keeps the two equal), and no other product
module reads a `VAX_*` variable from the environment. It imports nothing from the project, so
every package (the stand-alone simulator included) may use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
DEFAULT_WAREHOUSE_URL = f"sqlite:///{DATA_DIR / 'warehouse.db'}"
DEFAULT_PLATFORM_URL = f"sqlite:///{DATA_DIR / 'platform.db'}"
DEFAULT_ALERTS_PATH = ROOT / "config" / "alerts.toml"
DEFAULT_DOSE_INTERVALS_PATH = ROOT / "config" / "dose_intervals.toml"


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    meaning: str


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable(
            "VAX_PLATFORM_URL",
            "sqlite:///data/platform.db",
            "the platform database (SQLAlchemy URL, SQLite or PostgreSQL)",
        ),
        Variable("VAX_WAREHOUSE_URL", "sqlite:///data/warehouse.db", "the warehouse database"),
        Variable(
            "VAX_PSEUDONYM_KEY",
            "a public demo key, with a warning",
            "secret key of the keyed hash that replaces citizen identifiers; the warehouse "
            "refuses a different key later",
        ),
        Variable(
            "VAX_ETL_OVERLAP_MINUTES",
            "10",
            "how far before the last high-water mark each load re-reads",
        ),
        Variable(
            "VAX_ETL_PART_ROWS",
            "1000000",
            "rows per part when a full load cleans and writes a large table",
        ),
        Variable(
            "VAX_ETL_PG_WORK_MEM",
            "256MB",
            "`work_mem` of the load's own PostgreSQL session (sorts and hashes of the marts)",
        ),
        Variable(
            "VAX_ETL_PG_MAINTENANCE_WORK_MEM",
            "512MB",
            "`maintenance_work_mem` of the load's session (index builds)",
        ),
        Variable(
            "VAX_ETL_PG_TEMP_BUFFERS",
            "256MB",
            "`temp_buffers` of the load's session (its staging tables)",
        ),
        Variable(
            "VAX_ETL_PAUSE_AT",
            "unset",
            "for the crash-safety tests only: a load stage at which the ETL sleeps",
        ),
        Variable(
            "VAX_ALERTS_CONFIG",
            "config/alerts.toml",
            "the alert thresholds of the weekly overview (days of stock, deferral-rate spikes, "
            "certificate backlogs, sites that sent no data); each setting is explained in the "
            "file",
        ),
        Variable(
            "VAX_DOSE_INTERVALS_CONFIG",
            "config/dose_intervals.toml",
            "the minimum interval to the next primary dose and to a booster of each vaccine, "
            "with its source, and the grace period after which a person due is overdue (who is "
            "due, on the coverage page); each setting is explained in the file",
        ),
        Variable(
            "VAX_AUTH",
            "on",
            "`off` opens the dashboard without signing in, as a province user, for local "
            "development only (a red banner says so on every page)",
        ),
        Variable(
            "VAX_SESSION_IDLE_MINUTES",
            "30",
            "minutes without any action after which a dashboard session ends and the user "
            "signs in again",
        ),
        Variable(
            "VAX_SIGNIN_MAX_FAILURES",
            "5",
            "failed sign-ins in a row (per user name as typed) that lock the name out",
        ),
        Variable(
            "VAX_SIGNIN_LOCK_MINUTES",
            "15",
            "how long a locked-out name is refused, counted from its last failed sign-in",
        ),
        Variable(
            "VAX_WARM_UP_WEEKS",
            "2",
            "after each load, the dashboard server opens the main pages of the province and of "
            "every district for this many of the last complete weeks, so that the first users "
            "find them ready; 0 turns it off",
        ),
        Variable(
            "VAX_BOUNDARIES_PATH",
            "unset (approximate shapes)",
            "a GeoJSON of districts or communes keyed by GSO codes (or names) for the maps",
        ),
        Variable(
            "VAX_CHROMIUM_PATH",
            "/usr/bin/chromium",
            "the Chromium that draws chart images (PNG, SVG) for downloads and reports",
        ),
    )
}


def _get(name: str) -> str | None:
    if name not in VARIABLES:  # a typo here would silently read nothing
        raise KeyError(f"{name} is not a documented setting")
    value = os.environ.get(name, "").strip()
    return value or None


def warehouse_url(explicit: str | None = None) -> str:
    """The warehouse URL: the flag, else VAX_WAREHOUSE_URL, else the SQLite file under data/."""
    return explicit or _get("VAX_WAREHOUSE_URL") or DEFAULT_WAREHOUSE_URL


def platform_url(explicit: str | None = None) -> str:
    """The platform URL: the flag, else VAX_PLATFORM_URL, else the SQLite file under data/."""
    return explicit or _get("VAX_PLATFORM_URL") or DEFAULT_PLATFORM_URL


def pseudonym_key() -> str | None:
    """The secret pseudonym key, or None when unset (the ETL then uses its demo key)."""
    return _get("VAX_PSEUDONYM_KEY")


def _int(name: str, default: int) -> int:
    raw = _get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def etl_overlap() -> timedelta:
    return timedelta(minutes=_int("VAX_ETL_OVERLAP_MINUTES", 10))


def etl_part_rows() -> int:
    return _int("VAX_ETL_PART_ROWS", 1_000_000)


def etl_pg_session() -> dict[str, str]:
    """Memory settings of the load's own PostgreSQL session."""
    return {
        "work_mem": _get("VAX_ETL_PG_WORK_MEM") or "256MB",
        "maintenance_work_mem": _get("VAX_ETL_PG_MAINTENANCE_WORK_MEM") or "512MB",
        "temp_buffers": _get("VAX_ETL_PG_TEMP_BUFFERS") or "256MB",
    }


def etl_pause_at() -> str | None:
    return _get("VAX_ETL_PAUSE_AT")


def alerts_config() -> Path:
    """The alerts file in use: VAX_ALERTS_CONFIG if set, else `config/alerts.toml`."""
    explicit = _get("VAX_ALERTS_CONFIG")
    return Path(explicit) if explicit else DEFAULT_ALERTS_PATH


def dose_intervals_config() -> Path:
    """The dose-interval file in use: VAX_DOSE_INTERVALS_CONFIG if set, else
    `config/dose_intervals.toml`."""
    explicit = _get("VAX_DOSE_INTERVALS_CONFIG")
    return Path(explicit) if explicit else DEFAULT_DOSE_INTERVALS_PATH


def boundaries_path() -> str | None:
    """The boundaries file named by VAX_BOUNDARIES_PATH, or None."""
    return _get("VAX_BOUNDARIES_PATH")


DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"  # Debian's chromium package


def chromium_path() -> str:
    """The browser that renders static chart images: VAX_CHROMIUM_PATH, else Debian's."""
    return _get("VAX_CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH


def auth_enabled() -> bool:
    """False only when VAX_AUTH is `off` (local development)."""
    raw = (_get("VAX_AUTH") or "on").lower()
    if raw not in ("on", "off"):
        raise ValueError(f"VAX_AUTH must be on or off, not {raw!r}")
    return raw == "on"


def session_idle() -> timedelta:
    return timedelta(minutes=_int("VAX_SESSION_IDLE_MINUTES", 30))


def signin_max_failures() -> int:
    return _int("VAX_SIGNIN_MAX_FAILURES", 5)


def signin_lock_minutes() -> int:
    return _int("VAX_SIGNIN_LOCK_MINUTES", 15)


def warm_up_weeks() -> int:
    return max(0, _int("VAX_WARM_UP_WEEKS", 2))
