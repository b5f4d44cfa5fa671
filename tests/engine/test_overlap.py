"""Work side by side gives what one step after the other gives (issue 16): a whole ``make`` with the mix
streamed into the render finds the same cuts and speech, plays the same stems and exports the same sound as
one that writes the mix whole first."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from nemo_desktop import paths
from nemo_desktop.core.errors import OutputNotWritable
from nemo_desktop.core.events import no_progress
from nemo_desktop.core.session import Session
from nemo_desktop.engine.backend import LocalBackend
from nemo_desktop.engine.render import render_mode
from nemo_desktop.settings import Settings
from tests.media import decoded_sound


async def _make(clip: Path, home: Path, overlap: bool) -> tuple[LocalBackend, Path]:
    paths.use_root(home).ensure()
    backend = LocalBackend(Settings(), seed=5)
    backend.project.overlap = overlap
    session = Session(backend, lambda e: None, output_dir=lambda: home / "out")
    await session.start()
    await session.add_media([clip])
    await session.send("calm piano")
    video = await session.export(home / "out")
    await session.aclose()
    return backend, video


async def test_an_overlapped_make_is_the_serial_make(tmp_path: Path, media, caplog) -> None:
    # 1080p30 H.264 + AAC: the export stream-copies the pictures, as for a phone's clip
    made = media.clip(duration=12, size=(1920, 1080), fps=30, cuts=(3.5, 8.0), audio="speech", speech_at=(2.0,))
    caplog.set_level(logging.INFO)
    try:
        serial, serial_video = await _make(made.path, tmp_path / "serial", overlap=False)
        side, side_video = await _make(made.path, tmp_path / "side", overlap=True)
    finally:
        paths.use(None)
    assert not [r for r in caplog.records if "another loudness pass" in r.getMessage()]  # it was streamed
    a, b = serial.project.analysis, side.project.analysis
    assert a is not None and b is not None
    assert a.cuts == b.cuts and len(a.cuts) == 2
    assert a.speech == b.speech and a.speech
    infos = {str(Path(i.path).absolute()): i for i in side.project.infos}
    assert render_mode(side.project.draft, infos) == "copy"
    assert serial.project.music is not None and side.project.music is not None
    for name, x in serial.project.music.stems.arrays().items():
        assert np.array_equal(x, side.project.music.stems[name]), name
    heard, streamed = decoded_sound(serial_video), decoded_sound(side_video)
    assert heard.shape == streamed.shape and np.any(heard)
    assert np.array_equal(heard, streamed)  # the same samples went to the same encoder

    # a render that cannot start stops the streamed mix with its own sentence, and leaves nothing behind
    paths.use_root(tmp_path / "side")
    try:
        not_a_folder = tmp_path / "side" / "a file"
        not_a_folder.write_text("x")
        with pytest.raises(OutputNotWritable):
            await side.export(side.project.draft, not_a_folder, no_progress)
        assert not list((tmp_path / "side" / "cache").glob("render-*"))
    finally:
        paths.use(None)
