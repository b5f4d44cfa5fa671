"""Engine test fixtures: test media made once per session, and a private NEMO_HOME per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_desktop import paths
from tests.media import MediaFactory


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    return MediaFactory(tmp_path_factory.mktemp("media"))


@pytest.fixture
def home(tmp_path: Path) -> paths.AppPaths:
    app = paths.use_root(tmp_path / "home")
    app.ensure()
    yield app
    paths.use(None)
