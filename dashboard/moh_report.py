"""Command line for a scheduled job: `python -m dashboard.moh_report --date 2022-06-20
[--scope CODE] [--user NAME] --out DIR` writes the Ministry of Health's daily report
(dashboard/exports/moh_report.py) for that day and scope as an Excel workbook in DIR and prints
its path; with `--user` only of that dashboard user's area, and written to the audit log
(dashboard/exports/on_behalf.py)."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path

from dashboard import format as fmt
from dashboard.exports import moh_report as report
from dashboard.exports import names, on_behalf
from queries import moh_report
from queries.freshness import freshness
from queries.readiness import WarehouseUnreadable, reading
from queries.scope import ScopeError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def write(conn, code: str | None, day: date, out: Path, user_name: str | None = None) -> Path:
    """The report for `day` and the scope `code` (for the user `user_name`, if given: only of
    their area) written under `out`; its path."""
    user = on_behalf.user_of(conn, user_name)
    scope = on_behalf.scope_for(conn, user, code)
    unit = moh_report.scope_name(conn, scope)
    as_of = fmt.moment(freshness(conn).high_water)
    found = report.gather(conn, scope, day, unit, as_of, on_behalf.allowed(user))
    data = report.workbook(found)
    out.mkdir(parents=True, exist_ok=True)
    path = out / report.file_name(names.slug(unit), day)
    path.write_bytes(data)
    on_behalf.record_made(conn, user, f"python -m dashboard.moh_report {day}", scope)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.moh_report",
        description="Write the Ministry of Health's daily vaccination report (XLSX).",
    )
    parser.add_argument("--date", dest="day", type=_day, required=True, help="YYYY-MM-DD")
    parser.add_argument("--scope", help="36 (default), a district or commune code, or a site id")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder (default: here)")
    parser.add_argument("--warehouse-url", help="default: VAX_WAREHOUSE_URL or data/")
    parser.add_argument(
        "--user",
        help="on behalf of a dashboard user: only their area, and recorded in the audit log",
    )
    args = parser.parse_args(argv)
    try:
        with reading(args.warehouse_url) as conn:
            path = write(conn, args.scope, args.day, args.out, args.user)
    except (WarehouseUnreadable, ScopeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    # A refused request is reported in the one error line (and in the audit log for --user).
    logging.basicConfig(level=logging.ERROR)
    sys.exit(main())
