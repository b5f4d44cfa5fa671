"""Analysis: cuts on the exact frame, speech where espeak-ng spoke, curves that follow the picture."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from nemo_desktop.core.errors import Cancelled
from nemo_desktop.engine import analysis, vad
from nemo_desktop.engine.analysis import SILENCE_DB, Curve, analyse_clip, analyse_draft
from nemo_desktop.engine.probe import probe
from nemo_desktop.engine.timeline import build_draft

SMALL = (192, 108)


def _iou(a, b, step=0.01):
    end = max([x for s in (*a, *b) for x in s] + [0.0])
    grid = np.arange(0, end + step, step)

    def mask(spans):
        m = np.zeros(grid.size, bool)
        for s, e in spans:
            m |= (grid >= s) & (grid < e)
        return m

    ma, mb = mask(a), mask(b)
    return (ma & mb).sum() / max(1, (ma | mb).sum())


def test_cuts_inside_a_clip_on_the_exact_frame(media):
    made = media.clip(duration=4, size=SMALL, fps=30, cuts=(0.7, 1.9666, 3.1333), audio=None)
    result = analyse_clip(probe(made.path))
    assert len(result.cuts) == len(made.cuts)
    for found, truth in zip(result.cuts, made.cuts, strict=True):
        assert abs(found - truth) < 1 / 30 / 2 + 1e-6


def test_cuts_on_the_timeline_include_clip_boundaries(media):
    a = media.clip(duration=2.2, size=SMALL, fps=25, cuts=(1.16,), audio=None)
    b = media.clip(duration=1.6, size=SMALL, fps=25, cuts=(0.52,), audio=None,
                   sources=("mandelbrot", "color=c=0xd08020"))
    draft = build_draft([probe(a.path), probe(b.path)])
    result = analyse_draft(draft)
    expected = [a.cuts[0], a.duration, a.duration + b.cuts[0]]
    assert len(result.cuts) == 3
    assert all(abs(x - y) <= 1 / 25 + 1e-6 for x, y in zip(result.cuts, expected, strict=True))
    assert 0.0 not in result.cuts and draft.duration not in result.cuts
    traits = result.traits()
    assert traits["cut_rate"] == pytest.approx(3 / (draft.duration / 60), rel=1e-3)
    assert traits["duration"] == pytest.approx(3.8)


@pytest.mark.skipif(not vad.available(), reason="silero_vad.onnx not installed")
def test_speech_spans_match_espeak(media):
    made = media.clip(duration=9, size=SMALL, audio="speech", speech_at=(0.6, 5.0))
    result = analyse_clip(probe(made.path))
    assert result.speech, "no speech found"
    assert _iou(result.speech, made.speech) >= 0.8
    # on the timeline, after a 4 s still image, the same speech moves by 4 s
    image = probe(media.image(suffix=".png", size=(320, 240)).path)
    timeline = analyse_draft(build_draft([image, probe(made.path)]))
    shifted = [(s + 4.0, e + 4.0) for s, e in made.speech]
    assert _iou(timeline.speech, shifted) >= 0.8


def test_silence_has_no_speech_and_low_loudness(media):
    quiet = media.clip(duration=2, size=SMALL, audio=None)
    sine = media.clip(duration=2, size=SMALL, audio="sine", sources=("color=c=gray",))
    result = analyse_draft(build_draft([probe(quiet.path), probe(sine.path)]))
    assert result.speech == ()
    assert result.loudness.sample(1.0) == SILENCE_DB
    # a 0.125-amplitude sine is -21 dBFS RMS
    assert result.loudness.sample(3.0) == pytest.approx(-21.1, abs=1.0)


def test_colour_and_motion_curves(media):
    warm = media.clip(duration=1, size=SMALL, audio=None, sources=("color=c=0xd08020",))
    cool = media.clip(duration=1, size=SMALL, audio=None, sources=("color=c=0x2050c0",))
    busy = media.clip(duration=1, size=SMALL, audio=None, sources=("testsrc2",))
    white = media.clip(duration=1, size=SMALL, audio=None, sources=("color=c=white",))
    w, c, b, wh = (analyse_clip(probe(m.path)) for m in (warm, cool, busy, white))
    assert w.warmth.mean() > 0.5 and c.warmth.mean() < -0.5
    assert w.saturation.mean() > 0.5 and wh.saturation.mean() < 0.05
    assert wh.brightness.mean() > 0.85 and c.brightness.mean() < wh.brightness.mean()
    assert b.motion.mean() > 0.05 and w.motion.mean() < 0.01
    va = analyse_draft(build_draft([probe(warm.path), probe(cool.path)]))
    assert va.warmth.sample(0.5) > 0.5 and va.warmth.sample(1.5) < -0.5
    traits = va.traits()
    for key in ("duration", "motion", "cut_rate", "brightness", "warmth", "motion_curve"):
        assert key in traits
    assert -1 <= traits["warmth"] <= 1 and 0 <= traits["brightness"] <= 1


def test_images_gifs_and_audio_files(media):
    image = probe(media.image(suffix=".jpg", size=(320, 240)).path)
    gif = probe(media.gif(duration=1.0).path)
    song = probe(media.audio(suffix=".m4a", duration=2.0).path)
    draft = build_draft([image, gif, song])
    result = analyse_draft(draft)
    assert result.duration == pytest.approx(5.0)
    assert result.cuts == pytest.approx((4.0,))
    assert result.motion.sample(1.0) == 0.0 and result.motion.sample(4.5) > 0.0
    assert result.loudness.sample(1.0) > -30 and result.loudness.sample(3.0) == SILENCE_DB


def test_cache_by_content(media, home, monkeypatch):
    made = media.clip(duration=1, size=SMALL, audio=None)
    info = probe(made.path)
    first = analyse_clip(info, home.cache)
    assert list((home.cache / "analysis").glob("*.json"))

    def boom(*a, **k):
        raise AssertionError("decoded again")

    monkeypatch.setattr(analysis._Scanner, "run", boom)
    assert analyse_clip(info, home.cache) == first


def test_cancel_raises_promptly(media):
    made = media.clip(duration=3, size=SMALL, audio="sine")
    cancel = threading.Event()
    seen = []

    def progress(stage, frac):
        seen.append(frac)
        if frac and frac > 0.2:
            cancel.set()

    with pytest.raises(Cancelled):
        analyse_clip(probe(made.path), None, progress, cancel)
    assert max(f for f in seen if f is not None) < 0.5


def test_curve_helpers():
    c = Curve((0.0, 1.0), (0.0, 2.0))
    assert c.mean() == 1.0 and c.sample(0.5) == 1.0 and c.sample(5.0) == 2.0
    assert Curve().sample(1.0, default=-1.0) == -1.0


def test_trimmed_segment_moves_cuts_and_drops_outside_ones(media):
    made = media.clip(duration=3, size=SMALL, fps=25, cuts=(0.4, 1.6), audio=None)
    draft = build_draft([probe(made.path)])
    seg = draft.segments_of(0)[0]
    seg.offset, seg.duration = 1.0, 1.2  # keep 1.0..2.2 of the clip: only the cut at 1.6 remains, at 0.6
    draft.explicit_duration = 1.2
    result = analyse_draft(draft)
    assert result.cuts == pytest.approx((0.6,), abs=1 / 25)
