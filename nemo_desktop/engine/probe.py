"""What a media file holds (MediaInfo), and the deep check that it can really be decoded.

The cheap checks (extension, size, missing, unreadable, empty) come from core.media.check_file. The deep
one runs the bundled ffmpeg binary rather than an FFmpeg library in our own process (PyAV would ship a
second ~100 MB copy of FFmpeg), and the bundle has no ffprobe, so we parse what ffmpeg prints. It decodes
the first picture (or sound) and reads every packet, so a renamed text file, an undecodable stream or an
MP4 cut short after its index is rejected up front with one sentence (Corrupt), never a traceback later
in a render; counting the packets also gives exact frame counts where a container's header has none.
Sizes are the DISPLAYED ones: a phone clip stored 1920×1080 with a 90° display matrix is 1080×1920 here.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from nemo_desktop.core.errors import Corrupt, ToolFailed
from nemo_desktop.core.media import MAX_BYTES, Kind, check_file
from nemo_desktop.engine.ffmpeg_report import Report, Stream, parse_log, parse_packets
from nemo_desktop.tools.ffmpeg import child_env, child_options, find_ffmpeg

STANDARD_RATES = (
    Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
    Fraction(48), Fraction(50), Fraction(60000, 1001), Fraction(60),
)
TIMEOUT_S = 120.0  # reading every packet of a 500 MB file from a slow disk, with a wide margin
GIF_DEFAULT_DELAY_S = 0.1  # a gif frame without a delay is shown this long

_RATE = re.compile(r"^(\d+(?:\.\d+)?)(k?) (fps|tbr)$")
_SAR = re.compile(r"SAR (\d+):(\d+)")
# showinfo's first frame, the display matrix it carries (the header's own line has no "3x3"), ashowinfo's
_NAMED_LAYOUTS = {
    "mono": 1, "stereo": 2, "downmix": 2, "binaural": 2, "quad": 4, "quad(side)": 4, "hexagonal": 6,
    "octagonal": 8, "cube": 8, "hexadecagonal": 16,
}


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
    frames: int | None = None  # pictures really in the file (counted; an edit list's pre-roll excluded)
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
        return _describe(path, accepted.kind, accepted.size, _read(path, accepted.kind))
    except (ValueError, ZeroDivisionError) as exc:  # something ffmpeg printed that makes no sense
        raise _corrupt(path) from exc


# --- running ffmpeg ------------------------------------------------------------------------------------


def _read(path: Path, kind: Kind) -> Report:
    """One ffmpeg run: output 0 decodes the first picture and sound (showinfo/ashowinfo print them),
    output 1 copies every packet of the same streams to framecrc lines on stdout. ``V`` skips cover art."""
    streams = ["-map", "0:a:0?"] if kind is Kind.AUDIO else ["-map", "0:V:0?", "-map", "0:a:0?"]
    args = [
        find_ffmpeg(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "level+info", "-noautorotate",
        "-i", str(path),
        *streams, "-frames:v", "1", "-frames:a", "1", "-filter:v", "showinfo", "-filter:a", "ashowinfo",
        "-f", "null", "-",
        *streams, "-c", "copy", "-f", "framecrc", "-",
    ]
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_S,
                              env=child_env(), check=False, **child_options())
    except subprocess.TimeoutExpired as exc:
        raise _corrupt(path) from exc
    except OSError as exc:
        raise ToolFailed(f"cannot run ffmpeg: {exc}") from exc
    if proc.returncode != 0:
        raise _corrupt(path)
    report = parse_log(proc.stderr.decode("utf-8", "replace"))
    parse_packets(proc.stdout.decode("ascii", "replace"), report)
    if report.damaged:
        raise _corrupt(path)
    return report


# --- describing ----------------------------------------------------------------------------------------


def _describe(path: Path, kind: Kind, size: int, report: Report) -> MediaInfo:
    video = report.stream("Video")
    audio = report.stream("Audio")
    if video is None and audio is None:
        raise _corrupt(path)
    audio_fields: dict = {}
    if audio is not None:
        parts = audio.parts  # "aac (LC) (mp4a / 0x6134706D)", "48000 Hz", "stereo", "fltp", "128 kb/s"
        hz = next((i for i, p in enumerate(parts) if re.fullmatch(r"\d+ Hz", p)), None)
        rate = int(parts[hz].split()[0]) if hz is not None else 0
        layout = parts[hz + 1] if hz is not None and hz + 1 < len(parts) else None
        audio_fields = dict(has_audio=True, audio_codec=audio.codec, audio_rate=rate or None,
                            audio_channels=_channels(layout))

    if video is None:  # an audio file, or an audio-only .mp4/.mov used as audio
        duration = _audio_duration(audio, report) if audio else 0.0
        if not report.sound or duration <= 0:
            raise _corrupt(path)
        return MediaInfo(path=path, kind=Kind.AUDIO, duration=duration, size=size, **audio_fields)

    stream = video
    first = report.picture
    if first is None:
        raise _corrupt(path)  # no picture could be decoded
    rotation = first.rotation
    cw, ch = first.width, first.height
    w, h = (ch, cw) if rotation in (90, 270) else (cw, ch)
    frames = len(stream.packets)
    fps_exact = _frame_rate(stream)
    animated = False
    if kind is Kind.IMAGE:
        animated = frames > 1
        if animated:
            duration = _image_duration(stream)
            fps_exact = fps_exact or nice_rate(Fraction(frames) / Fraction(duration).limit_denominator(1000))
        else:
            duration, fps_exact, frames = 0.0, None, 1
    else:
        if frames and fps_exact:
            duration = float(frames / fps_exact)
        else:
            duration = _span(stream) or report.duration or 0.0
        if duration <= 0:
            raise _corrupt(path)
    return MediaInfo(
        path=path, kind=kind, duration=duration, fps=float(fps_exact) if fps_exact else 0.0,
        fps_exact=fps_exact, width=w, height=h, coded_width=cw, coded_height=ch, rotation=rotation,
        video_codec=stream.codec, pix_fmt=first.pix_fmt, sar=_sar(stream), frames=frames or None, animated=animated,
        size=size, **audio_fields,
    )


def _sar(stream: Stream) -> Fraction | None:
    """The stream's sample aspect ratio; when the container overrides the codec's, ffmpeg prints it last."""
    found = [(int(a), int(b)) for a, b in _SAR.findall(stream.text) if int(a) and int(b)]
    return Fraction(*found[-1]) if found else None


def _stated_rate(stream: Stream) -> Fraction | None:
    """The header's average rate ("29.97 fps"), else its guessed rate ("30 tbr")."""
    rates: dict[str, Fraction] = {}
    for part in stream.parts:
        m = _RATE.match(part.split(" (")[0])
        if m is not None:
            rates[m[3]] = Fraction(m[1]) * (1000 if m[2] else 1)
    return rates.get("fps") or rates.get("tbr")


def _frame_rate(stream: Stream) -> Fraction | None:
    """A standard rate when the header states one (it prints 29.97 for 30000/1001), otherwise the
    average over the packets really in the file (exact for variable-rate phone clips)."""
    stated = nice_rate(_stated_rate(stream))
    if stated in STANDARD_RATES:
        return stated
    measured = _measured_rate(stream)
    return nice_rate(measured) if measured else stated


def _measured_rate(stream: Stream) -> Fraction | None:
    packets, tb = stream.packets, stream.time_base
    if not packets or not tb:
        return None
    start = min(pts for pts, _ in packets)
    if all(duration > 0 for _, duration in packets):
        span = max(pts + duration for pts, duration in packets) - start
        return Fraction(len(packets)) / (span * tb) if span > 0 else None
    span = max(pts for pts, _ in packets) - start  # durations unknown: n frames span n - 1 intervals
    return Fraction(len(packets) - 1) / (span * tb) if span > 0 else None


def _span(stream: Stream) -> float:
    """Seconds from the first packet's start to the last one's end."""
    if not stream.packets or not stream.time_base:
        return 0.0
    start = min(pts for pts, _ in stream.packets)
    end = max(pts + duration for pts, duration in stream.packets)
    return float((end - start) * stream.time_base)


def _image_duration(stream: Stream) -> float:
    """A gif lasts until its last frame has been shown (a frame without a delay shows 0.1 s)."""
    tb = stream.time_base
    return max(float(pts * tb) + (float(duration * tb) if duration else GIF_DEFAULT_DELAY_S)
               for pts, duration in stream.packets)


def _audio_duration(stream: Stream, report: Report) -> float:
    """From the first sample the decoder gives (an mp3 encoder's delay is skipped) to the end of the last
    packet; the header's duration (to 1/100 s, or guessed from the bitrate) only when there is no timing."""
    if not stream.packets or not stream.time_base:
        return report.duration or 0.0
    end = float(max(pts + duration for pts, duration in stream.packets) * stream.time_base)
    start = report.sound_start
    if start is None:
        start = float(min(pts for pts, _ in stream.packets) * stream.time_base)
    return end - start


def _channels(layout: str | None) -> int | None:
    """Channel count of an ffmpeg layout name: "stereo", "5.1(side)", "7.1.4", "3 channels", "FL+FR+LFE"."""
    if not layout:
        return None
    if layout in _NAMED_LAYOUTS:
        return _NAMED_LAYOUTS[layout]
    if m := re.match(r"(\d+) channels", layout):
        return int(m[1])
    if m := re.fullmatch(r"(\d+(?:\.\d+)*)(?:\([^)]*\))?", layout):
        return sum(int(n) for n in m[1].split("."))
    if re.fullmatch(r"[A-Z]+(?:\+[A-Z]+)+", layout):
        return layout.count("+") + 1
    return None
