"""Print the stereo image and top end of the music stem, per style: each style × 3 seeds of 60 s.

Figures of ``music_only`` of the stems (compose + ``render_stems``, no clip): left/right correlation,
side/mid (dB), the low end's correlation (< 150 Hz, should stay near mono), the spectral centroid (of the
whole piece's power spectrum, and "frame cen" as librosa reads it: the magnitude spectrum per frame up to
11 kHz, averaged — how the real music's ~1.6 kHz was measured, see tests/sound_measures.py), the
16 kHz line (mean log power in 15.5–16.5 kHz against that of its neighbours 14–15.5 and 16.5–18 kHz, dB:
≈ 0 is clean, strongly negative is a dark line) and the haze ratio (8–12 kHz against 4–8 kHz, dB); the
melody stem against the chords stem where both play (dB), onsets per second between the cut hits (each
stretch from a hit's ring to the next hit's break read as an excerpt, as the real music was measured) and
over the whole piece ("whole": the hits, written to stand out, are its loudest onsets), the crest factor,
the EBU R128 loudness range (LU) and the highest stem peak (dBFS); then
compose + render + mix seconds and × real time for 60 s. "sad" and "romantic" are moods of calm piano.

Run: PYTHONPATH=. python benchmarks/bench_sound.py   (targets: correlation 0.3–0.75, side/mid −10…−2 dB,
melody within ~4 dB of the chords, ≥ 3 onsets/s between the hits but ambient, loudness range 3–9 LU,
every stem's peak ≤ −1 dBFS, centroid 1–2.5 kHz for full-range styles, ≥ 30×)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import signal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: tests/sound_measures.py

from nemo_desktop.engine.mix import mix, music_only
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.sampler import render_stems
from nemo_desktop.engine.music.styles import STYLES
from nemo_desktop.engine.prompt import VideoTraits, make_brief
from tests.sound_measures import (
    crest_db,
    frame_centroid,
    level_gap_db,
    loudness_range,
    onset_rate,
    texture_onset_rate,
)

DURATION = 60.0
SEEDS = (1, 2, 3)
SR = 48000


def stereo_figures(x: np.ndarray, sr: int = SR) -> dict[str, float]:
    """Correlation, side/mid dB, low-end correlation, centroid (Hz), 16 kHz line (dB), haze (dB)."""
    left, right = x[:, 0].astype(np.float64), x[:, 1].astype(np.float64)
    corr = float(np.corrcoef(left, right)[0, 1])
    mid, side = (left + right) / 2, (left - right) / 2
    side_mid = 10 * np.log10((np.sum(side**2) + 1e-20) / (np.sum(mid**2) + 1e-20))
    sos = signal.butter(4, 150, "lowpass", fs=sr, output="sos")
    low = signal.sosfilt(sos, np.stack([left, right]), axis=1)
    low_corr = float(np.corrcoef(low[0], low[1])[0, 1])
    f, pl = signal.welch(left, sr, nperseg=8192)
    _, pr = signal.welch(right, sr, nperseg=8192)
    p = pl + pr

    def band(lo: float, hi: float) -> float:
        sel = (f >= lo) & (f < hi)
        return float(np.mean(p[sel]))

    def db(lo: float, hi: float) -> float:  # mean log power: a steep natural roll-off reads as a line
        sel = (f >= lo) & (f < hi)
        return float(np.mean(10 * np.log10(p[sel] + 1e-30)))

    centroid = float(np.sum(f * p) / np.sum(p))
    line = db(15500, 16500) - (db(14000, 15500) + db(16500, 18000)) / 2
    haze = 10 * np.log10(band(8000, 12000) / band(4000, 8000))
    return {"corr": corr, "side_mid": side_mid, "low_corr": low_corr, "centroid": centroid, "line": line, "haze": haze}


def speed() -> float:
    """Best of 3: compose + render + mix of 60 s, × real time (upbeat pop, 15 cuts, two speech spans)."""
    rng = np.random.default_rng(2024)
    cuts = sorted(float(c) for c in rng.uniform(2.0, 56.0, 15))
    brief = make_brief("upbeat pop", VideoTraits(duration=DURATION))
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        mix(render_stems(compose(brief, DURATION, cuts, 30.0, 1)), None, [(8.0, 12.5), (30.0, 36.0)])
        best = min(best, time.perf_counter() - t0)
    return DURATION / best


def figures(prompt: str, seed: int, cuts: list[float]) -> dict[str, float]:
    """Every figure of one 60 s piece: the stereo ones, then the mix's: melody against chords (dB, where
    both play), onsets per second before the ring-out (between the hits, and whole), crest factor (dB)."""
    brief = make_brief(prompt, VideoTraits(duration=DURATION))
    score = compose(brief, DURATION, cuts, 30.0, seed)
    stems = render_stems(score)
    music = music_only(stems)
    row = stereo_figures(music)
    row["melody"] = level_gap_db(stems["melody"], stems["chords"])
    row["onsets"] = texture_onset_rate(music, score.final_hit - 0.5, score.hits)
    row["whole"] = onset_rate(music, score.final_hit - 0.5)
    row["crest"] = crest_db(music)
    row["frame_centroid"] = frame_centroid(music)
    row["lra"] = loudness_range(music)
    row["peak"] = max(20 * float(np.log10(np.abs(x).max() + 1e-12)) for x in stems.values())
    return row


PROMPTS = {style: style.replace("_", " ") for style in STYLES} | {"sad": "sad piano", "romantic": "romantic"}


def main() -> None:
    cuts = [7.5, 15.0, 26.0, 40.0, 51.0]
    keys = ("corr", "side_mid", "low_corr", "centroid", "frame_centroid", "line", "haze", "melody", "onsets", "crest")
    keys += ("lra", "peak", "whole")
    heads = ("L/R corr", "side/mid", "<150 corr", "centroid", "frame cen", "16k line", "haze", "mel-chd", "onsets/s")
    heads += ("crest", "LRA", "peak", "whole")
    print(f"{'style':12s} " + " ".join(f"{h:>9s}" for h in heads))
    for name, prompt in PROMPTS.items():
        rows = [figures(prompt, seed, cuts) for seed in SEEDS]
        m = {k: float(np.mean([r[k] for r in rows])) for k in keys}
        lo_c, hi_c = min(r["corr"] for r in rows), max(r["corr"] for r in rows)
        print(
            f"{name:12s} {m['corr']:9.2f} {m['side_mid']:8.1f}dB {m['low_corr']:10.2f} {m['centroid']:8.0f}Hz"
            f" {m['frame_centroid']:7.0f}Hz"
            f" {m['line']:7.1f}dB {m['haze']:5.1f}dB {m['melody']:6.1f}dB {m['onsets']:9.2f}"
            f" {m['crest']:7.1f}dB {m['lra']:7.1f}LU {max(r['peak'] for r in rows):6.1f}dB {m['whole']:9.2f}"
            f"   (LRA {min(r['lra'] for r in rows):.1f}–{max(r['lra'] for r in rows):.1f},"
            f" corr {lo_c:.2f}–{hi_c:.2f}, onsets {min(r['onsets'] for r in rows):.2f})"
        )
    print(f"compose + render + mix, 60 s: {speed():.0f}× real time")


if __name__ == "__main__":
    main()
