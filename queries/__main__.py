"""Command line: `python -m queries DATASET` exports a dataset as CSV or JSON."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date

import pandas as pd
from sqlalchemy.exc import DatabaseError

from queries import access, accounts
from queries.datasets import COLUMNS, dataset
from queries.due import DoseIntervalsError
from queries.scope import Allowed, Period, ScopeError, ScopeRefused, data_bounds, resolve_scope
from warehouse import engine as wh_engine
from warehouse import setup


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _format_dates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    if "date" in out:
        out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return out


def write(df: pd.DataFrame, fmt: str, stream) -> None:
    df = _format_dates(df)
    if fmt == "json":
        records = df.astype(object).where(df.notna(), None).to_dict("records")
        json.dump(records, stream, ensure_ascii=False, default=int)
        stream.write("\n")
    else:
        df.to_csv(stream, index=False, lineterminator="\n")


def _clamp(start: date, end: date, bounds: Period) -> tuple[date, date]:
    """The period within the data's days (a period of decades would only add empty rows, by
    the million for daily series), saying so on standard error."""
    if start < bounds.start:
        print(
            f"note: --from {start} is before the data; the export starts at its first day, "
            f"{bounds.start}",
            file=sys.stderr,
        )
        start = bounds.start
    if end > bounds.end:
        print(
            f"note: --to {end} is after the data; the export ends at its last day, {bounds.end}",
            file=sys.stderr,
        )
        end = bounds.end
    return start, end


class ViewerRefused(ScopeError):
    """A viewer reads pages but takes no data away."""


def _allowed(conn, user: str | None) -> Allowed:
    """The whole province for the operator (who reads the warehouse directly anyway); a named
    dashboard user's own area. A viewer may not export (refused, and recorded)."""
    if user is None:
        return Allowed.province()
    found = accounts.account(conn, user)
    if found is None:
        raise ValueError(f"no active dashboard user {user!r}")
    if found.role == "viewer":
        raise ViewerRefused(f"refused: {user} is a viewer and may not export data")
    return Allowed(found.scope_code if found.role != "province" else "36")


def _check_only(conn, scope, period) -> None:
    return None


def _dataset(name: str):
    def read(conn, scope, period):
        return dataset(conn, name, scope, period)

    return read


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m queries", description="Export a dataset from the warehouse."
    )
    parser.add_argument("dataset", choices=sorted(COLUMNS))
    parser.add_argument("--warehouse-url", help="default: VAX_WAREHOUSE_URL or data/")
    parser.add_argument("--from", dest="start", type=_day, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=_day, help="last day, YYYY-MM-DD")
    parser.add_argument("--scope", help="36, a district or commune code, or a facility id")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument(
        "--user",
        help="export on behalf of a dashboard user: only their area, and recorded in the audit log",
    )
    args = parser.parse_args(argv)
    url = wh_engine.warehouse_url(args.warehouse_url)
    try:
        engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
        with engine.begin() as conn:
            setup.check_schema(conn)
            try:
                allowed = _allowed(conn, args.user)
            except ViewerRefused as exc:
                refused_viewer = exc
            else:
                refused_viewer = None
        if refused_viewer is not None:
            with engine.begin() as conn:
                accounts.record(conn, args.user, "refused", str(refused_viewer), None)
            raise refused_viewer
        with engine.begin() as conn:
            scope = resolve_scope(conn, args.scope) if args.scope else allowed.default_scope()
            bounds = data_bounds(conn)
            if args.start and args.end:
                Period(args.start, args.end)  # a reversed period is refused, not clamped
            start = args.start or (bounds.start if bounds else None)
            end = args.end or (bounds.end if bounds else None)
            if bounds is not None:
                start, end = _clamp(start, end, bounds)
            refused = None
            try:
                access.read(conn, allowed, _check_only, scope, None)
            except ScopeRefused as exc:
                refused = exc
            else:
                if start is None or end is None or start > end:
                    df = pd.DataFrame(columns=COLUMNS[args.dataset])
                else:
                    df = access.read(
                        conn, allowed, _dataset(args.dataset), scope, Period(start, end)
                    )
                if args.user:
                    what = f"python -m queries {args.dataset} {start}..{end} ({args.format})"
                    accounts.record(conn, args.user, "export", what, scope.code)
        if refused is not None:
            if args.user:  # recorded apart: the refused request's own transaction wrote nothing
                with engine.begin() as conn:
                    accounts.record(conn, args.user, "refused", str(refused), allowed.code)
            raise refused
    except (
        wh_engine.DatabaseUrlError,
        setup.SchemaVersionError,
        ScopeError,
        DoseIntervalsError,
        ValueError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:  # OperationalError, or a file that is not a database
        print(f"error: cannot read {wh_engine.describe(url)}: {exc.orig}", file=sys.stderr)
        return 2
    sys.stdout.reconfigure(encoding="utf-8")
    try:
        write(df, args.format, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (e.g. `| head`): not an error
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    # A refused request is reported in the one error line (and in the audit log for --user).
    logging.basicConfig(level=logging.ERROR)
    sys.exit(main())
