"""The General-MIDI bank shipped inside the package: its files, and how they load.

``scripts/build_bank.py`` makes it from Debian's FluidR3Mono (MIT; the licence is in
``resources/licenses/fluidr3mono``): only the presets ``gm.SHIPPED_PRESETS`` names, their Ogg Vorbis samples
decoded at build time to 16-bit PCM. Two files: ``gm_bank.npy`` (all samples back to back, memory-mapped
when loaded, so only the samples a piece plays are paged in and loading takes milliseconds) and
``gm_bank.json`` (the resolved zones of each preset and each sample's place in the PCM).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import numpy as np

from nemo_desktop.engine.music.sf2 import Bank, BankError, SampleHeader, Zone

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "resources" / "bank"
PCM_FILE, ZONES_FILE = "gm_bank.npy", "gm_bank.json"
_ZONE_FIELDS = [f.name for f in dataclasses.fields(Zone)]
_SAMPLE_FIELDS = [f.name for f in dataclasses.fields(SampleHeader)]


def to_json(presets: dict[tuple[int, int], list[Zone]], samples: list[SampleHeader], source: str) -> str:
    """The zone table: fields named once, each zone and sample a row (compact, and diffable)."""
    doc = {
        "source": source,
        "zone_fields": _ZONE_FIELDS,
        "sample_fields": _SAMPLE_FIELDS,
        "samples": [dataclasses.astuple(s) for s in samples],
        "presets": {f"{b}:{p}": [dataclasses.astuple(z) for z in zones] for (b, p), zones in sorted(presets.items())},
    }
    return json.dumps(doc, separators=(",", ":"))


def _zone(row: list[object]) -> Zone:
    values = dict(zip(_ZONE_FIELDS, row, strict=True))
    values["keys"] = tuple(values["keys"])  # type: ignore[arg-type]
    values["vels"] = tuple(values["vels"])  # type: ignore[arg-type]
    return Zone(**values)  # type: ignore[arg-type]


def load(folder: Path = SHIPPED_DIR) -> Bank:
    """The bank in ``folder`` (the shipped one by default); a missing or broken one raises BankError."""
    try:
        doc = json.loads((folder / ZONES_FILE).read_text(encoding="utf-8"))
        pcm = np.load(folder / PCM_FILE, mmap_mode="r")
        if doc["zone_fields"] != _ZONE_FIELDS or doc["sample_fields"] != _SAMPLE_FIELDS:
            raise BankError("the bank was built by another version")
        samples = [SampleHeader(*row) for row in doc["samples"]]
        presets = {
            (int(k.split(":")[0]), int(k.split(":")[1])): [_zone(r) for r in rows]
            for k, rows in doc["presets"].items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BankError(f"the shipped bank cannot be read ({exc})") from exc

    def read_pcm(index: int) -> np.ndarray:
        s = samples[index]
        return np.asarray(pcm[s.start : s.end], dtype=np.float32) / np.float32(32768.0)

    return Bank(presets, samples, read_pcm)


_lock = threading.Lock()
_shipped: list[Bank] = []


def shipped() -> Bank:
    """The shipped bank, loaded once per process."""
    with _lock:
        if not _shipped:
            _shipped.append(load())
        return _shipped[0]
