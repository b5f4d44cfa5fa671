"""The built-in engine through the Session, as the window and the CLI drive it: real clips, real audio."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import pytest

from nemo_desktop.core.draft import AUDIO, VIDEO
from nemo_desktop.core.errors import Cancelled, NoMusicYet
from nemo_desktop.core.events import DraftChanged, Event, ExportReady, Failed, Progress, Reply
from nemo_desktop.core.session import IfNoMusic, Session
from nemo_desktop.engine.backend import LocalBackend
from nemo_desktop.settings import Settings
from tests.processes import live_children


class Recorder(list):
    def __call__(self, event: Event) -> None:
        self.append(event)

    def replies(self) -> list[str]:
        return [e.text for e in self if isinstance(e, Reply)]


def _session(downloads: Path, autosave: Path | None = None, seed: int = 11) -> tuple[Session, Recorder]:
    events = Recorder()
    session = Session(LocalBackend(Settings(), seed=seed), events, output_dir=lambda: downloads, autosave=autosave)
    return session, events


async def test_music_is_composed_refined_and_exported(speech_clip: Path, downloads: Path) -> None:
    session, events = _session(downloads)
    await session.start()
    assert await session.add_media([speech_clip]) == []
    await session.send("calm piano")
    music = session.draft.music()
    assert music is not None and music.meta["style"] and music.meta["bpm"] > 0
    assert abs(music.duration - session.draft.duration) < 1e-6
    first_bpm = music.meta["bpm"]
    assert any("BPM" in r for r in events.replies())

    await session.send("faster")
    assert session.draft.music().meta["bpm"] > first_bpm

    await session.send("欢快一点")
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in events.replies()[-1:])

    path = await session.send("导出")
    assert path is not None and path.exists() and path.parent == downloads
    assert any(isinstance(e, ExportReady) for e in events)
    assert any(isinstance(e, Progress) and e.stage == "render" for e in events)
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (1920, 1080)
        assert container.streams.audio[0].codec_context.sample_rate == 48000
    await session.aclose()


async def test_remove_music_and_variation(speech_clip: Path, downloads: Path) -> None:
    session, _ = _session(downloads)
    await session.start()
    await session.add_media([speech_clip])
    await session.send("lo-fi")
    seed = session.draft.music().meta["seed"]
    await session.send("another variation")
    assert session.draft.music().meta["seed"] != seed
    await session.send("remove the music")
    assert session.draft.music() is None
    assert all(s.meta.get("role") != "music" for s in session.draft.segments_of(AUDIO))


async def test_removing_or_moving_a_clip_refits_the_same_music(speech_clip: Path, media, downloads: Path) -> None:
    other = media.clip("pier", duration=4.0, cuts=(2.0,), audio="sine").path
    # unseeded, as in the window: the piece's seed must be carried over, not drawn again
    session = Session(LocalBackend(Settings()), Recorder(), output_dir=lambda: downloads)
    await session.start()
    await session.add_media([speech_clip, other])
    await session.send("upbeat pop")
    first = session.draft.music().meta
    assert session.can_rearrange

    await session.set_media([other, speech_clip])  # moved up
    assert [Path(s.source) for s in session.draft.segments_of(VIDEO)] == [other, speech_clip]
    music = session.draft.music()
    assert music is not None and (music.meta["seed"], music.meta["style"]) == (first["seed"], first["style"])
    assert any(abs(c - 4.0) < 0.05 for c in music.meta["cuts"])  # the clip boundary is a cut now

    await session.set_media([speech_clip])  # removed
    assert abs(session.draft.duration - 10.0) < 1 / 30 + 1e-6
    music = session.draft.music()
    assert music.meta["seed"] == first["seed"] and abs(music.duration - session.draft.duration) < 1e-6

    await session.add_media([other])  # and a clip added later keeps the same piece too
    assert session.draft.music().meta["seed"] == first["seed"]
    await session.set_media([])
    assert session.draft.is_empty
    await session.aclose()


async def test_the_chat_says_what_it_could_not_do(downloads: Path) -> None:
    """A genre we lack is answered with the closest we have, said in the reply; a change that changes nothing
    is said and not recomposed."""
    session, events = _session(downloads)
    await session.start()
    await session.send("a 6 second blues track")
    music = session.draft.music()
    assert music is not None and music.meta["style"] == "jazz"
    assert "No blues style yet — I used" in events.replies()[-1]
    await session.send("change the style to calm piano")
    drumless = session.draft.music()
    assert drumless is not None
    await session.send("no drums")
    assert events.replies()[-1] == "There were no drums to remove."
    assert session.draft.music() is drumless
    await session.aclose()


async def test_music_without_clips_gets_a_plain_picture(downloads: Path) -> None:
    session, _ = _session(downloads)
    await session.start()
    await session.send("a 6 second upbeat intro")
    assert abs(session.draft.duration - 6.0) < 1 / 30 + 1e-6
    path = await session.export()
    with av.open(str(path)) as container:
        assert abs(float(container.duration / 1e6) - 6.0) < 0.1
        assert container.streams.video[0].codec_context.height == 1080


async def test_autosaved_draft_comes_back(speech_clip: Path, downloads: Path, tmp_path: Path) -> None:
    autosave = tmp_path / "draft.json"
    first, _ = _session(downloads, autosave)
    await first.start()
    await first.add_media([speech_clip])
    await first.send("cinematic")
    bpm = first.draft.music().meta["bpm"]
    await first.aclose()

    second, events = _session(downloads, autosave)
    await second.start()
    assert second.draft.music() is not None and second.draft.music().meta["bpm"] == bpm
    assert any(isinstance(e, DraftChanged) for e in events)


async def test_cancel_mid_export_leaves_nothing(media, downloads: Path) -> None:
    long_clip = media.clip("long portrait", duration=40.0, size=(720, 1280), cuts=(10.0,), audio="sine").path
    session, events = _session(downloads)
    await session.start()
    await session.add_media([long_clip])
    task = asyncio.create_task(session.export(if_no_music=IfNoMusic.WITHOUT))
    while not any(isinstance(e, Progress) and e.stage == "render" and (e.fraction or 0) > 0 for e in events):
        await asyncio.sleep(0.05)
        assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert any(isinstance(e, Failed) and isinstance(e.error, Cancelled) for e in events)
    assert list(downloads.iterdir()) == []
    assert live_children("ffmpeg") == []


async def test_an_export_never_comes_out_without_music_unless_asked(media, downloads: Path) -> None:
    clip = media.clip("no music yet", duration=3.0, size=(320, 180), audio=None).path
    session, events = _session(downloads)
    await session.start()
    await session.add_media([clip])
    assert session.export_needs_choice()
    with pytest.raises(NoMusicYet):
        await session.send("export")  # typed, with nobody asked: refused, nothing written
    assert list(downloads.iterdir()) == []

    path = await session.export(if_no_music=IfNoMusic.COMPOSE)  # "Compose and export": the video decides
    assert session.has_music and path.exists()
    assert not session.export_needs_choice()

    await session.send("no music")  # a deliberate removal: now a music-less export is what was asked
    assert not session.has_music and session.music_removed
    assert not session.export_needs_choice()
    silent = await session.send("export")
    assert silent is not None and silent.exists() and silent != path
    assert "without music as you asked" in events.replies()[-1]
    await session.aclose()
