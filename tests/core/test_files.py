from __future__ import annotations

import os
from collections import namedtuple
from pathlib import Path

import pytest

from nemo_desktop.core.errors import DiskFull
from nemo_desktop.core.files import (
    AtomicOutput,
    commit_part,
    ensure_free_space,
    part_path,
    safe_stem,
    unique_path,
    write_bytes_atomic,
)


@pytest.mark.parametrize("raw", ["CON", "a/b", "..", "名字" * 200, "emoji 🎵", "trailing...", "x\ny\tz",
                                 "<>:\"|?*", ".hidden", "   "])
def test_safe_stem_round_trips(tmp_path: Path, raw: str) -> None:
    stem = safe_stem(raw)
    assert stem and "/" not in stem and "\n" not in stem
    assert len((stem + ".mp4").encode()) <= 255
    assert not stem.endswith(".") and not stem.startswith(".")
    with open(tmp_path / f"{stem}.mp4", "x") as fh:
        fh.write("ok")


def test_unique_path_never_reuses_a_name(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").write_bytes(b"old")
    (tmp_path / "clip (2).mp4.part").write_bytes(b"someone else's work in progress")
    assert unique_path(tmp_path, "clip", ".mp4").name == "clip (3).mp4"


def test_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    final = tmp_path / "holiday.mp4"
    final.write_bytes(b"precious")
    before = final.stat().st_mtime_ns
    with AtomicOutput(final) as out:
        out.part.write_bytes(b"new video")
    assert out.path == tmp_path / "holiday (2).mp4"
    assert out.path.read_bytes() == b"new video"
    assert final.read_bytes() == b"precious" and final.stat().st_mtime_ns == before
    assert not part_path(final).exists()


def test_crash_before_rename_leaves_no_mp4(tmp_path: Path) -> None:
    final = tmp_path / "clip.mp4"
    with pytest.raises(RuntimeError), AtomicOutput(final) as out:
        out.part.write_bytes(b"half a video")
        raise RuntimeError("renderer died")
    assert list(tmp_path.iterdir()) == []


def test_commit_part_picks_next_free_name(tmp_path: Path) -> None:
    final = tmp_path / "a.mp4"
    final.write_bytes(b"1")
    (tmp_path / "a (2).mp4").write_bytes(b"2")
    part = part_path(final)
    part.write_bytes(b"3")
    assert commit_part(part, final).name == "a (3).mp4"


def test_free_space_preflight(tmp_path: Path) -> None:
    usage = namedtuple("usage", "total used free")
    with pytest.raises(DiskFull) as err:
        ensure_free_space(tmp_path, 50 * 1024 * 1024, disk_usage=lambda p: usage(10, 5, 5 * 1024 * 1024))
    assert "5 MB is free" in err.value.message("en")
    ensure_free_space(tmp_path, 1024)


def test_small_file_replace_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "token"
    write_bytes_atomic(path, b"old", 0o600)

    def boom(src: object, dst: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_bytes_atomic(path, b"new", 0o600)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["token"]
