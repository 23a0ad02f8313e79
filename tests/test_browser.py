"""The running dashboard in a real browser: every page opens without an exception in both
languages, a copied link opens the same view, and the browser's Back button returns to it.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright against `streamlit run
dashboard/app.py` on a copy of the small simulated province the page tests share.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT, copy_database

pytestmark = pytest.mark.browser

APP = ROOT / "dashboard" / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PAGES = {
    # url path: (Vietnamese title, English title). The default page is served at the root.
    "": ("Tổng quan tuần", "Weekly overview"),
    "coverage": ("Độ bao phủ", "Coverage by district"),
    "sites": ("Bản đồ điểm tiêm", "Sites map"),
    "screening": ("Khám sàng lọc & hoãn tiêm", "Screening and deferrals"),
    "stock": ("Vắc xin & tồn kho", "Vaccine and stock"),
    "allocation": ("Phân bổ vắc xin", "Vaccine allocation"),
    "certificates": ("Chứng nhận tiêm", "Certificates"),
    "aefi": ("Phản ứng sau tiêm", "Adverse events"),
    "flow": ("Quy trình buổi tiêm", "Session flow"),
    "quality": ("Chất lượng dữ liệu", "Data quality"),
}
SERVER_START_TIMEOUT = 60
IDLE_TIMEOUT = 45
QUIET_SECONDS = 1.0

# One poll of the page: is the "Running..." widget shown, and what do the app's run and
# connection states say (attributes Streamlit sets on its root element).
_STATE_JS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return [
        document.querySelector("[data-testid='stStatusWidget']") !== null,
        app ? app.getAttribute("data-test-script-state") : null,
        app ? app.getAttribute("data-test-connection-state") : null,
    ];
}"""


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    warehouse: str = ""

    def tail(self, chars: int = 3000) -> str:
        """The end of the server's output, for failure messages."""
        return "--- streamlit output ---\n" + self.log.read_text(errors="replace")[-chars:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium package; `make test` does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def server(chromium, small_province, tmp_path_factory) -> Iterator[Server]:
    """`streamlit run dashboard/app.py` on a copy of the small simulated province."""
    tmp = tmp_path_factory.mktemp("browser")
    warehouse = f"sqlite:///{tmp / 'w.db'}"
    copy_database(Path(sa.make_url(small_province[1]).database), tmp / "w.db")
    env = {
        **os.environ,
        "VAX_PSEUDONYM_KEY": "test-key",
        "VAX_WAREHOUSE_URL": warehouse,
        "VAX_AUTH": "off",  # signing in has its own browser test (test_browser_signin.py)
    }
    port = _free_port()
    running = Server(f"http://127.0.0.1:{port}", tmp / "streamlit.log", warehouse)
    with running.log.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(running.url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited ({proc.returncode})\n{running.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer in {SERVER_START_TIMEOUT} s\n{running.tail()}"
                )
            time.sleep(0.2)
        yield running
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def wait_idle(page, timeout: float = IDLE_TIMEOUT) -> None:
    """Wait until Streamlit has finished running: after network idle, the "Running..." status
    widget absent, a finished script run and a live connection, all for QUIET_SECONDS."""
    page.wait_for_load_state("networkidle")
    deadline = time.monotonic() + timeout
    quiet_since = None
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(_STATE_JS)
        running, script, connection = state
        if not running and script == "notRunning" and connection == "CONNECTED":
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= QUIET_SECONDS:
                return
        else:
            quiet_since = None
        time.sleep(0.1)
    pytest.fail(f"{page.url} still running after {timeout} s (widget, run, connection: {state})")


def wait_for(check: Callable[[], bool], timeout: float = 15) -> bool:
    """Poll `check` until it holds or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def problems(page) -> list[str]:
    """Exceptions the app shows, and Streamlit's "Page not found" dialog."""
    found = [
        "exception: " + e.inner_text() for e in page.locator("[data-testid='stException']").all()
    ]
    dialogs = page.get_by_role("dialog").filter(has_text="Page not found")
    if dialogs.count():
        found.append("Streamlit could not find the page: " + dialogs.first.inner_text())
    return found


def title(page) -> str:
    heading = page.locator("[data-testid='stMain'] h1").first
    return heading.inner_text().strip() if heading.count() else "<no h1>"


def district_box(page):
    """The sidebar's district selectbox (its input shows the chosen name)."""
    return page.locator("[data-testid='stSidebar'] input[aria-label='Huyện, Thành phố']")


def district_shown(page) -> str:
    return district_box(page).input_value()


def header_caption(page) -> str:
    return page.locator(
        "[data-testid='stMain'] [data-testid='stCaptionContainer']"
    ).first.inner_text()


def choose_district(page, name: str) -> None:
    """Pick a district in the sidebar's list, as a user does."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # On a loaded machine the first click can land while the sidebar still re-renders: open
    # the list again until the option shows.
    option = page.get_by_role("option", name=name, exact=True)
    for _ in range(4):
        district_box(page).click()
        try:
            option.wait_for(state="visible", timeout=8000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_idle(page)
    option.click()
    wait_idle(page)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_without_error_in_both_languages(server, page, path):
    failures = []
    for lang, expected in zip(("vi", "en"), PAGES[path], strict=True):
        url = f"{server.url}/{path}" + ("?lang=en" if lang == "en" else "")
        page.goto(url)
        wait_idle(page)
        shown = title(page)
        for problem in problems(page):
            print(f"--- {url}\n{problem}")
            failures.append(f"{url}: {problem.splitlines()[0]}")
        if shown != expected:
            failures.append(f"{url}: title {shown!r}, expected {expected!r}")
    assert not failures, "\n".join([*failures, server.tail()])


def test_the_overview_address_opens_the_overview_with_its_query(server, page):
    # The overview is served at "/"; a bookmark of "/overview" must show it, with the
    # bookmark's query, not Streamlit's "Page not found".
    page.goto(f"{server.url}/overview?lang=en&week=2021-W40&district=360")
    wait_idle(page)
    assert not problems(page)
    assert title(page) == "Weekly overview"
    assert "Huyện Ý Yên" in header_caption(page)
    assert "04/10/2021 – 10/10/2021" in header_caption(page)


def test_a_copied_link_opens_its_view_and_back_returns_to_it(server, page):
    page.goto(f"{server.url}/coverage?week=2021-W40&district=360")
    wait_idle(page)
    assert not problems(page), problems(page)
    assert title(page) == "Độ bao phủ"
    assert district_shown(page) == "Huyện Ý Yên"
    assert "Huyện Ý Yên" in header_caption(page)
    assert "04/10/2021 – 10/10/2021" in header_caption(page)

    choose_district(page, "Huyện Vụ Bản")
    assert wait_for(lambda: "district=359" in page.url), page.url
    assert district_shown(page) == "Huyện Vụ Bản"
    assert wait_for(lambda: "Huyện Vụ Bản" in header_caption(page)), header_caption(page)
    assert "week=2021-W40" in page.url

    page.go_back()
    wait_idle(page)
    assert wait_for(lambda: "district=360" in page.url), page.url
    assert wait_for(lambda: district_shown(page) == "Huyện Ý Yên"), district_shown(page)
    assert wait_for(lambda: "Huyện Ý Yên" in header_caption(page)), header_caption(page)
    assert "04/10/2021 – 10/10/2021" in header_caption(page)
    assert not problems(page), problems(page)


@pytest.mark.parametrize("path", ["sites", "quality"])
def test_the_first_change_is_kept_and_back_takes_one_press(server, page, path):
    page.goto(f"{server.url}/{path}?week=2021-W40&district=360")
    wait_idle(page)
    assert district_shown(page) == "Huyện Ý Yên"
    choose_district(page, "Huyện Vụ Bản")
    # Kept at the first try: the address, the box and the page's caption all say so.
    assert wait_for(lambda: "district=359" in page.url), page.url
    assert district_shown(page) == "Huyện Vụ Bản"
    assert wait_for(lambda: "Huyện Vụ Bản" in header_caption(page)), header_caption(page)
    page.go_back()
    wait_idle(page)
    assert wait_for(lambda: "district=360" in page.url), page.url
    assert wait_for(lambda: district_shown(page) == "Huyện Ý Yên"), district_shown(page)
    assert not problems(page), problems(page)


PYTHON_TEXT = ("Traceback", 'File "', ".py", "/work/", "/tmp/", "Error:", "Exception")


@pytest.mark.parametrize(
    ("address", "line"),
    [
        ("?district=999", "Không có huyện mã 999 — đang hiển thị toàn tỉnh"),
        ("?from=2021-01-01&to=2021-02-01", "Không có số liệu từ 01/01/2021 đến 01/02/2021"),
        ("no-such-page?district=360", "Không có trang “no-such-page”"),
        ("?lang=fr", "Không hỗ trợ ngôn ngữ “fr”"),
        ("?week=2030-W01", "Không có số liệu tuần “2030-W01”"),
        ("?from=2021-10-20&to=2021-10-01", "Ngày bắt đầu 20/10/2021 sau ngày kết thúc 01/10/2021"),
        ("sites?status=rainbow", "“rainbow” không phải là lựa chọn"),
        ("coverage?lang=en&district=360&commune=1", "There is no commune with code 1"),
    ],
)
def test_a_bad_link_gets_one_line_and_nothing_of_python(server, page, address, line):
    page.goto(f"{server.url}/{address}")
    wait_idle(page)
    alerts = [a.inner_text() for a in page.locator("[data-testid='stAlert']").all()]
    assert len([a for a in alerts if line in a]) == 1, alerts
    assert not problems(page), problems(page)
    body = page.locator("body").inner_text()
    assert not [marker for marker in PYTHON_TEXT if marker in body], body[:2000]


def test_tab_title_names_the_page_in_its_language_and_the_icon_is_served_locally(server, page):
    page.goto(f"{server.url}/")
    wait_idle(page)
    assert page.title() == "Tổng quan tuần · BCĐ tiêm chủng Nam Định"
    page.goto(f"{server.url}/stock?lang=en")
    wait_idle(page)
    assert page.title() == "Vaccine and stock · Nam Định vaccination"
    icons = page.eval_on_selector_all("link[rel~='icon']", "links => links.map(l => l.href)")
    assert icons and all(href.startswith((server.url, "data:")) for href in icons), icons


def test_the_chart_toolbar_speaks_the_interface_language(server, page):
    page.goto(f"{server.url}/?week=2021-W40")
    wait_idle(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.hover()
    assert wait_for(lambda: page.locator(".modebar-btn").count() > 0)
    titles = page.eval_on_selector_all(
        ".modebar-btn", "buttons => buttons.map(b => b.getAttribute('data-title'))"
    )
    assert "Tải biểu đồ (PNG)" in titles, titles
    assert not [t for t in titles if t and ("Download" in t or "Zoom" in t)], titles


def test_an_alerts_site_link_opens_the_sites_detail_with_the_whole_address(server, page):
    page.goto(f"{server.url}/?week=2021-W40")
    wait_idle(page)
    links = page.get_by_role("link", name="Xem điểm tiêm")
    # The alerts are the page's last section: on a loaded machine they can still be arriving.
    assert wait_for(lambda: links.count() > 0, timeout=45), "no site link in week 2021-W40"
    links.first.click()
    wait_idle(page)
    assert wait_for(lambda: "/sites?" in page.url), page.url
    for key in ("week=2021-W40", "district=", "commune=", "site="):
        assert key in page.url, page.url
    assert title(page) == "Bản đồ điểm tiêm"
    detail = page.locator("[data-testid='stMain'] h3", has_text="Chi tiết điểm tiêm")
    assert wait_for(lambda: detail.count() == 1)
    # The address is the view: a reload (or the link copied) opens the same site.
    address = page.url
    page.reload()
    wait_idle(page)
    assert page.url == address
    assert wait_for(lambda: detail.count() == 1)
    assert not problems(page), problems(page)


# --- downloads and print -----------------------------------------------------------------------
def test_a_chart_image_download_delivers_a_slide_size_png(server, page):
    from PIL import Image

    page.goto(f"{server.url}/?week=2021-W40")
    wait_idle(page)
    page.locator("[data-testid='stPopoverButton']:visible").first.click()
    page.get_by_role("button", name="Tạo ảnh PNG").click()
    save = page.get_by_role("button", name="Lưu PNG")
    save.wait_for(timeout=60_000)  # the first image starts the renderer's browser
    with page.expect_download() as download:
        save.click()
    got = download.value
    assert got.suggested_filename == "so-mui-tiem-theo-ngay_tinh-nam-dinh_2021-W40.png"
    picture = Image.open(got.path())
    assert picture.format == "PNG" and picture.size == (3200, 1800)
    assert not problems(page), problems(page)


def test_a_table_download_delivers_the_querys_numbers_as_a_workbook(server, page):
    import io
    from datetime import date

    import pandas as pd
    from openpyxl import load_workbook
    from page_support import read

    from queries import overview
    from queries.scope import Period

    page.goto(f"{server.url}/?week=2021-W40")
    wait_idle(page)
    # The daily doses chart's table (the page has other tables with their own buttons).
    behind = page.get_by_test_id("stExpander").filter(has_text="Xem bảng số liệu").first
    behind.get_by_text("Xem bảng số liệu").click()
    button = behind.get_by_role("button", name="Excel (XLSX)").first
    button.wait_for()
    with page.expect_download() as download:
        button.click()
    got = download.value
    assert got.suggested_filename == "so-mui-tiem-theo-ngay_tinh-nam-dinh_2021-W40.xlsx"
    with open(got.path(), "rb") as f:
        ws = load_workbook(io.BytesIO(f.read())).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Ngày")
    body = rows[header + 1 :]
    trend = read(
        server.warehouse, overview.daily_trend, "36", Period(date(2021, 10, 4), date(2021, 10, 10))
    )
    assert [r[0].date() for r in body] == [pd.Timestamp(d).date() for d in trend["date"]]
    assert [r[4] for r in body] == trend["total"].tolist()


def test_a_printed_page_has_no_sidebar_and_cards_on_one_line(server, page):
    page.goto(f"{server.url}/?week=2021-W40")
    wait_idle(page)
    # What the browser announces before it lays the page out for paper: every chart is
    # scaled to A4's printable width (190 mm, 718 CSS pixels), then set back afterwards.
    charts = page.locator(".stPlotlyChart .svg-container")
    assert wait_for(lambda: charts.count() >= 3)
    assert max(c.bounding_box()["width"] for c in charts.all()) > 718  # as drawn on screen
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert all(c.bounding_box()["width"] <= 719 for c in charts.all())
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert max(c.bounding_box()["width"] for c in charts.all()) > 718
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    assert wait_for(lambda: not page.locator("[data-testid='stSidebar']").is_visible())
    assert not page.locator("[data-testid='stPopoverButton']:visible").count()
    values = page.locator("[data-testid='stMetricValue']")
    assert values.count() >= 8
    for i in range(values.count()):
        box = values.nth(i).bounding_box()
        assert box and box["height"] < 60, (values.nth(i).inner_text(), box)  # one line
    assert page.pdf(format="A4").startswith(b"%PDF")


@pytest.mark.parametrize(
    "lang, heading, expiry, link",
    [
        (
            "vi",
            "Cần quyết định",
            "Vắc xin đã hết hạn và sắp hết hạn",
            "Xem trang Vắc xin & tồn kho",
        ),
        ("en", "Decisions needed", "Expired and near-expiry doses", "Open Vaccine and stock"),
    ],
)
def test_the_decisions_and_expiry_sections_lead_to_the_stock_page(
    server, page, lang, heading, expiry, link
):
    page.goto(f"{server.url}/?week=2021-W40&lang={lang}")
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    for text in (heading, expiry):
        assert wait_for(lambda t=text: main.get_by_role("heading", name=t).count() == 1), text
    target = page.get_by_role("link", name=link)
    assert wait_for(lambda: target.count() == 1)
    target.click()
    wait_idle(page)
    assert wait_for(lambda: "/stock?" in page.url), page.url
    assert "week=2021-W40" in page.url, page.url
    if lang == "en":  # Vietnamese is the default, left out of the address
        assert "lang=en" in page.url, page.url
    assert not problems(page), problems(page)


def test_a_target_group_with_a_plus_sign_survives_the_address(server, page):
    # "18+" and "65+" are the group names of the address: the "+" must come back as "+".
    page.goto(f"{server.url}/coverage?week=2021-W40&group=65%2B")
    wait_idle(page)
    assert not problems(page), problems(page)
    main = page.locator("[data-testid='stMain']")
    assert wait_for(lambda: "Mẫu số: dân số 65+ năm 2021" in main.inner_text()), main.inner_text()
    assert "không phải là lựa chọn" not in main.inner_text()
    assert "group=65%2B" in page.url or "group=65+" not in page.url


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_weekly_summary_reads_its_sentences_with_their_sources(server, page, lang):
    from datetime import date

    from page_support import read

    from dashboard import summary_text
    from queries import summary
    from queries.scope import Period

    page.goto(f"{server.url}/?week=2021-W40&lang={lang}")
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    heading = "Tóm tắt tuần" if lang == "vi" else "Weekly summary"
    assert wait_for(lambda: main.get_by_role("heading", name=heading).count() == 1)
    facts = read(server.warehouse, summary.gather, "36", Period(date(2021, 10, 4),
                                                               date(2021, 10, 10)))  # fmt: skip
    for sentence in summary_text.sentences(facts, lang):
        assert main.get_by_text(sentence.text, exact=True).count() == 1, sentence.text
    assert not problems(page), problems(page)


def test_the_allocation_workbook_holds_the_proposal(server, page):
    import io
    from datetime import date

    from openpyxl import load_workbook
    from page_support import read

    from queries import allocation
    from queries import allocation_inputs as inputs_q
    from queries.scope import Period

    week = Period(date(2021, 10, 4), date(2021, 10, 10))
    held = read(server.warehouse, inputs_q.province_stock, "36", week)
    vaccine = max(held, key=lambda v: held[v])
    page.goto(f"{server.url}/allocation?week=2021-W40&vaccine={vaccine}")
    wait_idle(page)
    button = page.get_by_role("button", name="Excel (XLSX)").first
    button.wait_for()
    with page.expect_download() as download:
        button.click()
    with open(download.value.path(), "rb") as f:
        ws = load_workbook(io.BytesIO(f.read())).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Huyện")
    names = rows[header]
    body = [dict(zip(names, r, strict=True)) for r in rows[header + 1 :]]
    lots = read(server.warehouse, inputs_q.lots_for_period, "36", week, vaccine)
    window = inputs_q.window_days(week.end, 14, inputs_q.first_expiry(lots, held[vaccine]))

    def sites_as_of_end(conn, scope, period, *extra):
        return inputs_q.sites(conn, scope, period.end, *extra)

    sites = read(server.warehouse, sites_as_of_end, "36", week, vaccine, "18+",
                 8.0, window)  # fmt: skip
    proposal = allocation.allocate(sites, held[vaccine])
    expected = proposal.sites.set_index("name")["proposed"]
    assert {r["Điểm tiêm"]: r["Phân bổ"] for r in body} == expected.to_dict()
    assert sum(r["Phân bổ"] for r in body) == min(held[vaccine], proposal.room)
    assert not problems(page), problems(page)
