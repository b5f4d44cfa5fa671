"""Clip thumbnails: the first frame, small, with its aspect; nothing (not an error) for a bad file."""

from __future__ import annotations

from nemo_desktop.ui.thumbnails import decode_first_frame, first_frame


async def test_first_frame_keeps_the_aspect(media):
    clip = media.clip(duration=1, size=(320, 180), audio=None)
    image = await first_frame(clip.path, 54)
    assert image is not None and (image.width(), image.height()) == (96, 54)
    assert len({image.pixel(x, 27) for x in range(0, 96, 8)}) > 2  # a picture, not a blank


async def test_portrait_and_junk(media, tmp_path):
    tall = media.clip(duration=1, size=(180, 320), audio=None)
    image = await first_frame(tall.path, 64)
    assert image is not None and (image.width(), image.height()) == (36, 64)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"nope" * 50)
    assert decode_first_frame(junk) is None
    assert await first_frame(junk) is None
