"""What a media file holds (MediaInfo), and the deep check that it can really be decoded.

The cheap checks (extension, size, missing, unreadable, empty) come from core.media.check_file; then PyAV
opens the file and decodes its first picture, so a truncated file, a renamed text file or a stream that
cannot be decoded is rejected up front with one sentence (Corrupt), never a traceback later in a render.
Sizes are the DISPLAYED ones: a phone clip stored 1920×1080 with a 90° display matrix is 1080×1920 here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from nemo_desktop.core.errors import Corrupt
from nemo_desktop.core.media import MAX_BYTES, Kind, check_file

STANDARD_RATES = (
    Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
    Fraction(48), Fraction(50), Fraction(60000, 1001), Fraction(60),
)


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    kind: Kind
    duration: float  # seconds; 0.0 for a still image
    fps: float = 0.0
    fps_exact: Fraction | None = None
    width: int = 0  # displayed width (rotation applied)
    height: int = 0
    coded_width: int = 0
    coded_height: int = 0
    rotation: int = 0  # degrees the picture is turned for display: 0, 90, 180, 270
    has_audio: bool = False
    video_codec: str | None = None
    audio_codec: str | None = None
    pix_fmt: str | None = None
    sar: Fraction | None = None
    frames: int | None = None  # from the container header when it says so (or counted for gifs)
    animated: bool = False
    audio_rate: int | None = None
    audio_channels: int | None = None
    size: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_visual(self) -> bool:
        return self.kind in (Kind.VIDEO, Kind.IMAGE)

    @property
    def portrait(self) -> bool:
        return self.height > self.width


def nice_rate(rate: Fraction | float | None) -> Fraction | None:
    """A container's average rate, snapped to a standard rate when it is within 0.5% of one."""
    if not rate:
        return None
    rate = Fraction(rate).limit_denominator(1001)
    best = min(STANDARD_RATES, key=lambda std: abs(rate - std))
    return best if abs(rate - best) / best < Fraction(1, 200) else rate


def _corrupt(path: Path) -> Corrupt:
    return Corrupt(str(path), name=path.name)


def probe(path: Path | str, max_bytes: int = MAX_BYTES) -> MediaInfo:
    """Check, open and describe a file; raise the MediaError that says what is wrong with it."""
    path = Path(path).absolute()
    accepted = check_file(path, max_bytes)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise _corrupt(path) from exc
    try:
        return _describe(path, accepted.kind, accepted.size, container)
    except (av.FFmpegError, ValueError, ZeroDivisionError, StopIteration) as exc:
        raise _corrupt(path) from exc
    finally:
        container.close()


def _describe(path: Path, kind: Kind, size: int, container: av.container.InputContainer) -> MediaInfo:
    video = container.streams.video[0] if container.streams.video else None
    audio = container.streams.audio[0] if container.streams.audio else None
    if video is not None and video.codec_context is None:
        video = None
    if video is None and audio is None:
        raise _corrupt(path)
    _check_complete(path, size, [s for s in (video, audio) if s is not None])
    if video is None:
        kind = Kind.AUDIO  # an audio-only .mp4/.mov is used as audio
    elif kind is Kind.AUDIO:
        video = None  # cover art in an mp3/m4a is not a picture track

    audio_fields: dict = {}
    if audio is not None:
        ctx = audio.codec_context
        audio_fields = dict(
            has_audio=True, audio_codec=ctx.name, audio_rate=ctx.sample_rate or None,
            audio_channels=ctx.channels or None,
        )

    if video is None:
        duration = _audio_duration(container, audio)
        if duration <= 0:
            raise _corrupt(path)
        _decode_first(container, audio, path)
        return MediaInfo(path=path, kind=Kind.AUDIO, duration=duration, size=size, **audio_fields)

    video.thread_type = "AUTO"
    first = _decode_first(container, video, path)
    rotation = int(getattr(first, "rotation", 0) or 0) % 360
    cw, ch = first.width, first.height
    w, h = (ch, cw) if rotation in (90, 270) else (cw, ch)
    ctx = video.codec_context
    frames = int(video.frames) if video.frames else None
    animated = False
    fps_exact = nice_rate(video.average_rate or video.guessed_rate)
    if kind is Kind.IMAGE:
        duration, frames = _image_timing(container, video)
        animated = frames > 1
        if not animated:
            duration, fps_exact = 0.0, None
        elif not fps_exact:
            fps_exact = nice_rate(Fraction(frames) / Fraction(duration).limit_denominator(1000))
    else:
        duration = _video_duration(container, video, frames, fps_exact)
        if duration <= 0:
            raise _corrupt(path)
    sar = video.sample_aspect_ratio
    return MediaInfo(
        path=path, kind=kind, duration=duration, fps=float(fps_exact) if fps_exact else 0.0,
        fps_exact=fps_exact, width=w, height=h, coded_width=cw, coded_height=ch, rotation=rotation,
        video_codec=ctx.name, pix_fmt=ctx.pix_fmt, sar=Fraction(sar) if sar else None, frames=frames,
        animated=animated, size=size, **audio_fields,
    )


def _check_complete(path: Path, size: int, streams: list) -> None:
    """A file cut short after its index (an MP4 with the index in front, copied halfway) opens and
    decodes its first frames fine; the index then points past the end of the file."""
    for stream in streams:
        try:
            entries = stream.index_entries
            n = len(entries)
        except (AttributeError, TypeError):
            return
        for i in range(max(0, n - 8), n):
            entry = entries[i]
            if entry.pos >= 0 and entry.pos + entry.size > size:
                raise _corrupt(path)


def _decode_first(container: av.container.InputContainer, stream: av.stream.Stream, path: Path):
    """The first decodable frame; none at all means the file is not usable."""
    for frame in container.decode(stream):
        return frame
    raise _corrupt(path)


def _seconds(value: int | None, time_base: Fraction | None) -> float:
    return float(value * time_base) if value and time_base else 0.0


def _video_duration(container, video, frames: int | None, rate: Fraction | None) -> float:
    if frames and rate:
        return float(frames / rate)
    return _seconds(video.duration, video.time_base) or (container.duration or 0) / av.time_base


def _audio_duration(container, audio) -> float:
    return _seconds(audio.duration, audio.time_base) or (container.duration or 0) / av.time_base


def _image_timing(container, video) -> tuple[float, int]:
    """(duration, frame count) of an image; gifs are decoded (small) to learn both exactly."""
    container.seek(0)
    count, end = 0, 0.0
    for frame in container.decode(video):
        count += 1
        if frame.pts is not None and frame.time_base:
            dur = float(frame.duration * frame.time_base) if frame.duration else 0.1
            end = max(end, float(frame.pts * frame.time_base) + dur)
    return (end if count > 1 else 0.0), max(count, 1)
