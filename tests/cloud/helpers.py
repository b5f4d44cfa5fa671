"""Helpers shared by the cloud tests (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.core.events import Event
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings

WEB = "https://web.example"


def make_backend(**settings: float) -> CloudBackend:
    return CloudBackend(Settings(**settings), TokenStore())


async def collect(events: AsyncIterator[Event]) -> list[Event]:
    return [e async for e in events]
