"""A one-line progress bar on stderr for the headless CLI; plain lines when stderr is not a terminal.

In a terminal the line reads ``[#####.....]  42%  0:12 elapsed, ~0:17 left  Composing the music``: the time
since the bar first moved, and an estimate of what is left of the current stage, from the pace of its
fraction since the stage began. The estimate shows only once it means something (more than 3 % done and
more than a second spent in the stage) and never for a stage whose fraction is unknown. The line fits the
terminal's width; a label that is too long is cut between words and ends with "…".
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
import unicodedata
from collections.abc import Callable
from typing import TextIO

from nemo_desktop.i18n import tr

ETA_MIN_DONE = 0.03  # of the stage, before its pace is trusted
ETA_MIN_SECONDS = 1.0  # spent in the stage, likewise
MIN_LABEL = 12  # columns below which the times give up their room to the label
ELLIPSIS = "…"


def text_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide (CJK) characters take two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def fit_label(label: str, room: int) -> str:
    """``label`` if it fits in ``room`` columns, else its longest run of whole words that fits, plus "…".

    A word is never cut: between two wide (CJK) characters is a word boundary, since such text has no spaces.
    When not even the first word fits, the label is just "…" (or nothing at all when ``room`` < 1).
    """
    label = " ".join(label.split())  # one line, single spaces
    if text_width(label) <= room:
        return label
    if room < 1:
        return ""
    budget = room - text_width(ELLIPSIS)
    used, cut = 0, 0
    while cut < len(label):  # the longest prefix of label that fits in the budget
        step = text_width(label[cut])
        if used + step > budget:
            break
        used += step
        cut += 1
    boundary = 0
    for i in range(cut, 0, -1):  # the last word boundary at or before the cut
        before, after = label[i - 1], label[i]
        if after.isspace() or before.isspace() or _wide(before) or _wide(after):
            boundary = i
            break
    head = label[:boundary].rstrip(" ,;:.-–—、，。：；")
    return head + ELLIPSIS if head else ELLIPSIS


def clock_text(seconds: float) -> str:
    """``0:07``, ``12:34``, ``1:02:03``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    WIDTH = 28  # the bar's width in a terminal of 80 columns or more
    MIN_WIDTH = 10

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 columns: int | None = None) -> None:
        """``columns`` fixes the line's width; by default the terminal's is measured at each redraw."""
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(self.stream and getattr(self.stream, "isatty", lambda: False)())
        self.clock = clock
        self.columns = columns
        self._stage = ""
        self._last_pct = -1
        self._last_draw = 0.0
        self._last_second = -1
        self._drawn = 0  # columns the bar's line took last time, so a shorter line can blank the rest
        self._open = False
        self._started: float | None = None
        self._stage_start: tuple[float, float | None] = (0.0, None)  # when the stage began, its fraction then

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def _terminal_columns(self) -> int:
        if self.columns is not None:
            return self.columns
        env = os.environ.get("COLUMNS", "")
        if env.isdigit() and int(env) > 0:
            return int(env)
        try:  # the stream's own terminal (stderr), which shutil's stdout-based guess may not be
            return os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            return shutil.get_terminal_size((80, 24)).columns

    def _eta(self, now: float, fraction: float | None) -> float | None:
        """Seconds left in the current stage, or None while that cannot be estimated sensibly."""
        began, first = self._stage_start
        if fraction is None or first is None or fraction >= 1:
            return None
        done, spent = fraction - first, now - began
        if done <= ETA_MIN_DONE or spent <= ETA_MIN_SECONDS:
            return None
        return spent * (1 - fraction) / done

    def render(self, stage: str, fraction: float | None, now: float, columns: int) -> str:
        """The bar's line (without "\\r"), at most ``columns - 1`` columns wide: the last column stays free so
        that no terminal wraps the line."""
        room = max(1, columns - 1)
        pct = None if fraction is None else int(round(min(max(fraction, 0.0), 1.0) * 100))
        width = max(self.MIN_WIDTH, min(self.WIDTH, self.WIDTH - (80 - columns)))
        filled = 0 if pct is None else width * pct // 100
        head = f"[{'#' * filled}{'.' * (width - filled)}] " + (f"{pct:3d}%" if pct is not None else f" {ELLIPSIS}  ")
        elapsed = clock_text(now - (self._started if self._started is not None else now))
        left = self._eta(now, fraction)
        if left is None:
            times = tr("{elapsed} elapsed").format(elapsed=elapsed)
        else:
            rounded_up = math.ceil(round(left, 3))  # whole seconds, up; round() first: 8.0000001 s is 8 s
            times = tr("{elapsed} elapsed, ~{left} left").format(elapsed=elapsed, left=clock_text(rounded_up))
        line = f"{head}  {times}  "
        if room - text_width(line) < MIN_LABEL:  # a narrow terminal: the stage's name matters more
            line = f"{head}  "
        if text_width(line) > room:
            return line[:room].rstrip()
        return (line + fit_label(stage, room - text_width(line))).rstrip()

    def update(self, stage: str, fraction: float | None) -> None:
        now = self.clock()
        if self._started is None:
            self._started = now
        pct = -1 if fraction is None else int(round(fraction * 100))
        new_stage = stage != self._stage
        first = self._stage_start[1]
        if new_stage or (fraction is not None and (first is None or fraction < first)):
            self._stage_start = (now, fraction)  # a new stage, its first known fraction, or a restart
        if self.tty:
            second = int(now - self._started)
            if not new_stage and pct == self._last_pct and second == self._last_second:
                return
            if not new_stage and now - self._last_draw < 0.05 and pct < 100:
                return
            line = self.render(stage, fraction, now, self._terminal_columns())
            drawn = text_width(line)
            self._write("\r" + line + " " * max(0, self._drawn - drawn))
            self._drawn = drawn
            self._open = True
            self._last_draw = now
            self._last_second = second
        elif new_stage or (pct >= 0 and pct // 25 != self._last_pct // 25):
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
            self._drawn = 0
