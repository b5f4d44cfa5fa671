"""Peak resident memory and wall time of the real CLI ``make`` at 60 s, 10 min and 30 min, in one run.

    python benchmarks/bench_memory.py [--work DIR] [--lengths 60,600,1800] [--stems] [--base-runs 3]

The clips are made once (kept in ``--work``): a 60 s 1080p30 H.264 clip from ffmpeg lavfi with a hard cut
every ~7 s and espeak-ng speech at 5 s and 35 s (so ducking and speech detection run), and the long ones as
that minute repeated (concat demuxer, stream copy: cheap to make, and 1080p like the first so every render is
the stream-copy one, as for a phone's clip). ``--encode`` adds a 60 s 640×360 clip, which the export has to
scale and re-encode to 1080p (x264 joins the process tree). Each ``make`` runs in a subprocess with a cold
cache (the base length ``--base-runs`` times: the median time, the highest peak); the resident memory of the
whole process tree (psutil, children recursively, every ~50 ms) is summed and its peak kept. Issue 16/18's
bound: peak ≤ 600 MB at any length, time linear in length (10 min ≤ 10 × the 60 s time, 30 min ≤ 30 ×).

Measured 2026-12-02 with --stems on the shared 2-core machine (load average ~10, so times are noisy):
whole-programme buffers: 60 s 434 MB / 8.7 s, 10 min 2622 MB / 128 s (×14.7), 30 min 7504 MB / 740 s (×84.9);
windows and blocks:      60 s 335 MB / 15.1 s, 10 min 340 MB / 89.7 s (×5.96), 30 min 363 MB / 323 s (×21.4);
60 s 640×360 re-encoded to 1080p: 732 MB before, 521 MB after (x264 at 1080p is ~150–250 MB of it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.media import ffmpeg, make_clip  # noqa: E402
from tests.process_memory import tree_peak_mb  # noqa: E402

FULL = (1920, 1080)
SMALL = (640, 360)
BOUND_MB = 600.0


def clip_for(work: Path, seconds: float, size: tuple[int, int] = FULL) -> Path:
    """A clip of ``seconds`` (whole minutes beyond the first are the first minute repeated)."""
    path = work / f"clip-{int(seconds)}s-{size[1]}p.mp4"
    if path.exists():
        return path
    if seconds <= 60 or size != FULL:
        cuts = tuple(float(t) for t in range(7, int(seconds) - 2, 7))
        speech = tuple(float(t) for t in (5, 35) if t < seconds - 5)
        raw = work / f"raw-{path.name}"
        make_clip(raw, seconds, size=size, cuts=cuts, audio="speech", speech_at=speech, preset="ultrafast")
        # 1.5 Mb/s: 30 minutes stay under the app's 500 MB file limit
        ffmpeg("-i", str(raw), "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1500k", "-maxrate", "1500k",
               "-bufsize", "3000k", "-g", "60", "-c:a", "copy", str(path))
        raw.unlink()
        return path
    minute = clip_for(work, 60.0)
    listing = work / f"concat-{int(seconds)}.txt"
    listing.write_text(f"file '{minute}'\n" * int(round(seconds / 60)))
    ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(path))
    return path


def run_make(clip: Path, home: Path, stems: bool) -> tuple[float, float]:
    """(peak MB, wall s) of one CLI make with a cold cache."""
    shutil.rmtree(home, ignore_errors=True)
    (home / "out").mkdir(parents=True)
    env = {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": "http://127.0.0.1:9", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "nemo_desktop", "make", str(clip), "--prompt", "upbeat pop", "--engine",
           "builtin", "--seed", "1", "--out", str(home / "out")] + (["--stems"] if stems else [])
    start = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, code = tree_peak_mb(proc), proc.wait()
    wall = time.perf_counter() - start
    if code != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"make failed on {clip.name}: {err.strip()[-400:]}")
    return peak, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "nemo-bench-memory")
    parser.add_argument("--lengths", default="60,600,1800", help="seconds, comma-separated; the first is the base")
    parser.add_argument("--stems", action="store_true", help="also write the stems (make --stems)")
    parser.add_argument("--encode", action="store_true", help="also a 60 s 640x360 clip (re-encoded to 1080p)")
    parser.add_argument("--base-runs", type=int, default=3,
                        help="times the base length is made: its median time is what the ratios divide by (one "
                             "60 s run varied from 5.95 to 8.02 s here, enough to move the 30-minute ratio by ×8)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    lengths = [float(s) for s in args.lengths.split(",")]
    jobs = [(s, FULL) for s in lengths] + ([(lengths[0], SMALL)] if args.encode else [])
    rows: list[tuple[float, tuple[int, int], float, float]] = []
    home = args.work / "home"
    for k, (seconds, size) in enumerate(jobs):
        clip = clip_for(args.work, seconds, size)
        runs = [run_make(clip, home, args.stems) for _ in range(args.base_runs if k == 0 else 1)]
        peak, wall = max(r[0] for r in runs), float(np.median([r[1] for r in runs]))
        rows.append((seconds, size, peak, wall))
        each = f" (median of {', '.join(f'{r[1]:.2f}' for r in runs)} s)" if len(runs) > 1 else ""
        print(f"{seconds / 60:5.1f} min {size[0]}x{size[1]}: peak {peak:7.1f} MB, wall {wall:6.2f} s{each}",
              flush=True)
    shutil.rmtree(home, ignore_errors=True)
    base = rows[0]
    print(f"\nbase: the {base[0]:.0f} s {base[1][0]}x{base[1][1]} clip ({base[3]:.2f} s, {base[2]:.0f} MB)")
    for seconds, _size, peak, wall in rows[1 : len(lengths)]:
        factor = seconds / base[0]
        verdict = "ok" if wall <= factor * base[3] and peak <= BOUND_MB else "OVER"
        print(f"{seconds / 60:.0f} min / {base[0]:.0f} s: time ×{wall / base[3]:.2f} (bound ×{factor:.0f}), "
              f"peak {peak:.0f} MB (bound {BOUND_MB:.0f})  {verdict}")
    for seconds, size, peak, wall in rows[len(lengths) :]:
        print(f"({seconds:.0f} s {size[0]}x{size[1]}, re-encoded to 1080p: {wall:.2f} s, {peak:.0f} MB)")


if __name__ == "__main__":
    main()
