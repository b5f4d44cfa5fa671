"""``nemo-desktop make --engine cloud`` against the loopback NemoVideo stand-in, as a script would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakecloud.fixtures import fake_cloud  # noqa: F401 - the fixture
from tests.media import MediaFactory

TOKEN = "nmv_usr_cli0123456789abcdef"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return MediaFactory(tmp_path_factory.mktemp("cloud-cli")).clip("harbour", duration=2.0, audio="sine").path


def run_cli(*args: str, home: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": url, "NEMO_TOKEN": TOKEN,
           "NEMO_POLL_SECONDS": "0.2", "NEMO_RETRY_SECONDS": "0.2"}
    return subprocess.run([sys.executable, "-m", "nemo_desktop", *args], capture_output=True, text=True, env=env,
                          timeout=180)


def _no_token_anywhere(result: subprocess.CompletedProcess[str], home: Path) -> None:
    assert TOKEN not in result.stdout + result.stderr
    for log in (home / "logs").glob("*.log*"):
        assert TOKEN not in log.read_text()


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
