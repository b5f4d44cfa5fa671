"""Render ids as §3.7 documents them, one retry with a new id when refused, and the render's own error text."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from nemo_desktop import paths
from nemo_desktop.cloud import render
from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.cloud.errors import RenderRefused
from nemo_desktop.core.errors import RenderFailed
from tests.cloud.helpers import collect
from tests.fakecloud.runner import RunningFake
from tests.fakecloud.sample import sample_mp4
from tests.fakecloud.server import render_id_problem


async def _ready(backend: CloudBackend, clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    await collect(backend.chat("add calm piano"))


def test_ids_are_render_and_milliseconds_and_never_repeat() -> None:
    before = int(time.time() * 1000)
    ids = [render.new_render_id() for _ in range(50)]
    assert all(re.fullmatch(r"render_\d{13}", i) for i in ids)
    stamps = [int(i.split("_")[1]) for i in ids]
    assert stamps == sorted(stamps) and len(set(stamps)) == 50
    assert stamps[0] >= before
    assert all(render_id_problem(i, int(time.time() * 1000)) == "" for i in ids)


def test_a_frozen_clock_still_gives_new_ids() -> None:
    frozen = lambda: 1_767_000_000.0  # noqa: E731
    first, second = render.new_render_id(frozen), render.new_render_id(frozen)
    assert first != second


@pytest.mark.parametrize(("rid", "ok"), [
    ("render_1767000000000", True),
    ("render_0f8fad5b-d9cb-469f-a165-70867728950e", True),
    ("render_1767000000000_2e693d23", False),  # the form the issue found refused
    ("draft-cli-1767000000000", False),
    ("render_176700000000", False),  # 12 digits: not milliseconds
    ("render_1000000000000", False),  # milliseconds, but not now
    ("", False),
])
def test_the_strict_stand_in_checks_the_documented_form(rid: str, ok: bool) -> None:
    assert (render_id_problem(rid, 1_767_000_000_500) == "") is ok


async def test_strict_server_accepts_our_ids(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await _ready(backend, clip)
    assert cloud_env.cloud.sc.strict
    out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert out.read_bytes() == sample_mp4()
    [body] = cloud_env.ledger.render_bodies
    assert re.fullmatch(r"render_\d{13}", body["id"]) and body["sessionId"] == backend.session_id


async def test_duplicate_id_gets_a_new_id_once(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario("duplicate_render_id")
    out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    ids = [b["id"] for b in cloud_env.ledger.render_bodies]
    assert len(ids) == 2 and ids[0] != ids[1] and out.exists()
    polled = {r.path.rsplit("/", 1)[-1] for r in cloud_env.ledger.requests if r.route == "render_poll"}
    assert polled == {ids[1]}


async def test_refused_twice_stops_with_one_sentence(backend: CloudBackend, cloud_env: RunningFake,
                                                    clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario(refuse_ids=5)
    with pytest.raises(RenderRefused) as info:
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert cloud_env.ledger.hits("render_submit") == 2  # never a loop
    msg = info.value.message("en")
    assert "did not accept the render" in msg and "duplicate render id" in msg and "\n" not in msg
    assert not list(paths.get().downloads.iterdir())


@pytest.mark.parametrize("shape", ["success", "top", "early"])
@pytest.mark.parametrize("reply", ["status", "envelope"])
async def test_the_renders_own_error_text_is_shown(backend: CloudBackend, cloud_env: RunningFake, clip: Path,
                                                  shape: str, reply: str) -> None:
    await _ready(backend, clip)
    cloud_env.scenario("render_failed", render_shape=shape, render_fail_reply=reply)
    with pytest.raises(RenderFailed) as info:
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert "renderer crashed while encoding" in info.value.message("en")
    assert "renderer crashed while encoding" in info.value.message("zh_CN")
    assert info.value.code == "cloud.render"
    assert cloud_env.ledger.hits("render_submit") == 1  # a failed render is reported, not resubmitted
    assert not list(paths.get().downloads.iterdir())


@pytest.mark.parametrize(("data", "status", "error"), [
    ({"status": "failed", "data": {"error": "out of memory"}}, "failed", "out of memory"),
    ({"data": {"status": "failed"}, "error": "bad codec"}, "failed", "bad codec"),
    ({"success": True, "data": {"status": "failed", "error": {"message": "gpu lost"}}}, "failed", "gpu lost"),
])
def test_status_and_error_are_found_wherever_they_sit(data: dict, status: str, error: str) -> None:
    from nemo_desktop.cloud.api import parse_render_status

    parsed = parse_render_status(data)
    assert (parsed.status, parsed.error) == (status, error)
