"""The app served by uvicorn on a free port (once per database backend), and a real
headless chromium driven by Playwright.

Debian's ``/usr/bin/chromium`` is used, never Playwright's own browser download. Without
it the browser tests are skipped (they fail instead under ``TOUCHPOINTS_TEST_STRICT=1``,
as in CI).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.conftest import missing
from touchpoints.settings import Settings
from touchpoints.web.app import create_app

CHROMIUM = os.environ.get("TOUCHPOINTS_TEST_CHROMIUM", "/usr/bin/chromium")
#: What Debian's chromium needs to run headless as root, and no traffic of its own.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Headless chromium, shared by a module's tests (each gets its own context)."""
    if not Path(CHROMIUM).exists():
        missing(f"browser tests need {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) and a page in it."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def live_app(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The app on a fresh database and data folder, served on a free loopback port:
    its base URL."""
    data = tmp_path / "data"
    data.mkdir()
    app = create_app(Settings(database_url, "test-secret", data))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
        app.state.db.kw["bind"].dispose()
