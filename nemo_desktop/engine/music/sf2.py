"""A small SoundFont 2 reader: presets resolved into the zones our sampler plays.

Reads the RIFF ``sfbk`` file (``sdta/smpl`` and ``pdta``: phdr, pbag, pgen, inst, ibag, igen, shdr) and
flattens each preset's zones onto its instruments' zones, the way SoundFont 2.01 layers them: key and
velocity ranges intersect, instrument generators (after the instrument's global zone) set a value and the
preset's (after its global zone) add to it. Modulators are not read; the sampler applies the standard
velocity → attenuation curve itself. An .sf3 (MuseScore's variant, each sample an Ogg Vorbis stream) reads
the same way and decodes a sample through the bundled ffmpeg the first time it is played.

Everything a zone needs is a plain value (``Zone``), so the shipped bank (``bank.py``) can store the same
zones as JSON next to its PCM.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

GEN_DEFAULTS = {8: 13500, 21: -12000, 33: -12000, 34: -12000, 35: -12000, 36: -12000, 38: -12000, 56: 100,
                58: -1}
_RANGE_GENS = (43, 44)  # keyRange, velRange: two bytes, not a signed amount
_INSTRUMENT, _SAMPLE_ID = 41, 53
_INSTRUMENT_ONLY = frozenset({0, 1, 2, 3, 4, 12, 45, 46, 47, 50, 54, 57, 58})  # a preset may not add to these
_OGG = 0x10  # sampleType bit of an .sf3's compressed samples
_ROM = 0x8000


class BankError(ValueError):
    """The file is not a SoundFont we can read (its structure is broken or it is something else)."""


@dataclass(frozen=True)
class SampleHeader:
    """One sample: where its data is, its loop (frames from its own start), its rate and pitch."""

    name: str
    start: int  # frames into smpl (.sf2), bytes into smpl (.sf3)
    end: int
    loop_start: int  # frames from the sample's first frame
    loop_end: int
    rate: int
    root: int  # originalPitch
    correction: int  # cents
    compressed: bool


@dataclass(frozen=True)
class Zone:
    """One resolved zone: which notes it answers and how it plays them (SoundFont units, documented)."""

    sample: int  # index into the bank's samples
    keys: tuple[int, int]
    vels: tuple[int, int]
    begin: int  # frames from the sample's first frame (start offsets applied)
    end: int
    loop_start: int
    loop_end: int
    mode: int  # sampleModes: 0 no loop, 1 loop, 3 loop until released
    root: int  # overridingRootKey, or the sample's own
    tune: float  # semitones: coarse + fine/100 + the sample's correction/100
    scale: float  # scaleTuning / 100: semitones per key
    attenuation: float  # centibels
    pan: float  # -1 .. 1
    delay: float  # volume envelope, seconds
    attack: float
    hold: float
    decay: float
    sustain: float  # centibels of attenuation while held
    release: float
    key_hold: float  # keynumToVolEnvHold, timecents per key
    key_decay: float  # keynumToVolEnvDecay
    cutoff: float  # initialFilterFc, absolute cents (13500 = open)
    rate: int  # the sample's rate, Hz


@dataclass
class Bank:
    """Resolved presets by (bank, program), the samples' headers, and a way to read a sample's PCM."""

    presets: dict[tuple[int, int], list[Zone]]
    samples: list[SampleHeader]
    read_pcm: Callable[[int], np.ndarray]  # sample index → float32 mono (its whole data)
    levels: dict[tuple[str, bool, int], float] = field(default_factory=dict)  # the sampler's calibrations

    def zones(self, bank: int, program: int, key: int, vel: int) -> list[Zone]:
        """The zones that sound for this key and velocity (layers play together)."""
        return [
            z for z in self.presets.get((bank, program), ())
            if z.keys[0] <= key <= z.keys[1] and z.vels[0] <= vel <= z.vels[1]
        ]


def _chunks(data: memoryview, start: int, end: int) -> dict[str, tuple[int, int]]:
    """The sub-chunks of a RIFF list, by id (a LIST by its list type): (offset of the body, size)."""
    out: dict[str, tuple[int, int]] = {}
    pos = start
    while pos + 8 <= end:
        cid = bytes(data[pos : pos + 4]).decode("latin-1")
        size = struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if body + size > end:
            raise BankError("a chunk runs past the end of the file")
        if cid == "LIST":
            out[bytes(data[body : body + 4]).decode("latin-1")] = (body + 4, size - 4)
        else:
            out[cid] = (body, size)
        pos = body + size + (size & 1 and not _is_id(data, body + size))  # some writers leave out the pad
    return out


def _is_id(data: memoryview, pos: int) -> bool:
    """Whether a chunk id (four letters or digits) starts at ``pos``."""
    return pos + 4 <= len(data) and bytes(data[pos : pos + 4]).isalnum()


def _records(data: memoryview, where: tuple[int, int], fmt: str) -> list[tuple[int | bytes, ...]]:
    size = struct.calcsize(fmt)
    offset, length = where
    if length % size:
        raise BankError("a preset table has a broken size")
    return [struct.unpack_from(fmt, data, offset + k * size) for k in range(length // size)]


def _name(raw: object) -> str:
    return bytes(raw).split(b"\0", 1)[0].decode("latin-1") if isinstance(raw, bytes) else ""


def _gens(gen_rows: list[tuple[int | bytes, ...]], lo: int, hi: int) -> dict[int, int]:
    """A zone's generators: ranges as lo | hi << 8, everything else a signed amount."""
    gens: dict[int, int] = {}
    for oper, amount in ((int(r[0]), int(r[1])) for r in gen_rows[lo:hi]):
        if oper in _RANGE_GENS:
            gens[oper] = amount & 0xFFFF
        else:
            gens[oper] = amount - 0x10000 if amount >= 0x8000 else amount
    return gens


def _zone_lists(
    bags: list[tuple[int | bytes, ...]], gen_rows: list[tuple[int | bytes, ...]], first: int, last: int, link: int
) -> tuple[dict[int, int], list[dict[int, int]]]:
    """The global zone (generators without ``link``, if first) and the linked zones of one preset or
    instrument, from its bag range."""
    glob: dict[int, int] = {}
    zones: list[dict[int, int]] = []
    for b in range(first, last):
        if b + 1 >= len(bags):
            raise BankError("a zone points past its table")
        gens = _gens(gen_rows, int(bags[b][0]), int(bags[b + 1][0]))
        if link in gens:
            zones.append(gens)
        elif b == first:
            glob = gens
    return glob, zones


def _range(gens: Mapping[int, int], oper: int) -> tuple[int, int]:
    v = gens.get(oper, 127 << 8)
    return v & 0xFF, (v >> 8) & 0xFF


def _seconds(timecents: int) -> float:
    return float(2.0 ** (timecents / 1200.0)) if timecents > -12000 else 0.0


def resolve_zone(inst: Mapping[int, int], preset: Mapping[int, int], s: SampleHeader, index: int) -> Zone | None:
    """One playable zone: instrument values (defaults where unset) plus the preset's additions."""

    def g(oper: int) -> int:
        return inst.get(oper, GEN_DEFAULTS.get(oper, 0)) + (preset.get(oper, 0) if oper not in _INSTRUMENT_ONLY else 0)

    ik, pk = _range(inst, 43), _range(preset, 43)
    iv, pv = _range(inst, 44), _range(preset, 44)
    keys = (max(ik[0], pk[0]), min(ik[1], pk[1]))
    vels = (max(iv[0], pv[0]), min(iv[1], pv[1]))
    if keys[0] > keys[1] or vels[0] > vels[1]:
        return None
    length = s.end - s.start if not s.compressed else 1 << 30  # an .sf3's true length is known once decoded
    begin = max(0, g(0) + 32768 * g(4))
    end = length + g(1) + 32768 * g(12)
    loop_start = s.loop_start + g(2) + 32768 * g(45)
    loop_end = s.loop_end + g(3) + 32768 * g(50)
    root = g(58) if g(58) >= 0 else s.root
    return Zone(
        sample=index, keys=keys, vels=vels, begin=begin, end=end, loop_start=loop_start, loop_end=loop_end,
        mode=g(54) & 3, root=root, tune=g(51) + (g(52) + s.correction) / 100.0, scale=g(56) / 100.0,
        attenuation=float(max(0, g(48))), pan=float(np.clip(g(17) / 500.0, -1, 1)),
        delay=_seconds(g(33)), attack=_seconds(g(34)), hold=_seconds(g(35)), decay=_seconds(g(36)),
        sustain=float(np.clip(g(37), 0, 1440)), release=_seconds(g(38)), key_hold=float(g(39)),
        key_decay=float(g(40)), cutoff=float(g(8)), rate=s.rate,
    )


def _samples(data: memoryview, shdr: tuple[int, int]) -> list[SampleHeader]:
    rows = _records(data, shdr, "<20sIIIIIBbHH")[:-1]  # the last is the terminal "EOS"
    out = []
    for name, start, end, ls, le, rate, root, corr, _link, stype in rows:
        assert isinstance(start, int) and isinstance(end, int) and isinstance(ls, int) and isinstance(le, int)
        compressed = bool(int(stype) & _OGG)
        if not compressed:  # .sf2 loops count from the start of smpl; ours from the sample's first frame
            ls, le = ls - start, le - start
        out.append(SampleHeader(_name(name), start, end, ls, le, int(rate) or 44100, int(root) if int(root) <= 127
                                else 60, int(corr), compressed))
    return out


def _presets(
    data: memoryview, pdta: dict[str, tuple[int, int]], samples: list[SampleHeader]
) -> dict[tuple[int, int], list[Zone]]:
    phdr = _records(data, pdta["phdr"], "<20sHHHIII")
    pbag, pgen = _records(data, pdta["pbag"], "<HH"), _records(data, pdta["pgen"], "<HH")
    inst, ibag = _records(data, pdta["inst"], "<20sH"), _records(data, pdta["ibag"], "<HH")
    igen = _records(data, pdta["igen"], "<HH")
    presets: dict[tuple[int, int], list[Zone]] = {}
    for p in range(len(phdr) - 1):
        pglob, pzones = _zone_lists(pbag, pgen, int(phdr[p][3]), int(phdr[p + 1][3]), _INSTRUMENT)
        zones: list[Zone] = []
        for pz in pzones:
            pgens = {**pglob, **pz}
            i = pgens[_INSTRUMENT]
            if not 0 <= i < len(inst) - 1:
                raise BankError("a preset names an instrument that is not there")
            iglob, izones = _zone_lists(ibag, igen, int(inst[i][1]), int(inst[i + 1][1]), _SAMPLE_ID)
            for iz in izones:
                igens = {**iglob, **iz}
                s = igens[_SAMPLE_ID]
                if not 0 <= s < len(samples):
                    raise BankError("an instrument names a sample that is not there")
                if samples[s].end <= samples[s].start:
                    continue
                zone = resolve_zone(igens, pgens, samples[s], s)
                if zone is not None:
                    zones.append(zone)
        presets[(int(phdr[p][2]), int(phdr[p][1]))] = zones
    return presets


def read(path: Path | str, decode_ogg: Callable[[bytes], np.ndarray] | None = None) -> Bank:
    """Read a .sf2 (or, with ``decode_ogg``, an .sf3) into a ``Bank``; a broken file raises BankError.
    The sample data stays in the file, memory-mapped: only the samples a piece plays are paged in."""
    path = Path(path)
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    data = memoryview(raw)  # type: ignore[arg-type]
    if len(data) < 12 or bytes(data[0:4]) != b"RIFF" or bytes(data[8:12]) != b"sfbk":
        raise BankError("not a RIFF sfbk file")
    top = _chunks(data, 12, min(len(data), 8 + struct.unpack_from("<I", data, 4)[0]))
    if "sdta" not in top or "pdta" not in top:
        raise BankError("no sample or preset data")
    sdta = _chunks(data, top["sdta"][0], sum(top["sdta"]))
    pdta = _chunks(data, top["pdta"][0], sum(top["pdta"]))
    missing = {"phdr", "pbag", "pgen", "inst", "ibag", "igen", "shdr"} - pdta.keys()
    if missing or "smpl" not in sdta:
        raise BankError("missing tables: " + ", ".join(sorted(missing | ({"smpl"} - sdta.keys()))))
    try:
        samples = _samples(data, pdta["shdr"])
        presets = _presets(data, pdta, samples)
    except (struct.error, KeyError, IndexError) as exc:
        raise BankError(f"broken preset data ({exc})") from exc
    smpl_at, smpl_size = sdta["smpl"]
    if any(s.compressed for s in samples) and decode_ogg is None:
        raise BankError("compressed samples and no decoder")
    pcm16 = np.ndarray((smpl_size // 2,), dtype="<i2", buffer=raw, offset=smpl_at)
    cache: dict[int, np.ndarray] = {}

    def read_pcm(index: int) -> np.ndarray:
        if index not in cache:
            s = samples[index]
            if s.compressed:
                assert decode_ogg is not None
                cache[index] = decode_ogg(bytes(data[smpl_at + s.start : smpl_at + min(s.end, smpl_size)]))
            else:
                cache[index] = pcm16[s.start : min(s.end, len(pcm16))].astype(np.float32) / 32768.0
        return cache[index]

    return Bank(presets, samples, read_pcm)
