"""Make test media with the bundled ffmpeg and espeak-ng: clips with hard cuts at known times, speech at
known times, portrait/720p/no-audio clips, still images, animated gifs and audio files.

Every ``make_*`` function writes one file and returns a ``Made`` record with the truth a test asserts
against (cut times, speech spans measured from the generated waveform). ``MediaFactory`` caches files by
their parameters in one folder, so a session-scoped fixture makes each file once per test run::

    @pytest.fixture(scope="session")
    def media(tmp_path_factory):
        return MediaFactory(tmp_path_factory.mktemp("media"))

    made = media.clip(duration=3, size=(320, 180), cuts=(1.3,), audio="speech", speech_at=(0.8,))
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SAMPLE_RATE = 48000
# Visually distinct lavfi sources; consecutive shots always differ strongly (a hard cut).
SOURCES = ("testsrc2", "smptebars", "color=c=0x2050c0", "mandelbrot", "rgbtestsrc", "color=c=0xd08020")
SPEECH_TEXTS = (
    "Hello there, this is a short test of speech detection.",
    "The quick brown fox jumps over the lazy dog.",
    "We are making music for your holiday video today.",
)


@dataclass(frozen=True)
class Made:
    path: Path
    duration: float
    cuts: tuple[float, ...] = ()  # seconds, at frame boundaries (first frame of each new shot)
    speech: tuple[tuple[float, float], ...] = ()  # truth: non-silent spans of the placed speech
    size: tuple[int, int] = (0, 0)  # displayed (width, height)
    fps: float = 0.0
    meta: dict = field(default_factory=dict)


def ffmpeg(*args: str) -> None:
    """Run the bundled ffmpeg quietly; raise with its stderr on failure."""
    proc = subprocess.run(
        [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {proc.stderr.strip()}")


def _source(name: str, size: tuple[int, int], fps: float, frames: int) -> str:
    spec = f"{name}:" if "=" in name else f"{name}="
    rate = Fraction(fps).limit_denominator(1001)
    return f"{spec}s={size[0]}x{size[1]}:r={rate.numerator}/{rate.denominator},trim=end_frame={frames}"


def speech_wav(text: str, rate: int = SAMPLE_RATE, voice: str = "en") -> np.ndarray:
    """espeak-ng speech as mono float32 at ``rate``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", str(out), text], check=True,
                       capture_output=True)
        sr, data = wavfile.read(out)
    x = data.astype(np.float32) / 32768.0
    if x.ndim > 1:
        x = x.mean(axis=1)
    g = np.gcd(sr, rate)
    return resample_poly(x, rate // g, sr // g).astype(np.float32)


def voiced_spans(x: np.ndarray, rate: int, threshold_db: float = -40.0, gap: float = 0.3,
                 hop: float = 0.01) -> list[tuple[float, float]]:
    """Truth for speech tests: spans where the 10 ms RMS exceeds ``threshold_db`` (gaps < ``gap`` bridged)."""
    n = int(rate * hop)
    frames = len(x) // n
    rms = np.sqrt(np.mean(x[: frames * n].reshape(frames, n) ** 2, axis=1) + 1e-12)
    on = 20 * np.log10(rms) > threshold_db
    spans: list[list[float]] = []
    for i, v in enumerate(on):
        if not v:
            continue
        t = i * hop
        if spans and t - spans[-1][1] <= gap:
            spans[-1][1] = t + hop
        else:
            spans.append([t, t + hop])
    return [(a, b) for a, b in spans]


def make_audio_signal(duration: float, audio: str, speech_at: tuple[float, ...] = (),
                      rate: int = SAMPLE_RATE) -> tuple[np.ndarray, tuple[tuple[float, float], ...]]:
    """A stereo float32 signal: "sine" (440 Hz, -18 dBFS), "speech" (espeak-ng at each start time in
    ``speech_at``, silence elsewhere) or "noise"; returns (signal, speech truth spans)."""
    n = int(round(duration * rate))
    t = np.arange(n) / rate
    truth: list[tuple[float, float]] = []
    if audio == "sine":
        mono = (0.125 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    elif audio == "noise":
        mono = (np.random.default_rng(1).standard_normal(n) * 0.05).astype(np.float32)
    elif audio == "speech":
        mono = np.zeros(n, np.float32)
        for i, start in enumerate(speech_at):
            s = speech_wav(SPEECH_TEXTS[i % len(SPEECH_TEXTS)], rate)
            a = int(round(start * rate))
            s = s[: max(0, n - a)]
            mono[a : a + len(s)] += s
            truth.extend((start + x0, start + x1) for x0, x1 in voiced_spans(s, rate))
    else:
        raise ValueError(f"unknown audio kind {audio!r}")
    return np.stack([mono, mono], axis=1), tuple(truth)


def span_mask(n: int, spans: list[tuple[float, float]], pad: float = 0.0, rate: int = SAMPLE_RATE) -> np.ndarray:
    """True on the samples inside any of ``spans`` (seconds), each widened by ``pad`` on both sides."""
    t = np.arange(n) / rate
    mask = np.zeros(n, dtype=bool)
    for a, b in spans:
        mask |= (t >= a - pad) & (t < b + pad)
    return mask


def decoded_sound(path: Path, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A file's first audio stream as (n, 2) float64 at ``rate``, decoded by the bundled ffmpeg (not our code)."""
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "2", "-ar", str(rate),
                          "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, "<f4").reshape(-1, 2).astype(np.float64)


def write_wav(path: Path, signal: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    pcm = (np.clip(signal, -1, 1) * 32767).astype(np.int16)
    wavfile.write(path, rate, pcm)
    return path


def make_clip(
    path: Path,
    duration: float,
    size: tuple[int, int] = (1920, 1080),
    fps: float = 30,
    cuts: tuple[float, ...] = (),
    audio: str | None = "sine",
    speech_at: tuple[float, ...] = (),
    rotation: int = 0,
    preset: str = "ultrafast",
    sources: tuple[str, ...] = SOURCES,
    pix_fmt: str = "yuv420p",
    gop: int | None = None,
    x264_params: str | None = None,
) -> Made:
    """An H.264 (+AAC) clip of lavfi shots with hard cuts at ``cuts`` (snapped to whole frames).

    ``rotation`` stores a display matrix (coded size stays ``size``, displayed size is turned). ``gop`` is
    the keyframe interval (default 2 s; 1 = every frame a keyframe); ``x264_params`` e.g. ``scenecut=0``
    (no keyframe at a cut: the cut sits inside a group of pictures, as fixed-GOP encoders make them).
    """
    path = Path(path)
    total = int(round(duration * fps))
    bounds = [0, *sorted(int(round(c * fps)) for c in cuts), total]
    shots = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    graph = [f"{_source(sources[i % len(sources)], size, fps, b - a)},format={pix_fmt},setsar=1[s{i}]"
             for i, (a, b) in enumerate(shots)]
    labels = "".join(f"[s{i}]" for i in range(len(shots)))
    graph.append(f"{labels}concat=n={len(shots)}:v=1:a=0[v]")
    args: list[str] = []
    truth: tuple[tuple[float, float], ...] = ()
    with tempfile.TemporaryDirectory() as tmp:
        if audio:
            signal, truth = make_audio_signal(total / fps, audio, speech_at)
            wav = write_wav(Path(tmp) / "a.wav", signal)
            args += ["-i", str(wav), "-map", "0:a", "-c:a", "aac", "-b:a", "128k"]
        args = [*args[:2], "-filter_complex", ";".join(graph), "-map", "[v]", *args[2:]]
        out = path if not rotation else Path(tmp) / f"r{path.suffix}"
        rate = Fraction(fps).limit_denominator(1001)
        x264 = ["-x264-params", x264_params] if x264_params else []
        ffmpeg(*args, "-r", f"{rate.numerator}/{rate.denominator}", "-c:v", "libx264", "-preset", preset,
               "-pix_fmt", pix_fmt, "-g", str(gop or int(fps * 2)), *x264, "-frames:v", str(total), str(out))
        if rotation:
            ffmpeg("-display_rotation", str(rotation), "-i", str(out), "-c", "copy", str(path))
    w, h = size if rotation % 180 == 0 else (size[1], size[0])
    return Made(path, total / fps, tuple(a / fps for a, _ in shots[1:]), truth, (w, h), fps)


def make_dissolve(path: Path, duration: float, fade_at: float, fade: float, cut: float,
                  size: tuple[int, int] = (320, 180), fps: int = 30,
                  sources: tuple[str, str, str] = ("testsrc2", "smptebars", "mandelbrot")) -> Made:
    """Three shots: the first dissolves into the second over ``fade`` seconds from ``fade_at`` (not a
    hard cut), the third starts with a hard cut at ``cut``; no sound. ``cuts`` holds only the hard cut."""
    total = int(round(duration * fps))
    first = int(round((fade_at + fade) * fps))
    cut_frame = int(round(cut * fps))
    two = cut_frame - int(round(fade_at * fps))
    graph = (f"{_source(sources[0], size, fps, first)},format=yuv420p,setsar=1[a];"
             f"{_source(sources[1], size, fps, two)},format=yuv420p,setsar=1[b];"
             f"[a][b]xfade=transition=fade:duration={fade}:offset={fade_at}[ab];"
             f"{_source(sources[2], size, fps, total - cut_frame)},format=yuv420p,setsar=1[c];"
             "[ab][c]concat=n=2:v=1:a=0[v]")
    ffmpeg("-filter_complex", graph, "-map", "[v]", "-r", str(fps), "-c:v", "libx264", "-preset", "veryfast",
           "-pix_fmt", "yuv420p", "-g", str(2 * fps), "-frames:v", str(total), str(path))
    return Made(Path(path), total / fps, (cut_frame / fps,), size=size, fps=fps)


def make_noisy_pan(path: Path, duration: float, cut: float, size: tuple[int, int] = (320, 180),
                   fps: int = 30) -> Made:
    """Camera-like footage: a slow pan over a still picture, then a hard cut at ``cut`` to a moving test
    picture, both with heavy grain (so every picture costs nearly a keyframe's bytes), phone-like fixed
    one-second GOP, no sound."""
    total, at = int(round(duration * fps)), int(round(cut * fps))
    w, h = size
    grain = "noise=alls=12:allf=t,format=yuv420p,setsar=1"
    pan = (f"mandelbrot=s={w}x{h}:r={fps},trim=end_frame=1,loop=loop=-1:size=1,scale={2 * w}:{2 * h},"
           f"scroll=h=0.002:v=0.001,crop={w}:{h},{grain},trim=end_frame={at}[a]")
    other = f"testsrc2=s={w}x{h}:r={fps},{grain},trim=end_frame={total - at}[b]"
    ffmpeg("-filter_complex", f"{pan};{other};[a][b]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-c:v", "libx264",
           "-preset", "veryfast", "-g", str(fps), "-x264-params", "scenecut=0", "-frames:v", str(total), str(path))
    return Made(Path(path), total / fps, (at / fps,), size=size, fps=fps)


def make_image(path: Path, size: tuple[int, int] = (800, 600), source: str = "testsrc2",
               exif_orientation: int | None = None) -> Made:
    """A still image (format from the suffix: png, jpg, webp) of a lavfi test picture. For a jpg,
    ``exif_orientation`` (e.g. 6 = turn 90° clockwise, as phones store portrait photos) adds an EXIF tag."""
    spec = f"{source}:" if "=" in source else f"{source}="
    ffmpeg("-f", "lavfi", "-i", f"{spec}s={size[0]}x{size[1]}:d=1", "-frames:v", "1", str(path))
    if exif_orientation:
        tiff = (b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1)
                + struct.pack("<HHIHH", 0x0112, 3, 1, exif_orientation, 0) + struct.pack("<I", 0))
        app1 = b"Exif\x00\x00" + tiff
        data = Path(path).read_bytes()
        Path(path).write_bytes(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
        if exif_orientation in (5, 6, 7, 8):
            size = (size[1], size[0])
    return Made(Path(path), 0.0, size=size)


def make_gif(path: Path, duration: float = 1.0, size: tuple[int, int] = (160, 120), fps: int = 10) -> Made:
    """An animated gif of ``duration`` seconds (frames at ``fps``)."""
    frames = int(round(duration * fps))
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={size[0]}x{size[1]}:r={fps}", "-frames:v", str(frames), str(path))
    return Made(Path(path), frames / fps, size=size, fps=fps)


def make_audio(path: Path, duration: float = 2.0, audio: str = "sine", speech_at: tuple[float, ...] = ()) -> Made:
    """An audio file; the codec follows the suffix (.wav PCM, .mp3, .m4a/.aac AAC)."""
    path = Path(path)
    signal, truth = make_audio_signal(duration, audio, speech_at)
    if path.suffix.lower() == ".wav":
        write_wav(path, signal)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            wav = write_wav(Path(tmp) / "a.wav", signal)
            codec = {".mp3": ["-c:a", "libmp3lame"], ".m4a": ["-c:a", "aac"], ".aac": ["-c:a", "aac"]}
            ffmpeg("-i", str(wav), *codec.get(path.suffix.lower(), []), str(path))
    return Made(path, duration, speech=truth)


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class MediaFactory:
    """Cached media in one folder: the same parameters give the same file, made once."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._made: dict[str, Made] = {}

    def _cached(self, maker, name: str | None, suffix: str, **kwargs) -> Made:
        key = json.dumps([maker.__name__, name, suffix, kwargs], sort_keys=True, default=str)
        if key not in self._made:
            stem = name or f"{maker.__name__[5:]}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
            self._made[key] = maker(self.root / f"{stem}{suffix}", **kwargs)
        return self._made[key]

    def clip(self, name: str | None = None, suffix: str = ".mp4", **kwargs) -> Made:
        return self._cached(make_clip, name, suffix, **kwargs)

    def dissolve(self, name: str | None = None, **kwargs) -> Made:
        return self._cached(make_dissolve, name, ".mp4", **kwargs)

    def noisy_pan(self, name: str | None = None, **kwargs) -> Made:
        return self._cached(make_noisy_pan, name, ".mp4", **kwargs)

    def image(self, name: str | None = None, suffix: str = ".png", **kwargs) -> Made:
        return self._cached(make_image, name, suffix, **kwargs)

    def gif(self, name: str | None = None, **kwargs) -> Made:
        return self._cached(make_gif, name, ".gif", **kwargs)

    def audio(self, name: str | None = None, suffix: str = ".wav", **kwargs) -> Made:
        return self._cached(make_audio, name, suffix, **kwargs)

    def copy(self, made: Made, name: str) -> Path:
        """A copy under a new name (spaces, Chinese…) in a fresh subfolder."""
        dest = self.root / "copies" / name
        dest.parent.mkdir(exist_ok=True)
        if not dest.exists():
            shutil.copyfile(made.path, dest)
        return dest
