"""The orchestral palette and denser calm music (issue 18): cinematic music is played by strings, brass and
timpani, its strings are bowed (a slow attack), and every style but ambient has ≥ 3 onsets/s."""

from __future__ import annotations

import numpy as np
import pytest

from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.score import Note, Score
from nemo_desktop.engine.music.synth import render_stems
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from tests.sound_measures import texture_onset_rate

SR = 48000
WOODWINDS = {"flute", "oboe", "clarinet"}
STRINGS = {"strings", "slow_strings", "strings_tremolo", "spiccato", "pizzicato"}


def _voices(score: Score, stem: str) -> set[str]:
    return {n.instrument for n in score.notes[stem]}


def test_cinematic_is_played_by_the_orchestra() -> None:
    score = compose(make_brief("epic cinematic", VideoTraits(duration=40.0)), 40.0, [8.0, 16.0, 27.0], 30.0, 1)
    chords, bass, melody = _voices(score, "chords"), _voices(score, "bass"), _voices(score, "melody")
    assert {"strings", "slow_strings", "spiccato", "brass", "choir"} <= chords, chords
    assert "strings_tremolo" in chords  # a swell into a main cut
    assert {"contrabass", "cello", "timpani"} <= bass, bass
    assert melody & (WOODWINDS | {"strings", "horn", "trumpet"}), melody
    assert not (chords | melody) & {"pad", "synth", "lead", "epiano"}
    timpani = [n.start for n in score.notes["bass"] if n.instrument == "timpani"]
    assert any(abs(t - a) < 1e-9 for a in score.anchors for t in timpani), "the timpani strikes a main cut"
    assert any(abs(t - score.final_hit) < 1e-9 for t in timpani)


@pytest.mark.parametrize(("prompt", "melody", "chords"), [
    ("sad piano", {"cello", "clarinet", "oboe", "strings"}, {"piano", "slow_strings"}),
    ("romantic", {"flute", "oboe", "strings"}, {"harp", "slow_strings"}),
    ("nostalgic film score", WOODWINDS | {"strings"}, {"harp", "slow_strings"}),
])
def test_sad_and_romantic_music_gets_strings_and_woodwinds(prompt: str, melody: set[str], chords: set[str]) -> None:
    score = compose(make_brief(prompt, VideoTraits(duration=40.0)), 40.0, [8.0, 16.0, 27.0], 30.0, 1)
    played = _voices(score, "melody") - {"pizzicato"}  # (a cut's accent is plucked)
    assert played and played <= melody, played
    assert chords <= _voices(score, "chords"), _voices(score, "chords")
    assert not _voices(score, "chords") & {"brass", "choir"}  # no fanfare in a sad or tender piece


def test_naming_another_instrument_replaces_the_orchestra() -> None:
    score = compose(make_brief("cinematic piano", VideoTraits(duration=20.0)), 20.0, [8.0], 30.0, 1)
    assert "piano" in _voices(score, "chords") and "brass" not in _voices(score, "chords")


def _strings_stem(score: Score) -> np.ndarray:
    """The cinematic score's bowed strings alone, rendered: the strings' own stem."""
    bowed = tuple(n for n in score.notes["chords"] if n.instrument in ("strings", "slow_strings"))
    only = Score(**{**score.__dict__, "notes": {"chords": bowed}})
    return render_stems(only)["chords"].mean(axis=1)


def _rise_ms(x: np.ndarray, at: float) -> float:
    """Time from 10 % to 90 % of a note's peak envelope (5 ms RMS) in the 1.5 s after ``at``."""
    seg = x[int(at * SR) : int((at + 1.5) * SR)].astype(np.float64)
    env = np.sqrt(np.convolve(seg**2, np.ones(240) / 240, mode="same"))
    peak = env.max()
    return float((np.argmax(env >= 0.9 * peak) - np.argmax(env >= 0.1 * peak)) / SR * 1000)


def test_the_strings_stem_is_bowed_not_struck() -> None:
    score = compose(make_brief("epic cinematic", VideoTraits(duration=16.0)), 16.0, [], 30.0, 1)
    first = min(n.start for n in score.notes["chords"] if n.instrument in ("strings", "slow_strings"))
    strings = _strings_stem(score)
    piano = Score(**{**score.__dict__, "notes": {"chords": tuple(
        Note(n.start, n.dur, n.pitch, n.vel, "piano", n.pan) for n in score.notes["chords"]
        if n.instrument in ("strings", "slow_strings"))}})
    assert _rise_ms(strings, first) > 80.0  # a bow takes time to bite
    assert _rise_ms(render_stems(piano)["chords"].mean(axis=1), first) < 30.0  # a hammer does not


@pytest.mark.parametrize(
    "prompt",
    ["calm piano", "upbeat pop", "epic cinematic", "lo-fi", "acoustic", "electronic", "sad piano", "romantic",
     "nostalgic film score"],
)
def test_every_style_but_ambient_has_at_least_3_onsets_a_second(prompt: str) -> None:
    """Read between the cut hits, as excerpts (``texture_onset_rate``): the playing, not the hits above it."""
    score = compose(make_brief(prompt, VideoTraits(duration=60.0)), 60.0, [7.5, 15.0, 26.0, 40.0, 51.0], 30.0, 1)
    music = sum(render_stems(score).values())
    rate = texture_onset_rate(music, score.final_hit - 0.5, score.hits)
    assert rate >= 3.0, f"{prompt}: {rate:.2f} onsets/s"


def test_ambient_stays_sparse() -> None:
    score = compose(make_brief("ambient", VideoTraits(duration=30.0)), 30.0, [10.0], 30.0, 1)
    assert texture_onset_rate(sum(render_stems(score).values()), score.final_hit - 0.5, score.hits) < 2.0
