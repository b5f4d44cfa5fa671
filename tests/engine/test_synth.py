"""Instruments and stems: shapes, determinism, silence where asked, and speed."""

from __future__ import annotations

import numpy as np

from nemo_desktop.engine.music.compose import Note, Score, compose
from nemo_desktop.engine.music.sampler import STEMS, render_stems
from nemo_desktop.engine.prompt import VideoTraits, make_brief

SR = 48000


def test_stems_shape_and_names() -> None:
    score = compose(make_brief("electronic", VideoTraits(duration=5.5)), 5.5, [2.0], 25.0, 4)
    stems = render_stems(score)
    assert tuple(stems) == STEMS
    for x in stems.values():
        assert x.shape == (round(5.5 * SR), 2) and x.dtype == np.float32 and np.all(np.isfinite(x))
    other = render_stems(score, 44100)
    assert all(x.shape == (round(5.5 * 44100), 2) for x in other.values())


def test_a_piano_note_sounds_like_a_struck_string() -> None:
    """A fast attack, then a decay: louder in the first 200 ms than a second later; pitch where asked."""
    note = Note(0.1, 1.5, 69, 0.8, "piano", 0.0)
    score = Score(
        bpm=100,
        key="A",
        mode="minor",
        style="calm_piano",
        seed=0,
        duration=2.5,
        fps=25,
        beats=(0.1,),
        bars=(0.1,),
        sections=(("ending", 0.1, 2.5),),
        notes={"chords": (), "melody": (note,)},
        final_hit=0.1,
    )
    x = render_stems(score)["melody"].mean(axis=1)
    head = x[int(0.1 * SR) : int(0.3 * SR)]
    tail = x[int(1.2 * SR) : int(1.4 * SR)]
    assert np.sqrt(np.mean(head**2)) > 2 * np.sqrt(np.mean(tail**2))
    spectrum = np.abs(np.fft.rfft(head * np.hanning(len(head))))
    freq = np.argmax(spectrum) * SR / len(head)
    assert abs(freq - 440) < 10

