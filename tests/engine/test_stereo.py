"""The music stem is a stereo mix (issue 18): wide like produced music, with a centred, mono low end."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from nemo_desktop.engine.mix import music_only
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.sampler import render_stems
from nemo_desktop.engine.music.styles import STYLES
from nemo_desktop.engine.prompt import VideoTraits, make_brief

SR = 48000


def _music(style: str, seconds: float = 20.0, seed: int = 1) -> np.ndarray:
    brief = make_brief(style.replace("_", " "), VideoTraits(duration=seconds))
    assert brief.style == style
    return music_only(render_stems(compose(brief, seconds, [5.0, 12.0], 30.0, seed))).astype(np.float64)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_is_wide_with_a_mono_low_end(style: str) -> None:
    x = _music(style)
    left, right = x[:, 0], x[:, 1]
    corr = float(np.corrcoef(left, right)[0, 1])
    side_mid = 10 * np.log10(np.sum((left - right) ** 2) / np.sum((left + right) ** 2))
    assert 0.3 <= corr <= 0.75, f"{style}: L/R correlation {corr:.2f}"
    assert -10.0 <= side_mid <= -2.0, f"{style}: side/mid {side_mid:.1f} dB"
    low = signal.sosfilt(signal.butter(4, 150, fs=SR, output="sos"), x, axis=0)
    low_corr = float(np.corrcoef(low[:, 0], low[:, 1])[0, 1])
    assert low_corr > 0.9, f"{style}: the low end (< 150 Hz) is not centred, correlation {low_corr:.2f}"


def test_the_room_leaves_no_line_at_16_khz() -> None:
    """The reverb runs at the full rate: no notch at 16 kHz (the old third-rate room's band edge)."""
    x = _music("ambient", 12.0)
    f, p = signal.welch(x[:, 0] + x[:, 1], SR, nperseg=8192)

    def db(lo: float, hi: float) -> float:
        sel = (f >= lo) & (f < hi)
        return float(np.mean(10 * np.log10(p[sel] + 1e-30)))

    line = db(15500, 16500) - (db(14000, 15500) + db(16500, 18000)) / 2
    assert line > -1.5, f"a dark line at 16 kHz: {line:.1f} dB"


def test_the_stereo_mix_is_deterministic() -> None:
    assert np.array_equal(_music("lofi", 6.0, 3), _music("lofi", 6.0, 3))
