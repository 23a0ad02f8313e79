"""Command line for a scheduled job: `python -m dashboard.briefing --week 2022-W25
[--scope CODE] [--lang vi|en] [--user NAME] --out DIR` writes the weekly briefing as a PPTX deck
and a PDF in DIR and prints their paths; with `--user` only of that dashboard user's area, and
written to the audit log (dashboard/exports/on_behalf.py)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from dashboard.briefing import files
from dashboard.briefing.content import week_period
from dashboard.briefing.document import FontMissing
from dashboard.exports import on_behalf
from queries.alerts import AlertsConfigError, load_thresholds
from queries.readiness import WarehouseUnreadable, reading
from queries.scope import ScopeError


def _week(text: str) -> str:
    try:
        week_period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.briefing",
        description="Write the weekly briefing as a PPTX deck and a PDF.",
    )
    parser.add_argument("--week", type=_week, required=True, help="ISO week, e.g. 2022-W25")
    parser.add_argument("--scope", help="36 (default), a district or commune code, or a site id")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder (default: here)")
    parser.add_argument("--warehouse-url", help="default: VAX_WAREHOUSE_URL or data/")
    parser.add_argument(
        "--user",
        help="on behalf of a dashboard user: only their area, and recorded in the audit log",
    )
    args = parser.parse_args(argv)
    try:
        thresholds = load_thresholds()
        with reading(args.warehouse_url) as conn:
            user = on_behalf.user_of(conn, args.user)
            scope = on_behalf.scope_for(conn, user, args.scope)
            made = files.make(
                conn, scope, args.week, args.lang, thresholds, allowed=on_behalf.allowed(user)
            )
            paths = files.save(made, args.out)
            what = f"python -m dashboard.briefing {args.week} ({args.lang})"
            on_behalf.record_made(conn, user, what, scope)
    except (WarehouseUnreadable, ScopeError, AlertsConfigError, FontMissing, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    # A refused request is reported in the one error line (and in the audit log for --user).
    logging.basicConfig(level=logging.ERROR)
    sys.exit(main())
