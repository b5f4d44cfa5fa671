from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys

import pytest

from nemo_desktop import logs, paths
from nemo_desktop.secrets import Secret, TokenStore

TOKEN = "nmv_usr_5f3c9a1b2d4e6f708192a3b4c5d6e7f8"


def test_token_file_is_0600_and_dir_0700() -> None:
    old = os.umask(0)
    try:
        TokenStore().save(TOKEN, user_id="anon_1", expires_at="2026-12-01T00:00:00Z")
    finally:
        os.umask(old)
    store = TokenStore()
    assert stat.S_IMODE(store.token_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.dir.stat().st_mode) == 0o700
    assert store.token() == Secret(TOKEN)
    assert store.status().anonymous and store.status().source == "file"


def test_environment_token_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    TokenStore().save(TOKEN)
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_fromenv123")
    assert TokenStore().token().reveal() == "nmv_usr_fromenv123"
    assert TokenStore().status().source == "environment"


def test_secret_never_prints() -> None:
    secret = Secret(TOKEN)
    assert TOKEN not in repr(secret) and TOKEN not in str(secret) and TOKEN not in f"{secret}"
    assert TOKEN not in repr([secret, {"t": secret}])


def test_client_id_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    first = TokenStore().client_id()
    assert len(first) == 36 and TokenStore().client_id() == first
    monkeypatch.setenv("NEMO_CLIENT_ID", "my-client")
    assert TokenStore().client_id() == "my-client"


def test_widened_mode_is_tightened() -> None:
    store = TokenStore()
    store.save(TOKEN)
    store.token_path.chmod(0o644)
    assert store.token().reveal() == TOKEN
    assert stat.S_IMODE(store.token_path.stat().st_mode) == 0o600


def test_token_absent_from_logs() -> None:
    log_file = logs.setup(logging.DEBUG)
    try:
        TokenStore().save(TOKEN)
        token = TokenStore().token()
        log = logging.getLogger("nemo_desktop.test")
        log.debug("headers %s", {"Authorization": f"Bearer {token.reveal()}"})
        log.info("sending token=%s to https://x.example/v?signature=abc123", token.reveal())
        log.warning("raw %s", TOKEN)
        try:
            raise RuntimeError(f"server echoed {TOKEN}")
        except RuntimeError:
            log.exception("failed")
    finally:
        logs.shutdown()
    text = log_file.read_text()
    assert "headers" in text and "failed" in text
    assert TOKEN not in text and "signature=abc123" not in text


def test_cli_token_status_never_shows_the_token(app_home: paths.AppPaths) -> None:
    TokenStore().save(TOKEN)
    env = {**os.environ, "NEMO_HOME": str(app_home.config.parent)}
    for args in (["token", "status"], ["settings", "show"], ["--debug", "token", "status"]):
        out = subprocess.run([sys.executable, "-m", "nemo_desktop", *args], capture_output=True, text=True,
                             env=env, timeout=60)
        assert out.returncode == 0, out.stderr
        assert TOKEN not in out.stdout + out.stderr
    assert "stored" in out.stdout
    logs_text = "".join(p.read_text() for p in app_home.logs.glob("*.log*"))
    assert TOKEN not in logs_text
