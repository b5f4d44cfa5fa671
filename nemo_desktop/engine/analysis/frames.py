"""What numpy measures on small YUV frames: luma jumps, histogram changes and colour, batch by batch."""

from __future__ import annotations

import numpy as np

HIST_BINS = 32


def luma_hist(y: np.ndarray) -> np.ndarray:
    """Normalised 32-bin luma histograms of a (k, h, w) uint8 batch, vectorised over the batch."""
    k = y.shape[0]
    bins = (y >> 3).reshape(k, -1).astype(np.int64) + (np.arange(k) * HIST_BINS)[:, None]
    counts = np.bincount(bins.ravel(), minlength=HIST_BINS * k).reshape(k, HIST_BINS)
    return np.asarray(counts / bins.shape[1], dtype=np.float64)


def colour(frames: np.ndarray) -> np.ndarray:
    """(k, 3) brightness 0..1, warmth -1..1 and saturation 0..1 of a (k, 3, h, w) YUV444 batch."""
    y = frames[:, 0].astype(np.float32)
    uf = frames[:, 1].astype(np.float32) - 128.0
    vf = frames[:, 2].astype(np.float32) - 128.0
    bright = y.mean(axis=(1, 2)) / 255.0
    warm = np.clip((vf.mean(axis=(1, 2)) - uf.mean(axis=(1, 2))) / 100.0, -1.0, 1.0)
    sat = np.clip(np.sqrt(uf * uf + vf * vf).mean(axis=(1, 2)) / 90.0, 0.0, 1.0)
    return np.stack([bright, warm, sat], axis=1).astype(np.float64)


def pair_change(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean absolute luma difference (0..255) and histogram distance (0..1) of two (h, w) luma pictures."""
    mad = float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())
    ha, hb = luma_hist(a[None]), luma_hist(b[None])
    return mad, float(np.abs(ha - hb).sum() / 2)


class FrameDiffs:
    """Differences of consecutive frames fed in batches: frame i against frame i-1 (0 for the first)."""

    def __init__(self) -> None:
        self._prev: np.ndarray | None = None
        self._prev_hist: np.ndarray | None = None

    def add(self, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mad, hist) of a (k, 3, h, w) batch against the frames before it."""
        y = frames[:, 0].astype(np.int16)
        hist = luma_hist(frames[:, 0])
        if self._prev is not None and self._prev_hist is not None and self._prev.shape == y.shape[1:]:
            prev_y, prev_h = np.concatenate([self._prev[None], y[:-1]]), np.vstack([self._prev_hist, hist[:-1]])
            mad = np.abs(y - prev_y).mean(axis=(1, 2))
            hd = np.abs(hist - prev_h).sum(axis=1) / 2
        else:
            mad = np.concatenate([[0.0], np.abs(np.diff(y, axis=0)).mean(axis=(1, 2))])
            hd = np.concatenate([[0.0], np.abs(np.diff(hist, axis=0)).sum(axis=1) / 2])
        self._prev, self._prev_hist = y[-1], hist[-1]
        return mad, hd
