"""Export: pre-check, 402, render failure, submit retry with a new id, reply shapes, downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_desktop import paths
from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.core.errors import DownloadIncomplete, ExportNotAllowed, NothingToDo, RenderFailed
from tests.cloud.helpers import WEB, collect
from tests.fakecloud.runner import RunningFake
from tests.fakecloud.sample import sample_mp4


async def _ready(backend: CloudBackend, clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    await collect(backend.chat("add calm piano"))


def _no_mp4_no_part(folder: Path) -> None:
    assert not list(folder.glob("*.mp4")) and not list(folder.glob("*.part"))


async def test_empty_draft_is_not_rendered(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    with pytest.raises(NothingToDo):
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert cloud_env.ledger.hits("render_submit") == 0


async def test_free_plan_402_says_register_not_credits(backend: CloudBackend, cloud_env: RunningFake,
                                                      clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario("free_plan_402")
    with pytest.raises(ExportNotAllowed) as info:
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    msg = info.value.message("en")
    assert "register or upgrade" in msg and "credit" not in msg.lower()
    assert f"{WEB}/register?bind=anon_" in msg
    assert info.value.message("zh_CN")
    assert cloud_env.ledger.hits("render_submit") == 1  # a plan refusal is not retried
    _no_mp4_no_part(paths.get().downloads)


async def test_render_failed_is_reported(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario("render_failed")
    with pytest.raises(RenderFailed) as info:
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert "renderer crashed" in info.value.message("en")
    _no_mp4_no_part(paths.get().downloads)


async def test_submit_failure_retries_once_with_a_new_id(backend: CloudBackend, cloud_env: RunningFake,
                                                        clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario(render_submit_fail=1)
    out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    ids = [b["id"] for b in cloud_env.ledger.render_bodies]
    assert len(ids) == 2 and ids[0] != ids[1] and out.exists()


async def test_transient_poll_errors_keep_the_same_id(backend: CloudBackend, cloud_env: RunningFake,
                                                     clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario(fail={"render_poll": [503, 503, 503, 429]}, render_polls=2)
    out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert out.read_bytes() == sample_mp4()
    assert cloud_env.ledger.hits("render_submit") == 1
    polled = {r.path for r in cloud_env.ledger.requests if r.route == "render_poll"}
    assert len(polled) == 1


@pytest.mark.parametrize("shape", ["success", "top", "early"])
async def test_all_render_reply_shapes(backend: CloudBackend, cloud_env: RunningFake, clip: Path,
                                       shape: str) -> None:
    await _ready(backend, clip)
    cloud_env.scenario(render_shape=shape)
    out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert out.read_bytes() == sample_mp4()


async def test_truncated_download_leaves_nothing(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario("truncated_download")
    with pytest.raises(DownloadIncomplete) as info:
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert "Nothing was saved" in info.value.message("en")
    assert cloud_env.ledger.hits("download") == 1  # the fallback route was tried
    _no_mp4_no_part(paths.get().downloads)


@pytest.mark.parametrize("fallback", ["binary", "json"])
async def test_fallback_route_when_output_url_fails(backend: CloudBackend, cloud_env: RunningFake, clip: Path,
                                                   fallback: str) -> None:
    await _ready(backend, clip)
    cloud_env.scenario(output_url="truncated" if fallback == "binary" else "missing", fallback=fallback)
    if fallback == "json":
        cloud_env.scenario(output_url="missing", fallback="json")
    out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert out.read_bytes() == sample_mp4()
    route = [r for r in cloud_env.ledger.requests if r.route == "download"]
    assert route and route[0].headers["authorization"].startswith("Bearer ")
    assert not list(paths.get().downloads.glob("*.part"))


async def test_progress_covers_render_and_download(backend: CloudBackend, cloud_env: RunningFake,
                                                  clip: Path) -> None:
    await _ready(backend, clip)
    seen: list[tuple[str, float | None]] = []
    await backend.export(await backend.state(), paths.get().downloads, lambda s, f: seen.append((s, f)))
    stages = list(dict.fromkeys(s for s, _ in seen))
    assert stages == ["Rendering in the cloud…", "Downloading the video…"]
    assert seen[-1] == ("Downloading the video…", 1.0)


async def test_sandbox_paths_are_swapped_for_cdn_urls(backend: CloudBackend, cloud_env: RunningFake,
                                                     clip: Path) -> None:
    await _ready(backend, clip)
    session = next(iter(cloud_env.cloud.sessions.values()))
    session["draft"]["t"][0]["sg"][0]["src"] = "/mnt/userdata/abc/harbour.mp4"
    await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    sent = cloud_env.ledger.render_bodies[0]["draft"]
    assert sent["t"][0]["sg"][0]["src"] == "https://cdn.example/u/harbour.mp4"
    assert sent["x_unknown"] == {"kept": True} and sent["t"][1] == session["draft"]["t"][1]


async def test_an_interrupted_download_says_it_was_the_download(backend: CloudBackend, cloud_env: RunningFake,
                                                                clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario("truncated_download")
    with pytest.raises(DownloadIncomplete) as info:
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    msg = info.value.message("en")
    assert msg.startswith("The download of the finished video was interrupted (")
    assert "export again" in msg and info.value.code == "cloud.download"
    assert info.value.message("zh_CN")
    _no_mp4_no_part(paths.get().downloads)


async def test_a_download_that_cannot_be_fetched_at_all_is_a_download_failure(
        backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await _ready(backend, clip)
    cloud_env.scenario(output_url="404", fail={"download": [404]})
    with pytest.raises(DownloadIncomplete) as info:
        await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert "download of the finished video" in info.value.message("en")
    _no_mp4_no_part(paths.get().downloads)


@pytest.mark.parametrize("trouble", ["500", "garbage", "crash"])
async def test_a_failing_browser_link_never_blocks_the_video(backend: CloudBackend, cloud_env: RunningFake,
                                                             clip: Path, trouble: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    await _ready(backend, clip)
    if trouble == "500":
        cloud_env.scenario(fail={"claim": [500]})
    elif trouble == "garbage":
        cloud_env.scenario(garbage={"claim": 200})
    else:
        async def broken(*args: object) -> str:
            raise RuntimeError("boom")

        monkeypatch.setattr(backend.api, "claim_link", broken)
    out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    assert out.read_bytes() == sample_mp4()
    if trouble == "crash":
        assert backend.last_link == ""
    else:  # §9.21: the task link when the claim-token call fails; never the API token in it
        task = cloud_env.cloud.sessions[backend.session_id]["task_id"]
        assert backend.last_link == f"{WEB}/workspace/task/{task}?session={backend.session_id}"
    assert "nmv_usr_" not in backend.last_link
