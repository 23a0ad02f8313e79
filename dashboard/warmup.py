"""Warming the dashboard after each load, so that the first users of a new data version find
their pages ready instead of waiting for their reads.

A load changes the data version, and with it every cached read and built view (`cached`).
The first sessions after it would each compute their view's reads and figures; when a meeting,
the district analysts and a projector open the dashboard at once, a 2-core server computes
dozens of views one after another, and the last session waits for all of them. So the server
does that work itself, one view at a time, as soon as the new data is there: a task of the
server's event loop (`lifespan`, wired in `serve.py`) checks the data version every
`CHECK_SECONDS` and, when it has changed, opens the main pages (`PAGES`) of the whole province
and of every district for the last `VAX_WARM_UP_WEEKS` complete weeks (2 by default: this week
and the one before, which the meeting compares; 0 turns warming off).

A view is opened the way a browser tab opens it: a session of the server's own runtime, with a
client that only listens for the end of each run, runs the app's script for each page and
address. Its user is `USER`, a province user that exists only inside the server: no sign-in
reaches it, and only the sessions this module opens are given it (`is_warm_up`). Reads are kept
per scope (`cached.read`), so district users share what it read for their district; what pages
build from the reads is kept per allowed area, so it is ready for province users.

`status()` says what was warmed and how long it took; the server answers it at
`/_vax/warm-up` (JSON; no figures, only counts and times).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

import settings
from dashboard.access import PROVINCE_CODE, User
from dashboard.i18n import text
from queries import dimensions, readiness
from queries.freshness import freshness
from queries.periods import complete_weeks

USER = User("warm-up", "province", PROVINCE_CODE, via="warm-up")
PAGES = ("", "coverage", "sites", "stock", "quality")  # "" is the overview, at "/"
LANG = "vi"
CHECK_SECONDS = 10.0  # as often as the pages look for a new data version
PAGE_TIMEOUT_S = 300.0
PATH = "/_vax/warm-up"
log = logging.getLogger("dashboard.warmup")

_sessions: set[str] = set()  # the runtime sessions this module opened and has not closed


@dataclass
class Status:
    state: str = "waiting"  # waiting, warming, ready, off, failed, unreadable
    version: str | None = None  # the data version warmed (or being warmed)
    views: int = 0  # views opened for that version so far
    pages: int = 0  # page runs that finished
    problems: list[str] = field(default_factory=list)  # runs that failed or showed an error
    seconds: float | None = None  # how long the last complete warming took
    finished_at: float | None = None  # time.time() when it ended


_status = Status()


def status() -> dict:
    return asdict(_status)


def is_warm_up() -> bool:
    """Whether the script runs in a session this module opened (then its user is `USER`)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx is not None and ctx.session_id in _sessions


def views(last_day, districts: list[str], weeks: int) -> list[str]:
    """The addresses to open: for each of the last `weeks` complete weeks (newest first) the
    whole province, then every district."""
    labels = complete_weeks(last_day - timedelta(days=7 * (weeks + 1)), last_day)[:weeks]
    scopes = [""] + [f"&district={code}" for code in districts]
    return [f"lang={LANG}&week={week}{scope}" for week in labels for scope in scopes]


def _look(url: str) -> tuple[str | None, list[str], object]:
    """(data version, district codes, last day of data) of the warehouse; (None, [], None) when
    it cannot be read (missing, another schema version, being rebuilt)."""
    from dashboard import cached  # (imported once the runtime exists: see `lifespan`)

    try:
        with cached.engine(url).connect() as conn:
            if readiness.schema_problem(conn):
                return None, [], None
            last_day = freshness(conn).last_day
            areas = dimensions.areas(conn)
        version = cached.data_version(url)  # the pages' own (which drops older versions)
    except Exception:  # noqa: BLE001 - missing, being rebuilt, unreachable: try again later
        if _status.state != "unreadable":  # one line when it goes, not one every check
            log.warning("warm-up: the warehouse could not be read; trying again every %g s",
                        CHECK_SECONDS)  # fmt: skip
            _status.state = "unreadable"
        return None, [], None
    if last_day is None:
        return None, [], None
    districts = sorted(areas.loc[areas["area_level"] == "district", "area_code"])
    return version, districts, last_day


def _version_now(url: str) -> str | None:
    """The data version the pages see now (None when the warehouse cannot be read)."""
    from dashboard import cached

    try:
        return cached.data_version(url)
    except Exception:  # noqa: BLE001 - the next check says what is wrong
        return None


def _keep_out_of_collections() -> None:
    """Leave what is now in memory (the warmed reads and views, the modules) out of the garbage
    collector's full collections: with a few hundred MB of frames and figures kept, each full
    collection walked all of them while every page run waited. What is freed later is still
    freed when nothing refers to it; what a new load replaces (`cached.data_version` drops the
    older version's entries) is collected in full once, before the next freeze."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _give_back_freed_memory()


def _give_back_freed_memory() -> None:
    """Return the C allocator's free pages to the system (glibc keeps them by default): what
    the older version's entries held shows as free memory again, not as the server's."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: reused all the same
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _Client:
    """The warm-up session's client: it keeps nothing the script sends, only notes when a run
    ends and what error it showed. Called on the event loop's thread."""

    def __init__(self) -> None:
        self.done: asyncio.Future[str] | None = None
        self.errors: list[str] = []
        self.headings: list[str] = []

    def write_forward_msg(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            how = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            # a run stopped for a rerun is followed by the rerun's own messages
            if how != "FINISHED_EARLY_FOR_RERUN" and self.done and not self.done.done():
                self.done.set_result(how)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                self.errors.append(f"{element.exception.type}: {element.exception.message}")
            elif element.WhichOneof("type") == "heading":
                self.headings.append(element.heading.body)

    @property
    def client_context(self):
        return None


async def _open_view(runtime: Runtime, query: str) -> list[str]:
    """Open `PAGES` of one address in a new session; the problems met."""
    client = _Client()
    session_id = runtime.connect_session(client=client, user_info={})
    # no browser may take this session over by naming its id on reconnecting
    runtime.mark_session_nonresumable(session_id)
    _sessions.add(session_id)
    problems: list[str] = []
    try:
        for page in PAGES:
            client.done = asyncio.get_running_loop().create_future()
            client.errors.clear()
            client.headings.clear()
            msg = BackMsg()
            msg.rerun_script.query_string = query
            msg.rerun_script.page_name = page
            runtime.handle_backmsg(session_id, msg)
            try:
                how = await asyncio.wait_for(client.done, PAGE_TIMEOUT_S)
            except TimeoutError:
                how = f"no end within {PAGE_TIMEOUT_S:.0f} s"
            where = f"/{page}?{query}"
            title = text(f"page_{page or 'overview'}", LANG)
            if how != "FINISHED_SUCCESSFULLY":
                problems.append(f"{where}: {how}")
            elif title not in client.headings:  # the sign-in form, say: nothing was warmed
                problems.append(f"{where}: showed {client.headings[:1]}, not {title!r}")
            problems.extend(f"{where}: {error}" for error in client.errors)
            _status.pages += 1
    finally:
        _sessions.discard(session_id)
        runtime.close_session(session_id)
    return problems


async def warm(runtime: Runtime, url: str, weeks: int) -> bool:
    """Warm every view of the warehouse's current data version unless it is the one already
    warmed; True when it warmed."""
    version, districts, last_day = await asyncio.to_thread(_look, url)
    # a version warmed once is not warmed again, even when a page failed (it would fail again)
    if version is None or (version == _status.version and _status.state in ("ready", "failed")):
        return False
    addresses = views(last_day, districts, weeks)
    _status.state, _status.version, _status.views, _status.pages = "warming", version, 0, 0
    _status.problems = []
    t0 = time.perf_counter()
    for query in addresses:
        if _status.views and await asyncio.to_thread(_version_now, url) != version:
            # a newer load arrived: its views are the ones worth warming
            log.info("warm-up: data version %s replaced while warming; starting again", version)
            _status.state = "waiting"
            return True
        problems = await _open_view(runtime, query)
        _status.views += 1
        for problem in problems:
            log.warning("warm-up: %s", problem)
        _status.problems.extend(problems)
    _keep_out_of_collections()
    _status.seconds = round(time.perf_counter() - t0, 1)
    _status.finished_at = time.time()
    _status.state = "failed" if _status.problems else "ready"
    log.info(
        "warm-up: %d views (%d pages) of data version %s in %.1f s%s",
        len(addresses), _status.pages, version, _status.seconds,
        f", {len(_status.problems)} problems" if _status.problems else "",
    )  # fmt: skip
    return True


async def _keep_warm(url: str, weeks: int) -> None:
    runtime = Runtime.instance()
    while True:
        try:
            await warm(runtime, url, weeks)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - warming is a help, never a reason to stop serving
            log.exception("warm-up failed; trying again later")
            _status.state = "failed"
        await asyncio.sleep(CHECK_SECONDS)


@contextlib.asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    """For `st.App(lifespan=...)`: keep the dashboard warm while the server runs."""
    # The cached reads' module is imported here, not when serve.py is: its decorators check
    # their settings against the runtime's cache storage, which exists only from now on.
    from dashboard import cached

    if not log.handlers:  # the server's own log: one line per warming
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    weeks = settings.warm_up_weeks()
    task = None
    if weeks:
        task = asyncio.create_task(_keep_warm(cached.warehouse_url(), weeks))
    else:
        _status.state = "off"
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _answer(_request: Request) -> JSONResponse:
    return JSONResponse(status())


def route() -> Route:
    return Route(PATH, _answer, methods=["GET"])
