"""``nemo-desktop make`` as a script would run it: a real process, real media, stdout/stderr/exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import pytest

from tests.media import MediaFactory


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    return MediaFactory(tmp_path_factory.mktemp("cli-media"))


def run_cli(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": "http://127.0.0.1:9", **(env or {})}
    return subprocess.run([sys.executable, "-m", "nemo_desktop", *args], capture_output=True, text=True,
                          env=full_env, timeout=240)


def _duration(path: Path) -> tuple[float, int, int, str, str]:
    with av.open(str(path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        frames = v.frames or sum(1 for _ in c.demux(v))
        rate = float(v.average_rate)
        return frames / rate, v.codec_context.width, v.codec_context.height, v.codec_context.name, a.codec_context.name


def test_make_prints_the_path_last_and_exports_1080p(media: MediaFactory, tmp_path: Path) -> None:
    clip = media.clip("beach day 海边", duration=6.0, size=(1280, 720), cuts=(2.5,), audio="sine")
    out = tmp_path / "out"
    result = run_cli("make", str(clip.path), "--prompt", "upbeat pop", "--engine", "builtin", "--out", str(out),
                     "--seed", "5", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.parent == out and path.name == "beach day 海边.mp4" and path.exists()
    seconds, width, height, vcodec, acodec = _duration(path)
    assert (width, height, vcodec, acodec) == (1920, 1080, "h264", "aac")
    assert abs(seconds - clip.duration) <= 1 / 30 + 1e-6
    assert "Traceback" not in result.stderr


def test_second_export_never_overwrites(media: MediaFactory, tmp_path: Path) -> None:
    clip = media.clip("twice", duration=3.0, audio=None)
    out = tmp_path / "out"
    out.mkdir()
    (out / "twice.mp4").write_bytes(b"my earlier export")
    result = run_cli("make", str(clip.path), "--prompt", "calm", "--engine", "builtin", "--out", str(out),
                     home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]).name == "twice (2).mp4"
    assert (out / "twice.mp4").read_bytes() == b"my earlier export"


def test_stems_and_cue_sheet(media: MediaFactory, tmp_path: Path) -> None:
    clip = media.clip("stems", duration=5.0, cuts=(2.0,), audio=None)
    out = tmp_path / "out"
    result = run_cli("make", str(clip.path), "--prompt", "electronic", "--engine", "builtin", "--out", str(out),
                     "--stems", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    for stem in ("drums", "bass", "chords", "melody", "music"):
        assert f"stems.{stem}.wav" in names
    cues = json.loads((out / "stems.cues.json").read_text())
    assert cues["cuts"][0]["frame"] == 60 and cues["beats"] and cues["bars"] and cues["sections"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", b"hello", "not supported"),
        ("empty.mp4", b"", "empty"),
        ("fake.mov", b"this is text, not a movie\n" * 40, "damaged"),
    ],
)
def test_bad_input_one_sentence_nonzero(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = run_cli("make", str(bad), "--prompt", "calm", "--engine", "builtin", "--out", str(out),
                     home=tmp_path / "home")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and expected in lines[-1] and name in lines[-1]
    assert "Traceback" not in result.stderr
    assert not out.exists() or list(out.iterdir()) == []
    assert bad.read_bytes() == content


def test_missing_clip(tmp_path: Path) -> None:
    result = run_cli("make", str(tmp_path / "nope.mp4"), "--engine", "builtin", home=tmp_path / "home")
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_auto_engine_offline_uses_builtin(media: MediaFactory, tmp_path: Path) -> None:
    clip = media.clip("offline", duration=2.0, audio="sine")
    result = run_cli("make", str(clip.path), "--prompt", "calm piano", "--out", str(tmp_path / "o"),
                     home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "Offline — using the built-in engine" in result.stderr


def test_prompt_only_makes_music_with_a_picture(tmp_path: Path) -> None:
    result = run_cli("make", "--prompt", "a 4 second upbeat intro", "--engine", "builtin", "--out",
                     str(tmp_path / "o"), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    seconds, width, height, *_ = _duration(Path(result.stdout.strip().splitlines()[-1]))
    assert abs(seconds - 4.0) <= 1 / 30 + 1e-6 and (width, height) == (1920, 1080)


def test_demo(tmp_path: Path) -> None:
    result = run_cli("demo", "--out", str(tmp_path / "o"), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    seconds, width, height, *_ = _duration(path)
    assert abs(seconds - 12.0) <= 1 / 30 + 1e-6 and (width, height) == (1920, 1080)


def test_demo_with_a_seed_makes_the_same_video_sound_again(tmp_path: Path) -> None:
    """Same seed, same music — and the sample clip itself is the same each time, so the export is too."""
    import hashlib

    import imageio_ffmpeg

    sounds = []
    for run in ("a", "b"):
        result = run_cli("demo", "--seed", "5", "--out", str(tmp_path / run), home=tmp_path / f"home-{run}")
        assert result.returncode == 0, result.stderr
        path = Path(result.stdout.strip().splitlines()[-1])
        pcm = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0",
                              "-f", "s16le", "-"], capture_output=True, check=True).stdout
        sounds.append(hashlib.sha256(pcm).hexdigest())
    assert sounds[0] == sounds[1]
