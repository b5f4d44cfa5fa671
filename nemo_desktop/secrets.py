"""The API token and the client id, kept private: 0600 files in a 0700 config dir.

``NEMO_TOKEN`` in the environment wins over the stored token. The token is held in a ``Secret`` whose
``repr``/``str`` never show it, is registered with the log redactor the moment it is read, and is only
revealed to build an ``Authorization`` header. The client id is not a secret (it identifies this install
to the cloud's rate limiter) but is kept beside the token and reused forever.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path

from nemo_desktop import logs, paths
from nemo_desktop.core.files import write_bytes_atomic

log = logging.getLogger(__name__)
TOKEN_FILE = "token"
CLIENT_ID_FILE = "client_id"


class Secret:
    """A string that refuses to be printed."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        logs.register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class TokenStatus:
    present: bool
    source: str  # "environment", "file" or "none"
    path: Path
    user_id: str = ""
    expires_at: str = ""
    anonymous: bool = False


class TokenStore:
    def __init__(self, config_dir: Path | None = None) -> None:
        self._dir = config_dir

    @property
    def dir(self) -> Path:
        return self._dir or paths.get().config

    @property
    def token_path(self) -> Path:
        return self.dir / TOKEN_FILE

    # --- token -----------------------------------------------------------------------------------------

    def _read_file(self) -> dict[str, str]:
        path = self.token_path
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            raw = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("token file unreadable: %s", exc.strerror)
            return {}
        if mode & 0o077:
            log.warning("token file permissions were %o; tightening to 600", mode)
            try:
                path.chmod(0o600)
            except OSError:
                pass
        if not raw:
            return {}
        try:
            data = json.loads(raw)
            if isinstance(data, dict) and isinstance(data.get("token"), str):
                return {k: str(v) for k, v in data.items() if v is not None}
        except ValueError:
            pass
        return {"token": raw}  # a plain token pasted into the file by hand

    def token(self) -> Secret | None:
        env = os.environ.get("NEMO_TOKEN", "").strip()
        if env:
            return Secret(env)
        value = self._read_file().get("token", "").strip()
        return Secret(value) if value else None

    def status(self) -> TokenStatus:
        if os.environ.get("NEMO_TOKEN", "").strip():
            return TokenStatus(True, "environment", self.token_path)
        data = self._read_file()
        if data.get("token"):
            return TokenStatus(
                True, "file", self.token_path, data.get("user_id", ""), data.get("expires_at", ""),
                data.get("user_id", "").startswith("anon_"),
            )
        return TokenStatus(False, "none", self.token_path)

    def save(self, token: str, *, user_id: str = "", expires_at: str = "") -> None:
        """Store a token (pasted by the person, or minted anonymously) with 0600 from the first byte."""
        token = token.strip()
        logs.register_secret(token)
        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            self.dir.chmod(0o700)
        except OSError:
            pass
        body = {"token": token, "user_id": user_id, "expires_at": expires_at}
        write_bytes_atomic(self.token_path, json.dumps(body).encode("utf-8"), 0o600)

    def clear(self) -> bool:
        try:
            self.token_path.unlink()
            return True
        except FileNotFoundError:
            return False

    # --- client id -------------------------------------------------------------------------------------

    def client_id(self) -> str:
        """``NEMO_CLIENT_ID``, else the stored one, else a new UUID that is stored and reused."""
        env = os.environ.get("NEMO_CLIENT_ID", "").strip()
        if env:
            return env[:64]
        path = self.dir / CLIENT_ID_FILE
        try:
            existing = path.read_text(encoding="utf-8").strip()
            if existing:
                return existing[:64]
        except OSError:
            pass
        new = str(uuid.uuid4())
        write_bytes_atomic(path, new.encode("utf-8"), 0o600)
        return new

    def new_client_id(self) -> str:
        """Replace the client id (the cloud said it was missing or unusable)."""
        new = str(uuid.uuid4())
        write_bytes_atomic(self.dir / CLIENT_ID_FILE, new.encode("utf-8"), 0o600)
        return new
