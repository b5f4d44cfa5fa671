"""What happens in the clips, as numbers the composer can follow: hard cuts, motion, light, colour,
loudness and speech — per clip (cached by content), then laid out on the draft's timeline.

Speed: H.264 must decode every frame anyway, so one demux pass decodes every frame (threaded) and reads
the luma plane in place with a strided numpy view — no per-frame scaling — which keeps the analysis close
to the bare decode cost while still placing every cut on its exact frame. Colour is read from the chroma
planes a few times per second. The sound is resampled once to 16 kHz mono for loudness and Silero VAD.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import av
import numpy as np

from nemo_desktop.core.draft import AUDIO, VIDEO, Draft, Segment
from nemo_desktop.core.errors import Cancelled, Corrupt
from nemo_desktop.core.events import ProgressFn, no_progress
from nemo_desktop.core.files import write_bytes_atomic
from nemo_desktop.core.media import Kind
from nemo_desktop.engine import vad
from nemo_desktop.engine.probe import MediaInfo, probe

ANALYSIS_VERSION = 5
COLOUR_FPS = 6.0  # colour samples per second
CURVE_HOP = 0.25  # timeline grid of the visual curves (s)
LOUDNESS_HOP = 0.1  # loudness curve hop (s)
SILENCE_DB = -90.0
_SMALL_WIDTH = 120  # luma columns kept per frame for differences
_PLANAR_8BIT = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv411p", "yuv440p"}


@dataclass(frozen=True)
class Curve:
    """Samples of a quantity over time (seconds); linear in between, held at the ends."""

    times: tuple[float, ...] = ()
    values: tuple[float, ...] = ()

    def mean(self, default: float = 0.0) -> float:
        return float(np.mean(self.values)) if self.values else default

    def sample(self, t: float, default: float = 0.0) -> float:
        if not self.times:
            return default
        return float(np.interp(t, self.times, self.values))

    def pairs(self) -> tuple[tuple[float, float], ...]:
        return tuple(zip(self.times, self.values, strict=True))

    @classmethod
    def of(cls, times: Iterable[float], values: Iterable[float], ndigits: int = 4) -> Curve:
        return cls(tuple(round(float(t), 4) for t in times), tuple(round(float(v), ndigits) for v in values))


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

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ClipAnalysis:
        def curve(key: str) -> Curve:
            c = data.get(key) or {}
            return Curve(tuple(c.get("times", ())), tuple(c.get("values", ())))

        return cls(
            duration=float(data["duration"]), fps=float(data["fps"]), cuts=tuple(data.get("cuts", ())),
            motion=curve("motion"), brightness=curve("brightness"), warmth=curve("warmth"),
            saturation=curve("saturation"), loudness=curve("loudness"),
            speech=tuple(tuple(s) for s in data.get("speech", ())),
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

    def traits(self) -> dict:
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


# --- cache ---------------------------------------------------------------------------------------------


def content_key(path: Path) -> str:
    """Hash of size, mtime, the first and last MB and the analysis version: cheap and content-bound."""
    st = path.stat()
    h = hashlib.sha256(f"v{ANALYSIS_VERSION}:{st.st_size}:{st.st_mtime_ns}".encode())
    with path.open("rb") as fh:
        h.update(fh.read(1 << 20))
        if st.st_size > 2 << 20:
            fh.seek(-(1 << 20), 2)
            h.update(fh.read(1 << 20))
    return h.hexdigest()[:32]


def _cache_file(cache_dir: Path, path: Path) -> Path:
    return cache_dir / "analysis" / f"{content_key(path)}.json"


def _cache_load(file: Path) -> ClipAnalysis | None:
    try:
        return ClipAnalysis.from_json(json.loads(file.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- per clip ------------------------------------------------------------------------------------------


def analyse_clip(
    info: MediaInfo,
    cache_dir: Path | None = None,
    progress: ProgressFn = no_progress,
    cancel: threading.Event | None = None,
) -> ClipAnalysis:
    """Analyse one probed file (video, image, gif or audio); reuse the cached result when there is one."""
    path = Path(info.path)
    cache = _cache_file(cache_dir, path) if cache_dir is not None else None
    if cache is not None and cache.exists():
        found = _cache_load(cache)
        if found is not None:
            progress("analyse", 1.0)
            return found
    result = _Scanner(info, progress, cancel).run()
    progress("analyse", 1.0)
    if cache is not None:
        try:
            write_bytes_atomic(cache, json.dumps(result.to_json()).encode("utf-8"))
        except OSError:
            pass  # a full or read-only cache only costs time next run
    return result


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class _Scanner:
    """One demux pass over a file: per-frame luma differences, colour samples, 16 kHz mono audio."""

    def __init__(self, info: MediaInfo, progress: ProgressFn, cancel: threading.Event | None) -> None:
        self.info = info
        self.progress = progress
        self.cancel = cancel
        self.t0: float | None = None
        self.frame_times: list[float] = []
        self.mad: list[float] = []
        self.hist: list[float] = []
        self.colour_times: list[float] = []
        self.colour: list[tuple[float, float, float]] = []
        self.audio_chunks: list[np.ndarray] = []
        self._prev: np.ndarray | None = None
        self._prev_hist: np.ndarray | None = None
        self._next_colour = 0.0
        self._last_report = -1.0

    def run(self) -> ClipAnalysis:
        info = self.info
        try:
            with av.open(str(info.path), metadata_errors="ignore") as container:
                self._scan(container)
        except av.FFmpegError as exc:
            raise Corrupt(str(info.path), name=info.path.name) from exc
        _check(self.cancel)
        return self._result()

    def _scan(self, container: av.container.InputContainer) -> None:
        info = self.info
        video = container.streams.video[0] if info.is_visual and container.streams.video else None
        audio = container.streams.audio[0] if info.has_audio and container.streams.audio else None
        streams = [s for s in (video, audio) if s is not None]
        if not streams:
            return
        resampler = None
        if audio is not None:
            audio.thread_type = "AUTO"
            # keep the source layout and average channels ourselves: swresample's downmix adds +3 dB
            resampler = av.AudioResampler(format="fltp", rate=vad.SAMPLE_RATE)
        if video is not None:
            video.thread_type = "AUTO"
        still = info.kind is Kind.IMAGE and not info.animated
        total = max(info.duration, 1e-6)
        for packet in container.demux(streams):
            _check(self.cancel)
            try:
                frames = packet.decode()
            except av.InvalidDataError:
                continue  # one damaged packet: skip it, as players do
            for frame in frames:
                if packet.stream is video:
                    self._on_video(frame)
                    if still:
                        return
                elif resampler is not None:
                    for out in resampler.resample(frame):
                        self.audio_chunks.append(out.to_ndarray().mean(axis=0, dtype=np.float32))
                if frame.time is not None and frame.time - self._last_report >= total / 100:
                    self._last_report = frame.time
                    self.progress("analyse", min(1.0, frame.time / total))
        if resampler is not None:
            for out in resampler.resample(None):
                self.audio_chunks.append(out.to_ndarray().mean(axis=0, dtype=np.float32))

    def _small(self, frame: av.VideoFrame, chroma: bool) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Subsampled Y (and U, V) planes, read in place for 8-bit planar YUV; scaled otherwise."""
        if frame.format.name not in _PLANAR_8BIT:
            w = min(_SMALL_WIDTH * 2, frame.width)
            frame = frame.reformat(width=w - w % 2, height=max(2, round(frame.height * w / frame.width / 2) * 2),
                                   format="yuv420p")
        step = max(1, frame.width // _SMALL_WIDTH)
        y_plane = frame.planes[0]
        y = np.frombuffer(y_plane, np.uint8).reshape(y_plane.height, y_plane.line_size)
        y = y[::step, : y_plane.width : step]
        if not chroma:
            return y, None, None
        out = []
        for plane in frame.planes[1:3]:
            a = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
            cstep = max(1, plane.width // (_SMALL_WIDTH // 2))
            out.append(a[::cstep, : plane.width : cstep])
        return y, out[0], out[1]

    def _on_video(self, frame: av.VideoFrame) -> None:
        t = float(frame.time) if frame.time is not None else len(self.frame_times) / max(self.info.fps, 1.0)
        if self.t0 is None:
            self.t0 = t
        t -= self.t0
        want_colour = t + 1e-6 >= self._next_colour
        y, u, v = self._small(frame, want_colour)
        cur = y.astype(np.int16)
        hist = np.bincount((y >> 3).ravel(), minlength=32) / y.size
        if self._prev is not None and self._prev.shape == cur.shape:
            self.mad.append(float(np.abs(cur - self._prev).mean()))
            self.hist.append(float(np.abs(hist - self._prev_hist).sum() / 2))
        else:
            self.mad.append(0.0)
            self.hist.append(0.0)
        self.frame_times.append(t)
        self._prev, self._prev_hist = cur, hist
        if want_colour and u is not None and v is not None:
            self._next_colour = t + 1.0 / COLOUR_FPS
            uf = u.astype(np.float32) - 128.0
            vf = v.astype(np.float32) - 128.0
            bright = float(cur.mean()) / 255.0
            warm = float(np.clip((vf.mean() - uf.mean()) / 100.0, -1.0, 1.0))
            sat = float(np.clip(np.sqrt(uf * uf + vf * vf).mean() / 90.0, 0.0, 1.0))
            self.colour_times.append(t)
            self.colour.append((bright, warm, sat))

    def _result(self) -> ClipAnalysis:
        info = self.info
        fps = info.fps or 0.0
        duration = info.duration
        times = np.asarray(self.frame_times)
        mad = np.asarray(self.mad)
        hist = np.asarray(self.hist)
        cut_idx = find_cuts(mad, hist)
        cuts = tuple(round(float(times[i]), 4) for i in cut_idx)
        motion = _motion_curve(times, mad, cut_idx, duration)
        ct = self.colour_times
        bright = Curve.of(ct, (c[0] for c in self.colour))
        warm = Curve.of(ct, (c[1] for c in self.colour))
        sat = Curve.of(ct, (c[2] for c in self.colour))
        loud, speech = Curve(), ()
        if self.audio_chunks:
            mono = np.concatenate(self.audio_chunks).astype(np.float32)
            self.audio_chunks = []
            if info.kind is Kind.AUDIO and not duration:
                duration = len(mono) / vad.SAMPLE_RATE
            loud = loudness_curve(mono, vad.SAMPLE_RATE)
            _check(self.cancel)
            try:
                speech = vad.speech_spans(mono, self.cancel)
            except (FileNotFoundError, ImportError):
                speech = ()
            if duration:
                speech = tuple((a, min(b, duration)) for a, b in speech if a < duration)
        return ClipAnalysis(duration=duration, fps=fps, cuts=cuts, motion=motion, brightness=bright,
                            warmth=warm, saturation=sat, loudness=loud, speech=speech)


def find_cuts(mad: np.ndarray, hist: np.ndarray, min_gap: int = 4) -> list[int]:
    """Frames that start a new shot: a luma jump far above its neighbourhood, with a changed histogram.

    ``mad[i]``/``hist[i]`` compare frame i with frame i-1 (mean absolute difference 0..255, histogram
    distance 0..1). Motion raises the neighbourhood too, so only sudden jumps count.
    """
    n = len(mad)
    if n < 2:
        return []
    found: list[int] = []
    for i in range(1, n):
        m = mad[i]
        if m < 12.0 or (hist[i] < 0.15 and m < 35.0):
            continue
        lo, hi = max(1, i - 6), min(n, i + 7)
        neigh = np.concatenate([mad[lo:i], mad[i + 1 : hi]])
        base = float(np.median(neigh)) if neigh.size else 0.0
        if m > 2.5 * base + 8.0:
            if found and i - found[-1] < min_gap:
                if m > mad[found[-1]]:
                    found[-1] = i
                continue
            found.append(i)
    return found


def _motion_curve(times: np.ndarray, mad: np.ndarray, cut_idx: list[int], duration: float) -> Curve:
    """Mean frame difference per CURVE_HOP bin, cuts excluded, mapped to 0..1 (1 - e^(-mad/12))."""
    if times.size == 0:
        return Curve()
    mad = mad.copy()
    mad[0] = mad[1] if mad.size > 1 else 0.0
    for i in cut_idx:
        mad[i] = mad[i - 1]
    if times.size == 1:
        return Curve((0.0,), (0.0,))
    span = max(duration, float(times[-1]))
    bins = max(1, math.ceil(span / CURVE_HOP - 1e-9))
    idx = np.minimum((times / CURVE_HOP).astype(int), bins - 1)
    sums = np.bincount(idx, weights=mad, minlength=bins)
    counts = np.bincount(idx, minlength=bins)
    valid = counts > 0
    centres = (np.arange(bins) + 0.5) * CURVE_HOP
    values = 1.0 - np.exp(-(sums[valid] / counts[valid]) / 12.0)
    return Curve.of(centres[valid], values)


def loudness_curve(mono: np.ndarray, rate: int, hop: float = LOUDNESS_HOP, window: int = 4) -> Curve:
    """Short-term level in dBFS: RMS over ``window`` hops (400 ms), one value per hop (100 ms)."""
    n = int(rate * hop)
    blocks = len(mono) // n
    if blocks == 0:
        return Curve()
    power = (mono[: blocks * n].astype(np.float64).reshape(blocks, n) ** 2).mean(axis=1)
    kernel = np.ones(window) / window
    smooth = np.convolve(power, kernel, mode="same")
    db = np.maximum(SILENCE_DB, 10.0 * np.log10(smooth + 1e-12))
    return Curve.of((np.arange(blocks) + 0.5) * hop, db, ndigits=2)


# --- the timeline --------------------------------------------------------------------------------------


def analyse_draft(
    draft: Draft,
    infos: dict[str, MediaInfo] | None = None,
    cache_dir: Path | None = None,
    progress: ProgressFn = no_progress,
    cancel: threading.Event | None = None,
) -> VideoAnalysis:
    """Analyse every source in the draft (each once) and lay the results out on the timeline."""
    infos = dict(infos or {})
    segs = [s for s in draft.segments_of(VIDEO) if s.source] + [
        s for s in draft.segments_of(AUDIO) if s.source and s.meta.get("role") != "music"
    ]
    sources = list(dict.fromkeys(s.source for s in segs))
    for src in sources:
        if src not in infos:
            infos[src] = probe(Path(src))
    weights = {src: max(infos[src].duration, 0.5) for src in sources}
    total = sum(weights.values()) or 1.0
    done = 0.0
    clips: dict[str, ClipAnalysis] = {}
    for src in sources:
        _check(cancel)
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
    sounding = [s for s in visual if s.meta.get("has_audio", True)] + [
        s for s in draft.segments_of(AUDIO) if s.source in clips and s.meta.get("role") != "music"
    ]
    half = 0.5 / fps
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

    grid = np.arange(0.0, duration, CURVE_HOP) + CURVE_HOP / 2 if duration > 0 else np.zeros(0)
    grid = grid[grid < duration]

    def lay(attr: str, default: float) -> Curve:
        vals = []
        for t in grid:
            s = _covering(visual, float(t))
            vals.append(default if s is None else getattr(clips[s.source], attr).sample(t - s.start + s.offset,
                                                                                       default))
        return Curve.of(grid, vals)

    lgrid = np.arange(0.0, duration, LOUDNESS_HOP) + LOUDNESS_HOP / 2 if duration > 0 else np.zeros(0)
    lgrid = lgrid[lgrid < duration]
    power = np.zeros(lgrid.size)
    for s in sounding:
        curve = clips[s.source].loudness
        if not curve.times:
            continue
        inside = (lgrid >= s.start) & (lgrid < s.end)
        local = lgrid[inside] - s.start + s.offset
        gain = (s.volume if s.volume is not None else 1.0) ** 2
        power[inside] += gain * 10.0 ** (np.interp(local, curve.times, curve.values) / 10.0)
    loud = np.maximum(SILENCE_DB, 10.0 * np.log10(power + 1e-12))

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

    return VideoAnalysis(
        duration=duration, fps=fps, cuts=tuple(merged),
        motion=lay("motion", 0.0), brightness=lay("brightness", 0.0), warmth=lay("warmth", 0.0),
        saturation=lay("saturation", 0.0), loudness=Curve.of(lgrid, loud, ndigits=2),
        speech=tuple((round(a, 3), round(b, 3)) for a, b in speech),
    )
