"""A piece played and finished a window at a time, so no stage ever holds the whole programme.

Any player of raw stems fits (``Play``: our synth's ``play_stems``, a sampler's): each window is played with
a pre-roll as long as the room's tail (``finish.tail_seconds``, plus a second for filters to settle),
finished with its absolute offset (so the ending's fade and the doubles' sweeps use the piece's own times)
and only the window itself is kept. The room is causal, so the joins are the whole render's own samples.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

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


def _spans(score: Score, sample_rate: int, window_s: float) -> Iterator[tuple[int, int, int]]:
    """(start, first, end) of each window: its own samples start … end, played from ``first`` (the pre-roll)."""
    n = int(round(score.duration * sample_rate))
    window = max(1, int(window_s * sample_rate))
    pre = preroll(score, sample_rate)
    for start in range(0, n, window):
        yield start, max(0, start - pre), min(n, start + window)


def _finish(raw: Stems, score: Score, sample_rate: int, first: int, start: int) -> Stems:
    from nemo_desktop.engine.music.finish import finish_stems

    done = finish_stems(raw, score, sample_rate, offset=first)
    return {name: np.ascontiguousarray(x[start - first :]) for name, x in done.items()}


def finished_windows(
    score: Score, play: Play, sample_rate: int, window_s: float = WINDOW_S
) -> Iterator[tuple[int, Stems]]:
    """(offset, finished stems of samples offset … offset + window) over the whole piece, in order."""
    for start, first, end in _spans(score, sample_rate, window_s):
        yield start, _finish(play(score, sample_rate, first, end - first), score, sample_rate, first, start)


def overlapped_windows(
    score: Score, play: Play, sample_rate: int, workers: int = 2, window_s: float = WINDOW_S
) -> Iterator[tuple[int, Stems]]:
    """``finished_windows``, the same samples in the same order, with each window finished in a worker
    thread while the next is played: the finishing (filters, the room, the bus) is numpy and scipy that
    let go of the GIL, the playing is per-note Python, so on two cores they run side by side. The player is
    only ever called from this thread (it keeps a cache), and at most ``workers`` windows are being
    finished at once, so memory stays a few windows whatever the length."""
    if workers <= 1:
        yield from finished_windows(score, play, sample_rate, window_s)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="nemo-finish") as pool:
        pending: deque[tuple[int, Future[Stems]]] = deque()
        try:
            for start, first, end in _spans(score, sample_rate, window_s):
                raw = play(score, sample_rate, first, end - first)
                pending.append((start, pool.submit(_finish, raw, score, sample_rate, first, start)))
                del raw
                if len(pending) >= workers:
                    at, job = pending.popleft()
                    yield at, job.result()
            while pending:
                at, job = pending.popleft()
                yield at, job.result()
        finally:  # an early stop (cancel, error) waits only for the windows already being finished
            for _, job in pending:
                job.cancel()
