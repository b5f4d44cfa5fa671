"""What analysis found: per clip (cached as JSON) and for the whole timeline (draft seconds)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nemo_desktop.engine.analysis.curves import SILENCE_DB, Curve


@dataclass(frozen=True)
class ClipAnalysis:
    duration: float
    fps: float
    cuts: tuple[float, ...] = ()  # clip seconds of the first frame of each new shot
    motion: Curve = field(default_factory=Curve)  # 0 still .. 1 very busy
    brightness: Curve = field(default_factory=Curve)  # 0 black .. 1 white
    warmth: Curve = field(default_factory=Curve)  # -1 cool (blue) .. 1 warm (orange)
    saturation: Curve = field(default_factory=Curve)  # 0 grey .. 1 vivid
    loudness: Curve = field(default_factory=Curve)  # dBFS, 400 ms RMS every 100 ms
    speech: tuple[tuple[float, float], ...] = ()
    speech_problem: str | None = None  # why speech could not be detected in this clip's sound (None: it was)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipAnalysis:
        def curve(key: str) -> Curve:
            c = data.get(key) or {}
            return Curve(tuple(c.get("times", ())), tuple(c.get("values", ())))

        return cls(
            duration=float(data["duration"]), fps=float(data["fps"]), cuts=tuple(data.get("cuts", ())),
            motion=curve("motion"), brightness=curve("brightness"), warmth=curve("warmth"),
            saturation=curve("saturation"), loudness=curve("loudness"),
            speech=tuple(tuple(s) for s in data.get("speech", ())),
            speech_problem=data.get("speech_problem"),
        )


@dataclass(frozen=True)
class VideoAnalysis:
    """The whole timeline: times are draft seconds."""

    duration: float
    fps: float
    cuts: tuple[float, ...]
    motion: Curve
    brightness: Curve
    warmth: Curve
    saturation: Curve
    loudness: Curve
    speech: tuple[tuple[float, float], ...]
    speech_problem: str | None = None  # set when some clip's speech could not be detected (the music is not
    # lowered there, and the person must be told)

    def traits(self) -> dict[str, Any]:
        """Plain numbers for the music brief."""
        minutes = self.duration / 60.0 if self.duration > 0 else 0.0
        speech_time = sum(b - a for a, b in self.speech)
        loud = [v for v in self.loudness.values if v > SILENCE_DB + 1]
        return {
            "duration": round(self.duration, 3),
            "fps": self.fps,
            "motion": round(self.motion.mean(), 4),
            "cut_rate": round(len(self.cuts) / minutes, 3) if minutes else 0.0,
            "cuts": self.cuts,
            "brightness": round(self.brightness.mean(0.5), 4),
            "warmth": round(self.warmth.mean(), 4),
            "saturation": round(self.saturation.mean(), 4),
            "loudness": round(float(np.mean(loud)), 2) if loud else SILENCE_DB,
            "speech_ratio": round(speech_time / self.duration, 4) if self.duration else 0.0,
            "speech": self.speech,
            "motion_curve": self.motion.pairs(),
        }
