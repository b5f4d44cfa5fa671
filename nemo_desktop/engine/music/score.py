"""The composer's output, shared by every room after it: notes, the Score and its cue sheet.

It sits below both the composer and the instruments (neither imports the other), so it holds data only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np

# The four stems a piece is written in and rendered to, in mixing order.
STEMS = ("drums", "bass", "chords", "melody")


class Moment(TypedDict):
    """A time on the cue sheet, in seconds and in video frames."""

    t: float
    frame: int


class CutRow(Moment):
    """A cut, the beat nearest to it, and the hit the music strikes for it (none: ``hit`` is None)."""

    beat: float
    beat_frame: int
    offset_ms: float
    hit: float | None
    hit_offset_ms: float | None


class ChordRow(Moment):
    """Where a chord starts."""

    chord: str


class SectionRow(TypedDict):
    """One section (intro, build, main, breakdown, outro, ending)."""

    name: str
    start: float
    end: float
    start_frame: int
    end_frame: int


class CueSheet(TypedDict):
    """The timing an editor needs, written next to the stems as JSON."""

    style: str
    key: str
    mode: str
    bpm: float
    seed: int
    duration: float
    fps: float
    frames: int
    cuts: list[CutRow]
    beats: list[Moment]
    bars: list[Moment]
    sections: list[SectionRow]
    chords: list[ChordRow]
    final_hit: Moment


@dataclass(frozen=True)
class Note:
    """One note event. For drums ``instrument`` is the drum voice and ``pitch`` is unused (0)."""

    start: float  # seconds
    dur: float  # seconds
    pitch: int  # MIDI
    vel: float  # 0..1
    instrument: str
    pan: float = 0.0  # -1 left .. 1 right


@dataclass(frozen=True)
class Score:
    """Everything needed to synthesize the piece, plus a cue sheet."""

    bpm: float
    key: str
    mode: str
    style: str
    seed: int
    duration: float
    fps: float
    beats: tuple[float, ...]
    bars: tuple[float, ...]
    sections: tuple[tuple[str, float, float], ...]
    notes: Mapping[str, tuple[Note, ...]] = field(default_factory=dict)
    anchors: tuple[float, ...] = ()
    final_hit: float = 0.0
    fade_out: bool = False
    fade_start: float = 0.0
    chords: tuple[tuple[float, str], ...] = ()
    hits: tuple[float, ...] = ()  # the cut accents' times (a hit point per cut)

    def frame(self, t: float) -> int:
        """The video frame a time falls on: editors line music up by frames, not seconds."""
        return int(round(t * self.fps))

    def cue_sheet(self, cuts: Sequence[float]) -> CueSheet:
        """JSON-able timing: cuts (with the nearest beat), beats, bars, sections, in seconds and frames."""
        frame = self.frame
        return {
            "style": self.style,
            "key": self.key,
            "mode": self.mode,
            "bpm": round(self.bpm, 2),
            "seed": self.seed,
            "duration": self.duration,
            "fps": self.fps,
            "frames": frame(self.duration),
            "cuts": self._cut_rows(cuts),
            "beats": [{"t": round(b, 4), "frame": frame(b)} for b in self.beats],
            "bars": [{"t": round(b, 4), "frame": frame(b)} for b in self.bars],
            "sections": [
                {
                    "name": n,
                    "start": round(s, 4),
                    "end": round(e, 4),
                    "start_frame": frame(s),
                    "end_frame": frame(e),
                }
                for n, s, e in self.sections
            ],
            "chords": [{"t": round(t, 4), "frame": frame(t), "chord": c} for t, c in self.chords],
            "final_hit": {"t": round(self.final_hit, 4), "frame": frame(self.final_hit)},
        }

    def _cut_rows(self, cuts: Sequence[float]) -> list[CutRow]:
        """Each cut with the beat nearest to it and its hit, so an editor sees how far the music is from the
        picture (the hit's offset is the real one: the accent is struck there, on the beat or not)."""
        beats = np.asarray(self.beats) if self.beats else np.zeros(1)
        hits = np.asarray(self.hits)
        rows: list[CutRow] = []
        for c in cuts:
            near = float(beats[int(np.argmin(np.abs(beats - c)))])
            hit = float(hits[int(np.argmin(np.abs(hits - c)))]) if hits.size else None
            if hit is not None and abs(hit - c) > 0.1:
                hit = None
            rows.append(
                {
                    "t": round(float(c), 4),
                    "frame": self.frame(c),
                    "beat": round(near, 4),
                    "beat_frame": self.frame(near),
                    "offset_ms": round((near - c) * 1000, 1),
                    "hit": None if hit is None else round(hit, 4),
                    "hit_offset_ms": None if hit is None else round((hit - c) * 1000, 1),
                }
            )
        return rows
