"""The default instruments (issue 18): the shipped General-MIDI bank played by our sampler — a piano that
decays, drums that strike and die away, bowed strings that swell, pans anywhere in the field, windows equal
to slices of the whole render, the same bytes for the same seed."""

from __future__ import annotations

import numpy as np
import psutil
import pytest

from nemo_desktop.engine.music import bank, gm, sampler
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.synth import pan_gains
from nemo_desktop.engine.prompt import VideoTraits, make_brief

SR = 48000


def one_note(stem: str, note: Note, style: str = "acoustic", duration: float = 6.0) -> np.ndarray:
    """The raw stem with just this note, played by the default instruments."""
    score = Score(
        bpm=100, key="C", mode="major", style=style, seed=0, duration=duration, fps=25, beats=(0.0,),
        bars=(0.0,), sections=(("main", 0.0, duration),), notes={stem: (note,)},
    )
    return sampler.play_stems(score, SR, 0, int(duration * SR))[stem]


def levels_db(x: np.ndarray, step: float = 0.01) -> np.ndarray:
    """RMS level per ``step`` seconds, in dB."""
    mono = x.mean(axis=1).astype(np.float64)
    k = int(step * SR)
    blocks = mono[: len(mono) // k * k].reshape(-1, k)
    return 10 * np.log10((blocks**2).mean(axis=1) + 1e-20)


def test_the_shipped_bank_is_mapped_from_the_package_not_read_into_memory() -> None:
    """Loading reads the zone table only; the 27 MB of samples stay on disk until a note needs them (how
    long that takes is for benchmarks/bench_bank.py to say, not for a test on a busy machine)."""
    process = psutil.Process()
    before = process.memory_info().rss
    loaded = bank.load()
    assert process.memory_info().rss - before < 16 * 2**20
    assert bank.SHIPPED_DIR.parent.parent.name == "nemo_desktop"
    assert set(gm.SHIPPED_PRESETS) <= set(loaded.presets)
    zone = loaded.presets[(0, 0)][0]
    pcm = loaded.read_pcm(zone.sample)
    assert pcm.dtype == np.float32 and 0.01 < np.abs(pcm).max() <= 1.0


def test_a_held_piano_note_decays_like_a_piano() -> None:
    """Middle C held for 5 s falls ≥ 20 dB within 4 s of its strike; a higher note falls faster."""
    falls = {}
    for pitch in (60, 84):
        db = levels_db(one_note("melody", Note(0.5, 5.0, pitch, 0.8, "piano"), "calm_piano"), 0.1)
        falls[pitch] = db[5] - db[45]  # strike (0.5 s) → 4.5 s
    assert falls[60] >= 20 and falls[84] > falls[60], falls


def test_a_drum_strikes_and_dies_away() -> None:
    """An acoustic kick and snare: at full level within 15 ms, ≥ 15 dB down 100 ms later."""
    for name in ("kick", "snare"):
        db = levels_db(one_note("drums", Note(0.5, 0.25, 0, 0.8, name)), 0.005)[100:]  # from the hit
        peak = int(np.argmax(db))
        assert peak <= 3, (name, peak)
        assert db[peak] - db[peak + 20] >= 15, (name, db[peak] - db[peak + 20])


def test_strings_are_bowed_not_struck() -> None:
    """A string-section note swells: its first 50 ms well under its level half a second in, which it holds."""
    db = levels_db(one_note("chords", Note(0.5, 4.0, 60, 0.8, "strings")), 0.05)[10:]  # from the note
    assert db[0] < db[10] - 6, db[:12]
    assert abs(db[30] - db[10]) < 6  # held, not decaying like a struck string


def test_a_pan_is_continuous() -> None:
    """A note panned 0.3 sits right of centre, neither in the middle nor hard right: the constant-power gains."""
    x = one_note("melody", Note(0.5, 1.0, 72, 0.8, "piano", 0.3), duration=3.0)
    left, right = np.sqrt((x.astype(np.float64) ** 2).mean(axis=0))
    gl, gr = pan_gains(0.3)
    assert right / left == pytest.approx(gr / gl, rel=0.01)
    assert 1.3 < right / left < 2.5


@pytest.mark.parametrize("prompt", ["acoustic guitar", "cinematic"])
def test_a_window_is_the_slice_of_the_whole_render(prompt: str) -> None:
    """Windows that cut notes in two play exactly what the whole render has there (sampled and numpy)."""
    duration = 12.0
    score = compose(make_brief(prompt, VideoTraits(duration=duration)), duration, [3.0, 7.3], 30.0, 5)
    n = int(duration * SR)
    whole = sampler.play_stems(score, SR, 0, n)
    for start, length in ((0, 70_001), (70_001, 123_457), (int(5.0 * SR), int(3.3 * SR)), (n - 9_999, 9_999)):
        part = sampler.play_stems(score, SR, start, length)
        for stem in STEMS:
            assert part[stem].tobytes() == whole[stem][start : start + length].tobytes(), (stem, start)


def test_same_seed_same_bytes_and_the_bank_plays_the_acoustic_voices() -> None:
    score = compose(make_brief("acoustic guitar", VideoTraits(duration=8.0)), 8.0, [3.0], 30.0, 7)
    a, b = sampler.render_stems(score, SR), sampler.render_stems(score, SR)
    assert all(a[k].tobytes() == b[k].tobytes() for k in STEMS)
    from nemo_desktop.engine.music.synth import render_stems as numpy_only

    ours = numpy_only(score, SR)
    for stem in ("drums", "chords"):  # the acoustic kit and the guitar come from the bank
        corr = np.corrcoef(a[stem].ravel(), ours[stem].ravel())[0, 1]
        assert abs(corr) < 0.5, (stem, corr)


def test_the_stems_keep_the_built_in_balance() -> None:
    """Each sampled voice is set to our numpy voice's level: stem levels within 4 dB of the numpy render."""
    from nemo_desktop.engine.music.synth import render_stems as numpy_only

    score = compose(make_brief("acoustic guitar", VideoTraits(duration=12.0)), 12.0, [4.0], 30.0, 2)
    ours, sampled = numpy_only(score, SR), sampler.render_stems(score, SR)
    for stem in STEMS:
        a, b = np.sqrt(np.mean(ours[stem] ** 2)), np.sqrt(np.mean(sampled[stem] ** 2))
        assert abs(20 * np.log10(b / a)) < 4, (stem, a, b)


@pytest.mark.parametrize("prompt", ["calm piano", "electronic"])
def test_one_player_window_by_window_is_the_whole_render(prompt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece played in consecutive 1.7 s windows by one StemPlayer — with a cache small enough to drop
    and recompute samples, numpy drums cycling their alternates — joins into exactly the whole render."""
    monkeypatch.setattr(sampler, "CACHE_BYTES", 1 << 20)
    duration = 10.0
    score = compose(make_brief(prompt, VideoTraits(duration=duration)), duration, [4.0], 30.0, 3)
    n = int(duration * SR)
    whole = sampler.play_stems(score, SR, 0, n)
    player = sampler.StemPlayer(score, SR)
    step = int(1.7 * SR)
    parts = [player.play(s, min(step, n - s)) for s in range(0, n, step)]
    for stem in STEMS:
        joined = np.concatenate([p[stem] for p in parts])
        assert joined.tobytes() == whole[stem].tobytes(), stem


def test_the_volume_envelope_follows_the_soundfont_units() -> None:
    """Attack 0.1 s linear, hold 0.1 s, then −96 dB per decay time (1 s) down to the sustain (−24 dB), and
    −96 dB per release time (0.5 s) from the note's end."""
    from dataclasses import replace

    from nemo_desktop.engine.music.sampling import envelope

    zone = replace(bank.shipped().presets[(0, 0)][0], delay=0.0, attack=0.1, hold=0.1, decay=1.0, sustain=240.0,
                   release=0.5, key_hold=0.0, key_decay=0.0)
    g = envelope(zone, 60, int(1.0 * SR), int(1.5 * SR), SR).astype(np.float64)
    assert g[int(0.05 * SR)] == pytest.approx(0.5, abs=0.01) and g[int(0.15 * SR)] == pytest.approx(1.0)
    assert 20 * np.log10(g[int(0.3 * SR)]) == pytest.approx(-9.6, abs=0.1)  # 0.1 s into the decay
    assert 20 * np.log10(g[int(0.9 * SR)]) == pytest.approx(-24.0, abs=0.1)  # held at the sustain
    assert 20 * np.log10(g[int(1.25 * SR)]) == pytest.approx(-24.0 - 48.0, abs=0.2)  # 0.25 s into the release


def test_the_piano_bass_plays_an_octave_down_like_the_numpy_one() -> None:
    x = one_note("bass", Note(0.2, 1.0, 57, 0.8, "piano_bass"), "calm_piano", 2.0).mean(axis=1)
    head = x[int(0.3 * SR) : int(0.8 * SR)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(head * np.hanning(len(head))))
    freqs = np.fft.rfftfreq(len(head), 1 / SR)
    low = spectrum[(freqs > 100) & (freqs < 125)].max()  # A2 = 110 Hz, not A3 = 220 Hz
    assert low > 0.3 * spectrum[(freqs > 200) & (freqs < 240)].max()
    assert spectrum[(freqs > 100) & (freqs < 125)].max() > 0.1 * spectrum.max()
