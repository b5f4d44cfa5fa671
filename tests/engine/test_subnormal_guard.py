"""The filters' guard against subnormal floats changes nothing anyone could hear or measure."""

from __future__ import annotations

import numpy as np
from scipy import signal

from nemo_desktop.engine.music.dsp import peaking_sos, sosfilt


def test_the_guarded_filter_gives_scipys_output_and_keeps_silence_silent() -> None:
    rng = np.random.default_rng(3)
    note = np.zeros(48000 * 3, dtype=np.float32)
    note[:4800] = rng.standard_normal(4800).astype(np.float32) * np.exp(-np.arange(4800) / 800)  # then silence
    for sos in (signal.butter(4, 240, btype="high", fs=48000, output="sos"), peaking_sos(300, -1.5, 1.0, 48000)):
        plain = signal.sosfilt(sos, note)
        guarded = sosfilt(sos, note)
        assert guarded.dtype == plain.dtype
        assert np.max(np.abs(guarded - plain)) < 1e-12  # the same sound (the guard is a DC of 1e-18)
        assert np.max(np.abs(guarded[-48000:])) < 1e-12  # and the silence after the note stays silent
