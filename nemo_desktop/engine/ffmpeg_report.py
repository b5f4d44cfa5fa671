"""What ffmpeg says about a file: its log (input header, stream mapping, the first decoded picture and
sound) and its framecrc lines (every packet), read into a report that probe turns into MediaInfo."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

_NOPTS = -(2**63)
_DISCARD = 0x4  # AV_PKT_FLAG_DISCARD: demuxed but not presented (before an edit list's start)
_LOG = re.compile(r"^(?:\[(?P<ctx>[^\]@]*?) @ [^\]]*\] )?\[(?P<level>[a-z]+)\] ?(?P<msg>.*)$")
_STREAM = re.compile(r"^Stream #0:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (\w+): (.*)$")
_MAPPING = re.compile(r"^Stream #0:(\d+) -> #(\d+):(\d+)")
_DURATION = re.compile(r"^Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PICTURE = re.compile(r"\bn: *0 pts: *\S+ pts_time:.*? fmt:(\S+) .*? s:(\d+)x(\d+) ")
_ROTATION = re.compile(r"3x3 displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees")
_SOUND = re.compile(r"\bn: *0 pts: *\S+ pts_time:(\S+) fmt:\S+ channels:\d+")
_PAST_END = re.compile(r"offset 0x[0-9a-f]+: partial file")  # the mov demuxer: an index entry past EOF
_PACKET = re.compile(r"^(\d+), *(-?\d+), *(-?\d+), *(-?\d+), *\d+, *0x[0-9a-f]+(?:, F=0x([0-9A-Fa-f]+))?", re.M)
_STREAM_TB = re.compile(r"^#tb (\d+): (\d+)/(\d+)$", re.M)


def top_level_parts(text: str) -> list[str]:
    """'h264 (High) (avc1 / 0x31637661), yuv420p(tv, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 30 fps'
    split at the commas that are not inside brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None  # "NOPTS"



@dataclass
class Stream:
    media: str  # "Video", "Audio", …
    text: str  # what the header says after "Video: "
    time_base: Fraction = Fraction(0)
    packets: list[tuple[int, int]] = field(default_factory=list)  # (pts, duration) of presented packets

    @property
    def parts(self) -> list[str]:
        return top_level_parts(self.text)

    @property
    def codec(self) -> str | None:
        """The codec's name ("h264", "aac"), not the decoder's ("mp3float")."""
        parts = self.parts
        return parts[0].split()[0] if parts else None


@dataclass
class Frame:
    width: int
    height: int
    pix_fmt: str
    rotation: int = 0


@dataclass
class Report:
    duration: float | None = None  # the header's, to 1/100 s
    streams: dict[int, Stream] = field(default_factory=dict)  # by input stream index
    copied: dict[int, int] = field(default_factory=dict)  # framecrc stream index → input stream index
    picture: Frame | None = None  # the first decoded picture
    sound: bool = False  # a first audio frame was decoded
    sound_start: float | None = None  # when its first sample plays (after the decoder skipped priming)
    damaged: bool = False  # the demuxer hit data missing from the file

    def stream(self, media: str) -> Stream | None:
        """The mapped stream of this media type ("Video", "Audio"), if the file has one."""
        return next((s for i in self.copied.values() if (s := self.streams.get(i)) and s.media == media), None)


def parse_log(text: str) -> Report:
    """ffmpeg's stderr. The input header and stream mapping are printed before any worker thread starts,
    so they are read line by line; what the filters print may land in the middle of another thread's
    line, so showinfo's and ashowinfo's fields are searched for anywhere."""
    text = _ANSI.sub("", text)
    report = Report()
    section = ""
    for raw in text.splitlines():
        match = _LOG.match(raw)
        if match is None:
            continue  # the tail of a message printed in pieces
        ctx, level, msg = match["ctx"] or "", match["level"], match["msg"].strip()
        if ctx.startswith("in#") and level in ("error", "fatal", "panic"):
            report.damaged = True  # ffmpeg could not read the file to its end
        if not ctx:
            section = _read_header_line(msg, section, report)
    _read_filter_output(text, report)
    return report


def _read_header_line(msg: str, section: str, report: Report) -> str:
    """One line of the input header or the stream mapping; returns the section the next line is in."""
    if msg.startswith("Input #"):
        return "input"
    if msg.startswith("Output #"):
        return "output"
    if msg == "Stream mapping:":
        return "mapping"
    if section == "input":
        if (m := _DURATION.match(msg)) is not None:
            report.duration = int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
        elif (m := _STREAM.match(msg)) is not None:
            report.streams[int(m[1])] = Stream(m[2], m[3])
    elif section == "mapping" and (m := _MAPPING.match(msg)) is not None and m[2] == "1":
        report.copied[int(m[3])] = int(m[1])
    return section


def _read_filter_output(text: str, report: Report) -> None:
    """showinfo's first picture (size, format, rotation), ashowinfo's first sound, and reads past the end."""
    if (m := _PICTURE.search(text)) is not None:
        report.picture = Frame(int(m[2]), int(m[3]), m[1])
        if (rot := _ROTATION.search(text, m.end())) is not None:
            report.picture.rotation = round(float(rot[1])) % 360
    if (m := _SOUND.search(text)) is not None:
        report.sound = True
        report.sound_start = number(m[1])
    report.damaged = report.damaged or _PAST_END.search(text) is not None


def parse_packets(text: str, report: Report) -> None:
    """framecrc lines (stream, dts, pts, duration, size, crc[, F=flags]) → packets of each input stream."""
    by_output: dict[int, Stream] = {}
    for out, num, den in _STREAM_TB.findall(text):
        source = report.streams.get(report.copied.get(int(out), -1))
        if source is not None:
            source.time_base = Fraction(int(num), int(den))
            by_output[int(out)] = source
    if any(s.media == "Video" for s in by_output.values()):  # a clip's sound is timed by its pictures
        by_output = {out: s for out, s in by_output.items() if s.media == "Video"}
    for out, dts, pts, duration, flags in _PACKET.findall(text):
        stream = by_output.get(int(out))
        if stream is None or (flags and int(flags, 16) & _DISCARD):
            continue
        ts = int(pts) if int(pts) != _NOPTS else int(dts)
        stream.packets.append((ts, max(0, int(duration))))
