"""The styles people ask for (issue 17): every style composes and renders, has its own instruments, groove
and harmony, can be picked by its name in both languages, and no two styles make near-identical pieces."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.parts.context import Bar
from nemo_desktop.engine.music.styles import STYLES, style_name
from nemo_desktop.engine.music.theory import parse_chord
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from tests.style_features import NEAR, Piece, correlations, near_identical, profiles, style_piece

SECONDS = 8.0
CUTS = (2.1, 4.7, 6.3)
DRUM_VOICES = {"kick", "snare", "clap", "hat", "openhat", "shaker", "rim", "tom", "crash", "ride", "gated_snare"}

ASKED_FOR = {  # the styles issue 17 lists, by our names
    "calm_piano", "ambient", "cinematic", "sad", "romantic", "lofi", "hip_hop", "electronic", "synthwave",
    "upbeat_pop", "rock", "acoustic", "jazz", "corporate", "chinese", "suspense", "kids", "travel",
}


@pytest.fixture(scope="module")
def pieces() -> dict[str, Piece]:
    """Every style's piece for one 8 s clip with three cuts, seed 1, in C (or A minor): ~0.5 s each."""
    return {style: style_piece(style, SECONDS, CUTS) for style in STYLES}


def test_the_styles_people_ask_for_are_all_there() -> None:
    assert len(STYLES) >= 16
    assert set(STYLES) >= ASKED_FOR


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_picker_names_pick_their_own_style(lang: str) -> None:
    """The window's style picker lists ``style_name``; a brief made from that name (what picking it does before
    there is music) is that style, in English and in Chinese, and no two styles share a name."""
    names = [style_name(s, lang) for s in STYLES]
    assert len(set(names)) == len(names)
    for style, name in zip(STYLES, names, strict=True):
        assert make_brief(name, VideoTraits(duration=20.0)).style == style, (lang, name)
    if lang == "zh_CN":
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names), names


def test_every_style_composes_and_renders(pieces: dict[str, Piece]) -> None:
    """Each style's piece has notes in every stem it should and sound in its mix, and plays inside its own tempo
    range (give or take the fit to the cuts)."""
    for style, piece in pieces.items():
        spec, score = STYLES[style], piece.score
        assert piece.mono.shape[0] == int(round(SECONDS * 24000)), style
        assert np.sqrt(np.mean(piece.mono**2)) > 0.01, style
        assert score.notes["chords"] and score.notes["bass"] and score.notes["melody"], style
        assert bool(score.notes["drums"]) == spec.drums, style
        lo, hi = spec.bpm_range
        assert lo - 8 <= score.bpm <= hi + 8, (style, score.bpm)


def test_every_style_has_its_own_band(pieces: dict[str, Piece]) -> None:
    """No two styles play the same pitched instruments."""
    bands = {s: p.instruments - DRUM_VOICES for s, p in pieces.items()}
    for a, b in itertools.combinations(bands, 2):
        assert bands[a] != bands[b], (a, b, bands[a])


def test_the_genre_styles_play_their_idioms(pieces: dict[str, Piece]) -> None:
    """What makes each of the newer styles itself is in its notes: a swung ride and a walking bass in jazz, hi-hat
    rolls and an 808 in hip hop, a gated snare and octave saw bass in synthwave, power chords in rock, pentatonic
    melodies on zither, flute and fiddle in Chinese traditional, glockenspiel and pizzicato for kids."""
    notes = {s: p.score.notes for s, p in pieces.items()}
    kit = {s: {n.instrument for n in v["drums"]} for s, v in notes.items()}
    assert {"ride", "hat"} <= kit["jazz"]
    walk = notes["jazz"]["bass"]
    gaps = np.diff([n.start for n in walk[:-1]])
    beat = 60 / pieces["jazz"].score.bpm
    assert np.median(gaps) == pytest.approx(beat, rel=0.1)  # quarter notes
    assert len({n.pitch for n in walk}) >= 6  # it walks, not a held root
    hats = sorted(n.start for n in notes["hip_hop"]["drums"] if n.instrument == "hat")
    sixteenth = 60 / pieces["hip_hop"].score.bpm / 4
    assert min(np.diff(hats)) < 0.6 * sixteenth  # a roll: two hits inside one sixteenth
    assert {n.instrument for n in notes["hip_hop"]["bass"]} == {"bass_808"}
    assert "gated_snare" in kit["synthwave"]
    saw = [n.pitch for n in notes["synthwave"]["bass"] if n.instrument == "saw_bass"]
    assert any(b - a == 12 for a, b in itertools.pairwise(saw))  # the octave line
    chug = [n for n in notes["rock"]["chords"] if n.instrument == "distortion_guitar"]
    strokes: list[list[tuple[float, int]]] = []  # notes struck together (a few ms apart, as a pick strums)
    for n in sorted(chug, key=lambda n: n.start):
        if strokes and n.start - strokes[-1][0][0] < 0.03:
            strokes[-1].append((n.start, n.pitch))
        else:
            strokes.append([(n.start, n.pitch)])
    power = [sorted(p for _, p in s) for s in strokes if len(s) == 3]
    assert len(power) >= 16 and all(p[1] - p[0] == 7 and p[2] - p[0] == 12 for p in power)
    chinese = notes["chinese"]
    assert {n.instrument for n in chinese["chords"]} >= {"koto"}
    longer = compose(make_brief("chinese", VideoTraits(duration=30.0)), 30.0, [], 30.0, 1).notes["melody"]
    assert {n.instrument for n in longer} == {"dizi", "erhu"}  # a phrase each (composed only: fast)
    pentatonic = {0, 2, 4, 7, 9}  # C major pentatonic: the piece is in C
    assert {n.pitch % 12 for n in chinese["melody"] if n.instrument in ("dizi", "erhu")} <= pentatonic
    assert {n.instrument for n in notes["kids"]["melody"]} == {"glockenspiel"}
    assert "pizzicato" in {n.instrument for n in notes["kids"]["chords"]}


def test_jazz_and_suspense_harmony() -> None:
    """Ninths voice as root, third, seventh, ninth (the fifth left out of four voices); the minor ninth over a
    minor triad is suspense's cluster."""
    ii9 = parse_chord("ii9", 0)
    assert ii9.pcs[:4] == (2, 5, 0, 4)
    assert parse_chord("V7b9", 0).pcs[:4] == (7, 11, 5, 8)
    cluster = parse_chord("ib9", 9)
    assert set(cluster.pcs) == {9, 0, 4, 10}
    assert Bar(0, 0, 4, 0.0, 2.0, 0.5, chord=ii9).harmony() is ii9


def test_no_two_styles_make_near_identical_pieces(pieces: dict[str, Piece]) -> None:
    """Pairwise, the onset, chroma and timbre profiles of two styles' pieces never all correlate above ``NEAR``
    (onset 0.95, chroma 0.85, timbre 0.9).

    Why those bounds (measured on 10 s pieces, seeds 1 and 2, on a shared machine): two seeds of one style —
    the same music by construction — correlate at medians onset 0.99, chroma 0.86, timbre 0.93, and 5 of 18
    styles pass all three bounds against themselves. Across styles, on these 8 s pieces, the closest pair
    (corporate and travel vlog: onset 0.86, chroma 0.91) fails on timbre, 0.61 against 0.9; on 20 s pieces
    (benchmarks/bench_styles.py) the highest cross-style timbre correlation is 0.88 (calm piano and ambient,
    which differ in groove)."""
    prof = {s: profiles(p.mono) for s, p in pieces.items()}
    pairs = {(a, b): correlations(prof[a], prof[b]) for a, b in itertools.combinations(prof, 2)}
    near = {pair: corr for pair, corr in pairs.items() if near_identical(corr)}
    assert not near, (NEAR, near)


def test_every_pair_of_styles_differs_in_most_of_tempo_groove_harmony_and_band() -> None:
    """As data, before any sound: two styles differ in at least three of tempo (range centres ≥ 8 % apart),
    groove (drum patterns, swing, and the rhythms of the chords and bass: a drumless style's groove is its
    accompaniment), harmony (progressions or scale) and band (the voices of chords, melody and bass)."""

    def traits(name: str) -> tuple[float, object, object, object]:
        s = STYLES[name]
        groove = (s.grooves, s.swing, s.chord_rhythm, s.broken_rate, s.bass_rhythm, s.bass_pattern)
        harmony = (s.progressions_major, s.progressions_minor, s.melody_scale)
        band = (s.chord_instrument, s.melody_instrument, s.bass_instrument, s.orchestra)
        return (s.bpm_range[0] + s.bpm_range[1]) / 2, groove, harmony, band

    close = []
    for a, b in itertools.combinations(STYLES, 2):
        ta, tb = traits(a), traits(b)
        apart = abs(ta[0] - tb[0]) / min(ta[0], tb[0]) >= 0.08
        differs = [apart, *(x != y for x, y in zip(ta[1:], tb[1:], strict=True))]
        if sum(differs) < 3:
            close.append((a, b, differs))
    assert not close, close
