"""Whether a cut's accent can be told from chance: the measure of issue 17, shared by tests and benchmarks.

The music's onset strength is computed as ``librosa.onset.onset_strength`` computes it by default, in
numpy (librosa is not a dependency): the audio at 22 050 Hz, a periodic-Hann STFT of 2048 with hops of
512, centred; 128 Slaney mel bands to 11 025 Hz; power in dB (80 dB below the loudest bin is the floor);
each band's rise from one frame to the next, averaged over the bands and reported at the later frame's
leading edge. "Strong" onsets are the envelope's peaks (local maxima) at least 0.3 × the 90th percentile
of all its peaks. A cut is *hit* when a strong onset lies within ±50 ms of it; the *baseline* is the same
rate for the cuts moved by a random 0.1–1.0 s: where every beat is an equally strong onset, the moved
cuts hit as often as the real ones and the hit on the cut means nothing. librosa's frames read an exact
hit 15–37 ms late (the first 93 ms window that holds enough of the attack), so how near a hit cut's onset
is, is told by our own 5 ms detector (``sound_measures.onsets``), as the other timing tests tell it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd

import numpy as np
from scipy.signal import resample_poly

from tests.sound_measures import onsets as fine_onsets

RATE, N_FFT, HOP, BANDS = 22050, 2048, 512, 128  # librosa's defaults
STRONG = 0.3  # of the 90th percentile of all onset peaks
TOLERANCE = 0.05  # seconds either side of a cut
SHIFTS = (0.1, 1.0)  # seconds a cut is moved by for the baseline (either way)
# issue 17's clips (duration, cuts on 30 fps frames), read by benchmarks/bench_cut_accents.py and the tests
CLIPS: dict[str, tuple[float, tuple[float, ...]]] = {
    "20 s / 4 cuts": (20.0, (3.4, 7.1, 11.65, 15.3)),
    "60 s / 12 cuts": (60.0, (4.2, 8.9, 12.1, 17.6, 21.3, 26.8, 30.4, 35.7, 39.2, 44.9, 49.5, 53.1)),
    "16 s montage / 9": (16.0, (1.3, 2.9, 3.7, 5.6, 6.4, 8.15, 9.9, 11.2, 12.6)),
}


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default): linear to 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=float)
    mel = f / (200.0 / 3)
    log = f >= 1000.0
    return np.where(log, 15.0 + np.log(np.maximum(f, 1e-9) / 1000.0) / (np.log(6.4) / 27.0), mel)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    """The inverse of ``_hz_to_mel``."""
    m = np.asarray(m, dtype=float)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), m * (200.0 / 3))


def mel_filters(sr: int = RATE, n_fft: int = N_FFT, bands: int = BANDS) -> np.ndarray:
    """librosa.filters.mel: triangles on the Slaney scale from 0 to sr/2, each of unit area (Slaney norm)."""
    freqs = np.fft.rfftfreq(n_fft, 1 / sr)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(sr / 2)), bands + 2))
    gaps = np.diff(edges)
    ramps = edges[:, None] - freqs[None, :]
    lower = -ramps[:-2] / gaps[:-1, None]
    upper = ramps[2:] / gaps[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    return weights * (2.0 / (edges[2:] - edges[:-2]))[:, None]


def _resampled(audio: np.ndarray, sr: int) -> np.ndarray:
    """Mono at librosa's 22 050 Hz."""
    mono = np.asarray(audio.mean(axis=1) if audio.ndim == 2 else audio, dtype=np.float64)
    g = gcd(int(sr), RATE)
    return resample_poly(mono, RATE // g, int(sr) // g) if sr != RATE else mono


def _mel_db(y: np.ndarray, hop: int) -> np.ndarray:
    """Mel power in dB, floored 80 dB under the loudest bin (librosa's ``power_to_db``, top_db=80)."""
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(y, N_FFT // 2), N_FFT)[::hop]
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    mel_db = 10 * np.log10(np.maximum(power @ mel_filters().T, 1e-10))
    return np.maximum(mel_db, mel_db.max() - 80.0)


def _envelope(mel_db: np.ndarray, hop: int) -> np.ndarray:
    """Each band's rise from one frame to the next, averaged, at the later frame's leading edge."""
    rise = np.maximum(np.diff(mel_db, axis=0), 0).mean(axis=1)  # rise[k]: frame k + 1 against frame k
    return np.concatenate([np.zeros(1 + N_FFT // (2 * hop)), rise])[: len(mel_db)]


def onset_strength(audio: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """(envelope, frame times in s) as librosa's ``onset_strength`` gives them for ``audio`` (mono or
    (n, 2)) at ``sr``: an attack's peak lands 15–37 ms after the attack (the first window that holds
    enough of it), as it does in librosa."""
    mel_db = _mel_db(_resampled(audio, sr), HOP)
    env = _envelope(mel_db, HOP)
    return env, np.arange(len(env)) * HOP / RATE


def _peaks(env: np.ndarray) -> np.ndarray:
    """Indices of the local maxima."""
    inner = env[1:-1]
    return np.flatnonzero((inner > env[:-2]) & (inner >= env[2:])) + 1


def _strong(env: np.ndarray) -> np.ndarray:
    """Times of the envelope's peaks at least ``STRONG`` × the 90th percentile of all its peaks."""
    peaks = _peaks(env)
    if peaks.size == 0:
        return np.zeros(0)
    values = env[peaks]
    return peaks[values >= STRONG * np.percentile(values, 90)] * HOP / RATE


def strong_onsets(audio: np.ndarray, sr: int) -> np.ndarray:
    """Times of the music's strong onsets: peaks (local maxima) of its onset strength at least ``STRONG`` ×
    the 90th percentile of all peaks."""
    return _strong(onset_strength(audio, sr)[0])


def _distances(times: Sequence[float] | np.ndarray, onsets: np.ndarray) -> np.ndarray:
    """Each time's distance (s) to the nearest onset (inf with none)."""
    t = np.asarray(times, dtype=float)
    if onsets.size == 0:
        return np.full(t.shape, np.inf)
    return np.min(np.abs(t[:, None] - onsets[None, :]), axis=1)


@dataclass(frozen=True)
class CutAccents:
    """How the cuts of one piece are heard: hit rate and median offset on the real cuts, and the baseline."""

    hit_rate: float  # of cuts with a strong onset within ±50 ms (librosa's frames)
    median_ms: float  # median distance from a hit cut to its onset as our 5 ms detector tells it
    baseline: float  # the hit rate of the randomly moved cuts (librosa's frames)
    offsets_ms: tuple[float, ...]  # per cut, as ``median_ms``
    frame_median_ms: float  # the median in librosa's 23 ms frames (an exact hit reads 15–37 ms there)

    def row(self) -> str:
        """The figures as a benchmark prints them."""
        return (f"hit {self.hit_rate:5.0%}  median {self.median_ms:5.1f} ms ({self.frame_median_ms:4.1f} in "
                f"23 ms frames)  baseline {self.baseline:5.0%}")


def measure(audio: np.ndarray, sr: int, cuts: Sequence[float], duration: float, seed: int = 17,
            shifts_per_cut: int = 20) -> CutAccents:
    """The issue's figures for the music ``audio`` (all stems summed) of a clip with ``cuts``. Each cut is
    moved ``shifts_per_cut`` times by 0.1–1.0 s either way (the other way where it would leave the clip),
    with a fixed seed, so the baseline is a stable figure."""
    onsets = strong_onsets(audio, sr)
    d = _distances(cuts, onsets)
    fine = np.where(d <= TOLERANCE, _distances(cuts, fine_onsets(audio, sr)), d)
    rng = np.random.default_rng(seed)
    moved: list[float] = []
    for c in cuts:
        size = rng.uniform(*SHIFTS, shifts_per_cut)
        sign = rng.choice([-1.0, 1.0], shifts_per_cut)
        t = c + sign * size
        outside = (t < 0.1) | (t > duration - 0.1)
        moved.extend(np.where(outside, c - sign * size, t))
    base = _distances(moved, onsets)
    return CutAccents(
        hit_rate=float(np.mean(d <= TOLERANCE)),
        median_ms=float(np.median(fine) * 1000),
        baseline=float(np.mean(base <= TOLERANCE)),
        offsets_ms=tuple(round(float(x) * 1000, 1) for x in fine),
        frame_median_ms=float(np.median(d) * 1000),
    )
