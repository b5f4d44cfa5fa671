"""Run the stand-in on 127.0.0.1 in a background thread (uvicorn, h11) on a free port."""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

import uvicorn

from tests.fakecloud.sample import sample_mp4
from tests.fakecloud.server import FakeCloud, Ledger, Scenario


class RunningFake:
    """A started stand-in: ``url`` (base URL), ``cloud`` (state, scenario, ledger); ``stop()`` ends it."""

    def __init__(self, cloud: FakeCloud, server: uvicorn.Server, thread: threading.Thread, url: str) -> None:
        self.cloud, self._server, self._thread, self.url = cloud, server, thread, url

    @property
    def ledger(self) -> Ledger:
        return self.cloud.ledger

    def scenario(self, name: str | None = None, **overrides: Any) -> Scenario:
        return self.cloud.scenario(name, **overrides)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._server.should_exit

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout=5)


def start() -> RunningFake:
    cloud = FakeCloud(sample_mp4())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(cloud.app, http="h11", lifespan="off", log_level="critical", access_log=False,
                            timeout_graceful_shutdown=1, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="fakecloud", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the NemoVideo stand-in did not start")
        time.sleep(0.01)
    cloud.base_url = f"http://127.0.0.1:{port}"
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    return RunningFake(cloud, server, thread, cloud.base_url)
