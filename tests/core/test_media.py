from __future__ import annotations

import os
from pathlib import Path

import pytest

from nemo_desktop.core import media
from nemo_desktop.core.errors import FileEmpty, FileMissing, FileTooLarge, FileUnreadable, Unsupported


def _file(path: Path, data: bytes = b"x" * 100) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["a.mp4", "B.MOV", "c.Mkv", "d.webm", "e.avi", "f.JPG", "g.png", "h.gif",
                                  "i.webp", "j.mp3", "k.WAV", "l.m4a", "m.aac", "名字 with space.mp4"])
def test_accepted_kinds(tmp_path: Path, name: str) -> None:
    assert media.check_file(_file(tmp_path / name)).kind in set(media.Kind)


def test_reasons(tmp_path: Path) -> None:
    with pytest.raises(Unsupported) as err:
        media.check_file(_file(tmp_path / "notes.txt"))
    assert "notes.txt" in err.value.message("en") and "not supported" in err.value.message("en")
    with pytest.raises(FileMissing, match="does not exist"):
        media.check_file(tmp_path / "gone.mp4")
    with pytest.raises(FileEmpty, match="empty"):
        media.check_file(_file(tmp_path / "zero.mp4", b""))
    big = tmp_path / "big.mp4"
    with big.open("wb") as fh:
        fh.truncate(501 * media.MB)  # sparse: no real disk used
    with pytest.raises(FileTooLarge) as too_big:
        media.check_file(big)
    assert "501 MB" in too_big.value.message("en") and "500 MB" in too_big.value.message("en")
    with pytest.raises(Unsupported):
        media.check_file(tmp_path)


def test_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path / "locked.mp4")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: simulate what a normal user sees
        monkeypatch.setattr(media.os, "access", lambda p, mode: False)
    with pytest.raises(FileUnreadable, match="permission"):
        media.check_file(path)


def test_triage_keeps_the_good_files(tmp_path: Path) -> None:
    good = _file(tmp_path / "good.mp4")
    folder = tmp_path / "folder"
    folder.mkdir()
    _file(folder / "b.png")
    _file(folder / "a.mov")
    _file(folder / "readme.txt")
    accepted, rejected = media.triage([good, tmp_path / "bad.txt", folder])
    assert [a.path.name for a in accepted] == ["good.mp4", "a.mov", "b.png"]
    assert len(rejected) == 1 and rejected[0].fields["name"] == "bad.txt"


def test_chinese_message() -> None:
    err = FileEmpty("x", name="片段.mp4")
    assert "片段.mp4" in err.message("zh_CN")
