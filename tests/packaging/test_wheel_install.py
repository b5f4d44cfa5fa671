"""The wheel alone is the whole app: installed into a fresh virtual environment (no scripts/install, no
side-installed packages), it finds speech in espeak-ng speech and ducks the music under it.

Built and installed offline: the wheel is built from this checkout without build isolation, installed with
``--no-deps --no-index``, and the fresh environment borrows only the third-party dependencies (numpy,
onnxruntime, …) from the test environment through a path entry — never our own package, which must come
from the wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest
from scipy import signal

from tests.media import MediaFactory, decoded_sound, span_mask

ROOT = Path(__file__).resolve().parents[2]
SR = 48000


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--disable-pip-version-check", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True, timeout=300)
    (found,) = out.glob("nemo_desktop-*.whl")
    return found


@pytest.fixture(scope="module")
def fresh(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def fresh_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NEMO_VAD_MODEL")}
    return {**env, "NEMO_HOME": str(home), "NEMO_API_URL": "http://127.0.0.1:9"}


def test_the_wheel_carries_the_speech_model_and_its_licence(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "nemo_desktop/resources/silero_vad.onnx" in names
    assert "nemo_desktop/resources/licenses/silero-vad/LICENSE" in names
    assert "nemo_desktop/locale/zh_CN/LC_MESSAGES/nemo_desktop.mo" in names


def test_the_wheel_carries_the_window_icons(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted((ROOT / "nemo_desktop" / "resources" / "icons").glob("*.svg"))
    assert len(shipped) >= 10
    for svg in shipped:
        assert f"nemo_desktop/resources/icons/{svg.name}" in names, svg.name


def test_the_wheel_carries_the_instrument_bank_and_its_licence(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("resources/bank/gm_bank.npy", "resources/bank/gm_bank.json",
                 "resources/licenses/fluidr3mono/copyright", "resources/licenses/fluidr3mono/SOURCE"):
        assert f"nemo_desktop/{name}" in names, name


def test_a_fresh_install_plays_the_shipped_bank(fresh: Path) -> None:
    """Imported from the installed wheel (not this checkout), the default instruments load the bank."""
    code = ("import nemo_desktop.engine.music.bank as b; bank = b.load(); "
            "print(b.SHIPPED_DIR, len(bank.presets), bank.read_pcm(bank.presets[(0, 0)][0].sample).size)")
    run = subprocess.run([str(fresh / "bin" / "python"), "-c", code], capture_output=True, text=True,
                         env=fresh_env(fresh.parent / "home"), cwd=fresh.parent, timeout=120)
    assert run.returncode == 0, run.stderr
    out = run.stdout.split()
    assert Path(out[0]).is_relative_to(fresh) and int(out[1]) >= 20 and int(out[2]) > 1000


def high_band(x: np.ndarray) -> np.ndarray:
    """12–18 kHz of the mono sum: espeak-ng speaks at 22.05 kHz, so only the music sounds up there."""
    sos = signal.butter(6, [12000 / (SR / 2), 18000 / (SR / 2)], btype="band", output="sos")
    return signal.sosfilt(sos, x.mean(axis=1))


def db(x: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(x**2)) + 1e-12)


@pytest.mark.slow
def test_a_fresh_install_detects_speech_and_ducks_the_music(fresh: Path, tmp_path: Path) -> None:
    media = MediaFactory(tmp_path / "media")
    clip = media.clip("interview", duration=16.0, size=(640, 360), audio="speech", speech_at=(4.0,))
    home = tmp_path / "home"
    probe = subprocess.run(
        [str(fresh / "bin" / "python"), "-c",
         "import json, sys, nemo_desktop\n"
         "from pathlib import Path\n"
         "from nemo_desktop.engine import analysis, probe\n"
         "found = analysis.analyse_clip(probe.probe(Path(sys.argv[1])))\n"
         "print(json.dumps({'file': nemo_desktop.__file__, 'speech': found.speech,"
         " 'problem': found.speech_problem}))",
         str(clip.path)],
        capture_output=True, text=True, env=fresh_env(home), cwd=tmp_path, timeout=120)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert Path(found["file"]).is_relative_to(fresh), "our package must come from the wheel"
    assert found["problem"] is None
    truth = (clip.speech[0][0], clip.speech[-1][1])
    assert found["speech"], "no speech found in espeak-ng speech"
    assert abs(found["speech"][0][0] - truth[0]) < 0.4 and abs(found["speech"][-1][1] - truth[1]) < 0.6

    out = tmp_path / "out"
    made = subprocess.run(
        [str(fresh / "bin" / "nemo-desktop"), "make", str(clip.path), "--prompt", "upbeat pop with drums",
         "--engine", "builtin", "--out", str(out), "--seed", "4", "--stems"],
        capture_output=True, text=True, env=fresh_env(home), cwd=tmp_path, timeout=300)
    assert made.returncode == 0, made.stderr
    assert "Speech detection is not available" not in made.stderr
    video = Path(made.stdout.strip().splitlines()[-1])
    mixed = high_band(decoded_sound(video))
    music = high_band(decoded_sound(next(out.glob("*.music.wav"))))[: len(mixed)]
    # what the music does under the voice, measured against what the music itself does in the same places
    under = span_mask(len(mixed), [tuple(s) for s in found["speech"]])
    free = ~span_mask(len(mixed), [tuple(s) for s in found["speech"]], pad=1.0)
    free[: SR] = False
    free[-3 * SR :] = False
    drop = (db(mixed[under]) - db(mixed[free])) - (db(music[under]) - db(music[free]))
    assert drop <= -18.0, drop
