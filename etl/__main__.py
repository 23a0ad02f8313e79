"""Command line: `python -m etl run | watch | demo | status`."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError, OperationalError

from etl.run import EtlError, run_load
from etl.status import run_in_progress, status_report
from etl.watch import watch
from warehouse import engine as wh_engine
from warehouse import setup

ROOT = Path(__file__).resolve().parent.parent


def _summary(result) -> str:
    return (
        f"load {result.run_id} finished in {result.seconds:.1f} s: "
        f"{result.extracted:,} rows extracted, {result.loaded:,} loaded, "
        f"{result.rejected:,} rejected; platform data as of {result.high_water}"
    )


def cmd_run(args: argparse.Namespace) -> int:
    result = run_load(
        wh_engine.platform_url(args.platform_url), wh_engine.warehouse_url(args.warehouse_url)
    )
    print(_summary(result))
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    if args.every <= 0:
        raise EtlError("--every must be a positive number of seconds")
    platform = wh_engine.platform_url(args.platform_url)
    warehouse = wh_engine.warehouse_url(args.warehouse_url)
    # A service's log: each line with its time.
    for handler in logging.getLogger().handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s [etl] %(message)s"))
    return watch(
        partial(run_load, platform, warehouse, every=args.every),
        args.every,
        _summary,
        max_loads=args.max_loads,
    )


def cmd_demo(args: argparse.Namespace) -> int:
    platform = wh_engine.platform_url(args.platform_url)
    warehouse = wh_engine.warehouse_url(args.warehouse_url)
    if not _platform_exists(platform):
        print(f"building the demo platform ({wh_engine.describe(platform)}); this runs once")
        cmd = [sys.executable, "-m", "simulator", "--platform-url", platform]
        if args.scale is not None:
            cmd += ["--scale", str(args.scale)]
        if args.end:
            cmd += ["--end", args.end]
        done = subprocess.run(cmd, cwd=ROOT, check=False)
        if done.returncode != 0:
            raise EtlError("the simulator failed; see its messages above")
    result = run_load(platform, warehouse)
    print(_summary(result))
    return 0


def _platform_exists(url: str) -> bool:
    try:
        engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
        with engine.connect() as conn:
            return "visit" in sa.inspect(conn).get_table_names()
    except (wh_engine.DatabaseUrlError, OperationalError):
        return False


def cmd_status(args: argparse.Namespace) -> int:
    url = wh_engine.warehouse_url(args.warehouse_url)
    try:
        engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
        with engine.connect() as conn:
            setup.check_schema(conn)
        in_progress = run_in_progress(engine)
        with engine.connect() as conn:
            print(status_report(conn, in_progress=in_progress))
    except wh_engine.DatabaseUrlError as exc:
        raise EtlError(f"warehouse database: {exc}") from None
    except DatabaseError as exc:  # OperationalError, or a file that is not a database
        raise EtlError(f"cannot connect to {wh_engine.describe(url)}: {exc.orig}") from None
    except setup.SchemaVersionError as exc:
        raise EtlError(f"warehouse {wh_engine.describe(url)}: {exc}") from None
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl", description="Load the vaccination platform into the warehouse."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    urls = argparse.ArgumentParser(add_help=False)
    urls.add_argument("--platform-url", help="source (default: VAX_PLATFORM_URL or data/)")
    urls.add_argument("--warehouse-url", help="target (default: VAX_WAREHOUSE_URL or data/)")
    sub.add_parser("run", parents=[urls], help="one incremental load").set_defaults(func=cmd_run)
    watch_cmd = sub.add_parser(
        "watch", parents=[urls], help="load on a schedule until SIGTERM or Ctrl-C"
    )
    watch_cmd.add_argument(
        "--every", type=float, default=60.0, help="seconds between loads (default 60)"
    )
    watch_cmd.add_argument("--max-loads", type=int, default=None, help=argparse.SUPPRESS)
    watch_cmd.set_defaults(func=cmd_watch)
    demo = sub.add_parser(
        "demo", parents=[urls], help="build the demo platform when missing, then load it"
    )
    demo.add_argument("--scale", type=float, default=None, help="fraction of residents")
    demo.add_argument("--end", default=None, help="last simulated day, YYYY-MM-DD")
    demo.set_defaults(func=cmd_demo)
    status = sub.add_parser("status", help="last runs, data as of, row counts, rejects")
    status.add_argument("--warehouse-url", help="default: VAX_WAREHOUSE_URL or data/")
    status.set_defaults(func=cmd_status)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except EtlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing was committed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    # Progress and warnings of a load go to standard error, one line each.
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="[etl] %(message)s")
    sys.exit(main())
