"""Browser tests: the real site served on a local port, driven in Debian's Chromium by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from config import BASE_DIR, TestingConfig
from directory import create_app
from directory.extensions import db
from tests.conftest import reset_database

AXE_SOURCE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = BASE_DIR / "test-artifacts"
# The flags keep Chromium from reaching for Google's services on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is missing: run bin/system-deps (Debian package 'chromium').")
    return path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The site with real CSRF and a file database, served from a thread; yields (base_url, app)."""

    class BrowserConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('db') / 'e2e.sqlite3'}"
        WTF_CSRF_ENABLED = True
        SERVER_NAME = None

    app = create_app(BrowserConfig)
    with app.app_context():
        reset_database()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server):
    return live_server[0]


@pytest.fixture
def site_app(live_server):
    return live_server[1]


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, base_url):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, color_scheme="dark"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def located_page(browser, base_url):
    """Make a page whose browser shares this position when asked: located_page(latitude, longitude)."""
    contexts = []

    def make(latitude: float, longitude: float) -> Page:
        context = browser.new_context(
            base_url=base_url, geolocation={"latitude": latitude, "longitude": longitude}, permissions=["geolocation"]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def check_accessibility(page: Page, name: str) -> None:
    """Run axe on the page; fail on any serious or critical violation. Saves a screenshot to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if not AXE_SOURCE.exists():
        pytest.fail("axe-core is missing: run 'npm ci' (make install does).")
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: " + "; ".join(serious)


def assert_fits_width(page: Page) -> None:
    """Nothing on the page is wider than the screen (no sideways scrolling on a phone)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"
