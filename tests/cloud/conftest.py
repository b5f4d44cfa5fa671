"""Shared fixtures for the cloud client tests: a private NEMO_HOME, the stand-in, a ready backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from nemo_desktop import paths
from nemo_desktop.cloud.backend import CloudBackend
from tests.cloud.helpers import WEB, make_backend
from tests.fakecloud.fixtures import fake_cloud  # noqa: F401 - the fixture, re-exported for these tests
from tests.fakecloud.runner import RunningFake
from tests.fakecloud.sample import sample_mp4


@pytest.fixture
def nemo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[paths.AppPaths]:
    for var in ("NEMO_TOKEN", "NEMO_CLIENT_ID", "NEMO_API_URL", "NEMO_WEB_URL", "SKILL_SOURCE", "NEMO_DOWNLOADS",
                "NEMO_POLL_SECONDS", "NEMO_RETRY_SECONDS", "NEMO_HOME"):
        monkeypatch.delenv(var, raising=False)
    root = paths.use_root(tmp_path / "home").ensure()
    root.downloads.mkdir(parents=True, exist_ok=True)
    yield root
    paths.use(None)


@pytest.fixture
def cloud_env(nemo_home: paths.AppPaths, fake_cloud: RunningFake,  # noqa: F811
              monkeypatch: pytest.MonkeyPatch) -> RunningFake:
    monkeypatch.setenv("NEMO_API_URL", fake_cloud.url)
    monkeypatch.setenv("NEMO_WEB_URL", WEB)
    monkeypatch.setenv("NEMO_POLL_SECONDS", "0.05")
    monkeypatch.setenv("NEMO_RETRY_SECONDS", "0.05")
    return fake_cloud


@pytest.fixture
async def backend(cloud_env: RunningFake) -> AsyncIterator[CloudBackend]:
    b = make_backend()
    try:
        yield b
    finally:
        await b.aclose()


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "harbour.mp4"
    path.write_bytes(sample_mp4())
    return path
