"""Sample media made on the spot: the demo clip and the plain picture under music-only requests.

Both are drawn by the bundled ffmpeg from its own test sources, so the demo works offline on a fresh
install. The demo clip has three shots (hard cuts at known times) and, when espeak-ng is on the machine,
a spoken line so the ducking can be heard.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from nemo_desktop.core.errors import ToolFailed
from nemo_desktop.core.events import ProgressFn, no_progress
from nemo_desktop.core.files import AtomicOutput
from nemo_desktop.tools.ffmpeg import child_env, find_ffmpeg, run_ffmpeg

DEMO_NAME = "nemo-demo.mp4"
DEMO_SHOTS = (("testsrc2", 4.0), ("mandelbrot", 3.5), ("smptebars", 4.5))
DEMO_LINE = "Welcome to the harbour. This is where our trip begins."
SPEECH_AT = 5.0


def _speech_wav(folder: Path) -> Path | None:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        return None
    wav = folder / "line.wav"
    try:
        subprocess.run([exe, "-v", "en", "-s", "150", "-w", str(wav), DEMO_LINE], check=True,
                       capture_output=True, timeout=30, env=child_env())
    except (OSError, subprocess.SubprocessError):
        return None
    return wav if wav.exists() and wav.stat().st_size > 1000 else None


def make_demo_clip(folder: Path, ffmpeg_path: str | None = None) -> Path:
    """A 12 s 1080p30 clip with two hard cuts (4.0 s, 7.5 s), room tone and a spoken line; reused if made."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / DEMO_NAME
    if final.exists() and final.stat().st_size > 0:
        return final
    exe = find_ffmpeg(ffmpeg_path)
    total = sum(d for _, d in DEMO_SHOTS)
    args: list[str] = [exe, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    for source, seconds in DEMO_SHOTS:
        args += ["-f", "lavfi", "-t", f"{seconds}", "-i", f"{source}=size=1920x1080:rate=30"]
    args += ["-f", "lavfi", "-i", f"anoisesrc=color=brown:amplitude=0.02:sample_rate=48000:seed=7:duration={total}"]
    with tempfile.TemporaryDirectory() as tmp:
        speech = _speech_wav(Path(tmp))
        n = len(DEMO_SHOTS)
        video = "".join(f"[{i}:v]setsar=1,format=yuv420p[v{i}];" for i in range(n))
        video += "".join(f"[v{i}]" for i in range(n)) + f"concat=n={n}:v=1:a=0[v]"
        if speech is not None:
            args += ["-i", str(speech)]
            delay = int(SPEECH_AT * 1000)
            audio = (f";[{n + 1}:a]aresample=48000,adelay={delay}|{delay},apad[s];"
                     f"[{n}:a][s]amix=inputs=2:duration=first:normalize=0,volume=0.9[a]")
        else:
            audio = f";[{n}:a]anull[a]"
        with AtomicOutput(final) as out:
            args += ["-filter_complex", video + audio, "-map", "[v]", "-map", "[a]", "-t", f"{total}",
                     "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
                     "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000", "-movflags", "+faststart",
                     "-f", "mp4", str(out.part)]
            try:
                subprocess.run(args, check=True, capture_output=True, timeout=300, env=child_env())
            except subprocess.CalledProcessError as exc:
                tail = exc.stderr.decode("utf-8", "replace").strip().splitlines()
                raise ToolFailed(tail[-1] if tail else "ffmpeg failed") from exc
    assert out.path is not None
    return out.path


async def make_plain_visual(folder: Path, seconds: float, progress: ProgressFn = no_progress,
                            ffmpeg_path: str | None = None) -> Path:
    """A quiet 1080p30 picture (a slow colour wash) for music asked for without any clip."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = max(1, round(seconds * 30))
    final = folder / f"nemo-music-{frames}f.mp4"
    if final.exists() and final.stat().st_size > 0:
        return final
    source = f"color=c=0x1b2a41:size=1920x1080:rate=30:duration={frames / 30:.6f}"
    wash = "hue=H=2*PI*t/60:s=0.9,vignette=PI/5,format=yuv420p"
    with AtomicOutput(final) as out:
        await run_ffmpeg(
            ["-f", "lavfi", "-i", source, "-vf", wash, "-frames:v", str(frames), "-an", "-c:v", "libx264",
             "-preset", "veryfast", "-tune", "stillimage", "-crf", "26", "-pix_fmt", "yuv420p",
             "-movflags", "+faststart", "-f", "mp4", str(out.part)],
            total_seconds=frames / 30, progress=progress, stage="picture", ffmpeg_path=ffmpeg_path,
            output_dir=folder,
        )
    assert out.path is not None
    with contextlib.suppress(OSError):
        out.path.chmod(0o644)
    return out.path
