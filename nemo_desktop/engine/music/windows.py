"""A piece played and finished a window at a time, so no stage ever holds the whole programme.

Any player of raw stems fits (``Play``: our synth's ``play_stems``, a sampler's): each window is played with
a pre-roll as long as the room's tail (``finish.tail_seconds``, plus a second for filters to settle),
finished with its absolute offset (so the ending's fade and the doubles' sweeps use the piece's own times)
and only the window itself is kept. The room is causal, so the joins are the whole render's own samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from nemo_desktop.engine.music.score import Score

Stems = dict[str, np.ndarray]
Play = Callable[[Score, int, int, int], Stems]  # (score, sample_rate, start, length) → raw stems, in samples
WINDOW_S = 30.0
SETTLE_S = 1.0  # beyond the room's tail: the side high-pass and lo-fi's low-pass forget their start
AHEAD_MAX_S = 180.0  # pieces up to this long play the next window while finishing this one: a 60 s piece's
# music came 0.5 s sooner (2.6 → 2.1 s); a longer piece plays serially: there the window in flight and the
# second thread's heap added 50–90 MB (10 and 30 minutes, near the 600 MB bound) for a small gain (a
# 10-minute piece's music 21.3 → 19.2 s, 3 % of its whole make)


def preroll(score: Score, sample_rate: int) -> int:
    """Samples played before each window so its first sample hears everything the whole render would."""
    from nemo_desktop.engine.music.finish import tail_seconds  # scipy: loaded by the warm-up, not at start

    return math.ceil((tail_seconds(score) + SETTLE_S) * sample_rate)


def finished_windows(
    score: Score, play: Play, sample_rate: int, window_s: float = WINDOW_S, ahead: bool | None = None
) -> Generator[tuple[int, Stems], None, None]:
    """(offset, finished stems of samples offset … offset + window) over the whole piece, in order. With
    ``ahead`` (by default: pieces up to ``AHEAD_MAX_S``), the next window is played in a second thread while
    this one is finished: scipy's filters and numpy's big array operations let go of the GIL, so a second
    core does the playing. Each stage keeps its own order (one thread plays, one finishes), so the bytes
    are those of the serial render."""
    from nemo_desktop.engine.music.finish import finish_stems

    n = int(round(score.duration * sample_rate))
    window = max(1, int(window_s * sample_rate))
    pre = preroll(score, sample_rate)
    ahead = score.duration <= AHEAD_MAX_S if ahead is None else ahead
    spans = [(start, max(0, start - pre), min(window, n - start)) for start in range(0, n, window)]

    def played(k: int) -> Stems:
        start, first, length = spans[k]
        return play(score, sample_rate, first, start + length - first)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="nemo-play") as pool:
        coming: Future[Stems] | None = None
        for k, (start, first, _length) in enumerate(spans):
            raw = coming.result() if coming is not None else played(k)
            coming = pool.submit(played, k + 1) if ahead and k + 1 < len(spans) else None
            done = finish_stems(raw, score, sample_rate, offset=first)
            del raw
            yield start, {name: np.ascontiguousarray(x[start - first :]) for name, x in done.items()}
