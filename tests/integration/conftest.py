from __future__ import annotations

from pathlib import Path

import pytest

from tests.media import MediaFactory


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    return MediaFactory(tmp_path_factory.mktemp("integration-media"))


@pytest.fixture(scope="session")
def speech_clip(media: MediaFactory) -> Path:
    """10 s of 1080p30 with cuts at 3.2 s and 6.5 s and a spoken line from 4 s."""
    return media.clip("harbour walk", duration=10.0, cuts=(3.2, 6.5), audio="speech", speech_at=(4.0,)).path
