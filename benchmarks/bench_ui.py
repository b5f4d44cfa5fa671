"""Window responsiveness figures: event-loop lag during a real built-in job, and time to first window.

    python benchmarks/bench_ui.py [--seconds 60] [--size 1280x720] [--runs 3]

1. Loop lag: the real MainWindow on a qasync loop (offscreen) processes a ``--seconds`` clip end to end
   (add → "calm piano" → export) while a 10 ms QTimer records how late each tick fires.
   Target: p99 ≤ 50 ms. The same timer measures the lag while the preview plays (``--play`` seconds, with a
   seek in the middle; no audio device offscreen, so the preview runs on its wall clock). Target p99 ≤ 50 ms.
2. Preview ready after a music change: "another variation" on the composed project; from the draft
   carrying the new music to the monitor holding the new mix (the export's mix, no video). Target ≤ 2 s.
3. Launch → first window shown: ``python -m nemo_desktop.ui.app`` in a subprocess, timed from just before
   the process starts to the line it prints once the window is shown. Target ≤ 1.5 s.
Everything runs under a temporary NEMO_HOME; no network (the cloud URL is a closed loopback port).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["NEMO_API_URL"] = "http://127.0.0.1:9"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def make_clip(path: Path, seconds: float, size: str) -> Path:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:d={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-shortest",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)],
                   check=True)
    return path


async def preview_phase(window, play_s: float, measuring: Callable[[bool], None]) -> dict[str, float]:
    """After a compose: time "another variation" → the new mix in the monitor, then play it (with a seek
    halfway) while ``measuring(True)`` sends the loop-lag ticks to the previewing list."""
    import asyncio

    monitor = window.preview

    def ready() -> bool:
        return monitor.player.audio is not None and not monitor.updating and not window.bridge.previewing

    while not ready():
        await asyncio.sleep(0.01)
    before = monitor.player.audio
    changed: list[float] = []
    mixed: list[float] = []
    window.bridge.draftChanged.connect(lambda _d: changed.append(time.perf_counter()))
    window.bridge.previewUpdating.connect(lambda: print(f"  updating at +{time.perf_counter() - changed[-1]:.2f} s"))
    window.bridge.previewReady.connect(lambda _a: mixed.append(time.perf_counter()))
    window.send("another variation")
    while window.bridge.busy or not ready() or monitor.player.audio is before:
        await asyncio.sleep(0.02)
    ready_s = mixed[-1] - changed[-1]
    print(f"  {len(changed)} draft change(s); job done at +{time.perf_counter() - changed[-1]:.2f} s")
    measuring(True)
    monitor.seek(0.0)
    monitor.toggle()
    await asyncio.sleep(play_s / 2)
    monitor.seek(window.timeline.draft.duration / 2)
    await asyncio.sleep(play_s / 2)
    monitor.toggle()
    measuring(False)
    return {"preview_ready": ready_s, "played": monitor.position()}


def loop_lag(clip: Path, play_s: float = 6.0) -> dict[str, float]:
    import asyncio

    import qasync
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from nemo_desktop.settings import Settings
    from nemo_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)
    lateness: list[float] = []
    previewing: list[float] = []
    into = [lateness]
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        if last[0]:
            into[0].append(max(0.0, now - last[0] - 0.010) * 1000)
        last[0] = now

    timer.timeout.connect(tick)

    async def offline() -> bool:
        return False

    async def job() -> dict[str, float]:
        window = MainWindow(Settings(engine="builtin"), reachability=offline, system_monitor=False)
        window.show()
        window.start()

        async def idle() -> None:
            await asyncio.sleep(0.05)
            while window.bridge.busy or window.bridge.session is None:
                await asyncio.sleep(0.05)

        await idle()
        timer.start()
        phases = {}
        for name, action in (("add", lambda: window.add_files([clip])),
                             ("compose", lambda: window.send("calm piano")),
                             ("export", window.export)):
            started = time.perf_counter()
            action()
            await idle()
            phases[name] = time.perf_counter() - started
            if name == "compose":
                phases.update(await preview_phase(window, play_s, lambda on: into.__setitem__(
                    0, previewing if on else lateness)))
        timer.stop()
        out = list(Path(window.settings.output_folder()).glob("*.mp4"))
        await window.bridge.shutdown()
        window._close_ready = True
        window.close()
        phases["exported"] = float(len(out))
        return phases

    with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
        phases = runner.run(job())
    return {"ticks": len(lateness), "p50": percentile(lateness, 50), "p99": percentile(lateness, 99),
            "max": max(lateness), "preview_ticks": len(previewing), "preview_p50": percentile(previewing, 50),
            "preview_p99": percentile(previewing, 99), "preview_max": max(previewing), **phases}


def startup(runs: int) -> list[tuple[float, float]]:
    """(wall seconds from launch, seconds inside main()) per run."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "close.py"
        script.write_text("async def run(window):\n    window.close()\n")
        for i in range(runs):
            env = {**os.environ, "NEMO_HOME": str(Path(tmp) / f"home{i}"), "NEMO_REPORT_STARTUP": "1"}
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "nemo_desktop.ui.app", "--engine", "builtin",
                                     "--no-crash-dialog", "--demo-script", str(script)],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            shown = inside = float("nan")
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("NEMO_WINDOW_SHOWN"):
                    shown = time.perf_counter() - started
                    inside = float(line.split()[1])
            proc.wait(60)
            out.append((shown, inside))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--play", type=float, default=6.0, help="seconds of preview playback measured")
    args = parser.parse_args()
    from nemo_desktop import paths

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["NEMO_HOME"] = str(Path(tmp) / "home")
        paths.use_root(Path(tmp) / "home").ensure()
        clip = make_clip(Path(tmp) / "clip.mp4", args.seconds, args.size)
        lag = loop_lag(clip, args.play)
    print(f"event-loop lag during a {args.seconds:.0f} s {args.size} clip (add {lag['add']:.1f} s, compose "
          f"{lag['compose']:.1f} s, export {lag['export']:.1f} s; {lag['ticks']} ticks of 10 ms):")
    verdict = "OK" if lag["p99"] <= 50 else "OVER TARGET"
    print(f"  p50 {lag['p50']:.1f} ms · p99 {lag['p99']:.1f} ms · max {lag['max']:.1f} ms"
          f"  (target p99 ≤ 50 ms: {verdict})")
    print(f"preview ready {lag['preview_ready']:.2f} s after the music changed (\"another variation\", "
          f"{args.seconds:.0f} s project; target ≤ 2 s: {'OK' if lag['preview_ready'] <= 2 else 'OVER TARGET'})")
    verdict = "OK" if lag["preview_p99"] <= 50 else "OVER TARGET"
    print(f"event-loop lag while previewing ({lag['preview_ticks']} ticks, a seek halfway): p50 "
          f"{lag['preview_p50']:.1f} ms · p99 {lag['preview_p99']:.1f} ms · max {lag['preview_max']:.1f} ms"
          f"  (target p99 ≤ 50 ms: {verdict})")
    runs = startup(args.runs)
    walls = [w for w, _ in runs]
    print(f"launch → first window shown ({args.runs} runs): median {statistics.median(walls):.2f} s, "
          f"worst {max(walls):.2f} s; inside main(): median {statistics.median(i for _, i in runs):.2f} s  "
          f"(target ≤ 1.5 s: {'OK' if statistics.median(walls) <= 1.5 else 'OVER TARGET'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
