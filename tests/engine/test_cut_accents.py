"""Every cut is heard as a hit that chance would not give: issue 17's measure on every style.

The measure (``tests/cut_measures.py``): strong onsets are the music's onset-strength peaks at least 0.3 ×
the 90th percentile of all its peaks; a cut is hit when one lies within ±50 ms; the baseline moves each
cut by a random 0.1–1.0 s (20 times, a fixed seed) and counts the same. The clips: a montage of five quick
cuts, then two cuts on their own — both ways a film is cut; and the benchmark's 20 s clip with 4 cuts and
60 s clip with 12 (``CLIPS``), where the cuts stand alone, several in a quiet intro or under held strings.
Only the music is composed and played (at librosa's 22 050 Hz, the rate the measure reads), no video.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.sampler import render_stems
from nemo_desktop.engine.music.score import Score
from nemo_desktop.engine.music.styles import STYLES, style_name
from nemo_desktop.engine.prompt import MusicBrief, VideoTraits, make_brief
from tests.cut_measures import CLIPS, RATE, measure

DURATION = 16.0
CUTS = (1.3, 2.9, 3.7, 5.6, 6.4, 9.9, 13.1)  # on 30 fps frames, as a clip's cuts are


def _brief(style: str, duration: float = DURATION) -> MusicBrief:
    """The brief the window's style picker makes for ``style``."""
    return replace(make_brief(style_name(style, "en"), VideoTraits(duration=duration)), style=style)


def _music(style: str) -> tuple[Score, object]:
    score = compose(_brief(style), DURATION, CUTS, 30.0, 1)
    return score, sum(render_stems(score, RATE).values())


@pytest.mark.parametrize("style", list(STYLES))
def test_cuts_stand_out_from_chance(style: str) -> None:
    score, music = _music(style)
    m = measure(music, RATE, CUTS, DURATION)
    assert m.hit_rate >= 0.9 and m.median_ms <= 20.0, (style, m)
    assert m.baseline < 0.4, (style, m)


_BENCH = [(style, clip) for clip in ("20 s / 4 cuts", "60 s / 12 cuts") for style in STYLES]


@pytest.mark.parametrize(("style", "clip"), _BENCH)
def test_the_benchmark_clips_cuts_stand_out(style: str, clip: str) -> None:
    """The benchmark's clips of cuts on their own (``benchmarks/bench_cut_accents.py``), played at the
    measure's rate: every cut hit, near, and well above chance."""
    duration, cuts = CLIPS[clip]
    music = sum(render_stems(compose(_brief(style, duration), duration, cuts, 30.0, 1), RATE).values())
    m = measure(music, RATE, cuts, duration)
    assert m.hit_rate >= 0.9 and m.median_ms <= 20.0 and m.baseline < 0.4, (style, clip, m.row())


def test_every_cut_is_scored_on_the_cut() -> None:
    """The hit sits exactly on the cut (no beat 380 ms away), prepared by a break: no note starts in the
    moment before it; the cue sheet reports the hit's real offset."""
    score = compose(_brief("upbeat_pop"), DURATION, CUTS, 30.0, 1)
    starts = sorted(n.start for stem in score.notes.values() for n in stem)
    for c in CUTS:
        assert any(abs(t - c) < 1e-6 for t in starts), c
        assert not [t for t in starts if c - 0.1 < t < c - 1e-6], c
    rows = score.cue_sheet(CUTS)["cuts"]
    assert [r["hit_offset_ms"] for r in rows] == [0.0] * len(CUTS)
