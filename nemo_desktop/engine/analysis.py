"""What happens in the clips, as numbers the composer can follow: hard cuts, motion, light, colour,
loudness and speech — per clip (cached by content), then laid out on the draft's timeline.

Speed: H.264 must decode every frame anyway, so one ffmpeg process decodes every frame (on its own cores)
and pipes it to us shrunk to ~120 px wide, where numpy compares whole batches of frames at once — close
to the bare decode cost, with every cut on its exact frame. A second ffmpeg decodes the sound meanwhile
(much faster): 16 kHz mono for loudness and Silero VAD, measured while the pictures are still decoding,
and (with a cache) 48 kHz stereo that the export reuses.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from nemo_desktop.core.draft import VIDEO, Draft, Segment
from nemo_desktop.core.errors import Cancelled, Corrupt, ToolFailed
from nemo_desktop.core.events import ProgressFn, no_progress
from nemo_desktop.core.files import write_bytes_atomic
from nemo_desktop.core.media import Kind
from nemo_desktop.engine import media_cache, vad
from nemo_desktop.engine.probe import MediaInfo, probe
from nemo_desktop.tools.ffmpeg import FfmpegReader

log = logging.getLogger(__name__)

_BATCH = 32  # frames per pipe read: numpy works on whole batches
COLOUR_FPS = 6.0  # colour samples per second
CURVE_HOP = 0.25  # timeline grid of the visual curves (s)
LOUDNESS_HOP = 0.1  # loudness curve hop (s)
SILENCE_DB = -90.0
_SMALL_WIDTH = 120  # luma columns kept per frame for differences


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
    speech_problem: str | None = None  # why speech could not be detected in this clip's sound (None: it was)

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


def _cache_file(cache_dir: Path, path: Path) -> Path:
    return media_cache.analysis_file(cache_dir, path)


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
    result = _Scanner(info, progress, cancel, cache_dir).run()
    progress("analyse", 1.0)
    if result.speech_problem is not None:
        log.warning("%s: no speech detection (%s)", path.name, result.speech_problem)
    elif cache is not None:  # a result without speech detection is not kept: the next run may have the model
        try:
            write_bytes_atomic(cache, json.dumps(result.to_json()).encode("utf-8"))
        except OSError:
            pass  # a full or read-only cache only costs time next run
    return result


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class _Scanner:
    """Two ffmpeg processes over a file: small frames for cuts, motion and colour; the sound for loudness
    and speech (16 kHz mono) and, with a cache, for the export (48 kHz stereo, so it is decoded only once)."""

    def __init__(
        self, info: MediaInfo, progress: ProgressFn, cancel: threading.Event | None, cache_dir: Path | None
    ) -> None:
        self.info = info
        self.progress = progress
        self.cancel = cancel
        self.cache_dir = cache_dir
        self.fps = float(info.fps_exact or info.fps or 25.0)
        self.frame_times: list[float] = []
        self.mad: list[float] = []
        self.hist: list[float] = []
        self.colour_times: list[float] = []
        self.colour: list[tuple[float, float, float]] = []
        self.loudness = Curve()
        self.speech: tuple[tuple[float, float], ...] = ()
        self.speech_problem: str | None = None
        self.sound_seconds = 0.0
        self._sound_error: BaseException | None = None
        self._prev: np.ndarray | None = None
        self._prev_hist: np.ndarray | None = None
        self._next_colour = 0.0

    def run(self) -> ClipAnalysis:
        info = self.info
        if not info.is_visual and not info.has_audio:
            return ClipAnalysis(duration=info.duration, fps=info.fps)
        keep = None
        if info.has_audio and self.cache_dir is not None:
            keep = media_cache.sound_file(self.cache_dir, info.path)
        with tempfile.TemporaryDirectory(prefix="nemo-analysis-") as tmp:
            mono_file = Path(tmp) / "mono.f32" if info.has_audio else None
            try:
                self._decode_keeping(mono_file, keep)
            except ToolFailed as exc:
                if keep is None:
                    raise Corrupt(str(info.path), name=info.path.name) from exc
                # maybe only the cache could not be written (full, read-only): a fresh scan keeps no sound
                log.debug("analysis without a sound cache: %s", exc)
                return _Scanner(info, self.progress, self.cancel, None).run()
        _check(self.cancel)
        return self._result()

    def _decode_keeping(self, mono_file: Path | None, keep: Path | None) -> None:
        """Decode; the 48 kHz sound goes to ``keep`` through a ``.part`` that never outlives a failure."""
        if keep is None:
            self._decode(mono_file, None)
            return
        part = keep.with_suffix(keep.suffix + ".part")
        try:
            try:
                part.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ToolFailed(str(exc)) from exc
            self._decode(mono_file, part)
            os.replace(part, keep)
        finally:
            with contextlib.suppress(OSError):
                part.unlink()
        media_cache.prune_sound(keep.parent.parent)

    def _small_size(self) -> tuple[int, int]:
        """Frames ~120 px wide, displayed aspect kept: enough for differences and colour, cheap to pipe."""
        w, h = self.info.width or 160, self.info.height or 90
        sw = min(_SMALL_WIDTH, w - w % 2) or 2
        return sw, max(2, round(h * sw / w / 2) * 2)

    def _decode(self, mono_file: Path | None, stereo_file: Path | None) -> None:
        """The pictures and the sound in two ffmpeg processes side by side: the sound decodes in a fraction
        of the pictures' time, so loudness and speech are measured while the pictures are still decoding."""
        if not self.info.is_visual:
            if mono_file is not None:
                self._decode_sound(mono_file, stereo_file, report=True)
                self._measure_sound(mono_file)
            return
        sound: threading.Thread | None = None
        if mono_file is not None:
            sound = threading.Thread(target=self._sound_job, args=(mono_file, stereo_file), name="nemo-sound",
                                     daemon=True)
            sound.start()
        try:
            self._decode_pictures()
        finally:
            if sound is not None:
                sound.join()
        if self._sound_error is not None:
            raise self._sound_error

    def _decode_pictures(self) -> None:
        info = self.info
        w, h = self._small_size()
        # 120 px frames do not need the deblocking filter: skipping it saves ~10 % of an H.264 decode. One
        # decoder thread per core, not ffmpeg's cores + 1: another ~10 % on a 2-core laptop (the extra
        # thread only adds switching while the pipeline's other threads want the same cores)
        args: list[str] = ["-threads", str(os.cpu_count() or 0), "-skip_loop_filter", "all", "-flags2", "+fast",
                           "-i", str(info.path), "-map", "0:v:0", "-an",
                           "-vf", f"scale={w}:{h}:flags=neighbor,format=yuv444p"]
        if info.kind is Kind.IMAGE and not info.animated:
            args += ["-frames:v", "1"]
        elif info.fps_exact:
            rate = info.fps_exact
            args += ["-fps_mode", "cfr", "-r", f"{rate.numerator}/{rate.denominator}"]
        args += ["-f", "rawvideo", "pipe:1"]
        with FfmpegReader(args) as reader:
            self._read_frames(reader, w, h)
            reader.finish()

    def _decode_sound(self, mono_file: Path, stereo_file: Path | None, report: bool = False) -> None:
        # average the channels ourselves: a plain downmix to mono adds +3 dB to a stereo source
        args = ["-progress", "pipe:1", "-nostats"] if report else []
        args += ["-i", str(self.info.path), "-vn", "-map", "0:a:0",
                "-af", "aformat=channel_layouts=stereo,pan=mono|c0=0.5*c0+0.5*c1",
                "-ar", str(vad.SAMPLE_RATE), "-c:a", "pcm_f32le", "-f", "f32le", "-y", str(mono_file)]
        if stereo_file is not None:
            args += ["-map", "0:a:0", "-ac", "2", "-ar", str(media_cache.SOUND_RATE), "-c:a", "pcm_f32le",
                     "-f", "f32le", "-y", str(stereo_file)]
        with FfmpegReader(args) as reader:
            if report:
                self._read_progress(reader)
            reader.finish()

    def _sound_job(self, mono_file: Path, stereo_file: Path | None) -> None:
        try:
            self._decode_sound(mono_file, stereo_file)
            self._measure_sound(mono_file)
        except BaseException as exc:  # handed to the analysis thread, which raises it
            self._sound_error = exc

    def _measure_sound(self, mono_file: Path) -> None:
        """Loudness curve and speech spans of the 16 kHz mono sound."""
        mono = np.fromfile(mono_file, dtype="<f4")
        if not mono.size:
            return
        self.sound_seconds = len(mono) / vad.SAMPLE_RATE
        self.loudness = loudness_curve(mono, vad.SAMPLE_RATE)
        _check(self.cancel)
        try:
            self.speech = vad.speech_spans(mono, self.cancel)
        except vad.SpeechModelUnavailable as exc:  # reported to the person by the engine, never silent
            self.speech, self.speech_problem = (), str(exc)

    def _read_frames(self, reader: FfmpegReader, w: int, h: int) -> None:
        size = w * h * 3
        expected = max(1, self.info.frames or round(self.info.duration * self.fps) or 1)
        while True:
            _check(self.cancel)
            data = reader.read(size * _BATCH)
            k = len(data) // size
            if k:
                self._on_frames(np.frombuffer(data, np.uint8, k * size).reshape(k, 3, h, w))
                self.progress("analyse", min(1.0, len(self.frame_times) / expected))
            if len(data) < size * _BATCH:
                return

    def _read_progress(self, reader: FfmpegReader) -> None:
        total = max(self.info.duration, 1e-6)
        for raw in reader.stdout:
            _check(self.cancel)
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key == "out_time_us" and value.isdigit():
                self.progress("analyse", min(1.0, int(value) / 1e6 / total))

    def _on_frames(self, frames: np.ndarray) -> None:
        """A batch of (k, 3, h, w) YUV frames: luma differences and histograms vectorised over the batch."""
        k = frames.shape[0]
        y = frames[:, 0].astype(np.int16)
        bins = (frames[:, 0] >> 3).reshape(k, -1).astype(np.int64) + (np.arange(k) * 32)[:, None]
        hist = np.bincount(bins.ravel(), minlength=32 * k).reshape(k, 32) / bins.shape[1]
        if self._prev is not None and self._prev_hist is not None and self._prev.shape == y.shape[1:]:
            prev_y, prev_h = np.concatenate([self._prev[None], y[:-1]]), np.vstack([self._prev_hist, hist[:-1]])
            mad = np.abs(y - prev_y).mean(axis=(1, 2))
            hd = np.abs(hist - prev_h).sum(axis=1) / 2
        else:
            mad = np.concatenate([[0.0], np.abs(np.diff(y, axis=0)).mean(axis=(1, 2))])
            hd = np.concatenate([[0.0], np.abs(np.diff(hist, axis=0)).sum(axis=1) / 2])
        first = len(self.frame_times)
        times = (first + np.arange(k)) / self.fps
        self.frame_times.extend(times.tolist())
        self.mad.extend(mad.tolist())
        self.hist.extend(hd.tolist())
        self._prev, self._prev_hist = y[-1], hist[-1]
        for i, t in enumerate(times):
            if t + 1e-6 < self._next_colour:
                continue
            self._next_colour = t + 1.0 / COLOUR_FPS
            uf = frames[i, 1].astype(np.float32) - 128.0
            vf = frames[i, 2].astype(np.float32) - 128.0
            bright = float(y[i].mean()) / 255.0
            warm = float(np.clip((vf.mean() - uf.mean()) / 100.0, -1.0, 1.0))
            sat = float(np.clip(np.sqrt(uf * uf + vf * vf).mean() / 90.0, 0.0, 1.0))
            self.colour_times.append(float(t))
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
        if info.kind is Kind.AUDIO and not duration and self.sound_seconds:
            duration = self.sound_seconds
        speech = self.speech
        if duration:
            speech = tuple((a, min(b, duration)) for a, b in speech if a < duration)
        return ClipAnalysis(duration=duration, fps=fps, cuts=cuts, motion=motion, brightness=bright,
                            warmth=warm, saturation=sat, loudness=self.loudness, speech=speech,
                            speech_problem=self.speech_problem)


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
    sources = list(dict.fromkeys(s.source for s in draft.source_segments()))
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
    sounding = [s for s in draft.clip_sound_segments() if s.source in clips]
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
    problems = [clips[s.source].speech_problem for s in sounding if clips[s.source].speech_problem]
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
        speech_problem=problems[0] if problems else None,
    )
