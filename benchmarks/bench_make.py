"""The whole built-in ``make`` of a 60 s 1080p30 H.264 clip against its floor, in one run.

    python benchmarks/bench_make.py [--work DIR]

Floor = the bare decode of the clip (what analysis cannot beat) + a plain ``ffmpeg -c:v copy`` mux of a
new AAC track (what export cannot beat). ``make`` = add the clip (probe + analysis, cold cache) + compose
("calm piano") + export (clip sound decode, mix, stream-copy render). Target: make ≤ 1.5 × floor. Also
prints the CLI's wall time for the same job (Python start-up and imports included) and the music part
alone (compose + synth + mix) in × real time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import CUTS, copy_floor, decode_floor  # noqa: E402

from nemo_desktop import paths  # noqa: E402
from nemo_desktop.core.session import Session  # noqa: E402
from nemo_desktop.engine.audio_io import timeline_audio, write_wav  # noqa: E402
from nemo_desktop.engine.backend import LocalBackend  # noqa: E402
from nemo_desktop.settings import Settings  # noqa: E402
from tests.media import make_clip  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


async def make_in_process(clip: Path, out: Path) -> dict[str, float]:
    stages: dict[str, float] = {}
    session = Session(LocalBackend(Settings(), seed=1), lambda e: None, output_dir=lambda: out)
    await session.start()
    t = time.perf_counter()
    await session.add_media([clip])
    stages["add + analyse"] = time.perf_counter() - t
    t = time.perf_counter()
    await session.send("calm piano")
    stages["compose + synth"] = time.perf_counter() - t
    t = time.perf_counter()
    await session.export(out)
    stages["export (decode sound, mix, render)"] = time.perf_counter() - t
    await session.aclose()
    return stages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "nemo-bench")
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    clip = work / "minute-speech-1080p30.mp4"
    if not clip.exists():
        make_clip(clip, 60.0, cuts=CUTS, audio="speech", speech_at=(5.0, 20.0, 40.0), preset="veryfast")

    home = Path(tempfile.mkdtemp(prefix="nemo-bench-home-"))
    paths.use_root(home)
    out = home / "out"
    out.mkdir()
    wav = home / "floor.wav"
    draft_len = 60.0

    decode_s = min(timed(lambda: decode_floor(clip)) for _ in range(2))
    from nemo_desktop.core.draft import Draft, Segment, Track

    floor_draft = Draft(tracks=[Track(0, [Segment(0, draft_len, str(clip))])])
    write_wav(wav, timeline_audio(floor_draft))
    mux_s = min(timed(lambda: copy_floor(clip, wav, out / "floor.mp4")) for _ in range(2))
    floor = decode_s + mux_s

    stages = asyncio.run(make_in_process(clip, out))
    total = sum(stages.values())

    shutil.rmtree(home / "cache", ignore_errors=True)
    env = {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": "http://127.0.0.1:9"}
    cli_s = timed(lambda: subprocess.run(
        [sys.executable, "-m", "nemo_desktop", "make", str(clip), "--prompt", "calm piano", "--engine",
         "builtin", "--seed", "1", "--out", str(out)], check=True, capture_output=True, env=env))

    print(f"clip: {clip} (60 s, 1080p30 H.264 + AAC, {len(CUTS)} cuts, speech)")
    print(f"floor: decode {decode_s:.2f} s + copy mux {mux_s:.2f} s = {floor:.2f} s")
    for name, seconds in stages.items():
        print(f"  {name:<36} {seconds:6.2f} s")
    print(f"make (in process, cold cache): {total:.2f} s = {total / floor:.2f}× floor (target ≤ 1.5×)")
    print(f"make (CLI, cold cache, incl. start-up): {cli_s:.2f} s = {cli_s / floor:.2f}× floor")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
