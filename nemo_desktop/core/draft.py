"""The timeline (Draft → Tracks → Segments) and its compact cloud form.

The cloud form is NemoVideo's: ``{"d": ms, "m": {...}, "t": [{"tt": 0|1|7, "sg": [{"st", "d", "so",
"src", "v", "m"}]}]}``. Times are milliseconds there and seconds here. Keys we do not know are kept in
``extra`` and written back unchanged, so a draft read from the cloud round-trips intact.

What a segment *is* (a clip, a clip's sound, the music, a title) is a typed ``Segment.role``, written to
the wire as ``m.role``; what the engine knows about the music is a frozen ``MusicInfo``, written as the
music segment's ``m`` keys, so the window and the tests read typed values instead of string keys.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any

from nemo_desktop.i18n import tr


class TrackKind(IntEnum):
    """NemoVideo's track types (``tt``); other numbers from the cloud are kept as plain ints."""

    VIDEO = 0
    AUDIO = 1
    TEXT = 7


class Role(str, Enum):
    """What a segment is for; the value is what the wire's ``m.role`` says."""

    CLIP = "clip"
    CLIP_SOUND = "clip-audio"  # an audio file the person added: played under the video like its own sound
    MUSIC = "music"
    TITLE = "title"


VIDEO, AUDIO, TEXT = TrackKind.VIDEO, TrackKind.AUDIO, TrackKind.TEXT
TRACK_NAMES: dict[int, str] = {VIDEO: "Video", AUDIO: "Audio", TEXT: "Text"}

_SEG_KNOWN = {"st", "d", "so", "src", "v", "m"}
_SEG_ALIASES = {"st": ("start", "s"), "src": ("url",), "v": ("volume",)}
_TRACK_KNOWN = {"tt", "sg"}
_DRAFT_KNOWN = {"d", "m", "t"}


def _ms(seconds: float) -> int | float:
    ms = seconds * 1000.0
    return int(round(ms)) if abs(ms - round(ms)) < 1e-6 else ms


def _role(value: object) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


@dataclass
class Segment:
    """One piece on a track. ``meta`` holds name/text and engine facts (for the music: ``MusicInfo``)."""

    start: float
    duration: float
    source: str = ""
    offset: float = 0.0
    volume: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    role: Role | None = None

    def __post_init__(self) -> None:
        # a known ``meta["role"]`` (older autosaves, the wire) becomes the typed field; an unknown one stays
        if self.role is None and _role(self.meta.get("role")) is not None:
            self.role = _role(self.meta["role"])
            self.meta = {k: v for k, v in self.meta.items() if k != "role"}

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def is_music(self) -> bool:
        """The composed or generated music (the cloud's BGM may only say so by naming a style)."""
        return self.role is Role.MUSIC or bool(self.meta.get("style"))

    @property
    def name(self) -> str:
        return str(self.meta.get("name") or self.meta.get("text") or self.source.rsplit("/", 1)[-1] or "")

    def to_compact(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(copy.deepcopy(self.extra))
        out["st"] = _ms(self.start)
        out["d"] = _ms(self.duration)
        if self.offset:
            out["so"] = _ms(self.offset)
        if self.source:
            out["src"] = self.source
        if self.volume is not None:
            out["v"] = self.volume
        meta = {"role": self.role.value, **self.meta} if self.role is not None else self.meta
        if meta:
            out["m"] = copy.deepcopy(meta)
        return out

    @classmethod
    def from_compact(cls, data: dict[str, Any]) -> Segment:
        def pick(key: str, default: Any = None) -> Any:
            if key in data:
                return data[key]
            for alias in _SEG_ALIASES.get(key, ()):
                if alias in data:
                    return data[alias]
            return default

        meta = dict(pick("m") or {})
        if "text" in data and "text" not in meta:
            meta = {**meta, "text": data["text"]}
        used = _SEG_KNOWN | {a for k in ("st", "src", "v") for a in _SEG_ALIASES[k] if k not in data}
        return cls(
            start=float(pick("st", 0) or 0) / 1000.0,
            duration=float(pick("d", 0) or 0) / 1000.0,
            source=str(pick("src", "") or ""),
            offset=float(pick("so", 0) or 0) / 1000.0,
            volume=None if pick("v") is None else float(pick("v")),
            meta=copy.deepcopy(meta),
            extra={k: copy.deepcopy(v) for k, v in data.items() if k not in used and k != "text"},
        )


def _kind(value: Any) -> TrackKind | int:
    number = int(value)
    try:
        return TrackKind(number)
    except ValueError:
        return number


@dataclass
class Track:
    kind: TrackKind | int
    segments: list[Segment] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return TRACK_NAMES.get(self.kind, "Other")

    @property
    def end(self) -> float:
        return max((s.end for s in self.segments), default=0.0)

    def to_compact(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(copy.deepcopy(self.extra))
        out["tt"] = self.kind
        out["sg"] = [s.to_compact() for s in self.segments]
        return out

    @classmethod
    def from_compact(cls, data: dict[str, Any]) -> Track:
        return cls(
            kind=_kind(data.get("tt", -1)),
            segments=[Segment.from_compact(s) for s in data.get("sg") or [] if isinstance(s, dict)],
            extra={k: copy.deepcopy(v) for k, v in data.items() if k not in _TRACK_KNOWN},
        )


@dataclass
class Draft:
    tracks: list[Track] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    explicit_duration: float | None = None

    # --- reading ---------------------------------------------------------------------------------------

    @property
    def duration(self) -> float:
        """The declared duration if any, else where the last segment ends."""
        if self.explicit_duration is not None:
            return self.explicit_duration
        return max((t.end for t in self.tracks), default=0.0)

    def tracks_of(self, kind: int) -> list[Track]:
        return [t for t in self.tracks if t.kind == kind]

    def segments_of(self, kind: int) -> list[Segment]:
        return [s for t in self.tracks_of(kind) for s in t.segments]

    @property
    def is_empty(self) -> bool:
        """Exportable drafts have at least one segment on some track (the cloud's rule)."""
        return not any(t.segments for t in self.tracks)

    def music(self) -> Segment | None:
        """The composed (or generated) music segment, if the draft has one."""
        for seg in self.segments_of(AUDIO):
            if seg.is_music:
                return seg
        return None

    def music_info(self) -> MusicInfo | None:
        """What the engine said about the music (None without music or when the cloud said nothing)."""
        seg = self.music()
        return MusicInfo.of(seg) if seg is not None else None

    def sound_files(self) -> list[Segment]:
        """The audio files the person added (not the music), in timeline order."""
        return [s for s in self.segments_of(AUDIO) if s.source and s.role is not Role.MUSIC]

    def clip_sound_segments(self) -> list[Segment]:
        """Everything whose own sound plays in the export: clips with sound and added audio files."""
        return [s for s in self.segments_of(VIDEO) if s.source and s.meta.get("has_audio", True)] + [
            s for s in self.segments_of(AUDIO) if s.source and s.role is not Role.MUSIC]

    def source_segments(self) -> list[Segment]:
        """Every segment that comes from a file of the person's (what analysis looks at)."""
        return [s for s in self.segments_of(VIDEO) if s.source] + [
            s for s in self.segments_of(AUDIO) if s.source and s.role is not Role.MUSIC]

    # --- editing ---------------------------------------------------------------------------------------

    def track(self, kind: int) -> Track:
        """The first track of ``kind``, created when missing."""
        for t in self.tracks:
            if t.kind == kind:
                return t
        new = Track(kind)
        self.tracks.append(new)
        return new

    def without_music(self) -> Draft:
        out = copy.deepcopy(self)
        for t in out.tracks:
            t.segments = [s for s in t.segments if not (t.kind == AUDIO and s.role is Role.MUSIC)]
        out.tracks = [t for t in out.tracks if t.segments or t.kind != AUDIO or t.extra]
        return out

    def copy(self) -> Draft:
        return copy.deepcopy(self)

    # --- compact cloud form ----------------------------------------------------------------------------

    def to_compact(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(copy.deepcopy(self.extra))
        out["d"] = _ms(self.duration)
        if self.meta:
            out["m"] = copy.deepcopy(self.meta)
        out["t"] = [t.to_compact() for t in self.tracks]
        return out

    @classmethod
    def from_compact(cls, data: dict[str, Any] | None) -> Draft:
        data = data or {}
        d = data.get("d")
        return cls(
            tracks=[Track.from_compact(t) for t in data.get("t") or [] if isinstance(t, dict)],
            meta=copy.deepcopy(dict(data.get("m") or {})),
            extra={k: copy.deepcopy(v) for k, v in data.items() if k not in _DRAFT_KNOWN},
            explicit_duration=None if d is None else float(d) / 1000.0,
        )

    # --- words -----------------------------------------------------------------------------------------

    def summary(self, lang: str | None = None) -> str:
        """One line a person reads: "2 clips · 0:42 · music: calm piano 84 BPM"."""
        clips = len(self.segments_of(VIDEO))
        parts: list[str] = []
        if clips:
            parts.append(tr("1 clip", lang) if clips == 1 else tr("{n} clips", lang).format(n=clips))
        total = round(self.duration)
        parts.append(f"{total // 60}:{total % 60:02d}")
        music = self.music()
        if music is not None:
            desc = str(music.meta.get("style") or music.name)
            if music.meta.get("bpm"):
                desc += f" {round(float(music.meta['bpm']))} BPM"  # the cloud's BGM may carry a bpm too
            parts.append(tr("music: {desc}", lang).format(desc=desc))
        else:
            parts.append(tr("no music yet", lang))
        titles = self.segments_of(TEXT)
        if titles:
            parts.append(tr("title: “{text}”", lang).format(text=titles[0].name))
        return " · ".join(parts)


@dataclass(frozen=True)
class MusicInfo:
    """What the built-in engine knows about its piece, carried in the music segment's ``meta``.

    ``brief`` is the engine's own brief (a plain mapping, so the core need not know its type); times are
    timeline seconds. ``accents`` are the cuts the whole band hits on a bar line (every other cut gets a
    lighter hit; the cue sheet lists each hit with its offset); ``speech`` the spans where someone speaks,
    ``ducked`` the stretches the music is lowered for them (the speech spans with short pauses bridged, as
    the mix ducks)."""

    name: str
    style: str
    bpm: float
    key: str  # e.g. "G major"
    seed: int
    brief: dict[str, Any] = field(default_factory=dict)
    beats: tuple[float, ...] = ()
    bars: tuple[float, ...] = ()
    cuts: tuple[float, ...] = ()
    sections: tuple[tuple[str, float, float], ...] = ()
    accents: tuple[float, ...] = ()
    speech: tuple[tuple[float, float], ...] = ()
    ducked: tuple[tuple[float, float], ...] = ()

    @property
    def gain_db(self) -> float:
        """The music's level relative to the clips' own sound, in dB (the brief's ``music_gain_db``)."""
        try:
            return float(self.brief.get("music_gain_db") or 0.0)
        except (TypeError, ValueError):
            return 0.0

    def to_meta(self) -> dict[str, Any]:
        return {
            "name": self.name, "style": self.style, "bpm": self.bpm, "key": self.key, "seed": self.seed,
            "brief": copy.deepcopy(self.brief), "beats": list(self.beats), "bars": list(self.bars),
            "cuts": list(self.cuts), "sections": [list(s) for s in self.sections],
            "accents": list(self.accents), "speech": [list(s) for s in self.speech],
            "ducked": [list(s) for s in self.ducked],
        }

    @classmethod
    def of(cls, seg: Segment) -> MusicInfo | None:
        """The facts a music segment carries; None for other segments and for music that says nothing (the
        cloud's)."""
        return cls.from_meta(seg.meta) if seg.is_music and seg.meta.get("bpm") is not None else None

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> MusicInfo:
        return cls(
            name=str(meta.get("name") or ""), style=str(meta.get("style") or ""), bpm=float(meta.get("bpm") or 0.0),
            key=str(meta.get("key") or ""), seed=int(meta.get("seed") or 0),
            brief=copy.deepcopy(dict(meta.get("brief") or {})),
            beats=tuple(float(b) for b in meta.get("beats") or ()),
            bars=tuple(float(b) for b in meta.get("bars") or ()),
            cuts=tuple(float(c) for c in meta.get("cuts") or ()),
            sections=tuple((str(n), float(a), float(b)) for n, a, b in meta.get("sections") or ()),
            accents=tuple(float(c) for c in meta.get("accents") or ()),
            speech=tuple((float(a), float(b)) for a, b in meta.get("speech") or ()),
            ducked=tuple((float(a), float(b)) for a, b in meta.get("ducked") or ()),
        )
