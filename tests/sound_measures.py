"""Figures of rendered music that tests and benchmarks share: onsets, melody-vs-chords level, crest factor.

Our own small detectors (numpy only), so a figure means the same in a test and in ``benchmarks/``.
"""

from __future__ import annotations

import numpy as np

SR = 48000


def onsets(audio: np.ndarray, sr: int = SR) -> np.ndarray:
    """Onset times by spectral flux (5 ms hop), peaks above a local median: our own simple detector."""
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    hop, size = 240, 1024
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(mono, (size // 2, size)), size)[::hop]
    spec = np.log1p(100 * np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)))
    flux = np.maximum(np.diff(spec, axis=0), 0).sum(axis=1)
    flux = np.concatenate([[0.0], flux])
    local = np.array([np.median(flux[max(0, i - 10) : i + 10]) for i in range(len(flux))])
    thresh = local + 0.12 * np.percentile(flux, 99.5)
    peaks = [
        i
        for i in range(1, len(flux) - 1)
        if flux[i] > thresh[i] and flux[i] >= flux[i - 1] and flux[i] >= flux[i + 1]
    ]
    return np.array(peaks) * hop / sr


def onset_rate(audio: np.ndarray, end: float, sr: int = SR) -> float:
    """Onsets per second over the first ``end`` seconds (the piece before its ring-out)."""
    found = onsets(audio, sr)
    return float(np.sum(found < end)) / end


def block_rms(x: np.ndarray, sr: int = SR, block: float = 0.1) -> np.ndarray:
    """RMS per block of ``block`` seconds (mono sum of the channels)."""
    mono = np.asarray(x, dtype=np.float64).reshape(len(x), -1).mean(axis=1)
    k = int(block * sr)
    blocks = mono[: len(mono) // k * k].reshape(-1, k)
    return np.sqrt(np.mean(blocks**2, axis=1))


def level_gap_db(a: np.ndarray, b: np.ndarray, sr: int = SR) -> float:
    """Level of ``a`` against ``b`` (dB) over the 100 ms blocks where both play (within 40 dB of their peak
    block): how far the melody sits under the chords where the two sound together."""
    ra, rb = block_rms(a, sr), block_rms(b, sr)
    both = (ra > ra.max() * 0.01) & (rb > rb.max() * 0.01)
    if not np.any(both):
        return float("nan")
    return float(10 * np.log10(np.mean(ra[both] ** 2) / np.mean(rb[both] ** 2)))


def crest_db(x: np.ndarray) -> float:
    """Peak over RMS (dB) of the whole signal: a squashed mix reads low, a spiky one high."""
    a = np.asarray(x, dtype=np.float64)
    return float(20 * np.log10(np.abs(a).max() / np.sqrt(np.mean(a**2))))
