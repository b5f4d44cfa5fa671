"""A long piece evolves (issue 17): layers come and go every few bars, a breakdown really drops, builds rise,
the melody never hammers one pitch, the last chord rings to the last frame, and a new seed is a new
arrangement. Most checks read the score; the breakdown's level and the ending are measured on audio
rendered only where they are measured."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pytest

from nemo_desktop.engine.mix import music_only
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.score import Note, Score
from nemo_desktop.engine.music.styles import STYLES
from nemo_desktop.engine.music.synth import play_stems, render_stems
from nemo_desktop.engine.music.windows import preroll
from nemo_desktop.engine.prompt import VideoTraits, make_brief

SR = 22050
LONG = 180.0
_rng = np.random.default_rng(3)
CUTS = [float(c) for c in np.cumsum(_rng.uniform(3.0, 9.0, 40)) if c < LONG - 4]
MOTION = tuple((float(t), 0.3 + 0.2 * float(np.sin(t / 25))) for t in np.arange(0, LONG, 2.0))
PROMPTS = ("upbeat pop", "calm piano")
FILL_VOICES = {"crash", "tom"}  # one-off hits at section starts and in fills, not the groove


def _piece(prompt: str, duration: float = LONG, seed: int = 1) -> Score:
    traits = VideoTraits(duration=duration, motion=0.35, cut_rate=0.15, motion_curve=MOTION)
    cuts = [c for c in CUTS if c < duration - 4]
    return compose(make_brief(prompt, traits), duration, cuts, 30.0, seed)


@pytest.fixture(scope="module")
def pieces() -> dict[str, Score]:
    return {p: _piece(p) for p in PROMPTS}


def _bar_edges(score: Score) -> list[tuple[float, float]]:
    edges = [b for b in score.bars if b < score.final_hit - 1e-6] + [score.final_hit]
    return list(zip(edges, edges[1:], strict=False))


def _layers(score: Score, a: float, b: float) -> tuple[object, ...]:
    """What a listener hears as the arrangement of one bar: the voices of each pitched stem, whether the
    chords move (three onsets or more) or hold, and the drum voices of the bar's first half (the groove,
    before any fill), without the one-off crash and toms."""
    sig: list[object] = []
    for stem in ("bass", "chords", "melody"):
        notes = [n for n in score.notes[stem] if a <= n.start < b]
        sig.append(frozenset(n.instrument for n in notes))
        if stem == "chords":
            sig.append(len({round(n.start, 2) for n in notes}) >= 3)
    mid = (a + b) / 2
    sig.append(frozenset(n.instrument for n in score.notes["drums"] if a <= n.start < mid) - FILL_VOICES)
    return tuple(sig)


def _arrangement(score: Score) -> list[tuple[object, ...]]:
    return [_layers(score, a, b) for a, b in _bar_edges(score)]


def _section_bars(score: Score, name: str) -> list[int]:
    spans = [(s, e) for n, s, e in score.sections if n == name]
    return [k for k, (a, _b) in enumerate(_bar_edges(score)) if any(s - 1e-6 <= a < e for s, e in spans)]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_the_arrangement_changes_at_least_every_8_bars(pieces: dict[str, Score], prompt: str) -> None:
    score = pieces[prompt]
    sig = _arrangement(score)
    intro, outro = _section_bars(score, "intro"), _section_bars(score, "outro")
    middle = range(max(intro, default=-1) + 1, min(outro, default=len(sig)))
    longest, run = 1, 1
    for k in list(middle)[1:]:
        run = run + 1 if sig[k] == sig[k - 1] else 1
        longest = max(longest, run)
    assert longest <= 8, (prompt, longest)
    assert len(set(sig)) >= 4, prompt  # not two textures taking turns


@pytest.mark.parametrize("prompt", PROMPTS)
def test_a_long_piece_has_its_sections(pieces: dict[str, Score], prompt: str) -> None:
    names = [n for n, _s, _e in pieces[prompt].sections]
    assert names[0] == "intro" and names[-1] == "ending"
    assert {"build", "main", "breakdown"} <= set(names)


def _line_runs(notes: Sequence[Note]) -> int:
    """The longest run of one pitch in the melody's line (the top note of notes struck together)."""
    onsets: dict[float, int] = {}
    for n in notes:
        t = round(n.start, 2)
        onsets[t] = max(onsets.get(t, 0), n.pitch)
    line = [onsets[t] for t in sorted(onsets)]
    longest = run = 1
    for a, b in zip(line, line[1:], strict=False):
        run = run + 1 if a == b else 1
        longest = max(longest, run)
    return longest


def test_no_melody_pitch_more_than_three_times_in_a_row(pieces: dict[str, Score]) -> None:
    for prompt, score in pieces.items():
        assert _line_runs(score.notes["melody"]) <= 3, prompt
    for k, style in enumerate(STYLES):
        score = compose(make_brief(style.replace("_", " "), VideoTraits(duration=30.0)), 30.0, CUTS[:4], 30, k)
        assert _line_runs(score.notes["melody"]) <= 3, style


@pytest.mark.parametrize("prompt", PROMPTS)
def test_the_final_chord_is_struck_in_the_last_bar_and_held_to_the_end(pieces: dict[str, Score], prompt: str) -> None:
    score = pieces[prompt]
    bar = float(np.median(np.diff(score.bars)))
    last_onset = max(n.start for stem in score.notes.values() for n in stem)
    assert last_onset == pytest.approx(score.final_hit, abs=0.05)
    assert LONG - score.final_hit < bar + bar / 4  # struck in the last bar: no empty bar after it
    held = [n for n in score.notes["chords"] if abs(n.start - score.final_hit) < 0.05]
    assert held and all(n.start + n.dur >= LONG - 1e-3 for n in held)


def test_two_seeds_of_a_style_differ_in_arrangement() -> None:
    for prompt in PROMPTS:
        arrangements = [_arrangement(_piece(prompt, 60.0, seed)) for seed in range(1, 5)]
        differ = [
            np.mean([x != y for x, y in zip(a, b, strict=False)]) >= 0.2 for a, b in combinations(arrangements, 2)
        ]
        assert sum(differ) >= 5, (prompt, differ)  # of 6 pairs


def _finished(score: Score, start: float, end: float) -> np.ndarray:
    """The finished music of ``start`` … ``end`` seconds, played with the pre-roll the finishing needs."""
    first, last = int(start * SR), int(end * SR)
    pre = max(0, first - preroll(score, SR))
    raw = play_stems(score, SR, pre, last - pre)
    done = finish_stems(raw, score, SR, offset=pre)
    return music_only(done)[first - pre :]


def _db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(x))) + 1e-12))


@pytest.mark.parametrize("prompt", PROMPTS)
def test_the_breakdown_really_drops(pieces: dict[str, Score], prompt: str) -> None:
    score = pieces[prompt]
    sections = [s for s in score.sections if s[0] != "ending"]
    k = next(i for i, s in enumerate(sections) if s[0] == "breakdown")
    _name, start, end = sections[k]
    before, after = max(sections[k - 1][1], start - 16.0), min(sections[k + 1][2], end + 16.0)
    music = _finished(score, before, after)  # the breakdown and its neighbours' nearest bars, in one window

    def level(a: float, b: float) -> float:
        return _db(music[int((a + 0.5 - before) * SR) : int((b - 0.5 - before) * SR)])

    drop = level(start, end)
    assert level(before, start) - drop >= 6.0 and level(end, after) - drop >= 6.0, (prompt, score.sections)


@pytest.mark.parametrize("prompt", PROMPTS)
def test_the_last_chord_rings_to_the_last_frame(pieces: dict[str, Score], prompt: str) -> None:
    score = pieces[prompt]
    tail = _finished(score, score.final_hit - 0.5, LONG)
    chord = _db(tail[int(0.5 * SR) : int(0.8 * SR)])
    last = _db(tail[-int(0.1 * SR) :])
    assert last > -50.0 and chord - last < 30.0, (chord, last)  # still sounding, not a fade to nothing


def _busy_clip(busy: tuple[float, float], duration: float = 120.0) -> tuple[VideoTraits, list[float]]:
    """A clip that is calm but for ``busy`` seconds: more motion there, and cut every 1.7 s (else every 9 s)."""
    a, b = busy
    motion = tuple((float(t), 0.6 if a <= t < b else 0.15) for t in np.arange(1, duration, 2.0))
    cuts = sorted(
        [float(t) for t in np.arange(2, duration - 4, 1.7) if a <= t < b]
        + [float(t) for t in np.arange(3, duration - 4, 9.0) if not a <= t < b]
    )
    return VideoTraits(duration=duration, motion=0.3, cut_rate=len(cuts) / duration, motion_curve=motion), cuts


def _main_time(score: Score, a: float, b: float) -> float:
    return sum(max(0.0, min(e, b) - max(s, a)) for n, s, e in score.sections if n == "main")


@pytest.mark.parametrize("busy", [(20.0, 50.0), (70.0, 100.0)])
def test_the_sections_follow_the_video(busy: tuple[float, float]) -> None:
    traits, cuts = _busy_clip(busy)
    for prompt in PROMPTS:
        score = compose(make_brief(prompt, traits), 120.0, cuts, 30.0, 1)
        main = _main_time(score, 0.0, 120.0)
        inside = _main_time(score, *busy)
        assert inside >= 0.8 * main and inside >= 0.5 * (busy[1] - busy[0]), (prompt, score.sections)


def test_more_energy_at_the_end_ends_in_a_main() -> None:
    traits = VideoTraits(duration=120.0)
    plain = compose(make_brief("calm piano", traits), 120.0, CUTS[:12], 30.0, 1)
    boosted = compose(make_brief("calm piano, more energy at the end", traits), 120.0, CUTS[:12], 30.0, 1)
    assert _main_time(boosted, 90.0, 118.0) > _main_time(plain, 90.0, 118.0) + 8.0, boosted.sections


def _bar_levels(score: Score) -> np.ndarray:
    """Each stem's level (dB, floored at −60: silent) in each bar of the whole piece as it is heard."""
    stems = render_stems(score, SR)
    return np.array([
        [max(-60.0, _db(x.mean(axis=1)[int(a * SR) : int(b * SR)])) for a, b in _bar_edges(score)]
        for x in stems.values()
    ])


@pytest.mark.parametrize("prompt", PROMPTS)
def test_every_stretch_of_8_bars_changes_what_is_heard(pieces: dict[str, Score], prompt: str) -> None:
    """Heard, not read from the score: in every 30 s window of the 3-minute piece some stem steps up or down
    by 3 dB or more (a layer entering or leaving reads so too) at least every 8 bars — the 3-minute piece
    had been a wall, every stem within ±1 dB from 30 s to 170 s."""
    levels = _bar_levels(pieces[prompt])
    changed = np.any(np.abs(np.diff(levels, axis=1)) >= 3.0, axis=0)  # at the start of bar k + 1
    since = longest = 1
    for c in changed:
        since = 1 if c else since + 1
        longest = max(longest, since)
    assert longest <= 8, (prompt, longest)
