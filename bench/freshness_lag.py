"""End-to-end freshness: how long after a visit is entered on the platform it is in the marts.

    .venv/bin/python bench/freshness_lag.py [--minutes 30] [--every 60] [--speed 60]
        [--scale 0.1] [--start-end 2021-09-14]
        [--platform data/platform.db --warehouse data/warehouse.db]

Builds a SQLite platform (the province at --scale, simulated to --start-end) and loads it, or
copies a platform and its loaded warehouse (--platform and --warehouse: the whole-province demo
of `make run`, which the run never changes; loaded with the demo key unless --key names the
VAX_PSEUDONYM_KEY it was loaded with), then runs `python -m simulator --follow --speed N`
(the platform, live) and `python -m etl watch --every S` side by side for --minutes. Each
write of the follower is one platform transaction, timed when the follower reports it; it is
in the warehouse's marts when the first load that started after it finishes (each load is one
transaction, and reads the platform from where the previous one stopped). Prints the
distribution of those lags against the target (2 minutes with a load every 60 s), and the
loads' durations.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "VAX_PSEUDONYM_KEY": "bench-key"}


def _run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=60)
    parser.add_argument("--speed", type=float, default=60)
    parser.add_argument("--tick", type=float, default=5)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--start-end", default="2021-09-14")
    parser.add_argument("--platform", type=Path, help="a platform file to copy instead")
    parser.add_argument("--warehouse", type=Path, help="its loaded warehouse, copied too")
    parser.add_argument("--key", help="the copied warehouse's VAX_PSEUDONYM_KEY (default: demo)")
    args = parser.parse_args()
    if bool(args.platform) != bool(args.warehouse):
        parser.error("--platform and --warehouse go together")
    if args.key:
        ENV["VAX_PSEUDONYM_KEY"] = args.key
    elif args.platform:
        ENV.pop("VAX_PSEUDONYM_KEY", None)  # the demo's own key
    with tempfile.TemporaryDirectory(dir=ROOT / "data") as tmp:
        platform = f"sqlite:///{Path(tmp) / 'platform.db'}"
        warehouse = f"sqlite:///{Path(tmp) / 'warehouse.db'}"
        t0 = time.perf_counter()
        if args.platform:
            shutil.copy(args.platform, Path(tmp) / "platform.db")
            shutil.copy(args.warehouse, Path(tmp) / "warehouse.db")
            print(f"platform and warehouse copied in {time.perf_counter() - t0:.0f} s")
        else:
            _run("simulator", "--platform-url", platform, "--scale", str(args.scale),
                 "--end", args.start_end)  # fmt: skip
            _run("etl", "run", "--platform-url", platform, "--warehouse-url", warehouse)
            print(f"platform built and loaded in {time.perf_counter() - t0:.0f} s")
        writes: list[tuple[float, int, int]] = []  # (when reported, visits, rows written)

        def follow_output(proc: subprocess.Popen) -> None:
            for line in proc.stdout:
                if "platform as of" in line:
                    visits = int(line.rsplit("(", 1)[1].split()[0].replace(",", ""))
                    rows = int(line.rsplit(": ", 1)[1].split()[0].replace(",", ""))
                    writes.append((time.time(), visits, rows))

        follower = subprocess.Popen(
            [sys.executable, "-m", "simulator", "--platform-url", platform, "--follow",
             "--speed", str(args.speed), "--tick", str(args.tick)],
            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        threading.Thread(target=follow_output, args=(follower,), daemon=True).start()
        watcher = subprocess.Popen(
            [sys.executable, "-m", "etl", "watch", "--every", str(args.every),
             "--platform-url", platform, "--warehouse-url", warehouse],
            cwd=ROOT, env=ENV, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(args.minutes * 60)
        finally:
            for proc in (follower, watcher):
                proc.send_signal(signal.SIGTERM)
            for proc in (follower, watcher):
                proc.wait(timeout=120)
        engine = sa.create_engine(warehouse)
        with engine.connect() as conn:
            runs = pd.read_sql_query(
                sa.text(
                    "SELECT started_at, finished_at, seconds FROM etl_run "
                    "WHERE status = 'success' ORDER BY run_id"
                ),
                conn,
            )
        engine.dispose()
    started = pd.to_datetime(runs["started_at"], utc=True).map(pd.Timestamp.timestamp)
    finished = pd.to_datetime(runs["finished_at"], utc=True).map(pd.Timestamp.timestamp)
    lags, row_lags = [], []
    for when, visits, rows in writes:
        later = finished[started >= when]
        if len(later) and rows:
            row_lags.append(later.iloc[0] - when)
            if visits:
                lags.append(later.iloc[0] - when)
    lags = pd.Series(lags, dtype=float)
    row_lags = pd.Series(row_lags, dtype=float)
    loads = runs["seconds"].iloc[1:]
    print(
        f"{len(writes)} platform writes ({sum(w[1] for w in writes):,} visits) over "
        f"{args.minutes:g} min at {args.speed:g}x; {len(loads)} loads every {args.every:g} s "
        f"(median {loads.median():.1f} s, max {loads.max():.1f} s)"
    )
    if not row_lags.empty:
        print(
            f"lag of any row, {len(row_lags)} writes: median {row_lags.median():.0f} s, "
            f"max {row_lags.max():.0f} s"
        )
    if lags.empty:
        print("no write with visits was loaded")
        return 1
    q = lags.quantile([0.5, 0.9, 0.99])
    print(
        f"lag from platform to marts, {len(lags)} writes with visits: median {q[0.5]:.0f} s, "
        f"p90 {q[0.9]:.0f} s, p99 {q[0.99]:.0f} s, max {lags.max():.0f} s (target <= 120 s)"
    )
    return 0 if lags.max() <= 120 else 1


if __name__ == "__main__":
    sys.exit(main())
