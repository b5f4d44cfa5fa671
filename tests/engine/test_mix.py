"""The final mix as a listener hears it: ducked under speech, at −16 LUFS, under −1 dBTP, without clicks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy import signal
from scipy.io import wavfile

from nemo_desktop.engine.audio_io import write_wav
from nemo_desktop.engine.mix import integrated_loudness, mix, music_only
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.synth import render_stems
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from tests.media import span_mask

SR = 48000
DURATION = 24.0
SPEECH = [(5.0, 8.0), (8.6, 11.0), (16.0, 19.0)]  # the first two are bridged (0.6 s gap)


@pytest.fixture(scope="module")
def stems() -> dict[str, np.ndarray]:
    brief = make_brief("upbeat pop", VideoTraits(duration=DURATION))
    return render_stems(compose(brief, DURATION, [4.0, 12.0, 16.0], 30.0, 2))


def speech_like(n: int, spans: list[tuple[float, float]]) -> np.ndarray:
    """Clip sound: quiet room tone plus voice-band bursts during the speech spans."""
    rng = np.random.default_rng(3)
    room = rng.standard_normal(n) * 0.002
    voice = signal.lfilter(
        *signal.butter(2, [200 / (SR / 2), 3000 / (SR / 2)], btype="band"), rng.standard_normal(n)
    )
    t = np.arange(n) / SR
    mask = np.zeros(n)
    for s, e in spans:
        mask[(t >= s) & (t < e)] = 1.0
    syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    x = room + voice * mask * syllables * 0.1
    return np.stack([x, x], axis=1).astype(np.float32)


def rms_db(x: np.ndarray) -> float:
    return 20 * np.log10(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2)) + 1e-12)


def true_peak(x: np.ndarray) -> float:
    up = signal.resample_poly(np.asarray(x, dtype=np.float64), 4, 1, axis=0)
    return 20 * np.log10(np.max(np.abs(up)))


def test_music_ducks_under_speech(stems: dict[str, np.ndarray]) -> None:
    out = mix(stems, None, SPEECH)
    n = out.shape[0]
    inside = span_mask(n, SPEECH)
    inside[int(8.0 * SR) : int(8.6 * SR)] = True  # the bridged pause stays down too
    outside = ~span_mask(n, SPEECH, pad=1.0)
    outside[:SR] = False
    outside[int(DURATION - 3) * SR :] = False
    raw = music_only(stems)
    # compare the drop against what the music itself does in those places
    drop = (rms_db(out[inside]) - rms_db(out[outside])) - (rms_db(raw[inside]) - rms_db(raw[outside]))
    assert drop <= -18.0, drop
    # recovered within 0.8 s after the speech ends
    after = slice(int((19.0 + 0.8) * SR), int((19.0 + 2.0) * SR))
    ratio = rms_db(out[after]) - rms_db(raw[after])
    ref = rms_db(out[outside]) - rms_db(raw[outside])
    assert abs(ratio - ref) < 1.5


def test_loudness_peak_and_edges(stems: dict[str, np.ndarray]) -> None:
    clip = speech_like(stems["drums"].shape[0], SPEECH)
    out = mix(stems, clip, SPEECH)
    assert out.dtype == np.float32 and out.shape == clip.shape
    loud = pyloudnorm.Meter(SR).integrated_loudness(out.astype(np.float64))
    assert abs(loud - (-16.0)) <= 1.0, loud
    assert true_peak(out) <= -1.0
    assert abs(out[0]).max() < 1e-3  # a short fade-in
    last = rms_db(out[-int(0.1 * SR) :])
    before = rms_db(out[-int(2.1 * SR) : -int(0.1 * SR)])
    assert last < before


def test_no_clicks(stems: dict[str, np.ndarray]) -> None:
    out = mix(stems, None, SPEECH).astype(np.float64)
    raw = music_only(stems).astype(np.float64)
    free = ~span_mask(out.shape[0], SPEECH, pad=1.0)
    gain = np.sqrt(np.mean(out[free] ** 2) / np.mean(raw[free] ** 2))
    own = np.max(np.abs(np.diff(raw * gain, axis=0)))
    ours = np.max(np.abs(np.diff(out, axis=0)))
    assert ours <= 1.1 * own, (ours, own)
    for stem in stems.values():  # no note start or end makes a jump far above the stem's own motion
        d = np.abs(np.diff(stem, axis=0))
        assert d.max() <= 25 * np.percentile(d, 99.9) + 1e-6


def test_quieter_music_means_relative_to_the_clip(stems: dict[str, np.ndarray]) -> None:
    clip = speech_like(stems["drums"].shape[0], [(0.0, DURATION)]) * 0.3
    normal = mix(stems, clip, [])
    quiet = mix(stems, clip, [], music_gain_db=-8.0)
    meter = pyloudnorm.Meter(SR)
    assert abs(meter.integrated_loudness(quiet.astype(np.float64)) + 16) <= 1.0
    # the clip's share of the programme grows: correlate each mix with the clip
    share = [np.dot(m[:, 0], clip[:, 0]) / np.dot(clip[:, 0], clip[:, 0]) for m in (normal, quiet)]
    assert share[1] > share[0] * 1.5
    # with no clip sound, quieter music lowers the whole programme, never above −16
    alone = mix(stems, None, [], music_gain_db=-6.0)
    assert abs(meter.integrated_loudness(alone.astype(np.float64)) + 22) <= 1.0
    louder = mix(stems, None, [], music_gain_db=6.0)
    assert abs(meter.integrated_loudness(louder.astype(np.float64)) + 16) <= 1.0


def test_own_loudness_matches_pyloudnorm(stems: dict[str, np.ndarray]) -> None:
    x = music_only(stems).astype(np.float64)
    assert abs(integrated_loudness(x) - pyloudnorm.Meter(SR).integrated_loudness(x)) < 0.1


def test_write_wav_is_atomic(tmp_path: Path, stems: dict[str, np.ndarray]) -> None:
    audio = music_only(stems)[:SR]
    path = tmp_path / "music.wav"
    write_wav(path, audio, pcm16=True)
    assert not path.with_suffix(".wav.part").exists()
    rate, data = wavfile.read(path)
    assert rate == SR and data.shape == (SR, 2) and data.dtype == np.int16
    write_wav(path, audio)
    assert wavfile.read(path)[1].dtype == np.float32


def _voice(n: int, span: tuple[float, float], amplitude: float) -> np.ndarray:
    """A voice-band burst train lowpassed steeply at 4 kHz, so above 10 kHz only the music sounds."""
    x = speech_like(n, [span])[:, 0] * amplitude / 0.1
    x = signal.sosfilt(signal.butter(8, 4000 / (SR / 2), output="sos"), x)
    return np.stack([x, x], axis=1).astype(np.float32)


def _top_band(x: np.ndarray) -> np.ndarray:
    return signal.sosfilt(signal.butter(8, [10000 / (SR / 2), 18000 / (SR / 2)], btype="band", output="sos"),
                          np.asarray(x, dtype=np.float64).mean(axis=1))


@pytest.mark.parametrize("amplitude", [0.01, 0.05, 0.4])  # a soft, a normal and a loud speaker
def test_music_sits_18_db_under_any_voice_and_no_deeper_than_needed(
    stems: dict[str, np.ndarray], amplitude: float
) -> None:
    span = (6.0, 14.0)
    n = stems["drums"].shape[0]
    clip = _voice(n, span, amplitude)
    out = mix(stems, clip, [span])
    raw = music_only(stems)
    inside = span_mask(n, [span])
    inside[: int((span[0] + 0.5) * SR)] = False  # past the attack ramp
    outside = ~span_mask(n, [span], pad=1.0)
    outside[:SR] = False
    outside[-3 * SR :] = False
    top_out, top_raw = _top_band(out), _top_band(raw)
    depth = (rms_db(top_out[inside]) - rms_db(top_out[outside])) - (rms_db(top_raw[inside]) - rms_db(top_raw[outside]))
    meter = pyloudnorm.Meter(SR)
    i0, i1 = int(span[0] * SR), int(span[1] * SR)
    voice = meter.integrated_loudness(clip[i0:i1].astype(np.float64))
    music_there = meter.integrated_loudness(raw[i0:i1].astype(np.float64))
    gap = voice - (music_there + depth)  # both scaled alike by the final normalisation
    assert depth <= -5.5, depth  # always a dip a listener hears
    if depth > -59.5:  # inside the range: exactly as deep as needed
        assert 18.0 <= gap <= 20.5 or depth >= -6.5, (gap, depth)
    assert gap >= 18.0, (gap, depth)
