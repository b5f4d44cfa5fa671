"""Typed settings ⇄ ``settings.json`` in the config dir.

Loading is tolerant: unknown keys are kept and written back (a newer version's settings survive an older
app), a corrupt file is moved aside to ``settings.json.bak`` and defaults are used, with a notice.
Saving is atomic.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from nemo_desktop import paths
from nemo_desktop.core.errors import SettingInvalid
from nemo_desktop.core.files import write_bytes_atomic

log = logging.getLogger(__name__)
SCHEMA_VERSION = 1
ENGINES = ("auto", "builtin", "cloud")


@dataclass
class Settings:
    engine: str = "auto"
    output_dir: str = ""  # empty: the Downloads folder
    language: str = ""  # empty: the system's
    seed: int | None = None  # None: a new seed each time a piece is composed
    ffmpeg_path: str = ""  # empty: the bundled ffmpeg
    soundfont: str = ""  # optional General-MIDI SoundFont for the composer
    image_seconds: float = 4.0
    api_url: str = ""  # empty: NEMO_API_URL or the production API
    poll_seconds: float = 30.0
    retry_seconds: float = 30.0
    heartbeat_notice_seconds: float = 120.0
    heartbeat_timeout_seconds: float = 600.0
    last_prompt: str = ""
    schema_version: int = SCHEMA_VERSION
    unknown: dict[str, Any] = field(default_factory=dict, repr=False)
    notice: str = field(default="", repr=False, compare=False)

    # --- helpers ---------------------------------------------------------------------------------------

    def output_folder(self) -> Path:
        return Path(self.output_dir).expanduser() if self.output_dir else paths.get().downloads

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("unknown", "notice", "schema_version")]

    def set(self, key: str, value: str) -> None:
        """Set a key from text (CLI ``settings set``), checking its type and allowed values."""
        if key not in self.keys():
            raise SettingInvalid(f"{key} (known: {', '.join(self.keys())})")
        current = getattr(self, key)
        typ = next(f.type for f in fields(self) if f.name == key)
        try:
            if value in ("", "none", "null") and "None" in str(typ):
                parsed: Any = None
            elif isinstance(current, bool):
                parsed = value.lower() in ("1", "true", "yes", "on")
            elif "int" in str(typ):
                parsed = int(value)
            elif "float" in str(typ):
                parsed = float(value)
            else:
                parsed = value
        except ValueError as exc:
            raise SettingInvalid(f"{key}={value}") from exc
        if key == "engine" and parsed not in ENGINES:
            raise SettingInvalid(f"engine={value} (use {', '.join(ENGINES)})")
        setattr(self, key, parsed)

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.keys()}
        out["schema_version"] = self.schema_version
        return out

    # --- persistence -----------------------------------------------------------------------------------

    @staticmethod
    def file() -> Path:
        return paths.get().config / "settings.json"

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or cls.file()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            log.warning("settings unreadable (%s); using defaults", exc)
            return cls(notice=f"settings unreadable: {exc}")
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError) as exc:
            backup = path.with_name(path.name + ".bak")
            os.replace(path, backup)
            log.warning("settings file was corrupt (%s); moved to %s and using defaults", exc, backup)
            return cls(notice=f"Your settings file was damaged; it was moved to {backup} and defaults are used.")
        return cls._from_dict(data)

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Settings:
        data = _migrate(dict(data))
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        defaults = cls()
        for key, value in data.items():
            if key in known and key not in ("unknown", "notice"):
                expected = type(getattr(defaults, key))
                if getattr(defaults, key) is None or isinstance(value, expected) or (
                    expected is float and isinstance(value, int)
                ):
                    kwargs[key] = value
                else:
                    log.warning("setting %s has a bad value; using the default", key)
            else:
                unknown[key] = value
        return cls(**kwargs, unknown=unknown)

    def save(self, path: Path | None = None) -> None:
        path = path or self.file()
        data = {**self.unknown, **self.as_dict()}
        write_bytes_atomic(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"), 0o600)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring older files up to SCHEMA_VERSION (0: before versioning, when ``engine`` was ``local``)."""
    version = int(data.get("schema_version", 0) or 0)
    if version < 1:
        if data.get("engine") == "local":
            data["engine"] = "builtin"
        data["schema_version"] = 1
    return data
