"""Screenshots of the running dashboard, to look at what a page shows at a given size.

    .venv/bin/python scripts/screenshots.py --warehouse-url sqlite:///data/warehouse.db \
        --out /tmp/shots --size 1366x768 --size 1920x1080 "" "sites?district=356" ...

Starts `streamlit run dashboard/app.py` on a free port against the warehouse, opens each
address (a page path and query, "" for the overview) at each size in Debian's Chromium, waits
until the app is idle, and writes one full-page PNG per address and size. Needs
/usr/bin/chromium (Debian's package); it downloads nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
IDLE_JS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    const running = document.querySelector("[data-testid='stStatusWidget']") !== null;
    return !running && app && app.getAttribute("data-test-script-state") === "notRunning";
}"""

TALL_JS = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    return main ? main.scrollHeight + 40 : document.body.scrollHeight;
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the dashboard did not start at {base}")


def _wait_idle(page, quiet: float = 1.5, timeout: float = 90) -> None:
    deadline, since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if page.evaluate(IDLE_JS):
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        time.sleep(0.25)


def _name(address: str, size: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", address).strip("_") or "overview"
    return f"{slug}_{size}.png"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addresses", nargs="+", help='page path and query, "" for the overview')
    parser.add_argument("--warehouse-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", action="append", default=[], help="WIDTHxHEIGHT")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # The pages as a province user, without the sign-in form (the red banner shows).
    env = {**os.environ, "VAX_WAREHOUSE_URL": args.warehouse_url, "VAX_AUTH": "off"}
    log = open(args.out / "streamlit.log", "w")  # noqa: SIM115 - open for the server's life
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_healthy(base)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for size in args.size or ["1366x768"]:
                width, height = (int(x) for x in size.split("x"))
                page = browser.new_page(viewport={"width": width, "height": height})
                for address in args.addresses:
                    page.goto(f"{base}/{address}")
                    page.wait_for_selector("[data-testid='stApp']")
                    _wait_idle(page)
                    # The app scrolls inside its main area: grow the window to show all of it.
                    tall = page.evaluate(TALL_JS)
                    page.set_viewport_size({"width": width, "height": max(height, min(tall, 9000))})
                    _wait_idle(page, quiet=1.0)
                    path = args.out / _name(address, size)
                    page.screenshot(path=str(path), full_page=True)
                    page.set_viewport_size({"width": width, "height": height})
                    print(path)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
