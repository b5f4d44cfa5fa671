"""A loopback stand-in for the NemoVideo processing API, for tests (see fixtures.py)."""

from tests.fakecloud.server import PRESETS, FakeCloud, Ledger, Scenario

__all__ = ["PRESETS", "FakeCloud", "Ledger", "Scenario"]
