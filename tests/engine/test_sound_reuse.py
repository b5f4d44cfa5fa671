"""The clip's sound is decoded once: analysis keeps it, the export reads it back sample for sample."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from nemo_desktop.core.errors import Cancelled, Corrupt
from nemo_desktop.engine import audio_io, media_cache
from nemo_desktop.engine.analysis import analyse_clip
from nemo_desktop.engine.audio_io import decode_audio, timeline_audio
from nemo_desktop.engine.probe import probe
from nemo_desktop.engine.timeline import build_draft
from tests.processes import live_children

SMALL = (192, 108)


def test_analysis_keeps_the_sound_and_the_export_reads_the_same_samples(media, home, monkeypatch):
    made = media.clip(duration=6, size=SMALL, audio="speech", speech_at=(1.0,))
    info = probe(made.path)
    analyse_clip(info, home.cache)
    kept = media_cache.sound_file(home.cache, made.path)
    assert kept.is_file() and not list(kept.parent.glob("*.part"))
    assert kept.stat().st_size == pytest.approx(6 * 48000 * 2 * 4, rel=0.01)

    fresh = decode_audio(made.path, 1.5, 3.0)  # ffmpeg decodes the span
    reused = decode_audio(made.path, 1.5, 3.0, cache_dir=home.cache)
    assert reused.shape == fresh.shape == (144000, 2)
    assert np.max(np.abs(reused - fresh)) < 1e-3  # the same samples at the same place
    assert np.sqrt(np.mean(reused**2)) > 1e-3  # and not silence

    # the export path reads the kept copy: no ffmpeg child is started for it
    def no_decode(*args, **kwargs):
        raise AssertionError("the clip was decoded again")

    monkeypatch.setattr(audio_io, "FfmpegReader", no_decode)
    sound = timeline_audio(build_draft([info]), cache_dir=home.cache)
    assert sound.shape == (6 * 48000, 2)
    assert np.max(np.abs(sound[72000:216000] - fresh)) < 1e-3


def test_without_a_cache_nothing_is_kept(media, home):
    made = media.clip(duration=2, size=SMALL, audio="sine")
    analyse_clip(probe(made.path), None)
    assert not (home.cache / "sound").exists()


def test_the_sound_cache_stays_under_its_budget(home):
    folder = home.cache / "sound"
    folder.mkdir(parents=True)
    for i in range(5):
        f = folder / f"{i}{media_cache.SOUND_SUFFIX}"
        f.write_bytes(b"\0" * 1000)
        os.utime(f, (1000 + i, 1000 + i))
    media_cache.prune_sound(home.cache, budget=2500)
    assert sorted(f.name for f in folder.iterdir()) == ["3.f32", "4.f32"]  # the oldest went first


def test_a_clip_without_sound_decodes_to_nothing_and_garbage_is_corrupt(media, tmp_path):
    silent = media.clip(duration=1, size=SMALL, audio=None)
    assert decode_audio(silent.path).shape == (0, 2)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(Corrupt):
        decode_audio(junk)


def test_a_cancelled_analysis_leaves_no_sound_file_and_no_ffmpeg(media, home):
    made = media.clip(duration=4, size=SMALL, audio="sine")
    cancel = threading.Event()

    def progress(stage, frac):
        if frac and frac > 0.1:
            cancel.set()

    with pytest.raises(Cancelled):
        analyse_clip(probe(made.path), home.cache, progress, cancel)
    assert not list((home.cache / "sound").glob("*"))  # neither a .part nor a half sound
    assert not live_children("ffmpeg")
