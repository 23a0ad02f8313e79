"""The dashboard under concurrent use: N sessions at once against one real `streamlit run`
server, through Streamlit's own client protocol (bench/st_client.py; no browser).

    .venv/bin/python bench/concurrent_sessions.py --warehouse-url URL [--sessions 20]
        [--rounds 2] [--districts 4] [--weeks 2] [--pages overview coverage ...]
        [--warm-up-weeks N] [--baseline-no-warm-up]

The warehouse is only read. The script starts its own server on a free port (or --port), then:
1. idle: the server warms its views of the data as it does after every load
   (`dashboard/warmup.py`: the main pages of the province and every district for the last
   VAX_WARM_UP_WEEKS complete weeks; `--warm-up-weeks` sets it, 0 turns it off) and the script
   waits for it to end; one more session opens each page once for a week no load session uses
   (so the modules are imported) and closes; the server's resident memory (RSS) after it
   settles is the idle level;
2. load: every session connects at once and opens the pages one after the other (default:
   overview, coverage, sites, stock, quality), each for its view: session i gets view
   i mod V of the views "whole province or one of the first --districts districts" x "one of
   the last --weeks complete weeks" (V = (districts + 1) x weeks; with 20 sessions on 10 views,
   two sessions open each view, as a meeting and the analysts of a district do). Round 1 is the
   first visit of each view ("cold": nobody opened it since the load; the server's warming may
   have); round 2 opens the same pages again (warm). `--baseline-no-warm-up` first measures the
   same with a server that does not warm (every first visit computes its reads), and prints
   the ratios;
3. close: the sessions disconnect; the RSS is sampled until --settle seconds have passed (the
   server is started with server.disconnectedSessionTTL = --session-ttl so a closed session's
   state is dropped within that time).

Printed per round and page: runs, median, p95 and max time from sending the page's
`rerun_script` to its `script_finished`, and errors (an exception shown, a run that did not
finish, a timeout, a wrong page); the server's CPU time under load and in each round (per page
run: what a warm page costs the server, apart from the cold reads); then the RSS at start, idle,
peak under load and after the sessions closed. The machine's load average is printed next to
the numbers (other processes share the cores). Targets: p95 <= 3 s per page, no error, peak RSS
<= 1 GB, RSS after close within 10 % (or 50 MB) of the idle level. Exit status 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import st_client  # noqa: E402
from bench.st_client import Client, MemorySampler, PageRun, Server  # noqa: E402
from dashboard import warmup  # noqa: E402
from dashboard.i18n import text  # noqa: E402
from queries import dimensions  # noqa: E402
from queries.freshness import freshness  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402

PAGES = ("overview", "coverage", "sites", "stock", "quality")
ADDRESS = {"overview": ""}  # the overview is served at "/"; every other page at its name
P95_TARGET_S = 3.0
RSS_TARGET_MB = 1024.0
LANG = "vi"


@dataclass
class Report:
    sessions: int
    views: list[str]
    rounds: list[list[PageRun]] = field(default_factory=list)  # per round, every page run
    rss_start: float | None = None
    rss_idle: float | None = None
    rss_peak: float | None = None
    rss_after: float | None = None
    seconds: float = 0.0
    cpu_seconds: float | None = None  # the server's CPU time under load
    round_cpu: list[float] = field(default_factory=list)  # the server's CPU time of each round
    rss_after_waves: list[float | None] = field(default_factory=list)  # --waves after the first
    later_runs: list[PageRun] = field(default_factory=list)  # the page runs of those waves
    cache: dict[str, float] = field(default_factory=dict)  # st.cache_data use under load
    sessions_after: float | None = None  # sessions the server still held after the close
    warm_up: dict = field(default_factory=dict)  # the server's warming before the load

    def runs(self) -> list[PageRun]:
        return [r for rnd in self.rounds for r in rnd]

    def errors(self) -> list[str]:
        runs = self.runs() + self.later_runs
        return [f"{r.page or 'overview'} ?{r.query}: {p}" for r in runs for p in r.problems]


def page_problems(run: PageRun, page: str) -> None:
    """Adds a wrong-page error when the run did not show the page's title."""
    title = text(f"page_{page}", LANG)
    if run.error is None and title not in run.headings:
        run.error = f"wrong page: title {title!r} not among {run.headings[:3]}"


def views(warehouse_url: str, districts: int, weeks: int, skip_weeks: int = 0) -> list[str]:
    """Query strings: (whole province + the first `districts` districts) x the last `weeks`
    complete weeks of data, newest first, after skipping the newest `skip_weeks`; written as
    the server's warming writes them (`dashboard.warmup.views`)."""
    engine = wh_engine.make_engine(warehouse_url, create_dir=False, must_exist=True)
    try:
        with engine.connect() as conn:
            fresh = freshness(conn)
            areas = dimensions.areas(conn)
    finally:
        engine.dispose()
    if fresh.last_day is None:
        raise SystemExit(f"{wh_engine.describe(warehouse_url)} holds no sessions")
    codes = sorted(areas.loc[areas["area_level"] == "district", "area_code"])[:districts]
    every = warmup.views(fresh.last_day, codes, weeks + skip_weeks)
    return every[skip_weeks * (1 + len(codes)) :] or every[: 1 + len(codes)]


async def _session(base_url: str, pages: list[str], query: str, rounds: int, out, gate, timeout):
    async with Client(base_url, timeout=timeout) as client:
        for rnd in range(rounds):
            await gate[rnd].wait()
            for page in pages:
                run = await client.open(ADDRESS.get(page, page), query)
                run.page = page
                page_problems(run, page)
                out[rnd].append(run)


async def _load(
    base_url, pages, queries, sessions, rounds, timeout, cpu=None, round_cpu=None
) -> list[list[PageRun]]:
    """`sessions` clients at once; round r+1 starts when every session finished round r. With
    `cpu` (the server's CPU seconds so far), each round's CPU is appended to `round_cpu`."""
    out: list[list[PageRun]] = [[] for _ in range(rounds)]
    gate = [asyncio.Event() for _ in range(rounds)]
    tasks = [
        asyncio.create_task(
            _session(base_url, pages, queries[i % len(queries)], rounds, out, gate, timeout)
        )
        for i in range(sessions)
    ]
    for rnd in range(rounds):
        started = cpu() if cpu else None
        gate[rnd].set()
        while len(out[rnd]) < sessions * len(pages) and not all(t.done() for t in tasks):
            await asyncio.sleep(0.05)
        ended = cpu() if cpu else None
        if round_cpu is not None and started is not None and ended is not None:
            round_cpu.append(ended - started)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for res in results:
        if isinstance(res, BaseException):
            failed = PageRun("(session)", "", error=f"session failed: {res!r}")
            out[-1].append(failed)
    return out


def _settle(sampler: MemorySampler, seconds: float, quiet: float = 3.0) -> float | None:
    """Waits up to `seconds` for the RSS to stop falling (no new low for `quiet` s); the last
    value."""
    deadline = time.monotonic() + seconds
    low, low_at = math.inf, time.monotonic()
    while time.monotonic() < deadline:
        now = sampler.last()
        if now is not None and now < low - 1:
            low, low_at = now, time.monotonic()
        if time.monotonic() - low_at > quiet and time.monotonic() > deadline - seconds + quiet:
            break
        time.sleep(0.25)
    return sampler.last()


def run_load(
    warehouse_url: str,
    sessions: int = 20,
    rounds: int = 2,
    pages: tuple[str, ...] = PAGES,
    districts: int = 4,
    weeks: int = 2,
    port: int | None = None,
    timeout: float = 300.0,
    settle: float = 30.0,
    session_ttl: int = 5,
    log_dir: Path | None = None,
    options: dict[str, str] | None = None,
    waves: int = 1,
    warm_up_weeks: int | None = None,
) -> Report:
    """Starts a server on the warehouse, measures idle, load and close (see the module's
    description), stops the server and returns what was measured. With `waves` > 1 the same
    sessions come back that many times in all, each wave followed by its close (does the
    memory after a close keep growing?)."""
    queries = views(warehouse_url, districts, weeks)
    warm_up = views(warehouse_url, 0, 1, skip_weeks=weeks)[0]
    report = Report(sessions, queries)
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="concurrent_sessions_"))
    port = port or st_client.free_port()
    env = {} if warm_up_weeks is None else {"VAX_WARM_UP_WEEKS": str(warm_up_weeks)}
    server = Server(warehouse_url, port, log_dir / "streamlit.log", session_ttl, options, env)
    try:
        server.wait_ready()
        report.rss_start = st_client.rss_mb(server.proc.pid)
        with MemorySampler(server.proc.pid) as sampler:
            t0 = time.monotonic()
            report.warm_up = st_client.wait_warm(server.url)
            report.warm_up["waited"] = round(time.monotonic() - t0, 1)
            warm = asyncio.run(_load(server.url, list(pages), [warm_up], 1, 1, timeout))
            for run in warm[0]:
                if run.problems:
                    raise RuntimeError(f"warm-up failed: {run.problems}\n{server.tail()}")
            report.rss_idle = _settle(sampler, settle)
            before = st_client.cache_stats(server.url)
            t0, cpu0 = time.monotonic(), st_client.cpu_seconds(server.proc.pid)
            report.rounds = asyncio.run(
                _load(
                    server.url, list(pages), queries, sessions, rounds, timeout,
                    cpu=lambda: st_client.cpu_seconds(server.proc.pid),
                    round_cpu=report.round_cpu,
                )
            )  # fmt: skip
            t1, cpu1 = time.monotonic(), st_client.cpu_seconds(server.proc.pid)
            report.seconds = t1 - t0
            if cpu0 is not None and cpu1 is not None:
                report.cpu_seconds = cpu1 - cpu0
            after = st_client.cache_stats(server.url)
            report.cache = {k: after[k] - before[k] for k in ("hits", "misses")}
            report.cache["bytes"] = after["bytes"]
            report.rss_after = _settle(sampler, settle)
            report.sessions_after = st_client.cache_stats(server.url)["sessions"]
            report.rss_peak = sampler.peak(t0, t1)
            for _ in range(waves - 1):
                again = asyncio.run(
                    _load(server.url, list(pages), queries, sessions, rounds, timeout)
                )
                report.later_runs += [r for rnd in again for r in rnd]
                report.rss_after_waves.append(_settle(sampler, settle))
    finally:
        server.stop()
    return report


# --- report ------------------------------------------------------------------------------------
def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB"


def targets(report: Report) -> list[str]:
    """The targets missed, one line each."""
    missed = []
    for rnd, runs in enumerate(report.rounds, 1):
        for page in dict.fromkeys(r.page for r in runs):
            times = [r.seconds for r in runs if r.page == page]
            if p95(times) > P95_TARGET_S:
                missed.append(f"round {rnd} {page}: p95 {p95(times):.2f} s > {P95_TARGET_S} s")
    if report.errors():
        missed.append(f"{len(report.errors())} errors")
    if report.rss_peak is not None and report.rss_peak > RSS_TARGET_MB:
        missed.append(f"peak RSS {report.rss_peak:,.0f} MB > {RSS_TARGET_MB:,.0f} MB")
    if report.rss_after is not None and report.rss_idle is not None:
        allowed = max(report.rss_idle * 0.10, 50.0)
        if report.rss_after - report.rss_idle > allowed:
            missed.append(
                f"RSS after close {report.rss_after:,.0f} MB > idle {report.rss_idle:,.0f} MB "
                f"+ {allowed:,.0f} MB"
            )
    return missed


def print_report(report: Report) -> None:
    w = report.warm_up
    if w.get("state") == "off":
        print("the server's warming after a load: off (VAX_WARM_UP_WEEKS=0)")
    elif w:
        print(
            f"the server's warming after a load: {w.get('state')}, {w.get('views')} views "
            f"({w.get('pages')} page runs) in {w.get('seconds')} s, before the sessions came"
        )
    print(
        f"{report.sessions} sessions on {len(report.views)} views, "
        f"{len(report.rounds)} round(s), {report.seconds:,.1f} s under load"
    )
    head = (
        f"{'round':<6} {'page':<10} {'runs':>5} {'median s':>9} {'p95 s':>7} {'max s':>7} "
        f"{'errors':>7}"
    )
    print(head)
    print("-" * len(head))
    for rnd, runs in enumerate(report.rounds, 1):
        label = "cold" if rnd == 1 else "warm"
        for page in dict.fromkeys(r.page for r in runs):
            mine = [r for r in runs if r.page == page]
            times = [r.seconds for r in mine]
            errors = sum(1 for r in mine if r.problems)
            print(
                f"{label:<6} {page:<10} {len(mine):>5} {statistics.median(times):>9.2f} "
                f"{p95(times):>7.2f} {max(times):>7.2f} {errors:>7}"
            )
    if report.cpu_seconds is not None:
        per_run = report.cpu_seconds / max(1, len(report.runs()))
        print(
            f"\nserver CPU under load: {report.cpu_seconds:,.1f} s, {per_run:.2f} s per page run "
            "(less sensitive to the machine's load than the times)"
        )
    for rnd, (seconds, runs) in enumerate(zip(report.round_cpu, report.rounds, strict=False), 1):
        label = "cold" if rnd == 1 else "warm"
        print(
            f"  round {rnd} ({label}): {seconds:,.1f} s, "
            f"{seconds / max(1, len(runs)):.3f} s per page run"
        )
    if report.cache:
        c = report.cache
        print(
            f"cached reads under load: {c['misses']:,.0f} computed, {c['hits']:,.0f} served from "
            f"the cache; the caches then held {c['bytes'] / 2**20:,.1f} MB"
        )
    print(
        f"server RSS: start {_mb(report.rss_start)}, idle {_mb(report.rss_idle)}, "
        f"peak under load {_mb(report.rss_peak)}, after the sessions closed "
        f"{_mb(report.rss_after)} ({report.sessions_after or 0:.0f} sessions left)"
    )
    if report.rss_after_waves:
        waves = ", ".join(_mb(mb) for mb in report.rss_after_waves)
        print(f"server RSS after each further wave of the same sessions: {waves}")
    for line in report.errors()[:20]:
        print(f"error: {line}")
    missed = targets(report)
    print(
        f"targets (p95 <= {P95_TARGET_S} s, no error, RSS <= {RSS_TARGET_MB:,.0f} MB, back to "
        f"idle): {'PASS' if not missed else 'FAIL'}"
    )
    for line in missed:
        print(f"  missed: {line}")


def compare(baseline: Report, report: Report) -> None:
    """Ratios baseline / this configuration, per round and page (median, p95), and of the
    server's CPU time per page run."""
    print("\nratio baseline / this configuration (above 1: faster now)")
    print(f"{'round':<6} {'page':<10} {'median':>7} {'p95':>7}")
    for rnd, (old, new) in enumerate(zip(baseline.rounds, report.rounds, strict=False), 1):
        for page in dict.fromkeys(r.page for r in new):
            a = [r.seconds for r in old if r.page == page]
            b = [r.seconds for r in new if r.page == page]
            if a and b:
                med = statistics.median(a) / statistics.median(b)
                label = "cold" if rnd == 1 else "warm"
                print(f"{label:<6} {page:<10} {med:>6.1f}x {p95(a) / p95(b):>6.1f}x")
    if baseline.cpu_seconds and report.cpu_seconds:
        per = [r.cpu_seconds / max(1, len(r.runs())) for r in (baseline, report)]
        print(f"server CPU per page run: {per[0]:.2f} s -> {per[1]:.2f} s ({per[0] / per[1]:.1f}x)")


def _option(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected OPTION=VALUE, got {text!r}")
    return key, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", default=os.environ.get("VAX_WAREHOUSE_URL"))
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--districts", type=int, default=4)
    parser.add_argument("--weeks", type=int, default=2)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--port", type=int)
    parser.add_argument("--timeout", type=float, default=300.0, help="per page run, seconds")
    parser.add_argument("--settle", type=float, default=30.0, help="RSS settling, seconds")
    parser.add_argument(
        "--waves", type=int, default=1, help="times the same sessions come (default 1)"
    )
    parser.add_argument(
        "--baseline-set",
        type=_option,
        action="append",
        metavar="OPTION=VALUE",
        help="first measure a baseline server with these Streamlit options (repeatable), then "
        "the project's configuration, and print the ratios",
    )
    parser.add_argument(
        "--baseline-no-warm-up",
        action="store_true",
        help="first measure a baseline server that does not warm its views after a load "
        "(VAX_WARM_UP_WEEKS=0), then the project's configuration, and print the ratios",
    )
    parser.add_argument(
        "--warm-up-weeks", type=int, help="VAX_WARM_UP_WEEKS of the measured server"
    )
    args = parser.parse_args()
    if not args.warehouse_url:
        parser.error("no warehouse: pass --warehouse-url (or set VAX_WAREHOUSE_URL)")
    print(f"warehouse: {wh_engine.describe(args.warehouse_url)}")
    runs = [("this configuration", None, args.warm_up_weeks)]
    if args.baseline_set:
        runs.insert(
            0,
            (
                "baseline " + " ".join(f"{k}={v}" for k, v in args.baseline_set),
                dict(args.baseline_set),
                args.warm_up_weeks,
            ),
        )
    elif args.baseline_no_warm_up:
        runs.insert(0, ("baseline without warming (VAX_WARM_UP_WEEKS=0)", None, 0))
    reports = []
    for label, options, warm_weeks in runs:
        load = os.getloadavg()[0]
        print(
            f"\n== {label}\nload average before: {load:.2f} (cores: {os.cpu_count()})", flush=True
        )
        report = run_load(
            args.warehouse_url,
            sessions=args.sessions,
            rounds=args.rounds,
            pages=tuple(args.pages),
            districts=args.districts,
            weeks=args.weeks,
            port=args.port,
            timeout=args.timeout,
            settle=args.settle,
            options=options,
            waves=args.waves,
            warm_up_weeks=warm_weeks,
        )
        print(f"load average after: {os.getloadavg()[0]:.2f}\n")
        print_report(report)
        reports.append(report)
    if len(reports) == 2:
        compare(*reports)
    return 1 if targets(reports[-1]) else 0


if __name__ == "__main__":
    sys.exit(main())
