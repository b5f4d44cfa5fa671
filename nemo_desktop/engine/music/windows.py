"""A piece played and finished a window at a time, so no stage ever holds the whole programme.

Any player of raw stems fits (``Play``: our synth's ``play_stems``, a sampler's): each window is played with
a pre-roll as long as the room's tail (``finish.tail_seconds``, plus a second for filters to settle),
finished with its absolute offset (so the ending's fade and the doubles' sweeps use the piece's own times)
and only the window itself is kept. The room is causal, so the joins are the whole render's own samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from nemo_desktop.engine.music.score import Score

Stems = dict[str, np.ndarray]
Play = Callable[[Score, int, int, int], Stems]  # (score, sample_rate, start, length) → raw stems, in samples
WINDOW_S = 30.0
SETTLE_S = 1.0  # beyond the room's tail: the side high-pass and lo-fi's low-pass forget their start


def preroll(score: Score, sample_rate: int) -> int:
    """Samples played before each window so its first sample hears everything the whole render would."""
    from nemo_desktop.engine.music.finish import tail_seconds  # scipy: loaded by the warm-up, not at start

    return math.ceil((tail_seconds(score) + SETTLE_S) * sample_rate)


def finished_windows(
    score: Score, play: Play, sample_rate: int, window_s: float = WINDOW_S
) -> Iterator[tuple[int, Stems]]:
    """(offset, finished stems of samples offset … offset + window) over the whole piece, in order."""
    from nemo_desktop.engine.music.finish import finish_stems

    n = int(round(score.duration * sample_rate))
    window = max(1, int(window_s * sample_rate))
    pre = preroll(score, sample_rate)
    for start in range(0, n, window):
        length = min(window, n - start)
        first = max(0, start - pre)
        raw = play(score, sample_rate, first, start + length - first)
        done = finish_stems(raw, score, sample_rate, offset=first)
        yield start, {name: np.ascontiguousarray(x[start - first :]) for name, x in done.items()}
