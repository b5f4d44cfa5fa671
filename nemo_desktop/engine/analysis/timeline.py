"""The clips' findings laid out on the draft: curves on a regular grid, cuts, loudness and speech offset."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from nemo_desktop.core.draft import VIDEO, Draft, Segment
from nemo_desktop.core.events import ProgressFn, no_progress
from nemo_desktop.engine.analysis.clip import analyse_clip
from nemo_desktop.engine.analysis.curves import CURVE_HOP, LOUDNESS_HOP, SILENCE_DB, Curve
from nemo_desktop.engine.analysis.results import ClipAnalysis, VideoAnalysis
from nemo_desktop.engine.analysis.scanner import check_cancel
from nemo_desktop.engine.probe import MediaInfo, probe


def analyse_draft(
    draft: Draft,
    infos: dict[str, MediaInfo] | None = None,
    cache_dir: Path | None = None,
    progress: ProgressFn = no_progress,
    cancel: threading.Event | None = None,
) -> VideoAnalysis:
    """Analyse every source in the draft (each once) and lay the results out on the timeline."""
    infos = dict(infos or {})
    sources = list(dict.fromkeys(s.source for s in draft.source_segments()))
    for src in sources:
        if src not in infos:
            infos[src] = probe(Path(src))
    weights = {src: max(infos[src].duration, 0.5) for src in sources}
    total = sum(weights.values()) or 1.0
    done = 0.0
    clips: dict[str, ClipAnalysis] = {}
    for src in sources:
        check_cancel(cancel)
        base = done

        def sub(stage: str, frac: float | None, base: float = base, w: float = weights[src]) -> None:
            progress("analyse", None if frac is None else min(1.0, (base + w * frac) / total))

        clips[src] = analyse_clip(infos[src], cache_dir, sub, cancel)
        done += weights[src]
    progress("analyse", 1.0)
    return combine(draft, clips)


def _covering(segs: list[Segment], t: float) -> Segment | None:
    for s in segs:
        if s.start - 1e-9 <= t < s.end - 1e-9:
            return s
    return None


def combine(draft: Draft, clips: dict[str, ClipAnalysis]) -> VideoAnalysis:
    """Per-clip results placed at their segments: curves on a regular grid, cuts and speech offset."""
    duration = float(draft.duration)
    fps = float(draft.meta.get("fps") or 30.0)
    visual = sorted((s for s in draft.segments_of(VIDEO) if s.source in clips), key=lambda s: s.start)
    sounding = [s for s in draft.clip_sound_segments() if s.source in clips]
    grid = _grid(duration, CURVE_HOP)

    def lay(attr: str, default: float) -> Curve:
        vals = []
        for t in grid:
            s = _covering(visual, float(t))
            vals.append(default if s is None else getattr(clips[s.source], attr).sample(t - s.start + s.offset,
                                                                                       default))
        return Curve.of(grid, vals)

    lgrid = _grid(duration, LOUDNESS_HOP)
    problems = [clips[s.source].speech_problem for s in sounding if clips[s.source].speech_problem]
    return VideoAnalysis(
        duration=duration, fps=fps, cuts=_cuts(visual, clips, duration, 0.5 / fps),
        motion=lay("motion", 0.0), brightness=lay("brightness", 0.0), warmth=lay("warmth", 0.0),
        saturation=lay("saturation", 0.0), loudness=Curve.of(lgrid, _loudness(lgrid, sounding, clips), ndigits=2),
        speech=_speech(sounding, clips), speech_problem=problems[0] if problems else None,
    )


def _grid(duration: float, hop: float) -> np.ndarray:
    grid = np.arange(0.0, duration, hop) + hop / 2 if duration > 0 else np.zeros(0)
    return grid[grid < duration]


def _cuts(visual: list[Segment], clips: dict[str, ClipAnalysis], duration: float, half: float) -> tuple[float, ...]:
    """Every clip boundary and every cut inside a clip, in draft seconds; two within half a frame are one."""
    cuts: list[float] = []
    for s in visual:
        if s.start > half and s.start < duration - half:
            cuts.append(s.start)
        for c in clips[s.source].cuts:
            t = s.start + c - s.offset
            if s.start + half < t < s.end - half:
                cuts.append(t)
    cuts.sort()
    merged: list[float] = []
    for c in cuts:
        if not merged or c - merged[-1] > half:
            merged.append(round(c, 4))
    return tuple(merged)


def _loudness(lgrid: np.ndarray, sounding: list[Segment], clips: dict[str, ClipAnalysis]) -> np.ndarray:
    """The clips' sound power summed on the grid (with each segment's volume), in dB."""
    power = np.zeros(lgrid.size)
    for s in sounding:
        curve = clips[s.source].loudness
        if not curve.times:
            continue
        inside = (lgrid >= s.start) & (lgrid < s.end)
        local = lgrid[inside] - s.start + s.offset
        gain = (s.volume if s.volume is not None else 1.0) ** 2
        power[inside] += gain * 10.0 ** (np.interp(local, curve.times, curve.values) / 10.0)
    return np.maximum(SILENCE_DB, 10.0 * np.log10(power + 1e-12))


def _speech(sounding: list[Segment], clips: dict[str, ClipAnalysis]) -> tuple[tuple[float, float], ...]:
    """Speech spans in draft seconds, clipped to their segments, overlaps merged."""
    spans: list[tuple[float, float]] = []
    for s in sounding:
        for a, b in clips[s.source].speech:
            a2, b2 = max(s.start, s.start + a - s.offset), min(s.end, s.start + b - s.offset)
            if b2 > a2:
                spans.append((a2, b2))
    spans.sort()
    speech: list[list[float]] = []
    for a, b in spans:
        if speech and a <= speech[-1][1]:
            speech[-1][1] = max(speech[-1][1], b)
        else:
            speech.append([a, b])
    return tuple((round(a, 3), round(b, 3)) for a, b in speech)
