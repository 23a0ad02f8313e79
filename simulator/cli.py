"""Command line of the simulator.

python -m simulator --platform-url URL [--seed N] [--start D] [--end D] [--scale F]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import settings

from . import __version__
from . import config as C
from .db import Platform
from .follow import follow
from .generate import generate
from .schema import TABLE_ORDER, TABLES
from .timeutil import cutoff_for_end, day_index


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Simulate the COVID-19 vaccination platform of Nam Định (2021-2022) "
        "into a database. "
        "Running again with a later --end continues an existing simulated platform.",
    )
    p.add_argument(
        "--platform-url",
        help="SQLAlchemy URL of the platform database "
        "(default: $VAX_PLATFORM_URL, else data/platform.db)",
    )
    p.add_argument("--seed", type=int, help=f"random seed (default {C.DEFAULT_SEED})")
    p.add_argument("--start", help=f"first campaign day, YYYY-MM-DD (default {C.DEFAULT_START})")
    p.add_argument("--end", help=f"last day simulated, YYYY-MM-DD (default {C.DEFAULT_END})")
    p.add_argument(
        "--scale",
        type=float,
        help="fraction of the province simulated: residents, site capacity and "
        f"supply (default {C.DEFAULT_SCALE})",
    )
    p.add_argument(
        "--follow",
        action="store_true",
        help="keep writing the campaign's next rows as they would arrive, until stopped "
        "(continues an existing platform)",
    )
    p.add_argument(
        "--speed",
        type=float,
        default=60.0,
        help="with --follow: simulated seconds per real second (default 60)",
    )
    p.add_argument("--tick", type=float, default=5.0, help="with --follow: seconds between writes")
    p.add_argument("--max-ticks", type=int, help=argparse.SUPPRESS)
    return p


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--{name} must be a date YYYY-MM-DD, got {value!r}") from None


def _resolve(args, meta: dict[str, str] | None) -> tuple[int, str, float, str, str | None]:
    """(seed, start, scale, end, previous end or None)."""
    if meta is None:
        seed = C.DEFAULT_SEED if args.seed is None else args.seed
        start = _date(args.start or C.DEFAULT_START, "start").isoformat()
        scale = C.DEFAULT_SCALE if args.scale is None else args.scale
        prev_end = None
    else:
        seed, start, scale, prev_end = (
            int(meta["seed"]),
            meta["start"],
            float(meta["scale"]),
            meta["end"],
        )
        conflicts = []
        if args.seed is not None and args.seed != seed:
            conflicts.append(f"--seed {args.seed} (database: {seed})")
        if args.start is not None and _date(args.start, "start").isoformat() != start:
            conflicts.append(f"--start {args.start} (database: {start})")
        if args.scale is not None and float(args.scale) != scale:
            conflicts.append(f"--scale {args.scale} (database: {scale!r})")
        if conflicts:
            raise UsageError(
                "the database already holds a simulation with other parameters: "
                + "; ".join(conflicts)
                + ". Omit them to continue it, or use a new database."
            )
    if not (0 < scale <= 1):
        raise UsageError(f"--scale must be in (0, 1], got {scale}")
    end = _date(args.end or C.DEFAULT_END, "end").isoformat()
    if end < start:
        raise UsageError(f"--end {end} is before the start {start}")
    if start > C.HORIZON:
        raise UsageError(f"--start must be on or before {C.HORIZON}")
    if prev_end is not None and end <= prev_end:
        raise UsageError(
            f"the database is already simulated to {prev_end}; --end must be later (got {end})"
        )
    return seed, start, scale, end, prev_end


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    t0 = time.perf_counter()

    def progress(msg: str) -> None:
        print(msg, flush=True)

    url = settings.platform_url(args.platform_url)
    platform = Platform(url)
    try:
        meta = platform.read_meta()
        if meta is None and platform.existing_tables() & set(TABLES):
            raise UsageError(
                "the database has platform tables but no sim_meta table; "
                "it was not written by this simulator. Use an empty database."
            )
        if args.follow:
            return _follow(args, platform, meta, progress)
        seed, start, scale, end, prev_end = _resolve(args, meta)
        fresh = prev_end is None
        mode = "new platform" if fresh else f"continuing from {prev_end}"
        progress(
            f"simulator {__version__}: {mode}, seed={seed} start={start} scale={scale} end={end}"
        )
        if end > C.HORIZON:
            progress(
                f"note: the simulated campaign ends on {C.HORIZON}; "
                "later days only show late changes"
            )
        tables = generate(seed, start, scale, progress)

        cutoff = cutoff_for_end(day_index(end))
        frames = {t: tables[t].as_of(cutoff) for t in TABLE_ORDER}
        if not fresh:
            since = cutoff_for_end(day_index(prev_end))
            frames = {t: f[f["updated_at"].to_numpy() >= since] for t, f in frames.items()}
        meta_out = {
            "seed": str(seed),
            "start": start,
            "scale": repr(float(scale)),
            "end": end,
            "cutoff": str(cutoff),  # the moment written up to (--follow goes on from it)
            "horizon": C.HORIZON,
            "simulator_version": __version__,
        }
        progress(f"writing to {platform.dialect} as of the end of {end} (Asia/Ho_Chi_Minh)")
        platform.write(frames, meta_out, fresh, progress)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        platform.close()
    progress(f"done in {time.perf_counter() - t0:.1f}s")
    return 0


def _follow(args, platform: Platform, meta: dict[str, str] | None, progress) -> int:
    if meta is None:
        raise UsageError("--follow continues a simulated platform: build one first (--end D)")
    if args.end is not None:
        raise UsageError("--follow runs until stopped; it takes no --end")
    if args.speed <= 0 or args.tick <= 0:
        raise UsageError("--speed and --tick must be positive")
    seed, start, _scale, _end, _prev = _resolve(
        argparse.Namespace(**{**vars(args), "end": "9999-12-31"}), meta
    )
    since = int(meta["cutoff"]) if "cutoff" in meta else cutoff_for_end(day_index(meta["end"]))
    progress(f"simulator {__version__}: following from {meta['end']}, seed={seed} start={start}")
    tables = generate(seed, start, float(meta["scale"]), progress)
    follow(platform, tables, meta, since, args.speed, args.tick, progress, args.max_ticks)
    return 0
