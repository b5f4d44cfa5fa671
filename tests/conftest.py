"""Every test runs with its own app folders, no real home, and no network beyond loopback."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing below may reach a real server: the default API URL points at a closed loopback port.
os.environ["NEMO_API_URL"] = "http://127.0.0.1:9"
for var in ("NEMO_TOKEN", "NEMO_CLIENT_ID", "NEMO_DOWNLOADS", "NEMO_WEB_URL"):
    os.environ.pop(var, None)

from nemo_desktop import i18n, paths  # noqa: E402

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback_only(address: object) -> None:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            if host == "localhost":
                return
        raise OSError(f"tests may not reach {host}: no network beyond loopback")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _loopback_only(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _loopback_only(address)
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def app_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> paths.AppPaths:
    """A fresh NEMO_HOME (config, data, cache, logs, Downloads) for each test; the real home is untouched."""
    root = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NEMO_HOME", str(root))
    app = paths.use_root(root)
    i18n.set_language("en")
    yield app
    paths.use(None)


@pytest.fixture
def downloads(app_home: paths.AppPaths) -> Path:
    app_home.downloads.mkdir(parents=True, exist_ok=True)
    return app_home.downloads
