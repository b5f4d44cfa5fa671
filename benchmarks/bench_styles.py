"""Render every style for one clip and write a contact sheet: one spectrogram PNG per style and one combined
PNG; print each style's tempo and band, and the pairwise distance matrix of their onset, chroma and timbre
profiles (tests/style_features.py; 0 = identical, the styles test's bound is "all three correlations above
NEAR").

Run: python benchmarks/bench_styles.py [--seconds 20] [--out DIR]   (needs sox; montage for the combined PNG)
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.style_features import (  # noqa: E402
    NEAR,
    SR,
    correlations,
    distance,
    every_style,
    near_identical,
    profiles,
    style_piece,
)

CUTS = (3.4, 7.9, 11.2, 15.6)  # a 20 s clip with four cuts (shorter clips keep the ones inside)
DRUMS = {"kick", "snare", "clap", "hat", "openhat", "shaker", "rim", "tom", "crash", "ride", "gated_snare"}


def _write_wav(path: Path, mono: np.ndarray) -> None:
    """16-bit mono WAV, peak-normalised to −1 dBFS (the sheet compares shapes, not levels)."""
    x = mono / (np.max(np.abs(mono)) + 1e-12) * 0.89
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes((x * 32767).astype("<i2").tobytes())


def _spectrogram(wav: Path, png: Path, title: str) -> None:
    """sox's spectrogram: 0–8 kHz shown (where the instruments differ), 80 dB range, titled."""
    subprocess.run(["sox", str(wav), "-n", "rate", "16k", "spectrogram", "-x", "600", "-y", "200", "-z", "80",
                    "-t", title, "-o", str(png)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nemo-styles")
    args = parser.parse_args()
    if shutil.which("sox") is None:
        print("sox is needed for the spectrograms", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    cuts = tuple(c for c in CUTS if c < args.seconds - 1)
    prof, pngs = {}, []
    print(f"{'style':12s} {'BPM':>5s} {'key':>4s} {'render s':>8s}  band")
    for style in every_style():
        t0 = time.perf_counter()
        piece = style_piece(style, args.seconds, cuts)
        took = time.perf_counter() - t0
        prof[style] = profiles(piece.mono)
        wav, png = args.out / f"{style}.wav", args.out / f"{style}.png"
        _write_wav(wav, piece.mono)
        band = ", ".join(sorted(piece.instruments - DRUMS))
        kit = ", ".join(sorted(piece.instruments & DRUMS)) or "no drums"
        s = piece.score
        _spectrogram(wav, png, f"{style}  {s.bpm:.0f} BPM  {s.key} {s.mode}  |  {band}  |  {kit}")
        pngs.append(png)
        print(f"{style:12s} {s.bpm:5.0f} {s.key:>4s} {took:8.2f}  {band} | {kit}")
    styles = every_style()
    print("\npairwise distance (mean of 1 − r over onset, chroma, timbre; 0 = identical):")
    print(" " * 12 + "".join(f"{s[:6]:>7s}" for s in styles))
    pairs = {}
    for a in styles:
        row = []
        for b in styles:
            corr = correlations(prof[a], prof[b])
            pairs[(a, b)] = corr
            row.append(f"{distance(corr):7.2f}")
        print(f"{a:12s}" + "".join(row))
    cross = [(distance(pairs[(a, b)]), a, b) for a, b in itertools.combinations(styles, 2)]
    print("\nclosest pairs:", ", ".join(f"{a}–{b} {d:.2f}" for d, a, b in sorted(cross)[:5]))
    near = [(a, b) for _, a, b in cross if near_identical(pairs[(a, b)])]
    print(f"near-identical (all of {NEAR} exceeded): {near or 'none'}")
    if shutil.which("montage"):
        sheet = args.out / "contact_sheet.png"
        subprocess.run(["montage", *map(str, pngs), "-tile", "3x", "-geometry", "+4+4", str(sheet)], check=True)
        print(f"\ncontact sheet: {sheet}")
    print(f"spectrograms: {args.out}/<style>.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
