"""Chat turns through the stand-in: dialects, heartbeats, silent turns, stalls, drops, in-stream errors."""

from __future__ import annotations

import time

import pytest

from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.core.errors import NoCredits, ServerError, StreamStalled
from nemo_desktop.core.events import DraftChanged, Notice, Reply, Status
from tests.cloud.helpers import WEB, collect, make_backend
from tests.fakecloud.runner import RunningFake


def replies(events: list) -> list[str]:
    return [e.text for e in events if isinstance(e, Reply)]


@pytest.mark.parametrize("dialect", ["adk", "simple"])
@pytest.mark.parametrize("heartbeat", ["json", "empty", "comment"])
async def test_both_dialects_and_all_heartbeat_forms(backend: CloudBackend, cloud_env: RunningFake,
                                                    dialect: str, heartbeat: str) -> None:
    cloud_env.scenario(dialect=dialect, heartbeat=heartbeat)
    events = await collect(backend.chat("add calm piano"))
    assert replies(events) == ["Sure — adding soft piano under your clip now."]
    assert "Composing music…" in [e.text for e in events if isinstance(e, Status)]
    assert any(isinstance(e, DraftChanged) for e in events)


async def test_silent_turn_reports_what_changed(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await collect(backend.chat("add music"))
    cloud_env.scenario("silent_turn")
    events = await collect(backend.chat("add a title"))
    texts = replies(events)
    assert len(texts) == 1 and "Harbour Walk" in texts[0] and "0–3 s" in texts[0]
    assert "Editing the timeline…" in [e.text for e in events if isinstance(e, Status)]


async def test_chinese_split_inside_a_character_crlf_and_comments(backend: CloudBackend,
                                                                 cloud_env: RunningFake) -> None:
    cloud_env.scenario("chinese_split")
    events = await collect(backend.chat("加一段钢琴配乐"))
    assert replies(events) == ["配乐完成"]
    assert isinstance(events[0], Status) and events[0].text  # "sent, may take a few minutes"


async def test_slow_stream_says_still_working_then_stalls(cloud_env: RunningFake) -> None:
    cloud_env.scenario("slow_stream", slow_seconds=8.0)
    b = make_backend(heartbeat_notice_seconds=0.5, heartbeat_timeout_seconds=2.0)
    events = []
    started = time.monotonic()
    try:
        with pytest.raises(StreamStalled) as info:
            async for e in b.chat("generate a video"):
                events.append(e)
    finally:
        await b.aclose()
    elapsed = time.monotonic() - started
    assert 2.0 <= elapsed < 7.5  # stalled at the 2 s heartbeat timeout, long before the 8 s stream ends
    still = [e for e in events if isinstance(e, Status) and e.text == "Still working…"]
    assert 2 <= len(still) <= 4  # at most one per notice period
    assert "stopped answering" in info.value.message("en")
    assert cloud_env.ledger.chat_posts == 1


async def test_dropped_stream_is_never_resent_and_state_is_reported(backend: CloudBackend,
                                                                   cloud_env: RunningFake) -> None:
    cloud_env.scenario("stream_dropped")
    events = await collect(backend.chat("add calm piano"))
    assert cloud_env.ledger.chat_posts == 1
    assert cloud_env.ledger.credits_charged == 50
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and "not sent again" in notices[0].text
    assert any(isinstance(e, DraftChanged) for e in events)
    texts = replies(events)
    assert texts[0] == "Working on the music…" and "Calm piano" in texts[-1]
    assert len(texts) == len(set(texts))  # each message shown once


async def test_dropped_stream_with_no_change_fails_after_five_reads(backend: CloudBackend,
                                                                   cloud_env: RunningFake) -> None:
    await collect(backend.chat("add calm piano"))
    cloud_env.scenario("stream_dropped", drop_after=1)
    before = cloud_env.ledger.hits("state")
    with pytest.raises(StreamStalled):
        await collect(backend.chat("add calm piano again"))  # the stand-in's draft does not change
    assert cloud_env.ledger.chat_posts == 2  # one per message, never a resend
    assert cloud_env.ledger.hits("state") - before == 5


async def test_in_stream_error_is_typed_after_reporting(backend: CloudBackend, cloud_env: RunningFake) -> None:
    cloud_env.scenario("stream_error")
    events = []
    with pytest.raises(ServerError) as info:
        async for e in backend.chat("add music"):
            events.append(e)
    assert replies(events) == ["Let me try that."]
    assert "model overloaded" in info.value.message("en")
    assert cloud_env.ledger.chat_posts == 1


async def test_no_credits_links_to_registration_with_bind(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario("no_credits")
    with pytest.raises(NoCredits) as info:
        await collect(backend.chat("generate a video"))
    user = backend.auth.user_id
    assert user.startswith("anon_")
    msg = info.value.message("en")
    assert f"{WEB}/register?bind={user}" in msg and "nmv_usr_" not in msg
    assert f"bind={user}" in info.value.message("zh_CN")


async def test_gui_phrases_are_translated(backend: CloudBackend, cloud_env: RunningFake) -> None:
    cloud_env.scenario(turn="gui")
    events = await collect(backend.chat("add piano"))
    texts = replies(events)
    assert "Click" not in " ".join(texts) and "Export button" not in " ".join(texts)
    assert texts[0].startswith("Calm piano is now under your clip.")
    assert "Say “export”" in texts[0]
    assert any("music: Calm piano" in t for t in texts[1:])  # "preview in the timeline" → the summary


async def test_partial_chunks_become_one_reply_and_trailing_noise_is_dropped(
        backend: CloudBackend, cloud_env: RunningFake) -> None:
    cloud_env.scenario(turn="partial")
    assert replies(await collect(backend.chat("piano"))) == ["Adding piano… done."]
    cloud_env.scenario(turn="noise")
    assert replies(await collect(backend.chat("piano"))) == ["Sure — adding soft piano under your clip now."]


async def test_chat_post_is_sent_once_on_503(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario(fail={"run_sse": [503, 503]})
    with pytest.raises(ServerError):
        await collect(backend.chat("add music"))
    assert cloud_env.ledger.chat_posts == 1 and cloud_env.ledger.credits_charged == 0


async def test_cancelling_a_turn_leaves_no_task_or_connection(cloud_env: RunningFake) -> None:
    import asyncio

    cloud_env.scenario("slow_stream", slow_seconds=5.0)
    b = make_backend(heartbeat_notice_seconds=10, heartbeat_timeout_seconds=30)
    started = asyncio.Event()

    async def run() -> None:
        async for e in b.chat("generate a video"):
            if isinstance(e, Status):
                started.set()

    task = asyncio.create_task(run())
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert others == []
    await b.aclose()
    assert cloud_env.ledger.chat_posts == 1
