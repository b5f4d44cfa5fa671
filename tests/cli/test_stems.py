"""``make --stems`` writes stems a person can import anywhere: ≤ −1 dBFS peaks, the balance kept, the music
file still the sum of the stems."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.io import wavfile

from tests.media import MediaFactory


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    return MediaFactory(tmp_path_factory.mktemp("stem-media"))


@pytest.mark.parametrize(("prompt", "seed"), [("energetic electronic with drums", 2), ("epic cinematic", 7)])
def test_stems_leave_headroom_and_still_add_up(media: MediaFactory, tmp_path: Path, prompt: str, seed: int) -> None:
    clip = media.clip("stems", duration=8.0, size=(320, 180), cuts=(2.0, 4.0, 6.0), audio=None)
    out = tmp_path / "out"
    env = {**os.environ, "NEMO_HOME": str(tmp_path / "home"), "NEMO_API_URL": "http://127.0.0.1:9"}
    result = subprocess.run([sys.executable, "-m", "nemo_desktop", "make", str(clip.path), "--prompt", prompt,
                             "--engine", "builtin", "--out", str(out), "--seed", str(seed), "--stems"],
                            capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    audio = {p.name.split(".")[1]: wavfile.read(p)[1].astype(np.float64) for p in sorted(out.glob("*.wav"))}
    assert set(audio) == {"drums", "bass", "chords", "melody", "music"}
    for name, x in audio.items():
        peak_db = 20 * np.log10(np.max(np.abs(x)) + 1e-12)
        assert peak_db <= -1.0 + 1e-3, (name, peak_db)
    parts = sum(x for name, x in audio.items() if name != "music")
    assert np.max(np.abs(parts - audio["music"])) < 1e-4
