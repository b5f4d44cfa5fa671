"""GUI tests: offscreen Qt, a qasync loop per test, the real window and the real built-in engine.

Coroutines are driven with ``aloop.run_until_complete`` (via the ``until`` helper; ``TestLoop`` says why it is
not qasync's own), which runs the Qt
event loop underneath, so widgets, signals, asyncio tasks and engine threads all make progress together.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["NEMO_API_URL"] = "http://127.0.0.1:9"  # a closed loopback port: nothing reaches the network

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication

from nemo_desktop import paths
from nemo_desktop.settings import Settings
from nemo_desktop.ui.main_window import MainWindow
from tests.media import MediaFactory
from tests.processes import child_names, live_children


@pytest.fixture(autouse=True)
def ui_root(app_home: paths.AppPaths, tmp_path: Path) -> paths.AppPaths:
    """``paths.use_root(tmp_path)``: config, data, logs and Downloads of this test only."""
    root = paths.use_root(tmp_path / "nemo")
    root.ensure()
    root.downloads.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    return MediaFactory(tmp_path_factory.mktemp("ui-media"))


class TestLoop(qasync.QEventLoop):
    """qasync's loop, turned many times per test without leaving asyncio.

    qasync's ``run_until_complete`` processes Qt's events once more after the loop has stopped, with no
    running asyncio loop set. A background task's step that runs there (the credits refresh, an httpx
    request) fails inside anyio ("Not currently running on any asynchronous event loop") and can leave a
    pooled connection's lock held, so the next request on it hangs: a cloud export then never finished
    (CI, 1 run in a few under load). The app turns the loop once, for its whole life, so it never meets
    this; the tests stop the loop cleanly instead, and what is pending runs at the next turn."""

    def run_until_complete(self, future):  # type: ignore[no-untyped-def]
        task = asyncio.ensure_future(future, loop=self)
        task.add_done_callback(lambda _task: self.stop())
        self.run_forever()
        if not task.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return task.result()


@pytest.fixture(scope="session")
def session_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the whole run: creating and closing one per test leaves Qt objects (executor
    threads, timers) owned by a dead loop, which crashed later tests."""
    qapp.setQuitOnLastWindowClosed(False)  # as in the app: closing the window must not stop the loop
    loop = TestLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def aloop(session_loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop; fails a test that leaves asyncio tasks running."""
    asyncio.set_event_loop(session_loop)
    yield session_loop
    pending = [t for t in asyncio.all_tasks(session_loop) if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        session_loop.run_until_complete(asyncio.wait(pending, timeout=5))
    assert not pending, f"test left asyncio tasks running: {pending}"


@pytest.fixture
def until(aloop: asyncio.AbstractEventLoop) -> Callable[..., None]:
    """``until(predicate, timeout)``: turn the qasync loop until the predicate holds (or fail)."""

    def wait(predicate: Callable[[], bool], timeout: float = 30.0, message: str = "") -> None:
        async def poll() -> bool:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if predicate():
                    return True
                await asyncio.sleep(0.02)
            return bool(predicate())

        assert aloop.run_until_complete(poll()), message or f"timed out after {timeout} s"

    return wait


class Opened:
    """Records QDesktopServices.openUrl calls instead of launching a file manager or player."""

    def __init__(self) -> None:
        self.urls: list[QUrl] = []

    def __call__(self, url: QUrl) -> bool:
        self.urls.append(url)
        return True


class Reach:
    """An injectable reachability check: no network, answers what the test says."""

    def __init__(self, online: bool = False) -> None:
        self.online = online
        self.calls = 0

    async def __call__(self) -> bool:
        self.calls += 1
        return self.online


@pytest.fixture
def reach() -> Reach:
    return Reach(False)


@pytest.fixture
def opened() -> Opened:
    return Opened()


@pytest.fixture
def make_window(qtbot, aloop, until, reach: Reach, opened: Opened) -> Iterator[Callable[..., MainWindow]]:
    made: list[MainWindow] = []

    def make(settings: Settings | None = None, start: bool = True) -> MainWindow:
        window = MainWindow(settings or Settings(engine="auto"), reachability=reach, system_monitor=False,
                            open_url=opened)
        window.show()  # not qtbot.addWidget: the window must outlive pytest-qt's widget clean-up (below)
        made.append(window)
        if start:
            window.start()
            until(lambda: window.bridge.session is not None and not window.bridge.busy, 30, "engine did not start")
        return window

    yield make
    for window in made:
        aloop.run_until_complete(window.bridge.shutdown())
        window._close_ready = True
        window.close()
        window.deleteLater()


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    return make_window()


@pytest.fixture(autouse=True)
def no_children_left() -> Iterator[None]:
    """Fail a test that leaves a child process (ffmpeg) running."""
    yield
    deadline = time.monotonic() + 5
    while live_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = child_names()
    assert not left, f"child processes left behind: {left}"
