"""Server CPU of one script run of each dashboard page, cold and warm, against the CPU of an
empty Streamlit script run through the same harness.

    .venv/bin/python bench/page_cpu.py --warehouse-url URL [--warm 5] [--pages overview ...]
        [--query district=356] [--breakdown] [--profile PAGE] [--top 40]

The warehouse is only read. Through Streamlit's AppTest, as a province user (VAX_AUTH=off), with
the default view (whole province, the last complete ISO week) or the view of `--query`:
- cold: every Streamlit cache cleared, then one run of a new session (its SQL included);
- warm: the same session run again `--warm` times (every read a cache hit); median and least.
One untimed run per page first, so that module imports are not counted; the script compiled once
for every run, as the server keeps it (AppTest would compile it on every run).

The time counted is CPU, not wall time (the machine is shared): the CPU time of the script
thread over the run (`time.thread_time`, which leaves out the test harness's own polling), plus
the CPU of serialising the run's messages to bytes as the server does before sending them
("proto"). Ratio = the page's warm CPU / the warm CPU of an empty script's run. The last line
multiplies one session's warm pages by 20 sessions: the work one server process does, one run
at a time under the interpreter lock, when they all open the pages at once.
`--breakdown`: a warm run's CPU by category (Streamlit elements by kind, cache reads, figure
building, queries run outside caches, downloads, the shell), each call counted in the innermost
category. `--profile PAGE`: a cProfile (on the script thread's CPU clock) of a warm run, the
`--top` functions by cumulative and by own time. The overview is opened at "/", as a browser
opens it ("/overview" redirects there).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import inspect
import io
import os
import pkgutil
import pstats
import statistics
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit import config as st_config  # noqa: E402
from streamlit import logger as st_logger  # noqa: E402
from streamlit.delta_generator import DeltaGenerator  # noqa: E402
from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest, app_test, local_script_runner  # noqa: E402
from streamlit.testing.v1.local_script_runner import LocalScriptRunner  # noqa: E402

from dashboard.i18n import text  # noqa: E402

APP = ROOT / "dashboard" / "app.py"
PAGES = ("overview", "coverage", "sites", "stock", "quality")
RUN_TIMEOUT = 600
SESSIONS = 20  # the load the server must carry (bench/concurrent_sessions.py)
EMPTY_SCRIPT = "import streamlit as st\n"


class Meter:
    """The script thread's CPU per run, and an optional profiler on that thread."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.profiler: cProfile.Profile | None = None

    def install(self) -> None:
        original = script_runner.ScriptRunner._run_script
        meter = self

        def measured(runner, rerun_data):
            profiler = meter.profiler
            t0 = time.thread_time()
            if profiler is not None:
                profiler.enable()
            try:
                return original(runner, rerun_data)
            finally:
                if profiler is not None:
                    profiler.disable()
                meter.cpu += time.thread_time() - t0

        script_runner.ScriptRunner._run_script = measured


METER = Meter()


_LAST: dict[str, list] = {}


def _keep_runner() -> None:
    """AppTest drops its runner after a run: keep the last one's messages for `proto_cpu`."""
    original = LocalScriptRunner.run

    def run(self, *args, **kwargs):
        tree = original(self, *args, **kwargs)
        _LAST["msgs"] = list(self.forward_msgs())
        return tree

    LocalScriptRunner.run = run


def last_proto_cpu() -> float:
    t0 = time.thread_time()
    size = 0
    for msg in _LAST.get("msgs", []):
        size += len(msg.SerializeToString())
    _LAST["bytes"] = size
    return time.thread_time() - t0


@dataclass
class Result:
    page: str
    status: str = "ok"
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    warm_proto: list[float] = field(default_factory=list)
    warm_bytes: int = 0


def measured_run(at: AppTest) -> tuple[float, float]:
    """(script CPU, serialising CPU) of one run, seconds."""
    METER.cpu = 0.0
    at.run()
    return METER.cpu, last_proto_cpu()


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def new_session(page: str | None, query: dict[str, str]) -> AppTest:
    if page is None:
        at = AppTest.from_string(EMPTY_SCRIPT, default_timeout=RUN_TIMEOUT)
    else:
        at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
        if page != "overview":  # the overview is the first page, at "/" ("/overview" redirects)
            at.switch_page(f"app_pages/{page}.py")
    for key, value in query.items():
        at.query_params[key] = value
    return at


def status_of(at: AppTest, page: str | None) -> str:
    if at.exception:
        return "exception: " + at.exception[0].message.splitlines()[0][:60]
    if page is not None and (not len(at.title) or at.title[0].value != text(f"page_{page}", "vi")):
        return "wrong page"
    return "ok"


def measure(page: str | None, query: dict[str, str], warm: int) -> Result:
    result = Result(page or "(empty script)")
    new_session(page, query).run()  # imports; untimed
    clear_caches()
    at = new_session(page, query)
    cpu, proto = measured_run(at)
    result.cold.append(cpu + proto)
    result.status = status_of(at, page)
    for _ in range(warm):
        cpu, proto = measured_run(at)
        result.warm.append(cpu + proto)
        result.warm_proto.append(proto)
    result.warm_bytes = _LAST.get("bytes", 0)
    return result


def profile_warm(page: str, query: dict[str, str], top: int) -> None:
    at = new_session(page, query)
    at.run()
    at.run()
    METER.profiler = cProfile.Profile(time.thread_time)
    try:
        at.run()
    finally:
        profiler, METER.profiler = METER.profiler, None
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\n--- warm run of {page}: top {top} by cumulative CPU ---")
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top // 2)
    print(f"--- warm run of {page}: top {top // 2} by own CPU ---")
    print(out.getvalue())


# --- where a warm run's CPU goes: each call counted in its innermost category ------------------
CATEGORIES = (
    ("cache reads", "streamlit.runtime.caching.cache_utils", "CachedFunc.__call__"),
    ("figure building", "dashboard.figures", "*"),
    ("styled tables", "dashboard.widgets", "styled"),
    ("queries outside caches", "queries", "*"),
    ("downloads", "dashboard.downloads", "*"),
    ("shell and sidebar", "dashboard.shell", "begin"),
    ("header", "dashboard.shell", "header"),
    ("sign-in", "dashboard.auth", "*"),
)
ELEMENTS = (
    "plotly_chart", "dataframe", "metric", "page_link", "download_button", "popover", "columns",
    "expander", "markdown", "caption", "container", "button", "segmented_control", "pills",
    "selectbox", "radio", "subheader", "title", "info", "warning", "html", "tabs",
    "pydeck_chart", "code", "date_input", "divider", "set_page_config", "navigation",
)  # fmt: skip


class Breakdown:
    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.stack: list[list] = []  # [category, started, child time]

    def wrap(self, category: str, func):
        def wrapped(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                return func(*args, **kwargs)
            frame = [category, time.thread_time(), 0.0]
            self.stack.append(frame)
            try:
                return func(*args, **kwargs)
            finally:
                self.stack.pop()
                spent = time.thread_time() - frame[1]
                self.totals[category] = self.totals.get(category, 0.0) + spent - frame[2]
                if self.stack:
                    self.stack[-1][2] += spent

        # the same name: the cache keys and the access lists read the query's qualified name
        return functools.update_wrapper(wrapped, func)

    def install(self) -> None:
        for category, module_name, target in CATEGORIES:
            for module in self._modules(module_name):
                if target == "*":
                    if module.__name__ == "queries.audit":  # read outside caches: kept as is
                        continue
                    for name, obj in list(vars(module).items()):
                        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                            setattr(module, name, self.wrap(category, obj))
                    continue
                owner, _, attr = target.rpartition(".")
                holder = getattr(module, owner) if owner else module
                setattr(holder, attr, self.wrap(category, getattr(holder, attr)))
        for name in ELEMENTS:  # st.x is bound at import; containers look it up on the class
            setattr(st, name, self.wrap(f"st.{name}", getattr(st, name)))
            method = getattr(DeltaGenerator, name, None)
            if method is not None:
                setattr(DeltaGenerator, name, self.wrap(f"st.{name}", method))

    @staticmethod
    def _modules(name: str) -> list:
        root = importlib.import_module(name)
        found = [root]
        if hasattr(root, "__path__"):
            for info in pkgutil.walk_packages(root.__path__, f"{name}."):
                if info.name.endswith("__main__"):
                    continue
                found.append(importlib.import_module(info.name))
        return found


def breakdown(pages: list[str], query: dict[str, str], runs: int) -> None:
    """CPU of a warm run of each page by category (seconds, mean of `runs`). The functions are
    wrapped after every page's reads are cached (a wrapped query is another object, which the
    access check would refuse on a miss)."""
    sessions = {page: new_session(page, query) for page in pages}
    for at in sessions.values():
        at.run()
        at.run()
    split = Breakdown()
    split.install()
    print(f"{'page':<10} {'category':<24} {'cpu s':>7}")
    for page, at in sessions.items():
        at.run()
        split.totals.clear()
        total = 0.0
        for _ in range(runs):
            total += measured_run(at)[0]
        shown = 0.0
        for category, spent in sorted(split.totals.items(), key=lambda kv: -kv[1]):
            print(f"{page:<10} {category:<24} {spent / runs:>7.3f}")
            shown += spent
        print(f"{page:<10} {'other (streamlit, page)':<24} {(total - shown) / runs:>7.3f}")
        print(f"{page:<10} {'TOTAL':<24} {total / runs:>7.3f}\n", flush=True)


def share_script_cache() -> None:
    """One compiled copy of each script for every run, as the server keeps it (AppTest makes a
    new script cache per run, which would count compiling the page on every warm run)."""
    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared
    local_script_runner.ScriptCache = lambda: shared


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", default=os.environ.get("VAX_WAREHOUSE_URL"))
    parser.add_argument("--warm", type=int, default=5, help="warm runs per page (default 5)")
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--query", nargs="*", default=[], help="KEY=VALUE of the page address")
    parser.add_argument("--profile", help="profile a warm run of this page")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--breakdown", action="store_true", help="a warm run's CPU by category, per page"
    )
    args = parser.parse_args()
    if not args.warehouse_url:
        parser.error("no warehouse: pass --warehouse-url (or set VAX_WAREHOUSE_URL)")
    os.environ["VAX_WAREHOUSE_URL"] = args.warehouse_url
    os.environ["VAX_AUTH"] = "off"  # the pages as a province user, without the sign-in form
    st_config.set_option("logger.level", "error")
    st_logger.set_log_level("error")
    warnings.filterwarnings("ignore")
    METER.install()
    share_script_cache()
    _keep_runner()
    query = dict(item.split("=", 1) for item in args.query)

    if args.breakdown:
        breakdown(args.pages, query, args.warm)
        return 0
    if args.profile:
        new_session(args.profile, query).run()  # imports
        profile_warm(args.profile, query, args.top)
        return 0

    base = measure(None, {}, max(args.warm, 5))
    empty = statistics.median(base.warm)
    print(f"view: {query or 'whole province, last complete week'}; load {os.getloadavg()[0]:.1f}")
    head = (
        f"{'page':<16} {'status':<10} {'cold cpu s':>10} {'warm cpu s':>10} {'warm min':>8} "
        f"{'proto s':>8} {'msg KB':>7} {'warm/empty':>10}"
    )
    print(head)
    print("-" * len(head))
    print(
        f"{base.page:<16} {'ok':<10} {base.cold[0]:>10.4f} {empty:>10.4f} {min(base.warm):>8.4f} "
        f"{statistics.median(base.warm_proto):>8.3f} {base.warm_bytes / 1024:>7.0f} {1:>10.1f}"
    )
    total = 0.0
    for page in args.pages:
        r = measure(page, query, args.warm)
        warm = statistics.median(r.warm)
        print(
            f"{r.page:<16} {r.status[:10]:<10} {r.cold[0]:>10.3f} {warm:>10.3f} "
            f"{min(r.warm):>8.3f} {statistics.median(r.warm_proto):>8.3f} "
            f"{r.warm_bytes / 1024:>7.0f} {warm / empty:>10.1f}",
            flush=True,
        )
        total += warm
    print(
        f"\nwarm CPU of one session opening these pages: {total:.3f} s; {SESSIONS} sessions: "
        f"{SESSIONS * total:.1f} s of one core (the interpreter lock serialises a server's runs)"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f} (the machine is shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
