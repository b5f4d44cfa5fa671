"""Probed clips → a Draft: visual clips back to back on one video track, audio files on an audio track.

Every visual segment lasts a whole number of OUTPUT frames, and segment starts are cumulative frame
counts divided by the rate, so the draft's duration is exactly ``frames / fps`` and the renderer can ask
ffmpeg for an exact frame count. Audio files (mp3/wav/m4a/aac) play one after another from the timeline
start, trimmed at the end of the pictures; they are the person's own sound and stay in the mix like clip
sound (role "clip-audio").
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from nemo_desktop.core.draft import AUDIO, VIDEO, Draft, Role, Segment, Track
from nemo_desktop.core.media import Kind
from nemo_desktop.engine.probe import STANDARD_RATES, MediaInfo

LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
DEFAULT_FPS = Fraction(30)
MAX_FPS = Fraction(60)
DEFAULT_IMAGE_SECONDS = 4.0


def output_geometry(infos: list[MediaInfo]) -> tuple[int, int, Fraction]:
    """(width, height, fps) of the export: 1080p in the first visual clip's displayed orientation, at its
    frame rate capped at 60 (30 when there are only stills or only audio)."""
    visuals = [i for i in infos if i.is_visual]
    first = visuals[0] if visuals else None
    size = PORTRAIT if first is not None and first.portrait else LANDSCAPE
    moving = next((i for i in visuals if i.fps_exact and (i.kind is Kind.VIDEO or i.animated)), None)
    fps = DEFAULT_FPS
    if first is not None and first.kind is Kind.VIDEO and first.fps_exact:
        fps = first.fps_exact
    elif (first is not None and first.kind is Kind.IMAGE and moving is not None and moving.kind is Kind.VIDEO
          and moving.fps_exact):
        fps = moving.fps_exact  # a still first: follow the first real video's rate
    if fps not in STANDARD_RATES:  # variable-rate phone clips average to odd rates: use a whole number
        fps = Fraction(max(1, round(fps)))
    return size[0], size[1], min(fps, MAX_FPS)


def fps_text(fps: Fraction) -> str:
    """ffmpeg's spelling of an exact rate ("30", "30000/1001")."""
    return str(fps.numerator) if fps.denominator == 1 else f"{fps.numerator}/{fps.denominator}"


def _frames(info: MediaInfo, fps: Fraction, image_seconds: float) -> int:
    if info.kind is Kind.IMAGE and not info.animated:
        seconds = image_seconds
    elif info.frames and info.fps_exact == fps and info.kind is Kind.VIDEO:
        return info.frames
    else:
        seconds = info.duration
    return max(1, round(Fraction(seconds).limit_denominator(1_000_000) * fps))


def _visual_meta(info: MediaInfo) -> dict:
    return {
        "name": info.name, "kind": "gif" if info.animated else info.kind.value, "width": info.width,
        "height": info.height, "fps": info.fps, "has_audio": info.has_audio, "rotation": info.rotation,
        "duration": info.duration,
    }


def build_draft(infos: list[MediaInfo], image_seconds: float = DEFAULT_IMAGE_SECONDS) -> Draft:
    """One video track with a segment per picture clip (in the given order), one audio track with the
    audio files; meta: width, height, fps (float), fps_exact ("30000/1001"), frames, title."""
    width, height, fps = output_geometry(infos)
    draft = Draft(meta={"width": width, "height": height, "fps": float(fps), "fps_exact": fps_text(fps),
                        "title": Path(infos[0].name).stem if infos else ""})
    video = Track(VIDEO)
    frame = 0
    for info in infos:
        if not info.is_visual:
            continue
        n = _frames(info, fps, image_seconds)
        video.segments.append(Segment(start=float(frame / fps), duration=float(n / fps),
                                      source=str(Path(info.path).absolute()), meta=_visual_meta(info),
                                      role=Role.CLIP))
        frame += n
    if video.segments:
        draft.tracks.append(video)

    audio = Track(AUDIO)
    cursor = Fraction(0)
    limit = Fraction(frame) / fps if frame else None
    for info in infos:
        if info.is_visual:
            continue
        length = Fraction(info.duration).limit_denominator(1_000_000)
        if limit is not None:
            length = min(length, limit - cursor)
        if length <= 0:
            continue
        audio.segments.append(Segment(
            start=float(cursor), duration=float(length), source=str(Path(info.path).absolute()),
            meta={"name": info.name, "kind": "audio", "duration": info.duration}, role=Role.CLIP_SOUND,
        ))
        cursor += length
    if audio.segments:
        draft.tracks.append(audio)

    if not frame and cursor:  # audio only: a black picture as long as the sound, in whole frames
        frame = max(1, int(cursor * fps + Fraction(1, 2)))
    draft.meta["frames"] = frame
    draft.explicit_duration = float(Fraction(frame) / fps)
    return draft


def draft_fps(draft: Draft) -> Fraction:
    """The exact output rate a draft was built for (meta fps_exact, else fps, else 30)."""
    text = draft.meta.get("fps_exact")
    if text:
        return Fraction(str(text))
    fps = draft.meta.get("fps")
    return nice_fraction(float(fps)) if fps else DEFAULT_FPS


def nice_fraction(fps: float) -> Fraction:
    from nemo_desktop.engine.probe import nice_rate

    return min(nice_rate(fps) or DEFAULT_FPS, MAX_FPS)


def draft_frames(draft: Draft) -> int:
    """Output frame count: the draft's duration in whole frames of its rate."""
    return max(1, round(Fraction(draft.duration).limit_denominator(1_000_000) * draft_fps(draft)))
