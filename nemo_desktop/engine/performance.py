"""Who plays the score: the person's own SoundFont when one is configured and works, else the shipped
General-MIDI bank with our numpy synth for the voices it keeps (``sampler.py``, ``gm.SAMPLED``).

The sampler and the mixer are imported on first use and warmed up in the background when the engine
connects: scipy takes ~0.5 s to import and the first piece another 0.4 s to set up, time that then overlaps
the clip analysis instead of delaying its start. (Plain import statements, not importlib strings, so that
PyInstaller still sees them.) A bank that cannot be used is remembered, so the person hears about it once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from nemo_desktop.engine.audio_io import SAMPLE_RATE
from nemo_desktop.engine.music.compose import Score, compose
from nemo_desktop.engine.music.windows import Play
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from nemo_desktop.engine.stem_store import StemStore

if TYPE_CHECKING:  # the module itself is imported only when a SoundFont is configured
    from nemo_desktop.engine.music.soundfont import SoundFontUnavailable

log = logging.getLogger(__name__)
Stems = dict[str, np.ndarray]


def synth() -> ModuleType:
    from nemo_desktop.engine.music import sampler as module

    return module


def mixing() -> ModuleType:
    from nemo_desktop.engine import mix as module

    return module


def warm_up() -> None:
    """Import the sampler and mixer and run them once on two seconds of music: the first real piece then
    composes in 0.26 s instead of 0.65 s (lazy imports inside scipy, first-call set-up in numpy/pocketfft,
    the shipped bank's zone table)."""
    with contextlib.suppress(Exception):  # a real error shows up, with its message, on first real use
        brief = make_brief("upbeat pop", VideoTraits(duration=2.0))
        stems = synth().render_stems(compose(brief, 2.0, [1.0], 30.0, 1), SAMPLE_RATE)
        mixing().mix(stems, None, (), SAMPLE_RATE)
        synth().warm(SAMPLE_RATE)


class Performer:
    """Plays scores into stems on disk; ``take_problem`` hands over (once) why the configured bank was not
    used."""

    def __init__(self, soundfont: str = "") -> None:
        self.soundfont = (soundfont or "").strip()
        self._problem: SoundFontUnavailable | None = None
        self._told = False

    def player(self, score: Score) -> Play:
        """Who plays ``score``, as a window player of raw stems kept across the windows of one piece (each
        note's sample is resampled about once): the configured bank, else the shipped one with our synth."""
        if self.soundfont:
            from nemo_desktop.engine.music import soundfont

            try:
                return soundfont.player(score, self.soundfont, SAMPLE_RATE)
            except soundfont.SoundFontUnavailable as err:
                log.warning("SoundFont not used: %s", err)
                if not self._told:
                    self._problem = err
        own: Play = synth().StemPlayer(score, SAMPLE_RATE)
        return own

    def play(self, score: Score, cache_dir: Path | None, cancel: threading.Event | None = None) -> StemStore:
        """The finished stems of ``score``, played and finished a window at a time into the cache."""
        return StemStore.render(score, self.player(score), SAMPLE_RATE, cache_dir, cancel)

    def take_problem(self) -> SoundFontUnavailable | None:
        problem, self._problem = self._problem, None
        if problem is not None:
            self._told = True
        return problem
