"""Transport policy and envelope mapping: retries only where harmless, Retry-After, §2 shapes, errors."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.cloud.envelope import BadRequest, Links, unwrap
from nemo_desktop.cloud.reachability import reachable
from nemo_desktop.cloud.sse import StreamError, TextPart, ToolCall, ToolResult, parse_event
from nemo_desktop.cloud.transport import parse_retry_after
from nemo_desktop.core.errors import (
    AuthExpired,
    CloudError,
    ExportNotAllowed,
    NoCredits,
    Offline,
    RateLimited,
    ServerError,
    SessionGone,
    UploadRejected,
)
from tests.cloud.helpers import make_backend
from tests.fakecloud.runner import RunningFake

LINKS = Links(lambda: "https://w/register?bind=anon_1", lambda: "https://w/register?bind=anon_1")


@pytest.mark.parametrize(("status", "body", "expected"), [
    (200, b'{"code":0,"data":{"a":1}}', {"a": 1}),
    (200, b'{"success":true,"data":{"id":"r"}}', {"id": "r"}),
    (200, b'{"status":"completed","output":{"url":"u"}}', {"status": "completed", "output": {"url": "u"}}),
    (200, b'{"success":true}', {"success": True}),
    (200, b'[1,2]', [1, 2]),
])
def test_unwrap_success_shapes(status: int, body: bytes, expected: object) -> None:
    assert unwrap(status, "application/json", body) == expected


@pytest.mark.parametrize(("status", "body", "ctype", "error"), [
    (401, b'{"code":1001,"message":"expired"}', "application/json", AuthExpired),
    (200, b'{"code":1001,"message":"expired"}', "application/json", AuthExpired),
    (401, b"", "", AuthExpired),
    (404, b'{"code":1002,"message":"no session"}', "application/json", SessionGone),
    (200, b'{"code":1002}', "application/json", SessionGone),
    (200, b'{"code":2001,"message":"insufficient"}', "application/json", NoCredits),
    (415, b'{"code":4001}', "application/json", UploadRejected),
    (413, b'{"code":4002}', "application/json", UploadRejected),
    (400, b'{"code":400,"message":"X-Client-Id required"}', "application/json", BadRequest),
    (402, b'{"code":402,"message":"plan"}', "application/json", ExportNotAllowed),
    (429, b'{"code":429}', "application/json", RateLimited),
    (503, b'{"code":503}', "application/json", ServerError),
    (502, b"<html>Bad Gateway</html>", "text/html", ServerError),
    (200, b"<html>oops</html>", "text/html", ServerError),
    (200, b"\x00\xff garbage", "application/octet-stream", ServerError),
    (200, b'{"success":false,"error":"boom"}', "application/json", CloudError),
    (418, b'{"message":"teapot"}', "application/json", CloudError),
])
def test_unwrap_errors(status: int, body: bytes, ctype: str, error: type[CloudError]) -> None:
    with pytest.raises(error) as info:
        unwrap(status, ctype, body, links=LINKS, subject="clip.mov")
    text = info.value.message("en")
    assert "<html>" not in text and "\n" not in text
    assert info.value.message("zh_CN")
    if error is NoCredits or error is ExportNotAllowed:
        assert "register?bind=anon_1" in text
    if error is UploadRejected:
        assert "clip.mov" in text


def test_html_detail_is_short() -> None:
    with pytest.raises(ServerError) as info:
        unwrap(200, "text/html; charset=utf-8", b"<html>" + b"x" * 5000 + b"</html>")
    assert info.value.detail == "HTTP 200, unexpected text/html reply"


@pytest.mark.parametrize(("value", "expected"), [
    ("2", 2.0), ("0", 0.0), ("-5", 0.0), ("1.5", 1.5), ("999", 30.0), ("soon", None), ("", None), (None, None),
    (email.utils.formatdate(1_000_010, usegmt=True), 10.0),
    (email.utils.formatdate(999_990, usegmt=True), 0.0),
])
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=1_000_000.0, cap=30.0) == expected


@pytest.mark.parametrize(("data", "event", "items"), [
    ('{"type":"text","content":"hi"}', "", [TextPart("hi")]),
    ('{"type":"tool_call","name":"edit_multitrack","args":{}}', "", [ToolCall("edit_multitrack")]),
    ('{"type":"tool_result","name":"x","result":{}}', "", [ToolResult("x")]),
    ('{"content":{"role":"model","parts":[{"text":"a"},{"functionCall":{"name":"suno"}}]},"author":"n"}', "",
     [TextPart("a", "n"), ToolCall("suno")]),
    ('{"content":{"role":"model","parts":[{"text":"thinking","thought":true}]}}', "", []),
    ('{"error":"boom"}', "", [StreamError("boom")]),
    ('{"type":"error","error":{"code":2001,"message":"no credits"}}', "", [StreamError("no credits", 2001)]),
    ('agent failed', "error", [StreamError("agent failed")]),
    ('{"something":"new"}', "", []),
    ("not json", "", []),
])
def test_parse_event(data: str, event: str, items: list) -> None:
    assert parse_event(data, event) == items


async def test_get_state_retries_503_twice_then_succeeds(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario("server_errors")
    draft = await backend.state()
    assert draft.is_empty
    assert cloud_env.ledger.hits("state") == 3


async def test_get_gives_up_after_three_attempts(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario(fail={"credits": [503, 503, 503, 503]})
    with pytest.raises(ServerError):
        await backend.credits()
    assert cloud_env.ledger.hits("credits") == 3


async def test_retry_after_is_honoured(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario(fail={"credits": [429]}, retry_after="1")
    await backend.credits()
    times = [r.at for r in cloud_env.ledger.requests if r.route == "credits"]
    assert len(times) == 2 and times[1] - times[0] >= 1.0


async def test_html_body_is_a_server_error(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario("html_body")
    with pytest.raises(ServerError) as info:
        await backend.credits()
    assert "unexpected text/html reply" in info.value.message("en")


async def test_offline_is_typed(nemo_home: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEMO_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("NEMO_RETRY_SECONDS", "0.01")
    b = make_backend()
    try:
        with pytest.raises(Offline) as info:
            await b.connect()
    finally:
        await b.aclose()
    assert "cannot connect" in info.value.message("en") and "127.0.0.1" not in info.value.message("en")


async def test_reachable(fake_cloud: RunningFake) -> None:
    assert await reachable(fake_cloud.url)
    assert not await reachable("http://127.0.0.1:9", timeout=0.5)


async def test_attribution_platform_follows_skill_source(cloud_env: RunningFake,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_SOURCE", "flatpak")
    b = make_backend()
    try:
        await b.connect()
    finally:
        await b.aclose()
    assert {r.headers["x-skill-platform"] for r in cloud_env.ledger.requests} == {"flatpak"}


def test_authenticated_client_does_not_follow_redirects(nemo_home: object) -> None:
    b = make_backend()
    assert b.transport._api.follow_redirects is False
    assert "authorization" not in {k.lower() for k in b.transport._api.headers}
    assert "authorization" not in {k.lower() for k in b.transport._plain.headers}
    assert isinstance(b.transport._api.timeout, httpx.Timeout) and b.transport._api.timeout.read >= 30


@pytest.mark.parametrize(("route", "status"), [("upload", 502), ("run_sse", 200), ("state", 200),
                                               ("render_submit", 502), ("render_poll", 404)])
async def test_garbage_bodies_at_every_step_are_one_sentence(backend: CloudBackend, cloud_env: RunningFake,
                                                            clip, route: str, status: int) -> None:
    from nemo_desktop import paths
    from tests.cloud.helpers import collect

    if route not in ("upload",):
        await backend.add_media([clip], lambda s, f: None)
    if route.startswith("render"):
        await collect(backend.chat("add calm piano"))
    cloud_env.scenario(garbage={route: status})
    with pytest.raises(CloudError) as info:
        if route == "upload":
            await backend.add_media([clip], lambda s, f: None)
        elif route == "run_sse":
            await collect(backend.chat("add calm piano"))
        elif route == "state":
            await backend.state()
        else:
            await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
    msg = info.value.message("en")
    assert "<html>" not in msg and "nginx" not in msg and "\n" not in msg
    assert info.value.message("zh_CN")
    assert cloud_env.ledger.chat_posts <= 1 and cloud_env.ledger.hits("render_submit") <= 2
    assert not list(paths.get().downloads.iterdir())
