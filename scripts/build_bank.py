#!/usr/bin/env python3
"""Build the General-MIDI bank we ship (nemo_desktop/resources/bank/) from Debian's FluidR3Mono (MIT).

    python scripts/build_bank.py [--source FluidR3Mono_GM.sf3]

Without --source it uses the installed Debian package's file, or fetches the package with
``apt-get download fluidr3mono-gm-soundfont`` into a temporary folder and unpacks it (dpkg-deb -x).
Keeps only the presets ``gm.SHIPPED_PRESETS`` names (the voices the bank plays by default and the drum kit),
decodes their Ogg Vorbis samples with the bundled ffmpeg to 16-bit PCM, and writes ``gm_bank.npy`` (the
samples back to back) and ``gm_bank.json`` (the resolved zones). The same source gives the same bytes. The
licence text goes to nemo_desktop/resources/licenses/fluidr3mono/.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nemo_desktop.engine.music import bank as shipped  # noqa: E402
from nemo_desktop.engine.music import gm, sf2  # noqa: E402
from nemo_desktop.engine.music.soundfont import decode_ogg  # noqa: E402

PACKAGE = "fluidr3mono-gm-soundfont"
INSTALLED = Path("/usr/share/sounds/sf3/FluidR3Mono_GM.sf3")
COPYRIGHT = Path(f"/usr/share/doc/{PACKAGE}/copyright")
LICENCE_DIR = ROOT / "nemo_desktop" / "resources" / "licenses" / "fluidr3mono"
GAP = 16  # silent frames between samples: an interpolator reading one past the end reads silence
# Presets and drum keys added for the genre styles (issue 17), listed here so a merge with other additions to
# gm.SAMPLED / gm.DRUM_KEYS stays readable; build() checks each is shipped. (+6.2 MB of PCM.)
STYLE_PRESETS = {
    (0, 9): "glockenspiel (kids)",
    (0, 12): "marimba (travel vlog)",
    (0, 30): "distortion guitar (rock)",
    (0, 65): "alto sax (jazz)",
    (0, 107): "koto, the guzheng-like zither (Chinese traditional)",
    (0, 110): "fiddle, the erhu-like bowed voice (Chinese traditional)",
}
STYLE_DRUM_KEYS = {51: "ride (jazz)", 40: "electric snare, the gated snare's sample"}


def _fetch(tmp: Path) -> tuple[Path, Path]:
    """The .sf3 and its copyright file from the Debian package, downloaded and unpacked into ``tmp``."""
    subprocess.run(["apt-get", "download", PACKAGE], cwd=tmp, check=True)
    deb = next(tmp.glob(f"{PACKAGE}_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp / "root")], check=True)
    return (next((tmp / "root").rglob("FluidR3Mono_GM.sf3")),
            tmp / "root" / "usr" / "share" / "doc" / PACKAGE / "copyright")


def _wanted(preset: tuple[int, int], zone: sf2.Zone) -> bool:
    """Every zone of a melodic preset; of the drum kit only the keys our drum voices play."""
    if preset != (gm.DRUM_BANK, gm.DRUM_KIT):
        return True
    return any(zone.keys[0] <= k <= zone.keys[1] for k in gm.DRUM_KEYS.values())


def build(source: Path, out_dir: Path) -> tuple[int, int]:
    """Write the subset; returns (samples, PCM bytes)."""
    bank = sf2.read(source, decode_ogg)
    assert set(STYLE_PRESETS) <= set(gm.SHIPPED_PRESETS), "a style's preset is not in gm.SAMPLED"
    assert set(STYLE_DRUM_KEYS) <= set(gm.DRUM_KEYS.values()), "a style's drum key is not in gm.DRUM_KEYS"
    missing = [p for p in gm.SHIPPED_PRESETS if p not in bank.presets]
    if missing:
        raise SystemExit(f"the source has no presets {missing}")
    keep = {p: [z for z in bank.presets[p] if _wanted(p, z)] for p in gm.SHIPPED_PRESETS}
    used = sorted({z.sample for zones in keep.values() for z in zones})
    pcm: list[np.ndarray] = [np.zeros(GAP, dtype="<i2")]
    renumber: dict[int, int] = {}
    samples: list[sf2.SampleHeader] = []
    offset = GAP
    for old in used:
        x = bank.read_pcm(old)
        data = np.round(np.clip(x, -1, 32767 / 32768) * 32768).astype("<i2")
        head = bank.samples[old]
        renumber[old] = len(samples)
        samples.append(dataclasses.replace(head, start=offset, end=offset + len(data), compressed=False))
        pcm += [data, np.zeros(GAP, dtype="<i2")]
        offset += len(data) + GAP
    presets = {}
    for p in gm.SHIPPED_PRESETS:
        presets[p] = [
            dataclasses.replace(z, sample=renumber[z.sample], end=min(z.end, samples[renumber[z.sample]].end
                                                                     - samples[renumber[z.sample]].start))
            for z in keep[p]
        ]
    out_dir.mkdir(parents=True, exist_ok=True)
    whole = np.concatenate(pcm)
    np.save(out_dir / shipped.PCM_FILE, whole)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    (out_dir / shipped.ZONES_FILE).write_text(
        shipped.to_json(presets, samples, f"{source.name} sha256 {digest}"), encoding="utf-8")
    return len(samples), whole.nbytes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="FluidR3Mono_GM.sf3 (default: the Debian package's)")
    parser.add_argument("--out", type=Path, default=shipped.SHIPPED_DIR)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source, copyright_file = args.source, COPYRIGHT
        if source is None:
            source = INSTALLED if INSTALLED.is_file() else None
            if source is None:
                source, copyright_file = _fetch(Path(tmp))
        count, size = build(source.resolve(), args.out)
        LICENCE_DIR.mkdir(parents=True, exist_ok=True)
        if copyright_file.is_file():
            shutil.copyfile(copyright_file, LICENCE_DIR / "copyright")
        presets = ", ".join(f"{b}:{p}" for b, p in gm.SHIPPED_PRESETS)
        (LICENCE_DIR / "SOURCE").write_text(
            f"nemo_desktop/resources/bank/ ({shipped.PCM_FILE}, {shipped.ZONES_FILE}) holds a subset of the\n"
            f"Fluid (R3) Mono GM SoundFont (MIT; copyright file beside this one), taken from Debian's\n"
            f"{PACKAGE} package (FluidR3Mono_GM.sf3): the presets {presets},\n"
            "their Ogg Vorbis samples decoded to 16-bit PCM by scripts/build_bank.py. The source file's sha256\n"
            "is in gm_bank.json.\n", encoding="utf-8")
    print(f"{count} samples, {size / 1e6:.1f} MB of PCM → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
