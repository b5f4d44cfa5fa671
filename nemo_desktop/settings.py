"""Typed settings ⇄ ``settings.json`` in the config dir.

Loading is tolerant: unknown keys are kept and written back (a newer version's settings survive an older
app), a corrupt file is moved aside to ``settings.json.bak`` and defaults are used, with a notice, and a
value outside its key's rule falls back to that key's default with a log warning. Saving is atomic.

Each key has a :class:`Rule` in :data:`RULES`: ``settings set`` parses text through it and refuses
nonsense with one sentence naming the allowed values, and ``settings --help`` lists the same table, so
the checks and the help cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import shutil
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nemo_desktop import paths
from nemo_desktop.core.errors import SettingInvalid, SettingUnknown
from nemo_desktop.core.files import write_bytes_atomic
from nemo_desktop.i18n import N_, tr

log = logging.getLogger(__name__)
SCHEMA_VERSION = 1
ENGINES = ("auto", "builtin", "cloud")
LANGUAGES = ("en", "zh_CN", "auto")
NONE_WORDS = ("", "none")  # what clears an optional value: an empty string or the word “none”


# --- rules: one per key --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What one key accepts. ``parse`` turns ``settings set`` text into the stored value, strictly (it may
    look at the disk); ``accepts`` checks a value read back from settings.json by shape only, so a SoundFont
    on a drive that is unplugged today is not forgotten. ``allowed`` is a msgid formatted with ``fields()``:
    it names the allowed values both in the refusal and in ``--help``."""

    about: str  # msgid: what the key is for, one line
    allowed: str  # msgid: the values it takes

    def fields(self) -> dict[str, str]:
        return {}

    def allowed_text(self, lang: str | None = None) -> str:
        return tr(self.allowed, lang).format(**self.fields())

    def parse(self, text: str) -> Any:
        """The value to store; ValueError when the text is not allowed."""
        raise NotImplementedError

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def display(self, value: Any) -> str:
        """The stored value as ``settings show`` prints it (text that ``set`` takes back)."""
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Number(Rule):
    """A float in a closed range: a negative or absurd duration would break rendering or polling later."""

    low: float = 0.0
    high: float = math.inf
    allowed: str = N_("a number from {low} to {high}")

    def fields(self) -> dict[str, str]:
        return {"low": f"{self.low:g}", "high": f"{self.high:g}"}

    def parse(self, text: str) -> float:
        value = float(text)
        if not self.low <= value <= self.high:  # also refuses nan and inf
            raise ValueError(text)
        return value

    def accepts(self, value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and self.low <= value <= self.high


@dataclass(frozen=True)
class Seed(Rule):
    """A whole number ≥ 0 (numpy's generators refuse negative seeds) or None for a new seed each time."""

    allowed: str = N_("a whole number, 0 or more, or “none” for a new seed each time")

    def parse(self, text: str) -> int | None:
        if text.strip().lower() in NONE_WORDS:
            return None
        value = int(text)
        if value < 0:
            raise ValueError(text)
        return value

    def accepts(self, value: Any) -> bool:
        return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


@dataclass(frozen=True)
class Choice(Rule):
    """One word from a fixed list (any letter case); ``stored`` maps a word to what is saved for it."""

    choices: tuple[str, ...] = ()
    stored: tuple[tuple[str, str], ...] = ()
    allowed: str = N_("one of: {choices}")

    def fields(self) -> dict[str, str]:
        return {"choices": ", ".join(self.choices)}

    def _saved(self, choice: str) -> str:
        return dict(self.stored).get(choice, choice)

    def parse(self, text: str) -> str:
        word = text.strip().lower()
        for choice in self.choices:
            if word == choice.lower():
                return self._saved(choice)
        if word in (self._saved(c) for c in self.choices):  # the stored form itself, e.g. "" for auto
            return word
        raise ValueError(text)

    def accepts(self, value: Any) -> bool:
        return value in {self._saved(c) for c in self.choices}

    def display(self, value: Any) -> str:
        return next((c for c in self.choices if self._saved(c) == value), str(value))  # "" → auto


def _absolute(text: str) -> Path:
    """``~`` expanded and made absolute against the current folder (``..`` folded, symlinks kept)."""
    return Path(os.path.abspath(os.path.expanduser(text)))


@dataclass(frozen=True)
class File(Rule):
    """Empty, or an existing readable file (with one of ``suffixes``; executable if asked), stored absolute
    so it means the same whatever folder the app is started from."""

    suffixes: tuple[str, ...] = ()
    executable: bool = False

    def parse(self, text: str) -> str:
        text = text.strip()
        if text.lower() in NONE_WORDS:
            return ""
        if self.executable and Path(text).name == text and not os.path.exists(text):
            text = shutil.which(text) or text  # a program name found on PATH
        path = _absolute(text)
        mode = os.X_OK if self.executable else os.R_OK
        if not path.is_file() or not os.access(path, mode):
            raise ValueError(text)
        if self.suffixes and path.suffix.lower() not in self.suffixes:
            raise ValueError(text)
        return str(path)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)


@dataclass(frozen=True)
class Folder(Rule):
    """Empty, or a folder path stored absolute; it need not exist yet (an export creates it), but an
    existing file there is refused."""

    def parse(self, text: str) -> str:
        text = text.strip()
        if text.lower() in NONE_WORDS:
            return ""
        path = _absolute(text)
        if path.exists() and not path.is_dir():
            raise ValueError(text)
        return str(path)

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)


@dataclass(frozen=True)
class Url(Rule):
    """Empty, or an http(s) address with a host: anything else would only fail later, at the first request."""

    def parse(self, text: str) -> str:
        text = text.strip()
        if text.lower() in NONE_WORDS:
            return ""
        if not self.accepts(text):
            raise ValueError(text)
        return text.rstrip("/")

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if not value:
            return True
        try:
            parts = urlsplit(value)
            return parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            return False


@dataclass(frozen=True)
class Text(Rule):
    """Any text, kept as typed."""

    allowed: str = N_("any text")

    def parse(self, text: str) -> str:
        return text

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)


RULES: dict[str, Rule] = {
    "engine": Choice(N_("which engine composes the music; auto uses the cloud when it can be reached"),
                     choices=ENGINES),
    "output_dir": Folder(N_("the folder exports are saved in"),
                         N_("a folder path, made absolute and created when needed, or “none” for Downloads")),
    "language": Choice(N_("the language of the app's messages; auto follows the system"),
                       choices=LANGUAGES, stored=(("auto", ""),)),
    "seed": Seed(N_("a fixed seed makes the same music again for the same clips and words")),
    "ffmpeg_path": File(N_("the ffmpeg program used for rendering"),
                        N_("an existing executable file, or “none” for the bundled ffmpeg"), executable=True),
    "soundfont": File(N_("a General MIDI SoundFont whose instruments the built-in engine plays"),
                      N_("an existing .sf2 or .sf3 file, or “none” for the built-in instruments"),
                      suffixes=(".sf2", ".sf3")),
    "image_seconds": Number(N_("how long each still image is shown, in seconds"), low=0.5, high=60),
    "api_url": Url(N_("the NemoVideo cloud's address; NEMO_API_URL overrides it"),
                   N_("an http:// or https:// address, or “none” for the default")),
    "poll_seconds": Number(N_("seconds between checks on a cloud render"), low=1, high=3600),
    "retry_seconds": Number(N_("seconds to wait before asking the cloud again when it is busy"), low=1, high=3600),
    "heartbeat_notice_seconds": Number(N_("seconds of cloud silence before a “still working” notice"),
                                       low=5, high=3600),
    "heartbeat_timeout_seconds": Number(N_("seconds of cloud silence before giving up on a reply"),
                                        low=30, high=86400),
    "last_prompt": Text(N_("the last music request typed in the window")),
}


def describe_keys(indent: str = "  ") -> str:
    """One line per key, ``key  what it is for (allowed values)``, for ``settings --help``."""
    width = max(map(len, RULES))
    return "\n".join(f"{indent}{key:<{width}}  {tr(rule.about)} ({rule.allowed_text()})"
                     for key, rule in RULES.items())


# --- the settings ----------------------------------------------------------------------------------------


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
        """Where exports go; it may not exist yet: the exporters create it (``ensure_free_space``)."""
        return Path(self.output_dir).expanduser() if self.output_dir else paths.get().downloads

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("unknown", "notice", "schema_version")]

    def set(self, key: str, value: str) -> None:
        """Set a key from text (CLI ``settings set``, the dialog) through its rule, or refuse with one sentence
        naming the allowed values; nothing changes on refusal."""
        rule = RULES.get(key)
        if rule is None:
            raise SettingUnknown(key, key=key, keys=", ".join(RULES))
        try:
            parsed = rule.parse(value)
        except ValueError as exc:
            raise SettingInvalid(f"{key}={value!r}", key=key, allowed=rule.allowed, **rule.fields()) from exc
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
        """Keep each value its rule accepts; a wrong type, out-of-range number or unknown choice falls back to
        that key's default (logged) rather than breaking a render later."""
        data = _migrate(dict(data))
        kwargs: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        for key, value in data.items():
            rule = RULES.get(key)
            if rule is not None:
                if rule.accepts(value):
                    kwargs[key] = value
                else:
                    log.warning("setting %s = %r is not %s; using the default", key, value,
                                rule.allowed_text("en"))
            elif key == "schema_version":
                if isinstance(value, int) and not isinstance(value, bool):
                    kwargs[key] = value
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
