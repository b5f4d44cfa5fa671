"""The preview through a real audio device: a private PulseAudio server with a null sink (skipped where
``pulseaudio`` is not installed). Runs in a child interpreter, because Qt Multimedia picks its audio
devices once per process and the other tests' process has none."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PLAYER = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from nemo_desktop.core.ports import PreviewAudio
from nemo_desktop.ui.preview_player import PreviewPlayer

app = QApplication([])
n = 48000 * 4
tone = np.sin(2 * np.pi * 440 * np.arange(n) / 48000)[:, None].repeat(2, 1) * 8000
player = PreviewPlayer()
player.set_duration(4.0)
import tempfile
pcm = os.path.join(tempfile.mkdtemp(), "tone.pcm")
with open(pcm, "wb") as fh:
    fh.write(tone.astype("<i2").tobytes())
player.set_audio(PreviewAudio(pcm, n, 48000, 2, "tone"))
silent = []
player.soundless.connect(lambda: silent.append(True))
samples = []
t0 = time.monotonic()

def step():
    t = time.monotonic() - t0
    samples.append((t, player.position()))
    if t > 1.0 and not any(s[0] > 1.0 for s in samples[:-1]):
        player.seek(3.0)
    if t > 1.6:
        app.quit()

player.play()
timer = QTimer()
timer.timeout.connect(step)
timer.start(50)
app.exec()
print(json.dumps({"sound": player.has_sound, "silent": bool(silent), "samples": samples}))
player.close()
"""


@pytest.fixture
def pulse_server(tmp_path: Path):
    if not shutil.which("pulseaudio"):
        pytest.skip("pulseaudio is not installed (scripts/system-packages installs it for the tests)")
    socket = tmp_path / "native"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)}
    listen = f"module-native-protocol-unix socket={socket} auth-anonymous=1"
    proc = subprocess.Popen(["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
                             "-L", "module-null-sink", "-L", listen],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert socket.exists(), "the private PulseAudio server did not start"
        yield f"unix:{socket}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_preview_plays_through_an_audio_device(pulse_server: str) -> None:
    import json

    env = {**os.environ, "PULSE_SERVER": pulse_server, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", PLAYER], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["sound"] and not result["silent"], "the audio device was not used"
    samples = result["samples"]
    before = [(t, p) for t, p in samples if 0.5 < t <= 1.0]
    # the clock follows the device: about one second per second once the stream runs
    rate = (before[-1][1] - before[0][1]) / (before[-1][0] - before[0][0])
    assert 0.8 < rate < 1.2, f"the position moved {rate:.2f} s per second"
    after = [p for t, p in samples if t > 1.3]
    assert after and all(3.0 <= p < 3.7 for p in after), f"a seek to 3 s plays on from there: {after}"
