"""Draft → MP4 in one ffmpeg run: H.264 yuv420p + AAC 48 kHz stereo, 1080p in the first clip's
orientation, written as ``.part`` and committed without overwriting anything.

Two modes. "copy": one H.264 clip that already is the output (size, orientation, yuv420p, square pixels,
rate, whole clip) keeps its video packets untouched and only the audio is encoded — about the cost of a
remux. "encode": every clip is scaled to fit (never stretched or cropped), padded black, put on the output
rate, cut to its exact frame count and concatenated; stills loop, gifs play their own frames. In both
modes the audio is padded/trimmed to exactly the draft's sample count and the video to its frame count,
so the file lasts exactly the draft's duration.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from nemo_desktop import paths
from nemo_desktop.core.draft import VIDEO, Draft, Segment
from nemo_desktop.core.errors import DiskFull, NothingToDo
from nemo_desktop.core.events import ProgressFn
from nemo_desktop.core.files import AtomicOutput, DiskUsage, ensure_free_space, is_disk_full, safe_stem
from nemo_desktop.core.media import Kind
from nemo_desktop.engine import media_cache
from nemo_desktop.engine.audio_io import SAMPLE_RATE, write_timeline_wav
from nemo_desktop.engine.probe import MediaInfo, probe
from nemo_desktop.engine.timeline import draft_fps, draft_frames, fps_text
from nemo_desktop.engine.worker import Worker
from nemo_desktop.tools.ffmpeg import run_ffmpeg

VIDEO_KBPS_1080P30 = 12000  # generous for x264 crf 20 veryfast at 1080p30: the free-space estimate only
# ffmpeg's "fast" AAC coder at 256 kb/s: 40 % less encode time than the default "twoloop" coder at 192 kb/s
# and a cleaner result (47 vs 37 dB SNR on our music: benchmarks/bench_aac.py). The audio encode is the
# slow part of a stream-copy export; the extra 64 kb/s are nothing next to the video's.
AUDIO_KBPS = 256
AAC = ("-c:a", "aac", "-aac_coder", "fast", "-b:a", f"{AUDIO_KBPS}k")
SPACE_MARGIN = 1.3
X264 = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p")
THREADS = "2"


@dataclass(frozen=True)
class RenderPlan:
    mode: str  # "copy" or "encode"
    width: int
    height: int
    fps: Fraction
    frames: int
    duration: float
    estimate_bytes: int
    inputs: tuple[str, ...]  # ffmpeg input arguments, pictures first (audio input is appended later)
    video_filter: str  # filter graph producing [v] ("" in copy mode)


def _size(draft: Draft, visual: list[Segment], infos: dict[str, MediaInfo]) -> tuple[int, int]:
    w, h = draft.meta.get("width"), draft.meta.get("height")
    if w and h:
        return int(w), int(h)
    first = infos[visual[0].source] if visual else None
    return (1080, 1920) if first is not None and first.portrait else (1920, 1080)


def _copyable(seg: Segment, info: MediaInfo, width: int, height: int, fps: Fraction, frames: int) -> bool:
    return (
        info.kind is Kind.VIDEO and info.video_codec == "h264" and info.pix_fmt == "yuv420p"
        and info.rotation == 0 and (info.coded_width, info.coded_height) == (width, height)
        and info.sar in (None, Fraction(1)) and info.fps_exact == fps and abs(seg.offset) < 1e-6
        and info.frames is not None and info.frames == frames
    )


def plan_render(draft: Draft, infos: dict[str, MediaInfo] | None = None) -> RenderPlan:
    """Decide copy vs encode and build the ffmpeg inputs and filter graph for the pictures."""
    infos = dict(infos or {})
    visual = [s for s in sorted(draft.segments_of(VIDEO), key=lambda s: s.start) if s.source]
    for seg in visual:
        if seg.source not in infos:
            infos[seg.source] = probe(Path(seg.source))
    if not visual and draft.duration <= 0:
        raise NothingToDo()
    width, height = _size(draft, visual, infos)
    fps = draft_fps(draft)
    frames = draft_frames(draft)
    duration = float(frames / fps)
    audio_bytes = AUDIO_KBPS * 125 * duration
    if len(visual) == 1 and _copyable(visual[0], infos[visual[0].source], width, height, fps, frames):
        info = infos[visual[0].source]
        return RenderPlan("copy", width, height, fps, frames, duration,
                          int((info.size + audio_bytes) * 1.1) + (1 << 20), ("-i", visual[0].source), "")
    rate = fps_text(fps)
    inputs: list[str] = []
    chains: list[str] = []
    labels: list[str] = []
    cursor = 0
    for seg in visual:
        info = infos[seg.source]
        seg_frames = max(0, round(Fraction(seg.end).limit_denominator(1_000_000) * fps) - cursor)
        if seg_frames == 0:
            continue
        cursor += seg_frames
        seconds = f"{float(seg_frames / fps) + 0.5:.6f}"
        if info.kind is Kind.IMAGE and not info.animated:
            inputs += ["-loop", "1", "-framerate", rate, "-t", seconds, "-i", seg.source]
        else:
            if seg.offset > 0:
                inputs += ["-ss", f"{seg.offset:.6f}"]
            inputs += ["-t", seconds, "-i", seg.source]
        i = len(labels)
        chains.append(
            f"[{i}:v:0]scale={width}:{height}:force_original_aspect_ratio=decrease:flags=bicubic,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps={rate},format=yuv420p,"
            f"tpad=stop_mode=clone:stop_duration=2,trim=end_frame={seg_frames},setpts=PTS-STARTPTS[p{i}]"
        )
        labels.append(f"[p{i}]")
    if cursor < frames:  # audio-only drafts, or a gap at the end: black
        inputs += ["-f", "lavfi", "-i", f"color=c=black:s={width}x{height}:r={rate}"]
        i = len(labels)
        chains.append(f"[{i}:v:0]format=yuv420p,setsar=1,trim=end_frame={frames - cursor}[p{i}]")
        labels.append(f"[p{i}]")
    chains.append(f"{''.join(labels)}concat=n={len(labels)}:v=1:a=0[v]")
    video_kbps = VIDEO_KBPS_1080P30 * max(1.0, float(fps) / 30)
    estimate = int((video_kbps * 125 * duration + audio_bytes) * SPACE_MARGIN) + (1 << 20)
    return RenderPlan("encode", width, height, fps, frames, duration, estimate, tuple(inputs), ";".join(chains))


def ffmpeg_args(plan: RenderPlan, audio_wav: Path, output: Path) -> list[str]:
    """The full argument list (after ffmpeg's base flags) for a plan, a WAV and an output file."""
    samples = int(round(plan.duration * SAMPLE_RATE))
    audio_index = plan.inputs.count("-i")
    afilter = (f"[{audio_index}:a:0]aresample={SAMPLE_RATE},aformat=channel_layouts=stereo,"
               f"apad=whole_len={samples},atrim=end_sample={samples}[a]")
    args = [*plan.inputs, "-i", str(audio_wav)]
    if plan.mode == "copy":
        args += ["-filter_complex", afilter, "-map", "0:v:0", "-map", "[a]", "-c:v", "copy"]
    else:
        args += ["-filter_complex", f"{plan.video_filter};{afilter}", "-map", "[v]", "-map", "[a]", *X264,
                 "-r", fps_text(plan.fps), "-threads", THREADS]
    args += [
        "-frames:v", str(plan.frames), *AAC, "-ar", str(SAMPLE_RATE),
        "-ac", "2", "-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart",
        "-f", "mp4", "-y", str(output),
    ]
    return args


async def render(
    draft: Draft,
    audio: Path | None,
    dest_dir: Path,
    progress: ProgressFn,
    *,
    ffmpeg_path: str | None = None,
    stem: str | None = None,
    infos: dict[str, MediaInfo] | None = None,
    disk_usage: DiskUsage = shutil.disk_usage,
) -> Path:
    """Render the draft into ``dest_dir/<stem>.mp4`` (or "<stem> (2).mp4"…) and return the path.

    ``audio`` is a finished WAV of the draft's length (the mix); None uses the clips' own sound.
    Cancelling kills ffmpeg and leaves no ``.part``; a full disk raises DiskFull.
    """
    dest_dir = Path(dest_dir)
    progress("render", None)
    plan = await asyncio.to_thread(plan_render, draft, infos)
    ensure_free_space(dest_dir, plan.estimate_bytes, disk_usage)
    name = safe_stem(stem or _first_stem(draft) or str(draft.meta.get("title") or ""))
    cache_root = paths.get().cache
    cache_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=media_cache.render_prefix(), dir=cache_root) as tmp:
        wav = audio
        if wav is None:  # the clips' own sound, laid out here (no mix was made)
            target = Path(tmp) / "sound.wav"
            wav = await Worker().run(lambda cancel: write_timeline_wav(draft, target, SAMPLE_RATE, cancel, cache_root,
                                                                         Path(tmp), clip=True))
        out = AtomicOutput(dest_dir / f"{name}.mp4")
        try:
            with out:
                await run_ffmpeg(
                    ffmpeg_args(plan, Path(wav), out.part), total_seconds=plan.duration, progress=progress,
                    stage="render", ffmpeg_path=ffmpeg_path, output_dir=dest_dir,
                    expected_bytes=plan.estimate_bytes, cleanup=out.part,
                )
        except OSError as exc:
            if is_disk_full(exc):
                free = 0
                with contextlib.suppress(OSError):
                    free = disk_usage(str(dest_dir)).free // (1 << 20)
                raise DiskFull(str(exc), folder=str(dest_dir), need_mb=plan.estimate_bytes >> 20,
                               free_mb=free) from exc
            raise
    progress("render", 1.0)
    assert out.path is not None
    return out.path


def _first_stem(draft: Draft) -> str:
    for seg in sorted(draft.segments_of(VIDEO), key=lambda s: s.start):
        if seg.source:
            return Path(seg.source).stem
    return ""


def render_mode(draft: Draft, infos: dict[str, MediaInfo] | None = None) -> str:
    """"copy" or "encode": what render() will do with this draft."""
    return plan_render(draft, infos).mode
