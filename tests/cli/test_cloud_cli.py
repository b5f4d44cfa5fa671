"""``nemo-desktop make --engine cloud`` against the loopback NemoVideo stand-in, as a script would run it.

The stand-in runs in strict mode (render ids as §3.7 documents them). Every case of issue 15's "done
when" list ends as the spec says: exit 0 with the path last on stdout and the browser link on stderr, or
exit 1 with one sentence; never a half-written file in the output folder, never a token in any output
or log.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakecloud.fixtures import fake_cloud  # noqa: F401 - the fixture
from tests.media import MediaFactory

TOKEN = "nmv_usr_cli0123456789abcdef"
WEB = "https://web.example"
NOTICE = "The cloud session expired; started a new one and sent your clips again."


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return MediaFactory(tmp_path_factory.mktemp("cloud-cli")).clip("harbour", duration=2.0, audio="sine").path


@pytest.fixture(scope="module")
def clip2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return MediaFactory(tmp_path_factory.mktemp("cloud-cli-2")).clip("beach", duration=2.0, audio="sine").path


def run_cli(*args: str, home: Path, url: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": url, "NEMO_WEB_URL": WEB,
           "NEMO_POLL_SECONDS": "0.2", "NEMO_RETRY_SECONDS": "0.2"}
    env.pop("NEMO_TOKEN", None)
    if token:
        env["NEMO_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "nemo_desktop", *args], capture_output=True, text=True, env=env,
                          timeout=180)


def _no_token_anywhere(result: subprocess.CompletedProcess[str], home: Path, tokens: object = (TOKEN,)) -> None:
    for token in tokens:  # type: ignore[attr-defined]
        assert token not in result.stdout + result.stderr
        for log in (home / "logs").glob("*.log*"):
            assert token not in log.read_text()


def test_cloud_make_happy_path(fake_cloud, clip: Path, tmp_path: Path) -> None:  # noqa: F811
    fake_cloud.cloud.add_token(TOKEN)
    home, out = tmp_path / "home", tmp_path / "out"
    result = run_cli("make", str(clip), "--prompt", "add calm piano music", "--engine", "cloud", "--out", str(out),
                     home=home, url=fake_cloud.url)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.parent == out and path.suffix == ".mp4" and path.stat().st_size > 1000
    assert fake_cloud.ledger.hits("run_sse") == 1
    assert not list(out.glob("*.part"))
    _no_token_anywhere(result, home)


def test_cloud_make_free_plan_402_is_a_failure_with_an_offer(fake_cloud, clip: Path, tmp_path: Path) -> None:  # noqa: F811
    fake_cloud.cloud.add_token(TOKEN)
    fake_cloud.scenario("free_plan_402")
    home, out = tmp_path / "home", tmp_path / "out"
    result = run_cli("make", str(clip), "--prompt", "add music", "--engine", "cloud", "--out", str(out),
                     home=home, url=fake_cloud.url)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "register or upgrade" in last and "--engine builtin" in last and "credit" not in last.lower()
    assert "Traceback" not in result.stderr
    assert not out.exists() or list(out.iterdir()) == []
    _no_token_anywhere(result, home)


def test_cloud_make_dropped_stream_is_not_sent_twice(fake_cloud, clip: Path, tmp_path: Path) -> None:  # noqa: F811
    fake_cloud.cloud.add_token(TOKEN)
    fake_cloud.scenario("stream_dropped")
    home, out = tmp_path / "home", tmp_path / "out"
    result = run_cli("make", str(clip), "--prompt", "add calm piano music", "--engine", "cloud", "--out", str(out),
                     home=home, url=fake_cloud.url)
    assert fake_cloud.ledger.hits("run_sse") == 1
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        assert Path(result.stdout.strip().splitlines()[-1]).exists()
    else:
        assert result.stderr.strip()
    _no_token_anywhere(result, home)


def test_credits_command(fake_cloud, tmp_path: Path) -> None:  # noqa: F811
    fake_cloud.cloud.add_token(TOKEN, credits=1234)
    result = run_cli("credits", home=tmp_path / "home", url=fake_cloud.url)
    assert result.returncode == 0, result.stderr
    assert "1234" in result.stdout


def test_cloud_make_prints_the_browser_link_on_stderr(fake_cloud, clip: Path, tmp_path: Path) -> None:  # noqa: F811
    fake_cloud.cloud.add_token(TOKEN)
    home, out = tmp_path / "home", tmp_path / "out"
    result = run_cli("make", str(clip), "--prompt", "add calm piano music", "--engine", "cloud", "--out", str(out),
                     home=home, url=fake_cloud.url)
    assert result.returncode == 0, result.stderr
    links = [line for line in result.stderr.splitlines() if line.startswith("Open the project in your browser: ")]
    assert len(links) == 1
    link = links[0].split(": ", 1)[1]
    assert link.startswith(f"{WEB}/workspace/claim?ct=clm_")
    assert "nmv_usr_" not in link and link not in result.stdout  # stdout stays the path alone
    assert Path(result.stdout.strip().splitlines()[-1]).exists()


# scenario, switches, expected exit code, words expected on stderr (the failure's sentence or a line)
CASES = {
    "happy": ({}, 0, "Open the project in your browser: https://web.example/workspace/claim?ct=clm_"),
    "expired_token_env": ({"expire_token_once": True}, 1, "sign-in has expired"),
    "session_gone_at_upload": ({"drop_session_at": "upload", "drop_session_skip": 1}, 0, NOTICE),
    "session_gone_at_chat": ({"drop_session_at": "chat"}, 0, NOTICE),
    "session_gone_at_state": ({"drop_session_at": "state", "drop_session_skip": 2}, 0, NOTICE),  # the export's
    "session_gone_at_render": ({"drop_session_at": "render"}, 0, NOTICE),
    "session_gone_twice": ({"drop_session_at": "render", "drop_session_times": 2}, 1, "ended again"),
    "no_credits": ({"no_credits": True}, 1, "no NemoVideo credits left"),
    "render_poll_429_then_retry": ({"fail": {"render_poll": [429]}}, 0, "Open the project in your browser"),
    "silent_turn": ({"turn": "silent"}, 0, "Added: "),
    "slow_stream": ({"turn": "slow", "slow_seconds": 1.0, "heartbeat_every": 0.2}, 0, "Open the project"),
    "render_failed": ({"render_fail": True}, 1, "renderer crashed while encoding"),
    "duplicate_render_id": ({"refuse_ids": 1}, 0, "Open the project in your browser"),
    "server_500s_retried": ({"fail": {"state": [503, 503], "render_poll": [500]}}, 0, "Open the project"),
    "chat_500_not_resent": ({"fail": {"run_sse": [503]}}, 1, "NemoVideo cloud had a problem (HTTP 503"),
    "garbage_body": ({"garbage": {"create_session": 200}}, 1, "unexpected text/html reply"),
    "truncated_download": ({"output_url": "truncated", "fallback": "truncated"}, 1,
                           "download of the finished video was interrupted"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_cloud_make_ends_as_the_spec_says(fake_cloud, clip: Path, clip2: Path, tmp_path: Path,  # noqa: F811
                                          case: str) -> None:
    switches, code, words = CASES[case]
    fake_cloud.cloud.add_token(TOKEN)
    fake_cloud.scenario(**switches)
    assert fake_cloud.cloud.sc.strict
    home, out = tmp_path / "home", tmp_path / "out"
    clips = [str(clip), str(clip2)] if case == "session_gone_at_upload" else [str(clip)]
    result = run_cli("make", *clips, "--prompt", "add calm piano music", "--engine", "cloud", "--out", str(out),
                     home=home, url=fake_cloud.url)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert words in result.stderr
    files = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if code == 0:
        path = Path(result.stdout.strip().splitlines()[-1])
        assert files == [path.name] and path.stat().st_size > 1000
    else:
        assert files == []  # nothing half-written
        last = result.stderr.strip().splitlines()[-1]
        assert words in last and last.count(". ") <= 2  # one sentence (and its next step)
    if words == NOTICE:
        assert result.stderr.count(NOTICE) == 1
    assert fake_cloud.ledger.chat_posts <= 2  # never re-sent after a drop; once more only into a rebuilt session
    _no_token_anywhere(result, home, [TOKEN, *fake_cloud.cloud.tokens])


@pytest.mark.parametrize("switches", [{"expire_token_once": True}, {"anon_429": 1}])
def test_anonymous_cloud_make_renews_or_waits_once(fake_cloud, clip: Path, tmp_path: Path,  # noqa: F811
                                                   switches: dict) -> None:
    fake_cloud.scenario(**switches)
    home, out = tmp_path / "home", tmp_path / "out"
    result = run_cli("make", str(clip), "--prompt", "add calm piano music", "--engine", "cloud", "--out", str(out),
                     home=home, url=fake_cloud.url, token=None)
    assert result.returncode == 0, result.stderr
    assert fake_cloud.ledger.hits("anon_token") == 2
    assert [p.name for p in out.iterdir()] == [Path(result.stdout.strip().splitlines()[-1]).name]
    _no_token_anywhere(result, home, list(fake_cloud.cloud.tokens))
