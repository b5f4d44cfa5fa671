"""``make`` is a music command, and a stopped ``make`` leaves nothing behind.

Real processes on real media: no prompt still puts music under the clip (the video decides the style), words
that ask for something else export nothing, SIGTERM/SIGHUP cancel like Ctrl-C (no ffmpeg, no ``.part``, no
temporary WAV), and what a SIGKILLed run left is removed by the next export into the same folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pyloudnorm
import pytest

from tests.media import MediaFactory, decoded_sound


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    return MediaFactory(tmp_path_factory.mktemp("music-media"))


def cli_env(home: Path) -> dict[str, str]:
    return {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": "http://127.0.0.1:9"}


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nemo_desktop", *args], capture_output=True, text=True,
                          env=cli_env(home), timeout=240)


def start_cli(*args: str, home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "nemo_desktop", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env(home))


def lufs(x: np.ndarray, rate: int = 48000) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(x))


def ffmpeg_writing_into(folder: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
        except (psutil.Error, TypeError):
            continue
        if "ffmpeg" in cmd and str(folder) in cmd:
            found.append(proc)
    return found


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_make_without_a_prompt_puts_music_under_the_clip(media: MediaFactory, tmp_path: Path) -> None:
    clip = media.clip("quiet walk", duration=8.0, size=(640, 360), cuts=(3.0, 5.5), audio=None)
    out = tmp_path / "out"
    result = run_cli("make", str(clip.path), "--engine", "builtin", "--out", str(out), "--seed", "3",
                     home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.is_file() and path.parent == out
    sound = decoded_sound(path)
    assert abs(lufs(sound) - (-16.0)) <= 1.0, lufs(sound)  # the clip itself is silent: all of this is music
    assert "Music ready" in result.stderr


@pytest.mark.parametrize("words", ["credits", "status", "积分"])
def test_words_that_ask_for_something_else_export_nothing(media: MediaFactory, tmp_path: Path, words: str) -> None:
    clip = media.clip("not music", duration=2.0, size=(320, 180), audio=None)
    out = tmp_path / "out"
    result = run_cli("make", str(clip.path), "--prompt", words, "--engine", "builtin", "--out", str(out),
                     home=tmp_path / "home")
    assert result.returncode != 0
    assert "not a request for music, so nothing was exported" in result.stderr or "不是" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == ""
    assert not out.exists() or not list(out.iterdir())


def _slow_export(media: MediaFactory, tmp_path: Path, *, sig: signal.Signals) -> tuple[int, str, Path, Path]:
    """Start a make whose render takes several seconds, send ``sig`` once its .part exists."""
    clip = media.clip("long take", duration=40.0, size=(1280, 720), cuts=(10.0, 25.0), audio="sine")
    out = tmp_path / "out"
    home = tmp_path / "home"
    proc = start_cli("make", str(clip.path), "--prompt", "calm piano", "--engine", "builtin", "--out", str(out),
                     "--seed", "1", home=home)
    try:
        wait_for(lambda: out.is_dir() and list(out.glob("*.part")), 180, "the export's .part")
        os.kill(proc.pid, sig)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, stderr, out, home


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_stop_signal_during_the_export_cancels_and_cleans_up(
    media: MediaFactory, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    rc, stderr, out, home = _slow_export(media, tmp_path, sig=sig)
    assert rc == code, stderr
    assert stderr.strip().splitlines()[-1] == "Cancelled. Nothing was written."
    assert "Traceback" not in stderr
    assert list(out.iterdir()) == []  # no .part, no half MP4
    time.sleep(0.3)
    assert ffmpeg_writing_into(out) == []
    assert not [p for p in (home / "cache").rglob("*") if p.is_file() and p.name.startswith("mix-")]
    assert not [p for p in (home / "cache").glob("render-*")]


@pytest.mark.slow
def test_what_a_killed_run_left_is_gone_after_the_next_export(media: MediaFactory, tmp_path: Path) -> None:
    rc, _, out, home = _slow_export(media, tmp_path, sig=signal.SIGKILL)
    assert rc == -signal.SIGKILL
    # the kernel takes our ffmpeg with us (it must not go on writing the .part)
    wait_for(lambda: not ffmpeg_writing_into(out), 10, "the orphaned ffmpeg to die")
    left = list(out.glob("*.part"))
    assert len(left) == 1 and ".nemo-" in left[0].name
    someone_elses = out / "holiday.mp4.part"  # a browser's download in progress: never ours to remove
    someone_elses.write_bytes(b"not ours")
    clip = media.clip("next one", duration=2.0, size=(320, 180), audio=None)
    result = run_cli("make", str(clip.path), "--prompt", "calm piano", "--engine", "builtin", "--out", str(out),
                     home=home)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["holiday.mp4.part", "next one.mp4"], names
    assert not [p for p in (home / "cache").rglob("*") if p.is_file() and p.name.startswith("mix-")]


def test_a_speech_model_that_cannot_load_is_said_once_and_logged(media: MediaFactory, tmp_path: Path) -> None:
    clip = media.clip("talk", duration=6.0, size=(320, 180), audio="speech", speech_at=(1.0,))
    broken = tmp_path / "silero_vad.onnx"
    broken.write_bytes(b"not a model")
    home = tmp_path / "home"
    env = {**cli_env(home), "NEMO_VAD_MODEL": str(broken)}
    result = subprocess.run([sys.executable, "-m", "nemo_desktop", "make", str(clip.path), "--prompt", "calm piano",
                             "--engine", "builtin", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    told = [line for line in result.stderr.splitlines() if "Speech detection is not available" in line]
    assert len(told) == 1 and "cannot be loaded" in told[0] and "not lowered under voices" in told[0]
    logged = "".join(p.read_text() for p in (home / "logs").rglob("*.log"))
    assert "speech detection unavailable" in logged or "no speech detection" in logged
