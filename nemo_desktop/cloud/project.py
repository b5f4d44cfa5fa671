"""The cloud session in use and what this app gave it (clips, messages), kept in the session file.

The cloud may lose a session (1002); a desktop app still holds the clips and the words, so remembering
them here is what lets recovery.py rebuild the session instead of asking the person to start over.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from nemo_desktop.cloud import session_file as saved
from nemo_desktop.cloud.api import SessionInfo

log = logging.getLogger(__name__)
MAX_MESSAGES = 20  # a rebuild replays them, and each costs credits: keep the recent ones only


class CloudProject:
    """``current`` is the session being used (None before ``connect``); every change is saved at once."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url
        self.current: saved.SavedSession | None = None

    def __repr__(self) -> str:
        return f"CloudProject(session={self.session_id!r}, clips={len(self.clips)})"

    @property
    def session_id(self) -> str:
        return self.current.session_id if self.current else ""

    @property
    def task_id(self) -> str:
        return self.current.task_id if self.current else ""

    @property
    def language(self) -> str:
        return self.current.language if self.current else "en"

    @property
    def clips(self) -> list[Path]:
        return [Path(c) for c in self.current.clips] if self.current else []

    @property
    def messages(self) -> list[str]:
        return list(self.current.messages) if self.current else []

    def load(self, user_id: str) -> bool:
        """Adopt the saved session of this API when it was made for this user (or the user is unknown)."""
        found = saved.load(self.api_url)
        if found is None or (found.user_id and user_id and found.user_id != user_id):
            return False
        self.current = found
        return True

    def begin(self, info: SessionInfo, user_id: str, language: str, *, keep_history: bool = False) -> None:
        """A new cloud session; a rebuilt one keeps the clips and messages it is about to be given again."""
        old = self.current if keep_history else None
        self.current = saved.SavedSession(self.api_url, info.session_id, info.task_id, user_id, language,
                                          old.clips if old else (), old.messages if old else ())
        self._save()

    def add_clip(self, path: Path) -> None:
        if self.current is not None:
            self.current = replace(self.current, clips=(*self.current.clips, str(Path(path).resolve())))
            self._save()

    def add_message(self, text: str) -> None:
        if self.current is not None:
            self.current = replace(self.current, messages=(*self.current.messages, text)[-MAX_MESSAGES:])
            self._save()

    def _save(self) -> None:
        assert self.current is not None
        try:
            saved.save(self.current)
        except OSError as exc:  # the job goes on; only a restart would forget this session
            log.warning("cloud session file not saved: %s", type(exc).__name__)
