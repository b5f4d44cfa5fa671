"""Print compose / synth / mix seconds and × real time for a 60 s piece with 15 cuts, for three styles.

Run: python benchmarks/bench_music.py   (best of 3 runs per stage; the budget is ≤ 1.2 s total, ≥ 50×)
"""

from __future__ import annotations

import time

import numpy as np

from nemo_desktop.engine.mix import mix
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.synth import render_stems
from nemo_desktop.engine.prompt import VideoTraits, make_brief

DURATION = 60.0


def main() -> None:
    rng = np.random.default_rng(2024)
    cuts = sorted(float(c) for c in rng.uniform(2.0, 56.0, 15))
    speech = [(8.0, 12.5), (30.0, 36.0)]
    print(f"{'style':22s} {'compose':>8s} {'synth':>8s} {'mix':>8s} {'total':>8s} {'× real time':>12s}")
    for prompt in ("upbeat pop", "calm piano", "epic cinematic"):
        brief = make_brief(prompt, VideoTraits(duration=DURATION))
        best = [np.inf, np.inf, np.inf]
        for _ in range(3):
            t0 = time.perf_counter()
            score = compose(brief, DURATION, cuts, 30.0, 1)
            t1 = time.perf_counter()
            stems = render_stems(score)
            t2 = time.perf_counter()
            mix(stems, None, speech)
            t3 = time.perf_counter()
            best = [min(b, v) for b, v in zip(best, (t1 - t0, t2 - t1, t3 - t2), strict=True)]
        total = sum(best)
        stages = " ".join(f"{v:8.3f}" for v in (*best, total))
        print(f"{prompt:22s} {stages} {DURATION / total:11.0f}×")


if __name__ == "__main__":
    main()
