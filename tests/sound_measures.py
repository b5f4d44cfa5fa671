"""Figures of rendered music that tests and benchmarks share: onsets, melody-vs-chords level, crest factor.

Our own small detectors (numpy only), so a figure means the same in a test and in ``benchmarks/``.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def _mel_bank(sr: int, n_fft: int, bands: int = 128, fmax: float = 11025.0) -> np.ndarray:
    """Triangular mel filters (Slaney-style mel scale, as librosa's default) over the rfft bins."""

    def mel(f: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def hz(m: np.ndarray) -> np.ndarray:
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(np.array(0.0)), mel(np.array(fmax)), bands + 2))
    freqs = np.fft.rfftfreq(n_fft, 1 / sr)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (freqs[None, :] - lo) / (mid - lo)
    down = (hi - freqs[None, :]) / (hi - mid)
    return np.maximum(0.0, np.minimum(up, down))


def onset_rate(audio: np.ndarray, end: float, sr: int = SR, start: float = 1.0) -> float:
    """Onsets per second from ``start`` to ``end`` seconds — an excerpt, as the real music was measured: the
    jump out of silence at a piece's start, or its final hit, would dwarf every onset between (so pass an
    ``end`` before the final hit) — detected the way librosa's ``onset_detect`` does
    by default (log-mel spectral flux at ~21 ms hops, envelope normalised to 0..1, a peak 0.07 above its
    ±0.1 s mean, maximal over the 30 ms before it, 30 ms apart): the detector the figures of real
    background music (3.7–5 onsets/s) were measured with, so ours compare."""
    return _onset_count(audio, start, end, sr) / (end - start)


HIT_SPAN = (0.3, 1.0)  # seconds before and after a cut's hit that belong to it: its break, its ring
STRETCH = 2.0  # seconds: a stretch between two hits shorter than this is no excerpt to read


def texture_onset_rate(audio: np.ndarray, end: float, hits: Sequence[float], sr: int = SR,
                       start: float = 1.0) -> float:
    """Onsets per second of the music between its cut hits: each stretch from one hit's ring to the next
    hit's break read as an excerpt of its own (as the real music was measured, in excerpts with no cut
    scored in them), the counts summed over the stretches' length. A hit written to stand above its
    neighbourhood (issue 17) is the loudest onset of a detector that normalises to the loudest; read over
    the whole piece, it would hide the playing between the hits that this figure is about."""
    edges = [start]
    for h in sorted(hits):
        if start < h < end:
            edges += [h - HIT_SPAN[0], h + HIT_SPAN[1]]
    edges.append(end)
    spans = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= STRETCH]
    return sum(_onset_count(audio, a, b, sr) for a, b in spans) / max(sum(b - a for a, b in spans), 1e-9)


def _onset_count(audio: np.ndarray, start: float, end: float, sr: int) -> int:
    """How many onsets ``onset_rate``'s detector finds from ``start`` to ``end`` seconds."""
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = np.asarray(mono[int(start * sr) : int(end * sr)], dtype=np.float64)
    n_fft, hop = 4096, 1024
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(mono, n_fft // 2), n_fft)[::hop]
    power = np.abs(np.fft.rfft(frames * np.hanning(n_fft), axis=1)) ** 2
    mel_db = 10 * np.log10(np.maximum(power @ _mel_bank(sr, n_fft).T, 1e-10))
    mel_db = np.maximum(mel_db, mel_db.max() - 80.0)
    env = np.concatenate([[0.0], np.maximum(np.diff(mel_db, axis=0), 0).mean(axis=1)])
    env = (env - env.min()) / max(env.max() - env.min(), 1e-12)
    per_s = sr / hop
    pre_max, pre_avg, post_avg, wait = int(0.03 * per_s), int(0.1 * per_s), int(0.1 * per_s) + 1, int(0.03 * per_s)
    count, last = 0, -wait - 1
    for i in range(1, len(env)):
        if env[i] < env[max(0, i - pre_max) : i + 1].max():
            continue
        if env[i] < env[max(0, i - pre_avg) : i + post_avg].mean() + 0.07 or i - last <= wait:
            continue
        count, last = count + 1, i
    return count


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


def loudness_range(x: np.ndarray, sr: int = SR) -> float:
    """EBU R128 loudness range (LU, EBU Tech 3342): K-weighted 3 s short-term loudness every 100 ms, gated
    at −70 LUFS and then 20 LU under the mean of what passed, spread from its 10th to its 95th percentile.
    Built on the engine's own BS.1770 meter (its K filter and 100 ms step energies)."""
    from nemo_desktop.engine.loudness import LoudnessMeter

    meter = LoudnessMeter(sr, 2 if x.ndim == 2 else 1)
    meter.feed(x)
    steps = meter.steps().sum(axis=1)
    window = 30  # 3 s of 100 ms steps
    if len(steps) < window:
        return 0.0
    short = np.convolve(steps, np.ones(window) / window, mode="valid")
    with np.errstate(divide="ignore"):
        lufs = -0.691 + 10 * np.log10(short)
    lufs = lufs[lufs > -70.0]
    if len(lufs) == 0:
        return 0.0
    rel = -0.691 + 10 * np.log10(np.mean(10 ** ((lufs + 0.691) / 10))) - 20.0
    kept = lufs[lufs > rel]
    return float(np.percentile(kept, 95) - np.percentile(kept, 10))


def frame_centroid(x: np.ndarray, sr: int = SR) -> float:
    """Spectral centroid (Hz) as librosa's ``spectral_centroid`` reads a file loaded at its default 22.05 kHz:
    the magnitude (not power) spectrum's mean frequency per ~93 ms frame (23 ms hops) up to 11.025 kHz,
    averaged over the frames that sound — how the real music's ~1.6 kHz was measured alongside its onsets.
    A power spectrum of the whole piece weighs the bass far more and reads about half of this."""
    mono = np.asarray(x.mean(axis=1) if x.ndim == 2 else x, dtype=np.float64)
    n_fft, hop = 4096, 1024
    frames = np.lib.stride_tricks.sliding_window_view(mono, n_fft)[::hop]
    freqs = np.fft.rfftfreq(n_fft, 1 / sr)
    band = freqs <= 11025.0
    mag = np.abs(np.fft.rfft(frames * np.hanning(n_fft), axis=1))[:, band]
    total = mag.sum(axis=1)
    sounding = total > total.max() * 1e-3
    return float(np.mean((mag[sounding] @ freqs[band]) / total[sounding]))
