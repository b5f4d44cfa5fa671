"""Pytest fixture for the loopback NemoVideo stand-in.

    from tests.fakecloud.fixtures import fake_cloud   # in a test module or conftest

    def test_x(fake_cloud):
        fake_cloud.scenario("free_plan_402")
        ... point NEMO_API_URL at fake_cloud.url (also works for a CLI in a subprocess) ...
        assert fake_cloud.ledger.chat_posts == 1

Each test gets a fresh server on a free 127.0.0.1 port.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakecloud.runner import RunningFake, start


@pytest.fixture
def fake_cloud() -> Iterator[RunningFake]:
    running = start()
    try:
        yield running
    finally:
        running.stop()
