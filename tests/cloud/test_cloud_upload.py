"""Uploads: local checks before any byte is sent; server refusals name the file; progress by bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.core.errors import FileTooLarge, Unsupported, UploadRejected
from tests.fakecloud.runner import RunningFake


async def test_oversize_file_is_refused_before_any_request(backend: CloudBackend, cloud_env: RunningFake,
                                                          tmp_path: Path, clip: Path) -> None:
    big = tmp_path / "huge.mp4"
    with big.open("wb") as fh:  # sparse: 501 MB on paper, nothing on disk
        fh.truncate(501 * 1024 * 1024)
    with pytest.raises(FileTooLarge) as info:
        await backend.add_media([clip, big], lambda s, f: None)
    assert "huge.mp4" in info.value.message("en") and "500" in info.value.message("en")
    assert cloud_env.ledger.hits("upload") == 0


async def test_unsupported_type_is_refused_locally(backend: CloudBackend, cloud_env: RunningFake,
                                                  tmp_path: Path) -> None:
    doc = tmp_path / "notes.txt"
    doc.write_text("hello")
    with pytest.raises(Unsupported):
        await backend.add_media([doc], lambda s, f: None)
    assert cloud_env.ledger.requests == []


async def test_server_size_refusal_names_the_file(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    cloud_env.scenario(upload_limit=1000)
    with pytest.raises(UploadRejected) as info:
        await backend.add_media([clip], lambda s, f: None)
    assert "harbour.mp4" in info.value.message("en") and "too large" in info.value.message("en")


async def test_upload_uses_files_field_and_reports_bytes(backend: CloudBackend, cloud_env: RunningFake,
                                                        clip: Path, tmp_path: Path) -> None:
    second = tmp_path / "beach.mov"
    second.write_bytes(clip.read_bytes())
    seen: list[float] = []
    draft = await backend.add_media([clip, second], lambda s, f: seen.append(f))
    assert cloud_env.ledger.upload_names == ["harbour.mp4", "beach.mov"]
    assert [s.name for s in draft.segments_of(0)] == ["harbour.mp4", "beach.mov"]
    assert seen == sorted(seen) and seen[-1] == 1.0 and any(0.4 < f < 0.6 for f in seen)
    assert draft.summary("en").startswith("2 clips")
