"""A rotating log file in the per-user log dir, with every token-like string redacted.

The filter sits on our handlers, so nothing written to the log file or the console can carry a token:
known secrets (the current API token), ``nmv_usr_…`` tokens, ``Authorization``/``Bearer`` values and
URL query strings (signed download URLs) are masked. httpx/httpcore are held at WARNING because httpx
logs full URLs at INFO.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

from nemo_desktop import paths

MASK = "***"
LOG_NAME = "nemo-desktop.log"
_secrets: set[str] = set()
_lock = threading.Lock()
_PATTERNS = [
    (re.compile(r"nmv_[A-Za-z]+_[A-Za-z0-9_\-\.]+"), MASK),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(bearer\s+)?[^\s,\"'}]+"), r"\1\2" + MASK),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-\.=]+"), r"\1" + MASK),
    (re.compile(r"(?i)((?:token|api_key|apikey|access_token|secret)[\"']?\s*[:=]\s*[\"']?)[^\s,&\"'}]{6,}"),
     r"\1" + MASK),
    (re.compile(r"(https?://[^\s?#\"']+)\?[^\s\"'#]+"), r"\1?" + MASK),
]


def register_secret(value: str | None) -> None:
    """Make sure ``value`` is masked wherever it would appear in a log record."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for s in secrets:
        text = text.replace(s, MASK)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactingFilter(logging.Filter):
    """Formats the record once, redacts it, and freezes the result into ``msg``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_handler: logging.Handler | None = None


def setup(level: int = logging.INFO, console: bool = False) -> Path:
    """Log to ``<log dir>/nemo-desktop.log`` (1 MB × 5 files); returns the file's path."""
    global _handler
    log_dir = paths.get().logs
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    _handler = handler
    if console:
        stream = logging.StreamHandler()
        stream.addFilter(RedactingFilter())
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(stream)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "asyncio", "qasync"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


def shutdown() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
