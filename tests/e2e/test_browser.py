"""The dashboard in a real browser: Debian's chromium driven by playwright.

The app is started with `streamlit run` against one nightly build of the bundled sample, in its
local demo mode. For each role and language the test clicks through every page of the navigation
(one browser session, as a user would, so the role and language chosen in the sidebar hold), waits
for the script run to finish, checks that no exception or error box is shown, that no JavaScript
dialog opened, that no card's label or value is cut off (an ellipsis drawn by CSS: the text is wider
than its box), and that the browser asked nothing of any host but the app's own (no outside fonts,
icons or tiles: the app must work offline and must not tell anyone it is being opened), and saves a
screenshot per page under tests/output/browser/ (role-language-page.png). The sample holds an enterprise named
`<script>alert(1)</script>某化工厂`: officers must see that name as text, and nobody gets a dialog.

Needs /usr/bin/chromium (`make test` installs Debian's chromium when it is missing).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP = PROJECT_ROOT / "dashboards" / "app.py"
SCREENSHOTS = PROJECT_ROOT / "tests" / "output" / "browser"
CHROMIUM = Path(os.environ.get("GHG_CHROMIUM", "/usr/bin/chromium"))
HOSTILE_NAME = "<script>alert(1)</script>某化工厂"
ROLE_LABELS_ZH = {"leader": "领导（仅汇总数据）", "officer": "业务人员", "analyst": "分析人员"}
SCRIPT_RUN_TIMEOUT_MS = 120_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_warehouse, tmp_path_factory):
    port = _free_port()
    env = {**os.environ, "GHG_WAREHOUSE_DIR": str(sample_warehouse), "GHG_DASHBOARD_MODE": "demo",
           # the briefing button keeps a snapshot per briefing: never in the shared read-only sample
           "GHG_BRIEFINGS_DIR": str(tmp_path_factory.mktemp("briefings"))}
    streamlit = Path(sys.executable).with_name("streamlit")
    log = (PROJECT_ROOT / "tests" / "output").joinpath("browser-streamlit.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(streamlit), "run", str(APP), "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                assert process.poll() is None, f"streamlit exited early; see {log}"
                assert time.monotonic() < deadline, f"streamlit did not become healthy in 90 s; see {log}"
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; `make test` does it)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield instance
        instance.close()


LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
# Card texts (Streamlit's metric label and value) cut off by CSS: wider than their box.
TRUNCATED_CARDS_JS = """
() => [...document.querySelectorAll("[data-testid='stMetricLabel'] *, [data-testid='stMetricValue'], [data-testid='stMetricValue'] *, [data-testid='stMetricDelta'] *")]
    .filter(element => element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1
            && getComputedStyle(element).textOverflow === "ellipsis")
    .map(element => element.innerText)
"""


class Session:
    """One browser tab = one Streamlit session; records every dialog the page tries to open and
    every request that leaves the app's host."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)
        self.page.goto(url)
        self.settle()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme not in LOCAL_SCHEMES and parsed.hostname not in LOCAL_HOSTS:
            self.outside.append(request.url)

    def choose_language(self, lang: str) -> None:
        if lang == "zh":
            return
        self.page.locator("[data-testid='stSidebar'] [data-testid='stRadioOption']", has_text="English").click()
        self.settle()

    def truncated_cards(self) -> list[str]:
        return self.page.evaluate(TRUNCATED_CARDS_JS)

    def settle(self) -> None:
        """Wait until the app is connected and its script run has finished (twice, a short while
        apart: one run can trigger another, e.g. a page switch)."""
        page = self.page
        page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=SCRIPT_RUN_TIMEOUT_MS)
        for _ in range(2):
            page.wait_for_timeout(400)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=SCRIPT_RUN_TIMEOUT_MS)
        page.wait_for_timeout(500)  # charts draw after the run

    def choose_role(self, role: str) -> None:
        if role == "leader":
            return
        self.page.locator("[data-testid='stSidebar'] [data-testid='stRadioOption']", has_text=ROLE_LABELS_ZH[role]).click()
        self.settle()

    def nav_paths(self) -> list[str]:
        links = self.page.locator("[data-testid='stSidebarNavLink']")
        return [urlparse(links.nth(index).get_attribute("href")).path.strip("/") for index in range(links.count())]

    def open(self, path: str) -> None:
        """Click the page's link in the sidebar (a client-side switch: the session and role stay)."""
        links = self.page.locator("[data-testid='stSidebarNavLink']")
        for index in range(links.count()):
            if urlparse(links.nth(index).get_attribute("href")).path.strip("/") == path:
                links.nth(index).click()
                self.settle()
                return
        raise AssertionError(f"no link to /{path} in the sidebar")

    def problems(self) -> list[str]:
        page = self.page
        found = [f"exception: {text}" for text in page.locator("[data-testid='stException']").all_inner_texts()]
        found += [f"error: {text}" for text in page.locator("[data-testid='stAlertContentError']").all_inner_texts()]
        found += [f"dialog: {message}" for message in self.dialogs]
        return found


def _screenshot(session: Session, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    session.page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", ["leader", "officer", "analyst"])
def test_every_page_opens_without_error(server, browser, role, lang):
    session = Session(browser, server)
    session.choose_role(role)  # the role labels are Chinese until the language is switched
    session.choose_language(lang)
    paths = session.nav_paths()
    expected = {"", "indicator", "regions", "structure", "inventory", "mrv", "market", "quality"}  # "" = the default page (overview)
    if role != "leader":
        expected.add("enterprises")
    assert set(paths) == expected
    for path in paths:
        session.open(path or "")
        shot = _screenshot(session, f"{role}-{lang}-{path or 'overview'}")
        assert shot.stat().st_size > 10_000, f"{shot} looks blank"
        assert session.problems() == [], (role, lang, path)
        # Every page has a title; a page that stopped early (e.g. on a missing table) has none.
        assert session.page.locator("h1").count() >= 1, (role, lang, path)
        assert session.truncated_cards() == [], (role, lang, path)
    assert session.outside == [], f"requests that left the app's host: {session.outside[:5]}"
    session.page.close()


def test_leader_cannot_reach_the_enterprise_page_by_url(server, browser):
    session = Session(browser, f"{server}/enterprises?credit_code=91620100MA0000000X")
    # Not registered for a leader: Streamlit shows the default page (or a page-not-found notice) instead.
    assert "/enterprises" not in [f"/{path}" for path in session.nav_paths()]
    body = session.page.locator("[data-testid='stMain']").inner_text()
    assert HOSTILE_NAME not in body and "某化工厂" not in body
    assert session.problems() == []
    session.page.close()


def test_a_hostile_enterprise_name_is_shown_as_text(server, browser):
    session = Session(browser, server)
    session.choose_role("officer")
    session.open("enterprises")
    search = session.page.get_by_role("textbox").first
    search.fill("某化工厂")  # one enterprise: it is also the one opened below the results
    search.press("Enter")
    session.settle()
    _screenshot(session, "officer-enterprises-search")
    # The literal string, tags included, is on the page as text; had it been parsed as HTML the
    # <script> element would be gone from the text (and could have opened a dialog).
    # In the results grid (its accessible cells hold the text) and as the heading of the enterprise opened below.
    cell = session.page.locator("[data-testid^='glide-cell']", has_text="某化工厂").first
    assert cell.text_content() == HOSTILE_NAME
    heading = session.page.get_by_role("heading").filter(has_text="某化工厂").first
    heading.scroll_into_view_if_needed(timeout=30_000)
    assert HOSTILE_NAME in heading.inner_text()
    assert session.page.locator("[data-testid='stMain'] script").count() == 0
    assert session.dialogs == []
    assert session.problems() == []
    session.page.close()


def test_the_briefing_button_downloads_a_pdf(server, browser, tmp_path):
    """The leaders' briefing from the barometer page (a leader, the default region and year): the
    click downloads a PDF, which is rendered to PNG beside the screenshots."""
    import pypdfium2 as pdfium

    session = Session(browser, server)
    button = session.page.get_by_role("button", name="下载简报（PDF）")
    button.scroll_into_view_if_needed(timeout=30_000)
    with session.page.expect_download(timeout=SCRIPT_RUN_TIMEOUT_MS) as download:
        button.click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name.endswith(".pdf") and pdf.read_bytes()[:5] == b"%PDF-"
    document = pdfium.PdfDocument(str(pdf))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(SCREENSHOTS / "leader-zh-briefing-page1.png")
    assert "进展简报" in document[0].get_textpage().get_text_range()
    document.close()
    assert session.problems() == []
    session.page.close()


MRV_TABS_ZH = ("纳入名单", "催办", "城市报送", "核查机构", "履约日历")


def test_mrv_page_for_the_officer_tab_by_tab_and_for_the_leader(server, browser):
    """The MRV page: an officer's five tabs, each shown and saved (officer-zh-mrv-<n>.png), and the
    leader's funnel alone, with no enterprise name anywhere on it."""
    officer = Session(browser, server)
    officer.choose_role("officer")
    officer.open("mrv")
    tabs = officer.page.get_by_role("tab")
    assert [tabs.nth(index).inner_text().strip() for index in range(tabs.count())] == list(MRV_TABS_ZH)
    for index, _ in enumerate(MRV_TABS_ZH):
        tabs.nth(index).click()
        officer.page.wait_for_timeout(800)  # a tab switch is client-side: no script run, charts draw
        shot = _screenshot(officer, f"officer-zh-mrv-{index + 1}")
        assert shot.stat().st_size > 10_000, f"{shot} looks blank"
    assert officer.problems() == []
    officer.page.close()

    leader = Session(browser, server)
    leader.open("mrv")
    _screenshot(leader, "leader-zh-mrv")
    assert leader.page.get_by_role("tab").count() == 0
    body = leader.page.locator("[data-testid='stMain']").inner_text()
    assert HOSTILE_NAME not in body and "某化工厂" not in body
    assert leader.page.locator(".js-plotly-plot").count() == 1  # the funnel
    assert leader.problems() == []
    leader.page.close()
