"""Shared fixtures: a demo directory built once, real servers on 127.0.0.1, a real browser."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from directory.instance import Instance, init_instance

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
HSDS_DIR = SHARED / "hsds-3.0"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo city, built once per test run; copy it before changing anything."""
    data_dir = tmp_path_factory.mktemp("demo-template")
    init_instance(data_dir, demo=True)
    return data_dir


@pytest.fixture
def demo_instance(demo_template, tmp_path) -> Instance:
    """A private copy of the demo city for one test."""
    data_dir = tmp_path / "demo"
    shutil.copytree(demo_template, data_dir)
    return Instance(data_dir)


@pytest.fixture
def empty_instance(tmp_path) -> Instance:
    return init_instance(tmp_path / "empty")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningServer:
    def __init__(self, data_dir: Path, no_store: bool = True, args: tuple[str, ...] = ()):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "directory", "serve", "--data-dir", str(data_dir), "--port", str(self.port)]
        if no_store:
            cmd.append("--no-store")
        cmd.extend(args)
        # Its output goes to a file: a pipe nobody reads fills up and then stalls the server.
        self.log_path = data_dir.parent / f"serve-{self.port}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"harbour serve exited: {self.output()}")
            try:
                # 503 is an answer too: /healthz says "degraded" when, say, a feed's last sync failed.
                if httpx.get(self.url + "/healthz", timeout=1).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("harbour serve did not answer /healthz within 60 s")

    def output(self) -> str:
        """What the server has printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def demo_server(demo_template, tmp_path_factory):
    """`harbour serve` over a copy of the demo city, for read-only tests."""
    data_dir = tmp_path_factory.mktemp("served") / "demo"
    shutil.copytree(demo_template, data_dir)
    server = RunningServer(data_dir)
    yield server
    server.stop()


@pytest.fixture
def server_for(tmp_path):
    """Start a server over a given instance; stopped after the test."""
    started: list[RunningServer] = []

    def start(instance: Instance) -> RunningServer:
        server = RunningServer(instance.data_dir)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Under CI a missing browser fails the run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (install Debian's chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def db(demo_instance):
    """directory.db of a private copy of the demo city (a module may define its own `db`)."""
    database = demo_instance.directory()
    yield database
    database.close()


@pytest.fixture
def client(demo_instance):
    """The whole app in process over a demo copy; not --no-store, so caching headers are real."""
    from directory.web.app import create_app
    from tests.bundle_helpers import TestClient

    return TestClient(create_app(demo_instance))
