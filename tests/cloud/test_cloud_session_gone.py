"""A session the cloud lost (1002) at upload, chat, state or render: rebuilt once per job, the job goes on.

The rebuilt session gets every clip again (with progress) and the messages again; the person hears one
line about it. A second loss in the same job stops it with one sentence; nothing is half-written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_desktop import paths
from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.cloud.errors import ClipGone, SessionLostAgain
from nemo_desktop.cloud.recovery import NOTICE
from nemo_desktop.core.events import DraftChanged, Notice, Progress, Reply
from tests.cloud.helpers import collect, make_backend
from tests.fakecloud.runner import RunningFake
from tests.fakecloud.sample import sample_mp4

Seen = list[tuple[str, float | None]]


def recorder() -> tuple[Seen, object]:
    seen: Seen = []
    return seen, lambda stage, fraction: seen.append((stage, fraction))


def told(seen: Seen) -> int:
    return sum(1 for stage, _ in seen if stage == NOTICE)


async def _ready(backend: CloudBackend, clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    await collect(backend.chat("add calm piano"))


async def test_lost_at_upload_sends_earlier_clips_and_words_again(backend: CloudBackend, cloud_env: RunningFake,
                                                                  clip: Path, tmp_path: Path) -> None:
    await _ready(backend, clip)
    old = backend.session_id
    second = tmp_path / "beach.mov"
    second.write_bytes(clip.read_bytes())
    cloud_env.scenario("session_gone_at_upload")
    seen, progress = recorder()
    draft = await backend.add_media([second], progress)
    assert backend.session_id != old and cloud_env.ledger.sessions_dropped == ["upload"]
    assert cloud_env.ledger.upload_names == ["harbour.mp4", "harbour.mp4", "beach.mov"]
    assert cloud_env.ledger.chat_posts == 2  # the earlier request, sent again into the new session
    rebuilt = cloud_env.cloud.sessions[backend.session_id]
    assert [i["filename"] for i in rebuilt["video_infos"]] == ["harbour.mp4", "beach.mov"]
    assert draft.music() is not None  # the rebuilt session made its music again
    assert told(seen) == 1
    assert ("Uploading harbour.mp4", 0.0) in seen  # the clips go again with progress
    assert seen[-1] == ("Uploaded", 1.0)


async def test_lost_at_upload_of_a_later_clip_in_the_same_batch(backend: CloudBackend, cloud_env: RunningFake,
                                                                clip: Path, tmp_path: Path) -> None:
    second = tmp_path / "beach.mov"
    second.write_bytes(clip.read_bytes())
    cloud_env.scenario("session_gone_at_upload", drop_session_skip=1)
    seen, progress = recorder()
    draft = await backend.add_media([clip, second], progress)
    assert cloud_env.ledger.upload_names == ["harbour.mp4", "harbour.mp4", "beach.mov"]
    assert [s.name for s in draft.segments_of(0)] == ["harbour.mp4", "beach.mov"]
    assert cloud_env.ledger.chat_posts == 0 and told(seen) == 1


async def test_lost_at_chat_sends_the_message_once_into_the_new_session(backend: CloudBackend,
                                                                        cloud_env: RunningFake, clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    cloud_env.scenario("session_gone_at_chat")
    events = await collect(backend.chat("add calm piano"))
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert notices == [NOTICE]
    assert any(isinstance(e, Progress) and e.stage == "Uploading harbour.mp4" for e in events)
    assert [e.text for e in events if isinstance(e, Reply)] == ["Sure — adding soft piano under your clip now."]
    changed = [e for e in events if isinstance(e, DraftChanged)]
    assert changed and changed[-1].draft.music() is not None
    assert cloud_env.ledger.chat_posts == 2  # one refused unprocessed (1002), one that ran
    assert cloud_env.ledger.credits_charged == 50  # charged once
    bodies = [r for r in cloud_env.ledger.requests if r.route == "run_sse"]
    assert len({r.at for r in bodies}) == 2


async def test_lost_before_the_turn_at_state(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    backend._snapshot = None  # the turn reads the state first
    cloud_env.scenario("session_gone")  # the old switch: the next state read or chat finds the session gone
    events = await collect(backend.chat("add calm piano"))
    assert [e.text for e in events if isinstance(e, Notice)] == [NOTICE]
    assert cloud_env.ledger.chat_posts == 1 and cloud_env.ledger.upload_names == ["harbour.mp4"] * 2


async def test_lost_right_after_the_turn_sends_it_again(backend: CloudBackend, cloud_env: RunningFake,
                                                        clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    cloud_env.scenario("session_gone_at_state")  # the read after the turn
    events = await collect(backend.chat("add calm piano"))
    assert [e.text for e in events if isinstance(e, Notice)] == [NOTICE]
    assert cloud_env.ledger.chat_posts == 2
    changed = [e for e in events if isinstance(e, DraftChanged)]
    assert changed and changed[-1].draft.music() is not None


@pytest.mark.parametrize("step", ["state", "render"])
async def test_lost_at_export_rebuilds_and_exports(backend: CloudBackend, cloud_env: RunningFake, clip: Path,
                                                   step: str) -> None:
    await _ready(backend, clip)
    old = backend.session_id
    cloud_env.scenario(f"session_gone_at_{step}")
    seen, progress = recorder()
    out = await backend.export(await backend.state() if step == "render" else backend._display_draft(
        backend._snapshot), paths.get().downloads, progress)
    assert out.read_bytes() == sample_mp4() and out.name == "harbour.mp4"
    assert cloud_env.ledger.sessions_dropped == [step]
    assert told(seen) == 1
    assert cloud_env.ledger.chat_posts == 2 and cloud_env.ledger.upload_names == ["harbour.mp4"] * 2
    submitted = [b["sessionId"] for b in cloud_env.ledger.render_bodies]
    assert submitted[-1] == backend.session_id != old
    assert backend.last_link.startswith("https://web.example/workspace/claim?ct=clm_")
    assert list(paths.get().downloads.iterdir()) == [out]


@pytest.mark.parametrize("step", ["upload", "chat", "state", "render"])
async def test_a_second_loss_stops_with_one_sentence(backend: CloudBackend, cloud_env: RunningFake, clip: Path,
                                                     step: str) -> None:
    if step != "upload":
        await _ready(backend, clip)
    cloud_env.scenario(f"session_gone_at_{step}", drop_session_times=2)
    with pytest.raises(SessionLostAgain) as info:
        if step == "upload":
            await backend.add_media([clip], lambda s, f: None)
        elif step == "chat":
            await collect(backend.chat("faster please"))
        else:
            await backend.export(await backend.state() if step == "render" else backend._display_draft(
                backend._snapshot), paths.get().downloads, lambda s, f: None)
    assert cloud_env.ledger.sessions_dropped == [step, step]
    assert cloud_env.ledger.hits("create_session") == 2  # the first and one rebuild, never a second
    msg = info.value.message("en")
    assert msg.count(".") <= 2 and "\n" not in msg and "ended again" in msg
    assert info.value.message("zh_CN")
    assert not list(paths.get().downloads.iterdir())


async def test_a_clip_no_longer_on_disk_is_named(backend: CloudBackend, cloud_env: RunningFake,
                                                 tmp_path: Path) -> None:
    gone = tmp_path / "gone.mp4"
    gone.write_bytes(sample_mp4())
    await backend.add_media([gone], lambda s, f: None)
    gone.unlink()
    cloud_env.scenario("session_gone_at_chat")
    with pytest.raises(ClipGone) as info:
        await collect(backend.chat("add calm piano"))
    assert "gone.mp4" in info.value.message("en") and "Add your clips again" in info.value.message("en")
    assert cloud_env.ledger.hits("create_session") == 1  # nothing rebuilt half-way


async def test_after_a_restart_the_saved_clips_and_words_rebuild_it(cloud_env: RunningFake, clip: Path) -> None:
    first = make_backend()
    try:
        await _ready(first, clip)
    finally:
        await first.aclose()
    cloud_env.scenario("session_gone_at_state")
    second = make_backend()
    try:
        draft = await second.state()
    finally:
        await second.aclose()
    assert draft.music() is not None and [s.name for s in draft.segments_of(0)] == ["harbour.mp4"]
    assert cloud_env.ledger.upload_names == ["harbour.mp4"] * 2 and cloud_env.ledger.chat_posts == 2


async def test_the_first_session_of_a_new_project_needs_no_rebuild_notice(backend: CloudBackend,
                                                                          cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario("session_gone_at_state")
    seen, progress = recorder()
    old = backend.session_id
    assert (await backend.state()).is_empty
    assert backend.session_id != old and told(seen) == 0


async def test_cancelling_during_a_rebuild_leaves_no_task(backend: CloudBackend, cloud_env: RunningFake,
                                                          clip: Path) -> None:
    import asyncio

    from nemo_desktop.cloud.recovery import RESENDING

    await _ready(backend, clip)
    cloud_env.scenario("session_gone_at_chat", turn="slow", slow_seconds=5.0, heartbeat_every=0.2)
    resending = asyncio.Event()

    async def run() -> None:
        async for e in backend.chat("faster"):
            if isinstance(e, Progress) and e.stage == RESENDING:
                resending.set()

    task = asyncio.create_task(run())
    await asyncio.wait_for(resending.wait(), 5)
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_through_a_session_the_line_outside_a_chat_turn_is_a_notice(
    backend: CloudBackend, cloud_env: RunningFake, clip: Path, tmp_path: Path
) -> None:
    """Adding clips is not a chat turn, yet the person hears the one line as a Notice (not a progress label)."""
    from nemo_desktop.core.session import Session

    events: list = []
    session = Session(backend, events.append, output_dir=lambda: tmp_path)
    await session.start()
    await session.add_media([clip])
    await session.compose("add calm piano")
    second = tmp_path / "beach.mov"
    second.write_bytes(clip.read_bytes())
    cloud_env.scenario("session_gone_at_upload")
    before = len(events)
    await session.add_media([second])
    later = events[before:]
    assert [e.text for e in later if isinstance(e, Notice)] == [NOTICE]
    assert not [e for e in later if isinstance(e, Progress) and e.stage == NOTICE]
    await session.aclose()
