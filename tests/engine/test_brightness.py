"""Brightness and dynamics of the music stem (issue 18): a celesta over calm piano, air on the room, the
chords' low-mid tamed, a band that plays the piece's energy as dynamics (loudness range 3–9 LU), and the
figures measured as the real music was (tests/sound_measures.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from nemo_desktop.engine.mix import music_only
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.dsp import peaking_sos, shelf_sos
from nemo_desktop.engine.music.finish import _impulse
from nemo_desktop.engine.music.parts.glint import VOICE
from nemo_desktop.engine.music.sampler import render_stems
from nemo_desktop.engine.music.score import Score
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from tests.sound_measures import frame_centroid, loudness_range

SR = 48000
CUTS = [6.0, 13.0, 21.0]
MINUTE_CUTS = [7.5, 15.0, 26.0, 40.0, 51.0]  # benchmarks/bench_sound.py's minute


def _score(prompt: str, seconds: float = 30.0, seed: int = 1) -> Score:
    return compose(make_brief(prompt, VideoTraits(duration=seconds)), seconds, CUTS, 30.0, seed)


def _tone(level_db: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    x = np.sin(2 * np.pi * 1000 * t) * 10 ** (level_db / 20)
    return np.stack([x, x], axis=1)


def test_the_loudness_range_reads_as_ebu_tech_3342_says() -> None:
    """Tech 3342's first two test signals: 20 s at −20 dBFS then 20 s at −30 (10 LU), or −15 (5 LU)."""
    assert loudness_range(np.concatenate([_tone(-20, 20), _tone(-30, 20)])) == pytest.approx(10.0, abs=1.0)
    assert loudness_range(np.concatenate([_tone(-20, 20), _tone(-15, 20)])) == pytest.approx(5.0, abs=1.0)
    assert loudness_range(_tone(-20, 20)) < 0.1


@pytest.mark.parametrize(
    ("prompt", "full_range"),
    [("calm piano", True), ("acoustic", True), ("lo-fi", True), ("upbeat pop", True), ("romantic", False)],
)
def test_the_piece_has_the_loudness_range_and_top_of_produced_music(prompt: str, full_range: bool) -> None:
    """An intro near piano and a main section forte: 3–9 LU (a flat piece read 2 LU; real music 3–4 LU over
    30 s), the orchestra's own dynamics not doubled up; and a full-range style reads 1–2.5 kHz measured as
    the real music was (librosa's centroid: ~1.6 kHz for calm music)."""
    music = music_only(render_stems(_score(prompt, 24.0)))
    lra = loudness_range(music)
    assert 3.0 <= lra <= 9.0, f"{prompt}: loudness range {lra:.1f} LU"
    centroid = frame_centroid(music)
    assert not full_range or 1000.0 <= centroid <= 2500.0, f"{prompt}: centroid {centroid:.0f} Hz"


@pytest.mark.parametrize("prompt", ["rock", "synthwave", "jazz", "travel vlog", "cinematic"])
def test_a_band_that_layers_its_parts_in_and_out_keeps_a_produced_loudness_range(prompt: str) -> None:
    """A minute with its whole arrangement (a quiet intro of two layers, a breakdown): the wall of layers
    already rises and falls, so the players' dynamics on top are lighter; with them in full, the intro sat
    11 LU under the mains and the piece read 10–11 LU (jazz's solo-piano intro 9.2–10.4, travel 9.5). An
    epic orchestra is the other way round: its layers alone made a wall of 2.8 LU, so it also plays some
    of the energy as loudness (``Orchestra.dynamics``)."""
    for seed in (1, 2):
        score = compose(make_brief(prompt, VideoTraits(duration=60.0)), 60.0, MINUTE_CUTS, 30.0, seed)
        lra = loudness_range(music_only(render_stems(score)))
        assert 3.0 <= lra <= 9.0, f"{prompt}, seed {seed}: loudness range {lra:.1f} LU"


def test_ambient_breathes_as_produced_ambient_does() -> None:
    """Ambient has no drums and holds its pads: the swell between its quiet and full passages is its whole
    dynamic life, so its players play the energy more fully (a minute read 2.3 LU for seed 2, flat)."""
    for seed in (2, 3):
        score = compose(make_brief("ambient", VideoTraits(duration=60.0)), 60.0, MINUTE_CUTS, 30.0, seed)
        lra = loudness_range(music_only(render_stems(score)))
        assert 3.0 <= lra <= 9.0, f"seed {seed}: loudness range {lra:.1f} LU"


def test_a_jazz_ride_does_not_outshine_the_band() -> None:
    """The ride's "ding, ding-da" is a jazz piece's brightest sound: at the kit's common level its 5 kHz hiss
    took a minute's centroid to 2.6 kHz (the band alone 1.3): the kit sits 2 dB back in jazz."""
    score = compose(make_brief("jazz", VideoTraits(duration=60.0)), 60.0, MINUTE_CUTS, 30.0, 1)
    centroid = frame_centroid(music_only(render_stems(score)))
    assert 1000.0 <= centroid <= 2500.0, f"centroid {centroid:.0f} Hz"


def test_a_celesta_plays_a_counter_line_high_over_calm_piano_from_the_build_up() -> None:
    score = _score("calm piano")
    line = [n for n in score.notes["chords"] if n.instrument == VOICE]
    chords_top = max(n.pitch for n in score.notes["chords"] if n.instrument != VOICE)
    assert len(line) >= 8
    assert min(n.pitch for n in line) >= 76 >= chords_top  # above every chord tone
    after_intro = next(start for name, start, _ in score.sections if name != "intro")
    assert min(n.start for n in line) >= after_intro - 0.05, "the line starts in the intro"
    assert {round(n.pan, 2) for n in line} == {0.45}  # off the centre where the melody sits


@pytest.mark.parametrize("prompt", ["upbeat pop", "cinematic", "sad", "calm piano with drums"])
def test_no_celesta_line_over_drums_or_an_orchestra(prompt: str) -> None:
    score = _score(prompt, 16.0)
    assert not any(n.instrument == VOICE for n in score.notes["chords"] if n.pan == 0.45)


def test_the_room_returns_air_and_the_chords_lose_their_boxiness() -> None:
    """The reverb's return keeps its top (it was cut at 7.5 kHz: a dull room), a shelf lifting it; the dry
    chords dip 1.5 dB around 300 Hz and nowhere else."""
    ir = _impulse(SR, 2.0)
    f, p = signal.welch(ir[:, 0], SR, nperseg=4096)

    def db(lo: float, hi: float) -> float:
        sel = (f >= lo) & (f < hi)
        return float(10 * np.log10(np.mean(p[sel])))

    assert db(8000, 12000) > db(1000, 3000) - 10.0  # the old 7.5 kHz low-pass read ~25 dB down here
    _, h = signal.sosfreqz(peaking_sos(300.0, -1.5, 1.4, SR), [60.0, 300.0, 1000.0, 5000.0], fs=SR)
    assert np.round(20 * np.log10(np.abs(h)), 1).tolist() == pytest.approx([-0.1, -1.5, -0.1, 0.0], abs=0.15)
    _, h = signal.sosfreqz(shelf_sos(5000.0, 3.0, SR), [500.0, 12000.0], fs=SR)
    assert 20 * np.log10(np.abs(h)) == pytest.approx([0.0, 3.0], abs=0.3)
