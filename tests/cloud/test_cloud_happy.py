"""The whole happy path through the loopback stand-in: token, session, upload, chat, state, export."""

from __future__ import annotations

import json
from pathlib import Path

from nemo_desktop import paths
from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.core.events import DraftChanged, Reply, Status
from nemo_desktop.secrets import TokenStore
from tests.cloud.helpers import collect, make_backend
from tests.fakecloud.runner import RunningFake
from tests.fakecloud.sample import sample_mp4


async def test_happy_path_upload_chat_export(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    seen: list[tuple[str, float | None]] = []
    await backend.connect()
    draft = await backend.add_media([clip], lambda stage, f: seen.append((stage, f)))
    assert [s.name for s in draft.segments_of(0)] == ["harbour.mp4"]
    fractions = [f for _, f in seen if f is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0

    events = await collect(backend.chat("Add calm piano music under the clip"))
    replies = [e.text for e in events if isinstance(e, Reply)]
    assert replies == ["Sure — adding soft piano under your clip now."]
    assert any(isinstance(e, Status) and e.text == "Composing music…" for e in events)
    changed = [e for e in events if isinstance(e, DraftChanged)]
    assert changed and changed[-1].draft.music() is not None

    progress: list[tuple[str, float | None]] = []
    out = await backend.export(changed[-1].draft, paths.get().downloads, lambda s, f: progress.append((s, f)))
    assert out.name == "harbour.mp4" and out.read_bytes() == sample_mp4()
    assert not list(out.parent.glob("*.part"))
    assert backend.last_link.startswith("https://web.example/workspace/claim?ct=clm_")

    ledger = cloud_env.ledger
    assert ledger.missing_attribution == []
    assert ledger.chat_posts == 1 and ledger.tokens_minted == 1
    assert ledger.session_bodies == [{"task_name": "project", "language": "en"}]
    # rendering submits exactly the draft the state returned, unknown keys and all
    assert ledger.render_bodies[0]["draft"]["x_unknown"] == {"kept": True}
    assert ledger.render_bodies[0]["sessionId"] == backend.session_id
    # the signed CDN URL was fetched without credentials
    file_hits = [r for r in ledger.requests if r.route == "file"]
    assert file_hits and all("authorization" not in r.headers for r in file_hits)
    assert all(r.headers.get("x-skill-source") == "nemo-desktop" and r.headers.get("x-skill-platform") == "desktop"
               for r in ledger.requests)


async def test_second_export_never_overwrites(backend: CloudBackend, cloud_env: RunningFake, clip: Path) -> None:
    await backend.add_media([clip], lambda s, f: None)
    await collect(backend.chat("music please"))
    downloads = paths.get().downloads
    (downloads / "harbour.mp4").write_bytes(b"precious")
    first = await backend.export(await backend.state(), downloads, lambda s, f: None)
    second = await backend.export(await backend.state(), downloads, lambda s, f: None)
    assert (downloads / "harbour.mp4").read_bytes() == b"precious"
    assert first.name == "harbour (2).mp4" and second.name == "harbour (3).mp4"


async def test_token_and_session_are_reused_across_restarts(cloud_env: RunningFake) -> None:
    first = make_backend()
    await first.connect()
    sid = first.session_id
    await first.aclose()
    stored = json.loads((paths.get().config / "cloud_session.json").read_text())
    assert stored["session_id"] == sid and "token" not in json.dumps(stored)
    assert TokenStore().status().anonymous

    second = make_backend()
    await second.connect()
    assert second.session_id == sid
    await second.credits()
    await second.aclose()
    assert cloud_env.ledger.tokens_minted == 1
    assert cloud_env.ledger.hits("create_session") == 1
    anon = [r for r in cloud_env.ledger.requests if r.route == "anon_token"]
    assert len(anon) == 1 and anon[0].headers.get("x-client-id") == TokenStore().client_id()
    assert "authorization" not in anon[0].headers


async def test_credits(backend: CloudBackend) -> None:
    credits = await backend.credits()
    assert credits.available == 100 and credits.frozen == 0
