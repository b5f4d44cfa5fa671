"""Pytest fixture for the loopback NemoVideo stand-in.

    from tests.fakecloud.fixtures import fake_cloud   # in a test module or conftest

    def test_x(fake_cloud):
        fake_cloud.scenario("free_plan_402")
        ... point NEMO_API_URL at fake_cloud.url (also works for a CLI in a subprocess) ...
        assert fake_cloud.ledger.chat_posts == 1

One server per test process on a free 127.0.0.1 port; its state, scenario and ledger are reset for every
test, so each test starts from an empty cloud. ``fresh_fake_cloud`` gives a test its own server.
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator

import pytest

from tests.fakecloud.runner import RunningFake, start

_shared: RunningFake | None = None


def shared() -> RunningFake:
    """The process-wide stand-in, started on first use and stopped at exit."""
    global _shared
    if _shared is None or not _shared.alive:
        _shared = start()
        atexit.register(_shared.stop)
    return _shared


@pytest.fixture
def fake_cloud() -> Iterator[RunningFake]:
    running = shared()
    running.cloud.reset()
    try:
        yield running
    finally:
        running.cloud.reset()


@pytest.fixture
def fresh_fake_cloud() -> Iterator[RunningFake]:
    running = start()
    try:
        yield running
    finally:
        running.stop()
