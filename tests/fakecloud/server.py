"""A loopback stand-in for the NemoVideo processing API (nemovideo-api.md §8), with fault injection.

Realistic envelopes and ADK-style SSE (or the simplified ``type`` dialect), header checks on every
request, a ledger of what was asked and charged, and scenario switches for the failures a desktop client
must survive. It is a test tool: state lives in memory and is reset per test.

Strict by default (``Scenario.strict``): render ids must have a form §3.7 documents — ``render_<ms>`` with
the current time in milliseconds, or ``render_<uuid>`` — else the submit gets HTTP 400. The session can be
made to disappear (1002) at a chosen step, ``drop_session_at`` = upload | chat | state | render, after
``drop_session_skip`` requests of that step and ``drop_session_times`` times over.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import re
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, fields
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")
TEMPORARY_ISSUE = "I encountered a temporary issue."


class AbortConnection(Exception):
    """Raised inside a streaming body: uvicorn then closes the socket without finishing the response."""


@dataclass
class Scenario:
    """Switches; ``FakeCloud.scenario(name, **overrides)`` resets to these defaults first."""

    turn: str = "reply"  # reply | silent | slow | drop | error | chinese | gui | partial | noise
    dialect: str = "adk"  # adk | simple
    heartbeat: str = "json"  # json | empty | comment
    heartbeat_every: float = 15.0
    slow_seconds: float = 6.0
    reply_text: str = "Sure — adding soft piano under your clip now."
    codes_in_http: bool = True  # 1001→401, 1002→404, 2001→200, 4001→415, 4002→413; False: all HTTP 200
    expire_token_once: bool = False  # the next authenticated request gets 1001 and the token is dead
    session_gone: bool = False  # every existing session answers 1002
    no_credits: bool = False  # run_sse answers 2001 before streaming
    export_402: bool = False  # render submit → HTTP 402 (free plan)
    attribution_402: bool = True  # render submit without X-Skill-* headers → 402
    anon_429: int = 0  # this many 429s from anonymous-token first
    anon_400: int = 0  # this many 400s (client id "unusable") from anonymous-token first
    render_shape: str = "success"  # success | top | early
    render_polls: int = 2  # polls before "completed"
    render_fail: bool = False
    render_submit_fail: int = 0  # this many 500s on render submit first
    output_url: str = "ok"  # ok | truncated | missing | 404
    fallback: str = "binary"  # binary | json | truncated
    upload_limit: int = 500 * 1024 * 1024
    drop_after: int = 3  # events before the connection is cut (turn="drop")
    fail: dict[str, list[int]] = field(default_factory=dict)  # route → statuses to answer first
    retry_after: str = ""  # Retry-After header on the injected failures
    garbage: dict[str, int] = field(default_factory=dict)  # route → HTTP status of an HTML page
    strict: bool = True  # render ids exactly as §3.7 documents them (render_<ms> or render_<uuid>), else 400
    drop_session_at: str = ""  # upload | chat | state | render: the session disappears at that step (1002)
    drop_session_skip: int = 0  # let this many requests of that step through first
    drop_session_times: int = 1  # how many times the session is dropped there
    refuse_ids: int = 0  # this many render submits are refused as duplicate ids (409) first
    render_fail_reply: str = "status"  # status: a "failed" status with `error`; envelope: success=false + error


PRESETS: dict[str, dict[str, Any]] = {
    "happy": {},
    "expired_token": {"expire_token_once": True},
    "session_gone": {"session_gone": True},
    "no_credits": {"no_credits": True},
    "free_plan_402": {"export_402": True},
    "rate_limited": {"anon_429": 1},
    "silent_turn": {"turn": "silent"},
    "slow_stream": {"turn": "slow", "heartbeat_every": 0.2},
    "stream_dropped": {"turn": "drop"},
    "stream_error": {"turn": "error"},
    "render_failed": {"render_fail": True},
    "server_errors": {"fail": {"state": [503, 503]}},
    "html_body": {"garbage": {"credits": 200}},
    "truncated_download": {"output_url": "truncated", "fallback": "truncated"},
    "chinese_split": {"turn": "chinese", "dialect": "simple"},
    "session_gone_at_upload": {"drop_session_at": "upload"},
    "session_gone_at_chat": {"drop_session_at": "chat"},
    "session_gone_at_state": {"drop_session_at": "state"},
    "session_gone_at_render": {"drop_session_at": "render"},
    "duplicate_render_id": {"refuse_ids": 1},
}

# §3.7: "render_<timestamp>" (milliseconds since the epoch, e.g. render_1767000000000) or "render_<uuid>".
RENDER_ID = re.compile(r"render_(?:(?P<ms>\d{13})|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
RENDER_ID_SLACK_MS = 24 * 3600 * 1000  # a timestamp id must be about now (clocks differ, not by a day)


def render_id_problem(rid: object, now_ms: int) -> str:
    """Why a strict server refuses ``rid``, or "" when it has the documented form."""
    if not isinstance(rid, str) or not rid:
        return "id required"
    match = RENDER_ID.fullmatch(rid)
    if match is None:
        return "invalid render id: expected render_<timestamp> or render_<uuid>"
    if match["ms"] and abs(int(match["ms"]) - now_ms) > RENDER_ID_SLACK_MS:
        return "invalid render id: the timestamp is not the current time in milliseconds"
    return ""


@dataclass
class Rec:
    method: str
    route: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Ledger:
    requests: list[Rec] = field(default_factory=list)
    credits_charged: int = 0
    missing_attribution: list[str] = field(default_factory=list)
    tokens_minted: int = 0
    session_bodies: list[dict[str, Any]] = field(default_factory=list)
    render_bodies: list[dict[str, Any]] = field(default_factory=list)
    upload_names: list[str] = field(default_factory=list)
    sessions_dropped: list[str] = field(default_factory=list)  # the step at which each drop happened

    def hits(self, route: str) -> int:
        return sum(1 for r in self.requests if r.route == route)

    @property
    def chat_posts(self) -> int:
        return self.hits("run_sse")

    def routes(self) -> Counter[str]:
        return Counter(r.route for r in self.requests)


def _draft_for(session: dict[str, Any], *, music: bool = True, title: bool = False) -> dict[str, Any]:
    """A §4.3-dialect draft built from the session's uploads."""
    infos = session["video_infos"] or [{"filename": "harbour_a.mp4", "cdn_url": "https://cdn.example/a.mp4",
                                        "duration": 7.0}]
    st, video = 0, []
    for info in infos:
        d = int(float(info.get("duration") or 2.0) * 1000)
        video.append({"st": st, "d": d, "so": 0, "src": info["cdn_url"], "m": {"name": info["filename"]}})
        st += d
    tracks: list[dict[str, Any]] = [{"tt": 0, "sg": video}]
    if music:
        tracks.append({"tt": 1, "sg": [{"st": 0, "d": st, "so": 0, "src": "https://cdn.example/gen/calm_piano_01.mp3",
                                        "v": 0.35, "m": {"name": "Calm piano", "fade_out_ms": 1500}}]})
    if title:
        tracks.append({"tt": 7, "sg": [{"st": 0, "d": 3000, "m": {"text": "Harbour Walk",
                                                                  "style": {"color": "#ffffff"}}}]})
    return {"d": st, "m": {"title": session.get("title") or "", "width": 1920, "height": 1080},
            "t": tracks, "x_unknown": {"kept": True}}


class FakeCloud:
    """The stand-in's state and its Starlette app. ``base_url`` is set by the runner."""

    def __init__(self, mp4: bytes) -> None:
        self.mp4 = mp4
        self.base_url = ""
        self._lock = threading.Lock()
        self.reset()
        self.app = Starlette(routes=[
            Route("/", self._root, methods=["GET", "HEAD"]),
            Route("/api/auth/anonymous-token", self._wrap("anon_token", self.anon_token, auth=False),
                  methods=["POST"]),
            Route("/api/tasks/{user}/with-session/nemo_agent", self._wrap("create_session", self.create_session),
                  methods=["POST"]),
            Route("/run_sse", self._wrap("run_sse", self.run_sse), methods=["POST"]),
            Route("/api/upload-video/nemo_agent/{user}/{sid}", self._wrap("upload", self.upload), methods=["POST"]),
            Route("/api/credits/balance/simple", self._wrap("credits", self.credits), methods=["GET"]),
            Route("/api/state/nemo_agent/{user}/{sid}/latest", self._wrap("state", self.state), methods=["GET"]),
            Route("/api/render/proxy/lambda", self._wrap("render_submit", self.render_submit), methods=["POST"]),
            Route("/api/render/proxy/lambda/{rid}", self._wrap("render_poll", self.render_poll), methods=["GET"]),
            Route("/api/render/proxy/lambda/{rid}/cancel", self._wrap("render_cancel", self.render_cancel),
                  methods=["POST"]),
            Route("/api/render/proxy/{rid}/download", self._wrap("download", self.download), methods=["GET"]),
            Route("/api/auth/claim-token", self._wrap("claim", self.claim), methods=["POST"]),
            Route("/files/{rid}.mp4", self._wrap("file", self.file, auth=False), methods=["GET"]),
        ])

    # --- control (called from the test thread) ---------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.sc = Scenario()
            self.ledger = Ledger()
            self.tokens: dict[str, dict[str, Any]] = {}
            self.client_tokens: dict[str, str] = {}
            self.sessions: dict[str, dict[str, Any]] = {}
            self.renders: dict[str, dict[str, Any]] = {}
            self.balances: dict[str, int] = {}

    def scenario(self, name: str | None = None, **overrides: Any) -> Scenario:
        """Reset the switches to the defaults, apply a preset by name, then the overrides."""
        values = {**PRESETS.get(name or "happy", {}), **overrides}
        if name and name not in PRESETS:
            raise KeyError(f"unknown scenario {name!r}; known: {', '.join(PRESETS)}")
        known = {f.name for f in fields(Scenario)}
        bad = set(values) - known
        if bad:
            raise KeyError(f"unknown scenario switches: {sorted(bad)}")
        self.sc = Scenario(**values)
        return self.sc

    def add_token(self, token: str, user_id: str = "user_42", credits: int = 1000) -> None:
        """Register a token as if the person had created it on the web app (for NEMO_TOKEN tests)."""
        self.tokens[token] = {"user_id": user_id, "expired": False}
        self.balances.setdefault(user_id, credits)

    def set_draft(self, sid: str | None = None, draft: dict[str, Any] | None = None) -> None:
        for key, session in self.sessions.items():
            if sid is None or key == sid:
                session["draft"] = draft if draft is not None else _draft_for(session)

    # --- plumbing --------------------------------------------------------------------------------------

    async def _root(self, request: Request) -> Response:
        return JSONResponse({"code": 404, "message": "not found"}, status_code=404)

    def _envelope_error(self, code: int, message: str, http: int) -> JSONResponse:
        status = http if self.sc.codes_in_http else 200
        return JSONResponse({"code": code, "message": message, "data": None}, status_code=status)

    def _wrap(self, route: str, handler: Any, *, auth: bool = True) -> Any:
        async def endpoint(request: Request) -> Response:
            headers = {k.lower(): v for k, v in request.headers.items()}
            self.ledger.requests.append(Rec(request.method, route, request.url.path, headers, time.monotonic()))
            if any(not headers.get(h) for h in ATTRIBUTION):
                self.ledger.missing_attribution.append(route)
            queued = self.sc.fail.get(route)
            if queued:
                status = queued.pop(0)
                extra = {"Retry-After": self.sc.retry_after} if self.sc.retry_after else None
                return JSONResponse({"code": status, "message": f"injected {status}"}, status_code=status,
                                    headers=extra)
            if route in self.sc.garbage:
                status = self.sc.garbage[route]
                return Response("<html><body><h1>502 Bad Gateway</h1>nginx</body></html>", status_code=status,
                                media_type="text/html")
            user = None
            if auth:
                authz = headers.get("authorization", "")
                token = authz[7:] if authz.lower().startswith("bearer ") else ""
                info = self.tokens.get(token)
                if info is None or info["expired"]:
                    return self._envelope_error(1001, "token invalid or expired", 401)
                if self.sc.expire_token_once:
                    self.sc.expire_token_once = False
                    info["expired"] = True
                    return self._envelope_error(1001, "token expired", 401)
                user = info["user_id"]
            request.state.user = user
            return await handler(request)

        return endpoint

    def _session(self, request: Request, sid: str) -> dict[str, Any] | None:
        session = self.sessions.get(sid)
        if session is None or session["gone"] or session["user_id"] != request.state.user:
            return None
        return session

    # --- auth and sessions -----------------------------------------------------------------------------

    async def anon_token(self, request: Request) -> Response:
        client = request.headers.get("x-client-id", "")
        if not client or self.sc.anon_400 > 0:
            self.sc.anon_400 = max(0, self.sc.anon_400 - 1)
            return JSONResponse({"code": 400, "message": "X-Client-Id header is required"}, status_code=400)
        if self.sc.anon_429 > 0:
            self.sc.anon_429 -= 1
            return JSONResponse({"code": 429, "message": "too many tokens"}, status_code=429)
        current = self.client_tokens.get(client)
        if current and not self.tokens[current]["expired"]:
            return JSONResponse({"code": 429, "message": "one token per client per 7 days"}, status_code=429)
        token = f"nmv_usr_{secrets.token_hex(16)}"
        user_id = self.tokens[current]["user_id"] if current else f"anon_{secrets.token_hex(4)}"
        self.tokens[token] = {"user_id": user_id, "expired": False}
        self.client_tokens[client] = token
        self.balances.setdefault(user_id, 100)
        self.ledger.tokens_minted += 1
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7 * 86400))
        return JSONResponse({"code": 0, "data": {"token": token, "user_id": user_id, "expires_at": expires,
                                                 "credits": self.balances[user_id]}})

    async def create_session(self, request: Request) -> Response:
        body = await request.json()
        self.ledger.session_bodies.append(body)
        if not isinstance(body, dict) or "task_name" not in body or "language" not in body:
            return JSONResponse({"code": 400, "message": "task_name and language required"}, status_code=400)
        sid = str(5529798706024415232 + len(self.sessions) + 1)
        task = f"task_{uuid.uuid4().hex[:10]}"
        self.sessions[sid] = {"task_id": task, "user_id": request.state.user, "video_infos": [], "draft": {},
                              "gone": False, "title": "", "task_name": body["task_name"]}
        if self.sc.session_gone:
            pass  # new sessions are fine; only the ones that existed before are gone
        return JSONResponse({"code": 0, "data": {"task_id": task, "session_id": sid, "user_id": request.state.user}})

    def expire_sessions(self) -> None:
        for session in self.sessions.values():
            session["gone"] = True

    def _maybe_drop(self, step: str) -> None:
        """``drop_session_at``: every existing session is gone when this step is reached (after the skips)."""
        sc = self.sc
        if sc.drop_session_at != step or sc.drop_session_times <= 0:
            return
        if sc.drop_session_skip > 0:
            sc.drop_session_skip -= 1
            return
        sc.drop_session_times -= 1
        self.ledger.sessions_dropped.append(step)
        self.expire_sessions()

    # --- chat ------------------------------------------------------------------------------------------

    async def run_sse(self, request: Request) -> Response:
        body = await request.json()
        if self.sc.session_gone:
            self.sc.session_gone = False
            self.expire_sessions()
        self._maybe_drop("chat")
        if request.headers.get("accept") != "text/event-stream":
            return JSONResponse({"code": 400, "message": "Accept must be text/event-stream"}, status_code=400)
        msg = body.get("new_message", {}).get("parts", [{}])[0].get("text")
        if body.get("app_name") != "nemo_agent" or body.get("user_id") != "me" or not msg:
            return JSONResponse({"code": 400, "message": "bad run_sse body"}, status_code=400)
        session = self._session(request, str(body.get("session_id")))
        if session is None:
            return self._envelope_error(1002, "session not found", 404)
        user = request.state.user
        if self.sc.no_credits or self.balances.get(user, 0) < 50:
            return self._envelope_error(2001, "insufficient credits", 200)
        self.balances[user] -= 50
        self.ledger.credits_charged += 50
        return StreamingResponse(self._turn(session, msg), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    def _event(self, kind: str, value: Any = None, name: str = "") -> bytes:
        simple = self.sc.dialect == "simple"
        if kind == "text":
            obj = {"type": "text", "content": value} if simple else {
                "id": f"evt-{uuid.uuid4().hex[:6]}", "invocationId": "e-42", "author": "nemo_agent",
                "timestamp": time.time(), "content": {"role": "model", "parts": [{"text": value}]},
                "actions": {"stateDelta": {}, "artifactDelta": {}, "requestedAuthConfigs": {}}}
        elif kind == "partial":
            obj = {"type": "text", "content": value, "partial": True} if simple else {
                "author": "nemo_agent", "partial": True, "content": {"role": "model", "parts": [{"text": value}]}}
        elif kind == "call":
            obj = {"type": "tool_call", "name": name, "args": {}} if simple else {
                "author": "nemo_agent", "content": {"role": "model", "parts": [
                    {"functionCall": {"id": "fc-1", "name": name, "args": value or {}}}]}, "longRunningToolIds": []}
        elif kind == "result":
            obj = {"type": "tool_result", "name": name, "result": {}} if simple else {
                "author": "nemo_agent", "content": {"role": "user", "parts": [
                    {"functionResponse": {"id": "fc-1", "name": name, "response": {"status": "ok"}}}]}}
        elif kind == "error":
            obj = {"type": "error", "error": value} if simple else {"error": value}
        else:
            raise ValueError(kind)
        return b"data: " + json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n\n"

    def _heartbeat(self) -> bytes:
        if self.sc.heartbeat == "empty":
            return b"data:\n\n"
        if self.sc.heartbeat == "comment":
            return b": keep-alive\n\n"
        return b'data: {"type":"heartbeat"}\n\n'

    async def _turn(self, session: dict[str, Any], msg: str) -> AsyncIterator[bytes]:
        sc = self.sc
        if sc.turn == "reply":
            yield self._event("call", {"style": "calm piano"}, "generate_music")
            await asyncio.sleep(0.02)
            yield self._heartbeat()
            session["draft"] = _draft_for(session)
            yield self._event("result", name="generate_music")
            yield self._event("text", sc.reply_text)
        elif sc.turn == "noise":
            session["draft"] = _draft_for(session)
            yield self._event("text", sc.reply_text)
            yield self._event("text", TEMPORARY_ISSUE)
        elif sc.turn == "partial":
            session["draft"] = _draft_for(session)
            yield self._event("partial", "Adding ")
            yield self._event("partial", "piano…")
            yield self._event("text", "Adding piano… done.")
        elif sc.turn == "gui":
            session["draft"] = _draft_for(session)
            yield self._event("text", "Calm piano is now under your clip. Click the Export button to download "
                                      "the video. You can preview it in the timeline.")
        elif sc.turn == "silent":
            yield self._event("call", {}, "edit_multitrack")
            session["draft"] = _draft_for(session, title=True)
            yield self._event("result", name="edit_multitrack")
        elif sc.turn == "slow":
            end = time.monotonic() + sc.slow_seconds
            while time.monotonic() < end:
                yield self._heartbeat()
                await asyncio.sleep(sc.heartbeat_every)
            session["draft"] = _draft_for(session)
            yield self._event("text", sc.reply_text)
        elif sc.turn == "drop":
            session["draft"] = _draft_for(session)  # the server finishes the turn regardless
            events = [self._event("call", {}, "generate_music"), self._heartbeat(),
                      self._event("text", "Working on the music…"), self._event("result", name="generate_music")]
            for chunk in events[: sc.drop_after]:
                yield chunk
                await asyncio.sleep(0.02)
            raise AbortConnection("stand-in cuts the stream")
        elif sc.turn == "error":
            yield self._event("text", "Let me try that.")
            yield self._event("error", "agent run failed: model overloaded")
        elif sc.turn == "chinese":
            session["draft"] = _draft_for(session)
            yield b": keep-alive\r\n\r\n"
            raw = json.dumps({"type": "text", "content": "配乐完成"}, ensure_ascii=False).encode("utf-8")
            frame = b"data: " + raw + b"\r\n\r\n"
            cut = frame.index("乐".encode()) + 1  # inside the 3-byte character
            yield frame[:cut]
            await asyncio.sleep(0.05)
            yield frame[cut:]
            await asyncio.sleep(0.02)
            yield b": ping\r\n\r\n"
        else:
            raise ValueError(sc.turn)

    # --- media, credits, state -------------------------------------------------------------------------

    async def upload(self, request: Request) -> Response:
        self._maybe_drop("upload")
        session = self._session(request, request.path_params["sid"])
        if session is None:
            return self._envelope_error(1002, "session not found", 404)
        ctype = request.headers.get("content-type", "")
        raw = await request.body()
        if not ctype.startswith("multipart/form-data"):
            return JSONResponse({"code": 400, "message": "multipart expected"}, status_code=400)
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
        out = []
        for part in msg.iter_parts():
            if part.get_param("name", header="content-disposition") != "files":
                continue
            name = part.get_filename() or "upload"
            data = part.get_payload(decode=True) or b""
            self.ledger.upload_names.append(name)
            ext = name.rsplit(".", 1)[-1].lower()
            if ext not in {"mp4", "mov", "avi", "webm", "mkv", "jpg", "jpeg", "png", "gif", "webp", "mp3", "wav",
                           "m4a", "aac"}:
                return self._envelope_error(4001, "unsupported file type", 415)
            if len(data) > self.sc.upload_limit:
                return self._envelope_error(4002, "file too large", 413)
            info = {"filename": name, "file_type": "video", "cdn_url": f"https://cdn.example/u/{name}",
                    "duration": 2.0, "width": 320, "height": 240, "fps": 25, "hash": uuid.uuid4().hex[:6]}
            session["video_infos"].append(info)
            out.append(info)
        if not out:
            return JSONResponse({"code": 400, "message": "field 'files' missing"}, status_code=400)
        return JSONResponse({"code": 0, "data": {"files": out, "session_state_applied": True}})

    async def credits(self, request: Request) -> Response:
        available = self.balances.get(request.state.user, 0)
        return JSONResponse({"code": 0, "data": {"available": available, "frozen": 0, "total": available}})

    async def state(self, request: Request) -> Response:
        sid = request.path_params["sid"]
        if self.sc.session_gone:
            self.sc.session_gone = False
            self.expire_sessions()
        self._maybe_drop("state")
        session = self._session(request, sid)
        if session is None:
            return self._envelope_error(1002, "session not found", 404)
        return JSONResponse({"code": 0, "data": {
            "session_id": sid, "task_id": session["task_id"], "task_name": session["task_name"],
            "state": {"video_infos": session["video_infos"], "draft": session["draft"],
                      "canvas_config": {"width": 1920, "height": 1080, "ratio": "16:9"},
                      "video_analyses": {}, "generated_media": []}}})

    # --- render ----------------------------------------------------------------------------------------

    async def render_submit(self, request: Request) -> Response:
        body = await request.json()
        self.ledger.render_bodies.append(body)
        if self.sc.export_402 or (self.sc.attribution_402 and any(not request.headers.get(h) for h in ATTRIBUTION)):
            return JSONResponse({"code": 402, "message": "export requires a registered plan"}, status_code=402)
        if self.sc.render_submit_fail > 0:
            self.sc.render_submit_fail -= 1
            return JSONResponse({"success": False, "error": "render service busy"}, status_code=500)
        rid = body.get("id")
        self._maybe_drop("render")
        session = self._session(request, str(body.get("sessionId")))
        if session is None:
            return self._envelope_error(1002, "session not found", 404)
        if not rid or not isinstance(body.get("draft"), dict):
            return JSONResponse({"success": False, "error": "id and draft required"}, status_code=400)
        if self.sc.strict:
            problem = render_id_problem(rid, int(time.time() * 1000))
            if not problem and ("session_id" in body or not isinstance(body.get("output", {}), dict)):
                problem = "sessionId (camelCase) and an output object expected"
            if problem:
                return JSONResponse({"success": False, "error": problem}, status_code=400)
        if rid in self.renders or self.sc.refuse_ids > 0:
            self.sc.refuse_ids = max(0, self.sc.refuse_ids - 1)
            return JSONResponse({"code": 409, "success": False, "error": "duplicate render id"}, status_code=409)
        self.renders[rid] = {"polls": 0, "sid": body["sessionId"], "created": int(time.time() * 1000)}
        return JSONResponse({"success": True, "data": {"id": rid, "status": "pending", "progress": 5}})

    def _output_url(self, rid: str) -> str:
        return f"{self.base_url}/files/{rid}.mp4?signature=s3cr3tsig&expires=9999999999"

    async def render_poll(self, request: Request) -> Response:
        rid = request.path_params["rid"]
        job = self.renders.get(rid)
        if job is None:
            return JSONResponse({"success": False, "error": "render not found"}, status_code=404)
        job["polls"] += 1
        done = job["polls"] >= self.sc.render_polls
        status = "failed" if done and self.sc.render_fail else ("completed" if done else "processing")
        progress = 100 if done else min(95, 5 + 40 * job["polls"])
        url = "" if self.sc.output_url == "missing" else self._output_url(rid)
        error = "renderer crashed while encoding" if status == "failed" else None
        if self.sc.render_shape == "top":
            body: dict[str, Any] = {"status": status, "output": {"url": url} if done else None}
        elif self.sc.render_shape == "early":
            body = {"taskId": rid, "status": status, "progress": progress,
                    "output": {"url": url, "duration": 2.0, "size": len(self.mp4)}}
        else:
            data: dict[str, Any] = {"id": rid, "status": status, "progress": progress, "createdAt": job["created"]}
            if status == "completed":
                data.update(outputUrl=url, completedAt=int(time.time() * 1000))
            body = {"success": True, "data": data}
        if error:
            (body.get("data") or body)["error"] = error
            if self.sc.render_fail_reply == "envelope":
                body = {"success": False, "error": error, "data": {"id": rid, "status": "failed"}}
        return JSONResponse(body)

    async def render_cancel(self, request: Request) -> Response:
        return JSONResponse({"success": True, "data": {"id": request.path_params["rid"], "status": "cancelled"}})

    def _mp4_response(self, request: Request, truncated: bool) -> Response:
        data = self.mp4
        if truncated:
            async def cut() -> AsyncIterator[bytes]:
                yield data[: len(data) // 2]
                await asyncio.sleep(0.01)
                raise AbortConnection("stand-in truncates the download")

            return StreamingResponse(cut(), media_type="video/mp4", headers={"Content-Length": str(len(data))})
        rng = request.headers.get("range", "")
        if rng.startswith("bytes="):
            start_s, _, end_s = rng[6:].partition("-")
            start = int(start_s or 0)
            end = int(end_s) if end_s else len(data) - 1
            chunk = data[start:end + 1]
            return Response(chunk, status_code=206, media_type="video/mp4",
                            headers={"Content-Range": f"bytes {start}-{end}/{len(data)}", "Accept-Ranges": "bytes"})
        return Response(data, media_type="video/mp4", headers={"Accept-Ranges": "bytes"})

    async def file(self, request: Request) -> Response:
        rid = request.path_params["rid"]
        if rid not in self.renders or request.query_params.get("signature") != "s3cr3tsig":
            return Response("not found", status_code=404)
        if self.sc.output_url == "404":
            return Response("gone", status_code=404)
        return self._mp4_response(request, self.sc.output_url == "truncated")

    async def download(self, request: Request) -> Response:
        rid = request.path_params["rid"]
        if rid not in self.renders:
            return JSONResponse({"success": False, "error": "render not found"}, status_code=404)
        if self.sc.fallback == "json":
            return JSONResponse({"code": 0, "data": {"output": {"url": self._output_url(rid), "size": len(self.mp4)}}})
        return self._mp4_response(request, self.sc.fallback == "truncated")

    async def claim(self, request: Request) -> Response:
        return JSONResponse({"code": 0, "data": {"claim_token": f"clm_{secrets.token_hex(6)}", "expires_in": 604800}})
