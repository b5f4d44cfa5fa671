"""probe(): every accepted kind is described correctly; every bad file gets its one sentence and is untouched."""

from __future__ import annotations

import os
import struct
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from nemo_desktop.core.errors import Corrupt, FileEmpty, FileMissing, FileTooLarge, FileUnreadable, Unsupported
from nemo_desktop.core.media import Kind
from nemo_desktop.engine.probe import probe
from tests.media import FFMPEG, ffmpeg, file_hash


def test_video_with_spaces_and_chinese_name(media):
    made = media.clip(duration=2, size=(320, 180), fps=25, cuts=(0.72,))
    path = media.copy(made, "我的 假期 clip.mov")
    info = probe(path)
    assert info.kind is Kind.VIDEO
    assert (info.width, info.height) == (320, 180)
    assert info.fps_exact == Fraction(25) and info.fps == 25.0
    assert info.duration == pytest.approx(2.0, abs=1e-6)
    assert info.frames == 50
    assert info.has_audio and info.audio_codec == "aac" and info.video_codec == "h264"
    assert info.pix_fmt == "yuv420p" and info.rotation == 0
    assert info.name == "我的 假期 clip.mov"


def test_rotation_gives_displayed_size(media):
    made = media.clip(duration=1, size=(320, 180), rotation=90, audio=None)
    info = probe(made.path)
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (180, 320) and info.portrait
    assert (info.coded_width, info.coded_height) == (320, 180)
    assert not info.has_audio


def test_ntsc_rate_is_exact(media):
    made = media.clip(duration=1, size=(160, 90), fps=30000 / 1001, audio=None)
    info = probe(made.path)
    assert info.fps_exact == Fraction(30000, 1001)


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp"])
def test_still_images(media, suffix):
    made = media.image(suffix=suffix, size=(640, 480))
    info = probe(made.path)
    assert info.kind is Kind.IMAGE and not info.animated
    assert (info.width, info.height) == (640, 480)
    assert info.duration == 0.0


def test_animated_gif_has_its_own_duration(media):
    made = media.gif(duration=1.5, fps=10)
    info = probe(made.path)
    assert info.kind is Kind.IMAGE and info.animated
    assert info.duration == pytest.approx(1.5, abs=0.05)
    assert info.frames == 15


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".m4a"])
def test_audio_files(media, suffix):
    made = media.audio(suffix=suffix, duration=1.5)
    info = probe(made.path)
    assert info.kind is Kind.AUDIO and info.has_audio
    assert info.duration == pytest.approx(1.5, abs=0.06)
    assert info.width == 0


def test_audio_only_mp4_is_used_as_audio(media, tmp_path):
    made = media.audio(suffix=".m4a", duration=1.0)
    path = tmp_path / "voice memo.mp4"
    path.write_bytes(made.path.read_bytes())
    assert probe(path).kind is Kind.AUDIO


def _bad_files(media, tmp_path: Path) -> dict[str, Path]:
    good = media.clip(duration=2, size=(320, 180))
    files: dict[str, Path] = {}
    files["empty"] = tmp_path / "empty.mp4"
    files["empty"].write_bytes(b"")
    files["truncated"] = tmp_path / "truncated.mp4"
    subprocess.run(f"head -c 10000 '{good.path}' > '{files['truncated']}'", shell=True, check=True)
    front = tmp_path / "front.mp4"  # index first (faststart): opens and decodes its first frames fine
    ffmpeg("-i", str(good.path), "-c", "copy", "-movflags", "+faststart", str(front))
    files["truncated_front"] = tmp_path / "truncated front.mp4"
    files["truncated_front"].write_bytes(front.read_bytes()[: front.stat().st_size // 2])
    files["text"] = tmp_path / "notes.mov"
    files["text"].write_text("this is not a video\n" * 50)
    files["txt"] = tmp_path / "notes.txt"
    files["txt"].write_text("hello")
    files["huge"] = tmp_path / "huge.mp4"
    subprocess.run(["truncate", "-s", "501M", str(files["huge"])], check=True)
    return files


@pytest.mark.parametrize(
    "which, error, words",
    [
        ("empty", FileEmpty, "empty"),
        ("truncated", Corrupt, "damaged"),
        ("truncated_front", Corrupt, "damaged"),
        ("text", Corrupt, "damaged"),
        ("txt", Unsupported, "not supported"),
        ("huge", FileTooLarge, "501 MB"),
    ],
)
def test_bad_inputs_give_their_sentence_and_stay_unchanged(media, tmp_path, which, error, words):
    path = _bad_files(media, tmp_path)[which]
    before = file_hash(path) if which != "huge" else os.stat(path).st_size
    with pytest.raises(error) as caught:
        probe(path)
    message = str(caught.value)
    assert path.name in message and words in message
    assert "Traceback" not in message and "\n" not in message
    after = file_hash(path) if which != "huge" else os.stat(path).st_size
    assert before == after


def test_missing_file(tmp_path):
    with pytest.raises(FileMissing, match="does not exist"):
        probe(tmp_path / "gone.mp4")


def test_unreadable_file(media, tmp_path, monkeypatch):
    made = media.clip(duration=1, size=(160, 90), audio=None)
    path = tmp_path / "locked.mp4"
    path.write_bytes(made.path.read_bytes())
    path.chmod(0)
    try:
        if os.geteuid() == 0:  # root reads anything: make access() say what a normal user would see
            real = os.access
            monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == str(path) else real(p, mode))
        with pytest.raises(FileUnreadable, match="permission"):
            probe(path)
    finally:
        path.chmod(0o644)


def test_exif_rotated_photo_has_its_displayed_size(media):
    made = media.image(suffix=".jpg", size=(640, 480), exif_orientation=6)
    info = probe(made.path)
    assert (info.width, info.height) == made.size == (480, 640) and info.portrait


def _decoded_frames(path: Path) -> int:
    """How many pictures ffmpeg itself decodes from a file (one framecrc line per frame)."""
    out = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:v:0", "-f", "framecrc", "-"],
                         capture_output=True, text=True, check=True).stdout
    return sum(1 for line in out.splitlines() if line and not line.startswith("#"))


def test_film_rate_is_exact_and_lasts_whole_frames(media):
    made = media.clip(duration=2, size=(160, 90), fps=24000 / 1001)
    info = probe(made.path)
    assert info.fps_exact == Fraction(24000, 1001)
    assert info.frames == 48
    assert info.duration == float(48 / Fraction(24000, 1001))
    assert (info.audio_rate, info.audio_channels) == (48000, 2)


def test_odd_rate_is_measured_from_the_packets(media):
    info = probe(media.clip(duration=2, size=(160, 90), fps=12.5, audio=None).path)
    assert info.fps_exact == Fraction(25, 2)
    assert info.frames == 25 and info.duration == 2.0


def test_frames_are_counted_where_the_header_has_none(media, tmp_path):
    made = media.clip(duration=2, size=(160, 90), fps=25)
    mkv = tmp_path / "clip.mkv"
    ffmpeg("-i", str(made.path), "-c", "copy", str(mkv))
    info = probe(mkv)
    assert info.kind is Kind.VIDEO and info.has_audio
    assert info.frames == 50 and info.duration == 2.0 and info.fps_exact == Fraction(25)


def test_edit_list_preroll_is_not_counted(media, tmp_path):
    made = media.clip(duration=2, size=(160, 90), fps=25, audio=None)  # one keyframe, at 0
    cut = tmp_path / "cut.mp4"
    ffmpeg("-ss", "0.5", "-i", str(made.path), "-c", "copy", str(cut))  # copies from 0, edit list skips 0.5 s
    info = probe(cut)
    assert info.frames == _decoded_frames(cut) < 50
    assert info.duration == pytest.approx(info.frames / 25)


def test_cover_art_is_not_a_picture(media, tmp_path):
    art = media.image(suffix=".jpg", size=(320, 320)).path
    mp3 = tmp_path / "song with cover.mp3"
    ffmpeg("-i", str(media.audio(suffix=".mp3", duration=1.0).path), "-i", str(art), "-map", "0", "-map", "1",
           "-c", "copy", "-disposition:v", "attached_pic", "-id3v2_version", "3", str(mp3))
    mp4 = tmp_path / "voice memo with cover.mp4"
    ffmpeg("-i", str(media.audio(suffix=".m4a", duration=1.0).path), "-i", str(art), "-map", "0", "-map", "1",
           "-c", "copy", "-disposition:v:0", "attached_pic", str(mp4))
    for path in (mp3, mp4):
        info = probe(path)
        assert info.kind is Kind.AUDIO and info.has_audio
        assert info.width == 0 and info.video_codec is None
        assert info.duration == pytest.approx(1.0, abs=0.06)


def test_pictures_that_cannot_be_decoded_are_corrupt(media, tmp_path):
    data = bytearray(media.clip(duration=1, size=(160, 90), audio=None).path.read_bytes())
    box = data.index(b"mdat") - 4
    size = struct.unpack(">I", data[box : box + 4])[0]
    data[box + 8 : box + size] = bytes(size - 8)  # the index is intact, every picture is zeros
    path = tmp_path / "zeroed.mp4"
    path.write_bytes(bytes(data))
    with pytest.raises(Corrupt, match="damaged"):
        probe(path)
