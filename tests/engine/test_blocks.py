"""Bounded memory (issue 18): every stage that used to hold the whole programme works a block at a time, and
its blocks join into what the whole-array version gives — the music played and finished in windows, the
loudness measured block-wise, the mix limited in blocks, speech detected in blocks."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest

from nemo_desktop.core.errors import Cancelled
from nemo_desktop.engine import mix_blocks, vad
from nemo_desktop.engine.loudness import LoudnessMeter
from nemo_desktop.engine.mix import integrated_loudness, mix, music_only, true_peak_db
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.score import STEMS
from nemo_desktop.engine.music.synth import play_stems, render_stems
from nemo_desktop.engine.music.windows import AHEAD_MAX_S, finished_windows, preroll
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from nemo_desktop.engine.stem_store import StemStore

SR = 48000


def _score(prompt: str, seconds: float, seed: int = 3):
    brief = make_brief(prompt, VideoTraits(duration=seconds))
    return compose(brief, seconds, [4.0, 9.5, 15.0], 30.0, seed)


def _max_step(x: np.ndarray, at: int, reach: int = 32) -> float:
    return float(np.max(np.abs(np.diff(x[at - reach : at + reach], axis=0))))


@pytest.mark.parametrize("prompt", ["epic cinematic", "lofi chill beats", "upbeat pop with drums"])
def test_windows_join_into_the_whole_render(prompt: str) -> None:
    score = _score(prompt, 20.0)
    whole = render_stems(score, SR)
    windows = list(finished_windows(score, play_stems, SR, window_s=6.0))
    assert [start for start, _ in windows] == [0, 6 * SR, 12 * SR, 18 * SR]
    assert preroll(score, SR) > 2 * SR  # the room's tail is played before each window
    for name, x in whole.items():
        joined = np.concatenate([w[name] for _, w in windows])
        assert joined.shape == x.shape
        scale = float(np.max(np.abs(x))) or 1.0
        # the same samples to −70 dB of the stem's peak: the filters and the bus compressor start each window
        # from silence and settle within the pre-roll to float rounding plus a last trace of their state
        assert np.max(np.abs(joined - x)) <= 3e-4 * scale, name
        for start, _ in windows[1:]:  # no click at a join: the step there is the whole render's own step
            assert _max_step(joined, start) <= _max_step(x, start) + 1e-4 * scale, (name, start)


def test_playing_ahead_gives_the_serial_render_s_bytes() -> None:
    """The next window played in a second thread while this one is finished (a short piece's default)
    changes when the work is done, not one sample of it; a piece past ``AHEAD_MAX_S`` plays serially."""
    score = _score("upbeat pop with drums", 14.0)
    calls: list[str] = []

    def play(*args: object) -> dict[str, np.ndarray]:
        calls.append(threading.current_thread().name)
        return play_stems(*args)  # type: ignore[arg-type]

    ahead = list(finished_windows(score, play, SR, window_s=5.0, ahead=True))
    serial = list(finished_windows(score, play_stems, SR, window_s=5.0, ahead=False))
    assert [s for s, _ in ahead] == [s for s, _ in serial] == [0, 5 * SR, 10 * SR]
    for (_, a), (_, b) in zip(ahead, serial, strict=True):
        for name in a:
            assert np.array_equal(a[name], b[name]), name
    assert calls[0] == threading.current_thread().name and all(c.startswith("nemo-play") for c in calls[1:])
    assert len(calls) == 3

    def silence(_score: object, sr: int, _start: int, length: int) -> dict[str, np.ndarray]:
        calls.append(threading.current_thread().name)
        return {name: np.zeros((length, 2), dtype=np.float32) for name in STEMS}

    for duration, threads in ((AHEAD_MAX_S, 2), (AHEAD_MAX_S + 1, 1)):  # the default: ahead up to the bound
        calls.clear()
        for _ in finished_windows(dataclasses.replace(score, duration=duration), silence, 4000):
            pass
        assert len(set(calls)) == threads, (duration, set(calls))


def test_a_cancelled_music_render_leaves_no_player_thread(tmp_path) -> None:
    """Cancelled while the next window plays ahead: the render stops, its folder is gone, and the player
    thread has finished before the render returns (no CPU left burning for a piece nobody will hear)."""
    score = _score("calm piano", 45.0)
    cancel = threading.Event()

    def play(*args: object) -> dict[str, np.ndarray]:
        cancel.set()  # the person cancels while the first window is being played
        return play_stems(*args)  # type: ignore[arg-type]

    with pytest.raises(Cancelled) as caught:  # kept, as a Failed event keeps the error it reports
        StemStore.render(score, play, 16000, tmp_path, cancel)
    assert not [t for t in threading.enumerate() if t.name.startswith("nemo-play") and t.is_alive()]
    assert caught.value is not None
    assert not list((tmp_path / "mix").iterdir())


def test_stem_store_holds_the_whole_render_on_disk(tmp_path) -> None:
    score = _score("calm piano", 12.0)
    store = StemStore.render(score, play_stems, SR, tmp_path)
    whole = render_stems(score, SR)
    assert store.n == len(whole["chords"])
    for name, x in whole.items():
        assert np.max(np.abs(store[name] - x)) < 1e-5
        assert store.peaks[name] == pytest.approx(float(np.max(np.abs(x))), abs=1e-5)
    music = music_only(whole)
    assert np.max(np.abs(store.music(SR, 3 * SR) - music[SR : 4 * SR])) < 1e-5
    assert store.peaks["music"] == pytest.approx(float(np.max(np.abs(music))), abs=1e-5)
    folder = store.folder
    assert folder.is_dir() and folder.name.startswith("stems-")
    del store
    assert not folder.exists()  # dropped with the store


def test_block_loudness_equals_integrated_loudness() -> None:
    music = music_only(render_stems(_score("upbeat pop with drums", 30.0), SR))
    rng = np.random.default_rng(5)
    speech_like = (rng.standard_normal((len(music), 2)) * 0.02).astype(np.float32)
    speech_like[: 10 * SR] = 0.0  # a silent stretch for the gates to drop
    for x in (music, music * 0.1 + speech_like):
        meter = LoudnessMeter(SR)
        cuts = [0, 1234, 48_000 + 17, 10 * SR + 5, 22 * SR - 3, len(x)]  # blocks of odd sizes
        for a, b in zip(cuts, cuts[1:], strict=False):
            meter.feed(x[a:b])
        assert meter.integrated() == pytest.approx(integrated_loudness(x, SR), abs=0.1)


def test_mix_in_small_blocks_equals_mix_in_large_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    stems = render_stems(_score("epic cinematic", 25.0), SR)
    rng = np.random.default_rng(2)
    clip = (rng.standard_normal((len(stems["drums"]), 2)) * 0.05).astype(np.float32)
    clip[: 8 * SR] *= 0.05
    speech = [(9.0, 13.0), (18.0, 21.5)]
    large = mix(stems, clip, speech, SR)
    monkeypatch.setattr(mix_blocks, "BLOCK", 256 * 375)  # 2 s blocks: 13 joins
    small = mix(stems, clip, speech, SR)
    assert small.shape == large.shape == clip.shape
    assert np.max(np.abs(small - large)) < 1e-4
    assert integrated_loudness(small, SR) == pytest.approx(-16.0, abs=0.5)
    assert true_peak_db(small) <= -1.0 + 0.05


def test_speech_probabilities_in_blocks_equal_one_array() -> None:
    if not vad.available():
        pytest.skip(vad.problem() or "no speech model")
    rng = np.random.default_rng(1)
    t = np.arange(8 * vad.SAMPLE_RATE) / vad.SAMPLE_RATE
    audio = (np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 3 * t) > 0) * 0.3
             + rng.standard_normal(len(t)) * 0.01).astype(np.float32)[: 8 * vad.SAMPLE_RATE - 100]
    whole = vad.speech_probabilities(audio)
    cuts = [0, 700, 5000, 5001, 60_000, len(audio)]
    blocks = vad.block_probabilities(audio[a:b] for a, b in zip(cuts, cuts[1:], strict=False))
    assert blocks.shape == whole.shape
    assert np.allclose(blocks, whole, atol=1e-6)
