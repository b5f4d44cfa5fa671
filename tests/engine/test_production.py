"""The production chain of the finishing room (issue 18): high-pass per stem, the sidechain under the kick,
gentle bus compression and saturation, and a balance where the melody is heard."""

from __future__ import annotations

import numpy as np
import pytest

from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.dsp import compressor_gain, saturate
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.styles import STYLES
from nemo_desktop.engine.music.synth import render_stems
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from tests.sound_measures import crest_db, level_gap_db

SR = 48000
KICKS = (1.0, 1.5, 2.0, 2.5, 3.0)


def _finished(style: str, chords: np.ndarray, kicks: tuple[float, ...] = KICKS) -> dict[str, np.ndarray]:
    """A steady chord bed under a score's kicks, through the finishing room (the drums stem stays silent:
    only the kick *times* key the sidechain)."""
    seconds = len(chords) / SR
    score = Score(
        bpm=120, key="C", mode="minor", style=style, seed=0, duration=seconds, fps=25, beats=(0.0,), bars=(0.0,),
        sections=(("main", 0.0, seconds),), notes={"drums": tuple(Note(k, 0.2, 0, 0.9, "kick") for k in kicks)},
        final_hit=seconds, fade_out=False,
    )
    stems = {s: np.zeros((len(chords), 2), dtype=np.float32) for s in STEMS}
    stems["chords"] = np.repeat(chords[:, None], 2, axis=1).astype(np.float32)
    return finish_stems(stems, score, SR)


def _bed(seconds: float = 4.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.1 * np.sin(2 * np.pi * 330 * t) + 0.05 * np.sin(2 * np.pi * 495 * t)).astype(np.float32)


def _level_db(x: np.ndarray, at: float, width: float = 0.02) -> float:
    seg = x[int(at * SR) : int((at + width) * SR)]
    return float(10 * np.log10(np.mean(seg.astype(np.float64) ** 2)))


@pytest.mark.parametrize("style", ["electronic", "upbeat_pop"])
def test_the_chords_duck_right_after_each_kick_and_come_back(style: str) -> None:
    chords = _finished(style, _bed())["chords"]
    depth = STYLES[style].sidechain_db
    for k in KICKS[1:]:
        before, after = _level_db(chords, k - 0.03), _level_db(chords, k + 0.008)
        assert before - after >= 0.7 * depth, f"{style}: only {before - after:.1f} dB down after the kick at {k}"
    # back up before the next kick: the release is short
    assert _level_db(chords, 3.45) - _level_db(chords, 3.0 + 0.008) >= 0.7 * depth


def test_electronic_pumps_faster_than_pop_and_cinematic_does_not_pump() -> None:
    def recovered(style: str) -> float:
        c = _finished(style, _bed())["chords"]
        return _level_db(c, 2.0 + 0.12) - _level_db(c, 2.0 + 0.008)

    fast, slow = recovered("electronic"), recovered("upbeat_pop")
    assert fast > 0 and slow > 0 and fast / STYLES["electronic"].sidechain_db > slow / STYLES["upbeat_pop"].sidechain_db
    steady = _finished("cinematic", _bed())["chords"]
    assert abs(_level_db(steady, 2.0 - 0.03) - _level_db(steady, 2.0 + 0.008)) < 0.3


def test_the_sidechain_dips_the_rendered_chords_after_the_kicks() -> None:
    score = compose(make_brief("electronic", VideoTraits(duration=16.0)), 16.0, [8.0], 30.0, 1)
    chords = render_stems(score)["chords"].mean(axis=1)
    kicks = [n.start for n in score.notes["drums"] if n.instrument == "kick" and 4.0 < n.start < 14.0]
    dips = [_level_db(chords, k - 0.025) - _level_db(chords, k + 0.01) for k in kicks]
    assert len(kicks) >= 10 and float(np.median(dips)) > 2.0, np.round(dips, 1)


def test_every_stem_but_the_bass_is_high_passed() -> None:
    t = np.arange(4 * SR) / SR
    rumble = (0.2 * np.sin(2 * np.pi * 40 * t)).astype(np.float32)
    out = _finished("cinematic", rumble, kicks=())
    assert _level_db(out["chords"], 2.0, 1.0) < 10 * np.log10(0.02) - 12  # 40 Hz is cut by > 12 dB
    stems = {s: np.repeat(rumble[:, None], 2, axis=1) for s in STEMS}
    score = Score(bpm=120, key="C", mode="minor", style="cinematic", seed=0, duration=4.0, fps=25, beats=(0.0,),
                  bars=(0.0,), sections=(), final_hit=4.0)
    done = finish_stems(stems, score, SR)
    assert _level_db(done["bass"], 2.0, 1.0) > _level_db(done["melody"], 2.0, 1.0) + 15


def test_the_bus_compressor_is_gentle_slow_to_grab_and_quick_to_let_go() -> None:
    t = np.arange(3 * SR) / SR
    loud = np.where((t > 0.5) & (t < 2.0), 0.5 * np.sin(2 * np.pi * 220 * t), 0.0)  # −9 dBFS RMS for 1.5 s
    gain_db = -20 * np.log10(compressor_gain(loud, SR, threshold_db=-18.0, ratio=2.0))
    assert gain_db[int(0.2 * SR)] < 0.01  # silence: no reduction
    assert gain_db[int(0.505 * SR)] < 1.0  # 5 ms in: the attack passes
    assert 4.0 < gain_db[int(1.9 * SR)] < 5.0  # held 9 dB over the threshold at 2:1: 4.5 dB down
    assert gain_db[int(2.95 * SR)] < 0.2  # within a second it has let go (release under a second)


@pytest.mark.parametrize("prompt", ["upbeat pop", "cinematic", "lo-fi", "acoustic", "calm piano"])
def test_the_mix_keeps_a_sane_crest_factor(prompt: str) -> None:
    """Compressed gently, not squashed (a flattened mix reads under 10 dB), and no spike standing far over
    the music (the stems' peaks are rounded off: each stem stays under full scale)."""
    stems = render_stems(compose(make_brief(prompt, VideoTraits(duration=20.0)), 20.0, [6.0, 13.0], 30.0, 1))
    music = sum(stems.values())
    assert 10.0 <= crest_db(music) <= 23.0, f"{prompt}: crest factor {crest_db(music):.1f} dB"
    assert all(float(np.abs(x).max()) < 0.95 for x in stems.values())


def test_saturation_leaves_the_body_and_rounds_the_peaks() -> None:
    x = np.linspace(-2.0, 2.0, 4001).astype(np.float32)
    y = saturate(x)
    body = np.abs(x) <= 0.4
    assert np.array_equal(y[body], x[body])
    assert float(np.abs(y).max()) < 0.95 and np.all(np.diff(y) > 0)  # bounded, and still monotonic


@pytest.mark.parametrize(
    "prompt",
    ["calm piano", "upbeat pop", "cinematic", "lo-fi", "acoustic", "electronic", "ambient", "sad", "romantic", "rock",
     "chinese traditional", "travel vlog", "suspense", "jazz"],
)
def test_the_melody_sits_within_4_db_of_the_chords(prompt: str) -> None:
    score = compose(make_brief(prompt, VideoTraits(duration=30.0)), 30.0, [7.5, 15.0, 22.0], 30.0, 2)
    stems = render_stems(score)
    gap = level_gap_db(stems["melody"], stems["chords"])
    assert abs(gap) <= 4.0, f"{prompt}: the melody sits {gap:+.1f} dB against the chords"
