"""What tells two styles' pieces apart, measured on their audio (issue 17): shared by the styles test and
benchmarks/bench_styles.py.

Every style is composed for the same clip, seed and key (C major / A minor, so the chroma compares harmony,
not the key the words happened to pick) and its stems are summed to mono. Three profiles per piece:

- **onset**: the autocorrelation of the onset-strength envelope (spectral flux) over lags up to 2.5 s, less
  its moving average (the decay every piece shares): the groove and tempo as a shape (a four-on-the-floor and
  a half-time trap beat peak at different lags);
- **chroma**: the mean energy per pitch class, 12 bins: the harmony (modes, sevenths, pentatonic, clusters);
- **timbre**: the mean level in 24 log-spaced bands from 50 Hz to 11 kHz, less its straight-line tilt (which
  every mix shares): who plays (an 808 and a koto do not share a spectrum).

Two pieces are near-identical when all three profiles correlate above the bounds in ``NEAR``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.sampler import render_stems
from nemo_desktop.engine.music.score import Score
from nemo_desktop.engine.music.styles import STYLES
from nemo_desktop.engine.prompt import VideoTraits, make_brief

SR = 24000
HOP = 256  # 10.7 ms: the onset envelope's rate
LONG = 4096
# A pair of pieces is near-identical when every profile correlates above its bound (see the styles test).
NEAR = {"onset": 0.95, "chroma": 0.85, "timbre": 0.9}


@dataclass(frozen=True)
class Piece:
    """One style's piece for the comparison: its score, its mono mix and the instruments it names."""

    style: str
    score: Score
    mono: np.ndarray
    instruments: frozenset[str]


def style_piece(style: str, seconds: float, cuts: tuple[float, ...], seed: int = 1) -> Piece:
    """``style`` composed for a ``seconds`` clip with ``cuts`` in C (major or minor as the style wants),
    rendered in-process (the shipped bank and our synth) and summed to mono."""
    brief = make_brief(style.replace("_", " "), VideoTraits(duration=seconds))
    assert brief.style == style, (style, brief.style)
    brief = replace(brief, key="C" if brief.mode == "major" else "A")
    score = compose(brief, seconds, list(cuts), 30.0, seed)
    stems = render_stems(score, SR)
    mono = sum(s.astype(np.float64).mean(axis=1) for s in stems.values())
    names = frozenset(n.instrument for notes in score.notes.values() for n in notes)
    return Piece(style, score, np.asarray(mono), names)


def _spectrogram(x: np.ndarray, frame: int = 1024) -> np.ndarray:
    """Magnitudes (frames, bins) of Hann-windowed frames ``frame`` long, ``HOP`` apart."""
    n = 1 + max(0, (len(x) - frame) // HOP)
    idx = np.arange(frame)[None, :] + HOP * np.arange(n)[:, None]
    return np.abs(np.fft.rfft(x[idx] * np.hanning(frame), axis=1))


def profiles(mono: np.ndarray) -> dict[str, np.ndarray]:
    """The onset, chroma and timbre profiles of a mono piece (see the module's docstring)."""
    mag = _spectrogram(mono)
    log = np.log1p(100 * mag)
    flux = np.maximum(np.diff(log, axis=0), 0).sum(axis=1)
    flux = flux - flux.mean()
    lags = int(2.5 * SR / HOP)
    ac = np.correlate(flux, flux, "full")[len(flux) - 1 : len(flux) - 1 + lags]
    onset = ac / (ac[0] + 1e-12)
    onset = onset - np.convolve(onset, np.ones(25) / 25, "same")  # the periodicities, not the decay
    long = _spectrogram(mono, LONG)  # 5.9 Hz bins: pitch classes and bands resolved down to the bass
    freqs = np.fft.rfftfreq(LONG, 1 / SR)
    power = (long**2).mean(axis=0)
    sel = (freqs >= 65) & (freqs <= 4200)
    pcs = np.round(12 * np.log2(freqs[sel] / 440.0)).astype(int) % 12
    chroma = np.bincount((pcs + 9) % 12, weights=power[sel], minlength=12)  # index 0 = C
    chroma = chroma / (chroma.sum() + 1e-12)
    edges = np.geomspace(50, 11000, 25)
    bands = np.array([power[(freqs >= lo) & (freqs < hi)].sum() for lo, hi in zip(edges[:-1], edges[1:], strict=True)])
    timbre = 10 * np.log10(bands / (bands.sum() + 1e-20) + 1e-12)
    timbre = timbre - np.polyval(np.polyfit(np.arange(24), timbre, 1), np.arange(24))  # the shape, not the tilt
    return {"onset": onset[1:], "chroma": chroma, "timbre": timbre}


def correlations(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, float]:
    """Pearson correlation of each profile of two pieces."""
    return {k: float(np.corrcoef(a[k], b[k])[0, 1]) for k in a}


def near_identical(corr: dict[str, float]) -> bool:
    """Whether two pieces' profiles all correlate above ``NEAR``: the same groove, harmony and sound."""
    return all(corr[k] > bound for k, bound in NEAR.items())


def distance(corr: dict[str, float]) -> float:
    """One number for the matrix: how far two pieces are (0 = identical profiles), the mean of 1 − r."""
    return float(np.mean([1 - corr[k] for k in NEAR]))


def every_style() -> list[str]:
    """The styles in the picker's order."""
    return list(STYLES)
