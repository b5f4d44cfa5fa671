"""Engine speed and memory against their floors, in one run.

    python benchmarks/bench_engine.py [--work DIR] [--encode]

Prints: analysis of a 60 s 1080p30 H.264+AAC clip vs the bare ffmpeg decode of the same frames (target
≤ 1.2×); single-clip export (stream copy + new AAC) vs a plain ``ffmpeg -c:v copy`` mux of the same WAV
(target ≤ 1.5×); peak RSS of analysing a 10-minute clip in a fresh process (target ≤ 600 MB). With
``--encode`` also the full 1080p re-encode of the same minute (a 720p clip, so nothing can be copied).
Test media is made once in the work folder (default: the system temp dir) and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from nemo_desktop import paths  # noqa: E402
from nemo_desktop.engine.analysis import analyse_clip  # noqa: E402
from nemo_desktop.engine.audio_io import write_wav  # noqa: E402
from nemo_desktop.engine.probe import probe  # noqa: E402
from nemo_desktop.engine.render import plan_render, render  # noqa: E402
from nemo_desktop.engine.timeline import build_draft  # noqa: E402
from nemo_desktop.tools.ffmpeg import find_ffmpeg  # noqa: E402
from tests.media import ffmpeg, make_clip  # noqa: E402

CUTS = (7.3, 15.1667, 24.0, 33.5, 41.9, 52.2333)


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def paired(n: int, a, b) -> tuple[float, float]:
    """Best times of ``a`` and ``b`` run alternately, so a busy machine skews both alike."""
    ta, tb = [], []
    for _ in range(n):
        ta.append(best_of(1, a))
        tb.append(best_of(1, b))
    return min(ta), min(tb)


def decode_floor(path: Path) -> None:
    """Every video and audio frame decoded by the bundled ffmpeg, nothing else: what analysis cannot beat."""
    subprocess.run([find_ffmpeg(), "-nostdin", "-loglevel", "error", "-i", str(path), "-f", "null", "-"], check=True)


def copy_floor(clip: Path, wav: Path, out: Path) -> None:
    subprocess.run([find_ffmpeg(), "-nostdin", "-loglevel", "error", "-y", "-i", str(clip), "-i", str(wav),
                    "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac", "-b:a", "192k",
                    "-movflags", "+faststart", str(out)], check=True)


RSS_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from nemo_desktop.engine.analysis import analyse_clip
from nemo_desktop.engine.probe import probe
t = time.perf_counter()
result = analyse_clip(probe(Path(sys.argv[1])))
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t, "rss_mb": rss_mb, "cuts": len(result.cuts)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "nemo-bench")
    parser.add_argument("--encode", action="store_true", help="also time a full 1080p re-encode")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    paths.use_root(work / "home")
    clip = work / "minute-1080p30.mp4"
    if not clip.exists():
        print("making the 60 s 1080p30 test clip (x264 veryfast)…", flush=True)
        make_clip(clip, 60.0, size=(1920, 1080), fps=30, cuts=CUTS, audio="sine", preset="veryfast",
                  sources=("testsrc2", "smptebars", "rgbtestsrc", "testsrc", "smptehdbars", "yuvtestsrc",
                           "testsrc2"))
    info = probe(clip)

    # --- analysis vs decode floor --------------------------------------------------------------------
    result = None

    def analyse() -> None:
        nonlocal result
        result = analyse_clip(info, None)

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    floor, took = paired(args.repeat, lambda: decode_floor(clip), analyse)
    print(f"analysis 60 s 1080p30: {took:.2f} s  vs decode floor {floor:.2f} s  = {took / floor:.2f}×"
          f"  (target ≤ 1.2×; cuts found {len(result.cuts)}/{len(CUTS)})")

    # --- export vs stream-copy floor -----------------------------------------------------------------
    draft = build_draft([info])
    assert plan_render(draft).mode == "copy"
    n = int(round(draft.duration * 48000))
    t = np.arange(n) / 48000
    wav = write_wav(work / "mix.wav", (0.2 * np.sin(2 * np.pi * 330 * t)[:, None] * np.ones(2)).astype(np.float32))
    out_dir = work / "out"
    out_dir.mkdir(exist_ok=True)

    def export(audio: Path | None) -> None:
        made = asyncio.run(render(draft, audio, out_dir, lambda s, f: None))
        made.unlink()

    cfloor, took_wav = paired(args.repeat, lambda: copy_floor(clip, wav, work / "floor.mp4"), lambda: export(wav))
    took_own = best_of(args.repeat, lambda: export(None))
    print(f"export 60 s single clip (copy + AAC): {took_wav:.2f} s  vs copy floor {cfloor:.2f} s"
          f"  = {took_wav / cfloor:.2f}×  (target ≤ 1.5×)")
    print(f"export with the clip's own sound (decode + place + mux): {took_own:.2f} s = {took_own / cfloor:.2f}×")

    if args.encode:
        small = work / "minute-720p30.mp4"
        if not small.exists():
            ffmpeg("-i", str(clip), "-vf", "scale=1280:720", "-c:v", "libx264", "-preset", "veryfast",
                   "-c:a", "copy", str(small))
        d2 = build_draft([probe(small)])
        t0 = time.perf_counter()
        asyncio.run(render(d2, wav, out_dir, lambda s, f: None)).unlink()
        print(f"export 60 s 720p → 1080p re-encode (x264 veryfast crf 20): {time.perf_counter() - t0:.2f} s")

    # --- 10-minute clip: peak RSS of analysis in a fresh process ------------------------------------
    long_clip = work / "ten-minutes-1080p30.mp4"
    if not long_clip.exists():
        listing = work / "list.txt"
        listing.write_text("".join(f"file '{clip}'\n" for _ in range(10)))
        ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(long_clip))
    proc = subprocess.run([sys.executable, "-c", RSS_CHILD, str(long_clip), str(ROOT)],
                          capture_output=True, text=True, check=True)
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"analysis 10 min 1080p30: {stats['seconds']:.1f} s, peak RSS {stats['rss_mb']:.0f} MB"
          f"  (target ≤ 600 MB; cuts {stats['cuts']})")


if __name__ == "__main__":
    main()
