"""The music's stems on disk: played and finished a window at a time (``music.windows``) and appended to
one raw float32 file per stem in the cache, read back a block at a time by the mix and the stem export.

A piece of any length then costs a window of memory, not four copies of the programme. The folder carries
our pid (``stems-<pid>-…``, swept by ``media_cache.sweep_leftovers`` when a run is killed) and is removed
when the store is dropped.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
import weakref
from pathlib import Path

import numpy as np

from nemo_desktop.core.errors import Cancelled
from nemo_desktop.engine import heap
from nemo_desktop.engine.audio_io import read_frames
from nemo_desktop.engine.music.score import STEMS, Score
from nemo_desktop.engine.music.windows import Play, finished_windows

_serial = itertools.count()


class StemStore:
    """Finished stems of one piece: ``n`` stereo samples each, with their peaks (and the peak of their sum,
    the music file) known from the rendering."""

    def __init__(self, folder: Path, n: int) -> None:
        self.folder = folder
        self.n = n
        self.peaks: dict[str, float] = dict.fromkeys([*STEMS, "music"], 0.0)
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(folder), True)

    @classmethod
    def render(
        cls, score: Score, play: Play, sample_rate: int, cache_dir: Path | None,
        cancel: threading.Event | None = None,
    ) -> StemStore:
        """Play and finish ``score`` window by window into a new store."""
        parent = cache_dir / "mix" if cache_dir is not None else None
        if parent is not None:
            parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"stems-{os.getpid()}-{next(_serial)}-", dir=parent))
        store = cls(folder, int(round(score.duration * sample_rate)))
        files = {name: open(store.file(name), "wb") for name in STEMS}
        windows = finished_windows(score, play, sample_rate)
        try:
            for _start, window in windows:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                total = np.zeros_like(window[STEMS[0]])
                for name in STEMS:
                    x = np.ascontiguousarray(window[name], dtype="<f4")
                    files[name].write(x.tobytes())
                    store.peaks[name] = max(store.peaks[name], float(np.max(np.abs(x), initial=0.0)))
                    total += x
                store.peaks["music"] = max(store.peaks["music"], float(np.max(np.abs(total), initial=0.0)))
                del window, total
                heap.trim()  # the window's buffers, given back before the next is made
        except BaseException:
            store.close()
            raise
        finally:
            windows.close()  # now, not when a kept traceback lets go of it: the window played ahead is awaited
            for fh in files.values():
                fh.close()
        return store

    def file(self, name: str) -> Path:
        return self.folder / f"{name}.f32"

    def read(self, name: str, start: int, count: int) -> np.ndarray:
        """(count, 2) float32 of stem ``name`` from sample ``start`` (zeros past the end)."""
        out = np.zeros((count, 2), np.float32)
        part = read_frames(self.file(name), start, min(count, self.n - start))
        out[: len(part)] = part
        return out

    def music(self, start: int, count: int) -> np.ndarray:
        """The sum of the stems — the music track — for samples ``start`` … ``start + count``."""
        out = self.read(STEMS[0], start, count)
        for name in STEMS[1:]:
            out += self.read(name, start, count)
        return out

    def __getitem__(self, name: str) -> np.ndarray:
        """A whole stem in memory (short pieces and tests)."""
        return self.read(name, 0, self.n)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: self[name] for name in STEMS}

    def close(self) -> None:
        self._finalizer()
