"""Browser tests: Debian's Chromium driven by Playwright against `stdgraph serve` on 127.0.0.1.

The server runs as its own process over an on-disk copy of the session's default graph (loaded from
its N-Quads export, so no second build) and is stopped by its pid. Playwright never downloads a
browser: it launches the `chromium` package's binary. Screenshots go to `var/screenshots/`.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from stdgraph.config import REPO_ROOT
from stdgraph.store import OxigraphStore

SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed: run `make install` (apt-get install chromium)")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def served_store(default_store: OxigraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the default graph, for the server process to open."""
    path = tmp_path_factory.mktemp("browser") / "store"
    dump = io.BytesIO()
    default_store.export(dump, "nquads")
    copy = OxigraphStore(path)
    copy.oxigraph.bulk_load(dump.getvalue(), format=ox.RdfFormat.N_QUADS)
    copy.flush()
    del copy
    return path


def create_token(store: Path, role: str, name: str) -> str:
    """A curation token for `store`, made by the CLI as a user makes one (printed once on stdout)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stdgraph.cli",
            "token",
            "create",
            "--role",
            role,
            "--name",
            name,
            "--store",
            str(store),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def tokens(served_store: Path) -> dict[str, str]:
    """A curator and a reviewer token, made before the server starts."""
    return {
        "curator": create_token(served_store, "curator", "curator@example.org"),
        "reviewer": create_token(served_store, "reviewer", "reviewer@example.org"),
    }


@pytest.fixture(scope="session")
def server(
    served_store: Path, tokens: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`stdgraph serve` on a free loopback port; yields its base URL, stops it by pid."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "stdgraph.cli",
                "serve",
                "--store",
                str(served_store),
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                assert process.poll() is None, log_path.read_text(errors="replace")
                try:
                    httpx.get(f"{base}/void", timeout=5)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the server did not start within 120 s"
                    time.sleep(0.3)
            yield base
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A phone-sized window (390 px wide)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One worker runs every browser test: one server and one Chromium, not one per worker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
