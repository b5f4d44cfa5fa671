"""Undo and redo through the Session on the real built-in engine restore the exact draft, music included."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from nemo_desktop.core.draft import VIDEO
from nemo_desktop.core.ports import MusicChange, PreviewChanging
from nemo_desktop.core.session import Session
from nemo_desktop.engine.backend import LocalBackend
from nemo_desktop.settings import Settings
from tests.media import MediaFactory


def _session(downloads: Path) -> Session:
    return Session(LocalBackend(Settings(), seed=5), lambda event: None, output_dir=lambda: downloads)


async def test_undo_redo_round_trips_clips_and_music(media: MediaFactory, downloads: Path) -> None:
    one = media.clip("undo one", duration=3.0, cuts=(1.5,), audio="sine").path
    two = media.clip("undo two", duration=2.0, audio="sine").path
    session = _session(downloads)
    await session.start()
    await session.add_media([one])
    await session.add_media([two])
    steps = [session.draft.to_compact()]
    await session.compose("calm piano")
    steps.append(session.draft.to_compact())
    await session.tune(MusicChange(style="upbeat_pop"))
    assert session.draft.music_info().style == "upbeat_pop"
    steps.append(session.draft.to_compact())
    await session.tune(MusicChange(gain_db=-8.0))
    assert session.draft.music_info().gain_db == -8.0
    steps.append(session.draft.to_compact())
    await session.tune(MusicChange(variation=True))
    steps.append(session.draft.to_compact())
    await session.set_media([two, one])
    assert [Path(s.source) for s in session.draft.segments_of(VIDEO)] == [two, one]
    steps.append(session.draft.to_compact())
    assert len({str(s) for s in steps}) == len(steps)  # every step changed something

    for expected in reversed(steps[:-1]):
        assert await session.undo()
        assert session.draft.to_compact() == expected  # exact: clips, order, music (notes, level, seed)
    for expected in steps[1:]:
        assert await session.redo()
        assert session.draft.to_compact() == expected
    assert not await session.redo()

    for _ in range(len(steps) + 1):  # back to the empty project, past the first clip
        await session.undo()
    assert session.draft.is_empty and not session.can_undo
    await session.aclose()


async def test_mute_an_added_sound_file_and_undo(media: MediaFactory, downloads: Path) -> None:
    clip = media.clip("mute pic", duration=2.0, audio="sine").path
    song = media.audio("mute song", duration=2.0).path
    session = _session(downloads)
    await session.start()
    await session.add_media([clip, song])
    [sound] = session.draft.sound_files()
    await session.set_sound_volume(sound.source, 0.0)
    assert session.draft.sound_files()[0].volume == 0.0
    await session.set_media([clip])  # removed: the clip stays, the sound file goes
    assert session.draft.sound_files() == []
    await session.undo()
    assert session.draft.sound_files()[0].volume == 0.0
    await session.undo()
    assert session.draft.sound_files()[0].volume is None
    await session.aclose()


async def test_a_preview_beside_undo_and_redo_never_changes_what_they_restore(
        media: MediaFactory, downloads: Path) -> None:
    """The window mixes a preview after every change while the person may already be undoing the next one:
    the preview only reads the project. (It used to restore the draft's music itself when it found none,
    and a redo running beside it then came back with the old clip order.)"""
    a = media.clip("beside a", duration=2.0, cuts=(1.0,), audio="sine").path
    b = media.clip("beside b", duration=1.0, audio="sine").path
    session = _session(downloads)
    await session.start()
    await session.add_media([a, b])
    await session.compose("lo-fi")
    before = session.draft.to_compact()
    await session.set_media([b, a])
    after = session.draft.to_compact()

    for target, travel in ((before, session.undo), (after, session.redo)):
        shown = session.draft.copy()
        job = asyncio.ensure_future(travel())
        project = session.backend.project  # type: ignore[attr-defined]
        while project.music is not None:  # the job has rebuilt the clips and is composing again
            await asyncio.sleep(0)
        with pytest.raises(PreviewChanging):  # half a change is never mixed, nor touched
            await session.backend.preview_audio(shown)  # type: ignore[attr-defined]
        assert await job
        assert session.draft.to_compact() == target
        heard = await session.preview_audio()  # and once the job is done, the preview is the new draft's
        assert heard is not None and heard.duration == pytest.approx(3.0, abs=0.05)
    await session.aclose()
