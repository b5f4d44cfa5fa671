"""The cloud session (session_id, task_id) kept in a small JSON in the config dir, reused across restarts.

It holds no secret: only ids, the API it belongs to and the user it was created for, so a changed API
URL or a different account starts a new session instead of reusing someone else's. It also lists what
this app gave the session (the clips' paths on this computer and the messages sent), so a session the
cloud has lost can be rebuilt, also after a restart.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from nemo_desktop import paths
from nemo_desktop.core.files import write_bytes_atomic

log = logging.getLogger(__name__)
FILE_NAME = "cloud_session.json"


@dataclass(frozen=True)
class SavedSession:
    api_url: str
    session_id: str
    task_id: str
    user_id: str = ""
    language: str = "en"
    clips: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


def default_path() -> Path:
    return paths.get().config / FILE_NAME


def load(api_url: str, path: Path | None = None) -> SavedSession | None:
    path = path or default_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("cloud session file unusable (%s); a new session will be made", type(exc).__name__)
        return None
    if not isinstance(data, dict) or data.get("api_url") != api_url or not data.get("session_id"):
        return None
    return SavedSession(api_url, str(data["session_id"]), str(data.get("task_id") or ""),
                        str(data.get("user_id") or ""), str(data.get("language") or "en"),
                        _strings(data.get("clips")), _strings(data.get("messages")))


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str) and v) if isinstance(value, list) else ()


def save(session: SavedSession, path: Path | None = None) -> None:
    write_bytes_atomic(path or default_path(), json.dumps(asdict(session)).encode("utf-8"), 0o600)


def clear(path: Path | None = None) -> None:
    try:
        (path or default_path()).unlink()
    except FileNotFoundError:
        pass
