"""No clicks (issue 18): every sample-to-sample step stays within 10× the local step size, in each stem and
in the final mix, on a 16 s montage with 9 irregular cuts.

The local step size is taken on each side of a sample: the 95th percentile of |x[n] − x[n−1]| over the
5 ms before it and over the 5 ms after it, the larger of the two. A click — a note or a drum sample cut off
at a non-zero value, a sound starting at full level — is a step far above everything the sound does on
either side (it read 50–195× before the ramps); a saw's edge, a pluck or a hat entering over a quiet bed
is not (it reads ≤ 4×). Steps 80 dB under the stem's peak do not count.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from nemo_desktop.engine.mix import mix
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.sampler import render_stems
from nemo_desktop.engine.prompt import VideoTraits, make_brief

SR = 48000
CUTS = (1.3, 2.1, 4.0, 5.2, 7.7, 8.4, 10.6, 12.3, 14.1)  # a 16 s montage, irregular shots
LIMIT = 10.0


def step_ratios(x: np.ndarray, sr: int = SR, window: float = 0.005) -> np.ndarray:
    """Per step: |x[n] − x[n−1]| (the larger channel) over the local step size on either side."""
    a = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    d = np.abs(np.diff(a, axis=0)).max(axis=1)
    h = int(window * sr)
    local = ndimage.percentile_filter(d, 95, size=h, mode="nearest")  # centred: shift half a window
    k = h // 2 + 1
    before = np.concatenate([np.full(k, local[0]), local[:-k]])
    after = np.concatenate([local[k:], np.full(k, local[-1])])
    floor = 1e-4 * float(np.abs(a).max(initial=0.0)) + 1e-9
    return d / np.maximum(np.maximum(before, after), floor)


def worst(x: np.ndarray) -> tuple[float, float]:
    """The largest step ratio and its time in seconds."""
    r = step_ratios(x)
    i = int(np.argmax(r))
    return float(r[i]), (i + 1) / SR


def test_the_detector_sees_a_cut_note_and_passes_a_ramped_one() -> None:
    t = np.arange(SR // 2) / SR
    tone = np.sin(2 * np.pi * 110 * t).astype(np.float32) * 0.5
    cut = np.zeros(SR, dtype=np.float32)
    cut[1000 : 1000 + len(tone) - 3000] = tone[:-3000]  # ends mid-cycle, at a non-zero value
    assert worst(cut)[0] > 30
    ramped = cut.copy()
    n = int(0.08 * SR)
    end = 1000 + len(tone) - 3000
    ramped[end - n : end] *= 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, n))
    assert worst(ramped)[0] < LIMIT


@pytest.mark.parametrize(
    ("prompt", "seed"),
    [("calm piano", 1), ("upbeat pop", 1), ("epic cinematic", 2), ("electronic", 2), ("acoustic guitar", 3)],
)
def test_no_clicks_in_stems_or_mix(prompt: str, seed: int) -> None:
    duration = 16.0
    score = compose(make_brief(prompt, VideoTraits(duration=duration)), duration, list(CUTS), 25.0, seed)
    stems = render_stems(score, SR)
    for name, x in stems.items():
        ratio, at = worst(x)
        assert ratio < LIMIT, f"{prompt} seed {seed}: a click in the {name} stem at {at:.4f} s ({ratio:.0f}×)"
    total = mix(stems, None, [], SR)
    ratio, at = worst(total)
    assert ratio < LIMIT, f"{prompt} seed {seed}: a click in the mix at {at:.4f} s ({ratio:.0f}×)"
