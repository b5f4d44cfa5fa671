"""A one-line progress bar on stderr for the headless CLI; plain lines when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    WIDTH = 28

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(self.stream and getattr(self.stream, "isatty", lambda: False)())
        self._stage = ""
        self._last_pct = -1
        self._last_draw = 0.0
        self._open = False

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def update(self, stage: str, fraction: float | None) -> None:
        pct = -1 if fraction is None else int(round(fraction * 100))
        if self.tty:
            now = time.monotonic()
            if stage == self._stage and pct == self._last_pct or (
                stage == self._stage and now - self._last_draw < 0.05 and pct < 100
            ):
                return
            filled = 0 if pct < 0 else self.WIDTH * pct // 100
            bar = "#" * filled + "." * (self.WIDTH - filled)
            label = f"{pct:3d}%" if pct >= 0 else " …  "
            self._write(f"\r[{bar}] {label} {stage[:40]:<40}")
            self._open = True
            self._last_draw = now
        elif stage != self._stage or (pct >= 0 and pct // 25 != self._last_pct // 25):
            self._write(f"{stage} {pct}%\n" if pct >= 0 else f"{stage}\n")
        self._stage, self._last_pct = stage, pct

    def line(self, text: str) -> None:
        """A message that must stay visible (a notice, a reply): ends the bar's line first."""
        self.finish()
        self._write(text + "\n")

    def finish(self) -> None:
        if self._open:
            self._write("\n")
            self._open = False
