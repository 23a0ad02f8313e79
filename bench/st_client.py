"""A browser-less client of a running `streamlit run` server, speaking Streamlit's own protocol,
and a server the load benchmark starts and watches.

The browser's frontend talks to the server over one WebSocket, `/_stcore/stream` (subprotocol
"streamlit"): it sends `BackMsg` protobufs (a `rerun_script` carrying the page, its query
string and the widget states) and receives `ForwardMsg` protobufs (the new session, the
navigation, one delta per element, then `script_finished`). `Client.open` does what the
browser does when a user opens an address: one `rerun_script` for that page and query, then it
reads every message of that run and keeps what a load test needs (time, exceptions shown, the
page's heading, how the run finished). Nothing is rendered.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "serve.py"  # as `make run` serves it


@dataclass
class PageRun:
    """One page opened by one session: what the server sent back for it."""

    page: str
    query: str
    seconds: float = 0.0
    headings: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    elements: int = 0
    finished: str | None = None  # the ScriptFinishedStatus name; None: never finished
    error: str | None = None  # the client's own failure (timeout, connection lost)

    @property
    def problems(self) -> list[str]:
        found = [f"exception: {e.splitlines()[0][:120]}" for e in self.exceptions]
        if self.error:
            found.append(self.error)
        elif self.finished != "FINISHED_SUCCESSFULLY":
            found.append(f"run ended {self.finished or 'without script_finished'}")
        return found


class Client:
    """One browser tab's worth of protocol: a WebSocket session on the server."""

    def __init__(self, base_url: str, timeout: float = 300.0) -> None:
        self.ws_url = base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.timeout = timeout
        self._ws = None

    async def __aenter__(self) -> Client:
        # No keepalive pings: a browser sends none, and a server busy for 20 s would have the
        # client drop a session a browser keeps.
        self._ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    async def open(self, page: str, query: str = "") -> PageRun:
        """Open `page` (its address path: "" for the overview, "coverage", ...) with the query
        string `query` (e.g. "district=356&week=2021-W40") and wait for the run to end."""
        run = PageRun(page, query)
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        t0 = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            async with asyncio.timeout(self.timeout):
                while run.finished is None:
                    self._take(run, await self._ws.recv())
        except TimeoutError:
            run.error = f"no answer within {self.timeout:.0f} s"
        except websockets.ConnectionClosed as exc:
            run.error = f"connection closed ({exc})"
        run.seconds = time.perf_counter() - t0
        return run

    @staticmethod
    def _take(run: PageRun, data: bytes) -> None:
        fwd = ForwardMsg()
        fwd.ParseFromString(data)
        kind = fwd.WhichOneof("type")
        if kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
            # A run stopped early for a rerun is followed by the rerun's own messages.
            if status != "FINISHED_EARLY_FOR_RERUN":
                run.finished = status
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            run.elements += 1
            which = element.WhichOneof("type")
            if which == "exception":
                run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            elif which == "heading":
                run.headings.append(element.heading.body)


# --- the server -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


class Server:
    """`streamlit run dashboard/serve.py` on `port` reading the warehouse at `warehouse_url`; its
    output goes to `log`. `disconnected_ttl`: seconds a closed session's state is kept for a
    reconnection (Streamlit's server.disconnectedSessionTTL); `options`: other Streamlit
    options for this run ({"runner.postScriptGC": "true"}), over .streamlit/config.toml."""

    def __init__(
        self,
        warehouse_url: str,
        port: int,
        log: Path,
        disconnected_ttl: int = 120,
        options: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        # The sessions open pages as a province user without the sign-in form (the protocol
        # client types no password): what is measured is the pages, not the sign-in.
        # (`env` may turn it back on: "VAX_AUTH": "on")
        env = {**os.environ, "VAX_AUTH": "off", **(env or {}), "VAX_WAREHOUSE_URL": warehouse_url}
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.disconnectedSessionTTL", str(disconnected_ttl),
        ]  # fmt: skip
        for key, value in (options or {}).items():
            cmd += [f"--{key}", value]
        self._out = log.open("w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._out, stderr=self._out)

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{self.tail()}")
            time.sleep(0.3)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._out.close()


def _metrics(base_url: str) -> list[str]:
    with urllib.request.urlopen(f"{base_url}/_stcore/metrics", timeout=30) as response:
        return response.read().decode().splitlines()


def cache_stats(base_url: str) -> dict[str, float]:
    """Totals over the app's st.cache_data caches from the server's /_stcore/metrics: "bytes"
    held, "hits" and "misses" (a miss is a computation) of every lookup so far; and the
    server's "sessions" still active."""
    found = {"bytes": 0.0, "hits": 0.0, "misses": 0.0, "sessions": 0.0}
    for line in _metrics(base_url):
        if line.startswith("active_sessions"):
            found["sessions"] += float(line.rsplit(" ", 1)[1])
        if 'cache_type="st_cache_data"' not in line or line.startswith("#"):
            continue
        value = float(line.rsplit(" ", 1)[1])
        if line.startswith("cache_memory_bytes{"):
            found["bytes"] += value
        elif line.startswith("cache_lookups_total{"):
            found["hits" if 'result="hit"' in line else "misses"] += value
    return found


def misses(base_url: str, caches: tuple[str, ...]) -> float:
    """Computations so far of the named st.cache_data caches (their functions' qualified names,
    e.g. "dashboard.cached._read"), from the server's /_stcore/metrics."""
    total = 0.0
    for line in _metrics(base_url):
        counted = any(f'cache="{name}"' in line for name in caches)
        if line.startswith("cache_lookups_total{") and 'result="miss"' in line and counted:
            total += float(line.rsplit(" ", 1)[1])
    return total


def warm_up_status(base_url: str) -> dict:
    """What the server's warming after a load has done (`dashboard/warmup.py`)."""
    with urllib.request.urlopen(f"{base_url}/_vax/warm-up", timeout=30) as response:
        return json.loads(response.read())


def wait_warm(base_url: str, timeout: float = 900.0) -> dict:
    """Waits until the server has warmed its views of the current data (or warming is off or
    failed); its status."""
    deadline = time.monotonic() + timeout
    while True:
        status = warm_up_status(base_url)
        if status["state"] in ("ready", "failed", "off") or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


def rss_mb(pid: int) -> float | None:
    """Resident memory of the process, MB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used, seconds (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MemorySampler:
    """Samples a process's resident memory every `every` seconds in a thread."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid = pid
        self.every = every
        self.samples: list[tuple[float, float]] = []  # (monotonic time, MB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            mb = rss_mb(self.pid)
            if mb is not None:
                self.samples.append((time.monotonic(), mb))
            self._stop.wait(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, since: float = 0.0, until: float = float("inf")) -> float | None:
        values = [mb for t, mb in self.samples if since <= t <= until]
        return max(values) if values else None

    def last(self) -> float | None:
        return self.samples[-1][1] if self.samples else None
