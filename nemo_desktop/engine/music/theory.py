"""Scales, chords, progressions and voice leading: the harmony the composer writes with.

Pitches are MIDI note numbers; pitch classes are 0..11 with C = 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import permutations

NOTE_PCS: dict[str, int] = {
    "C": 0,
    "C#": 1,
    "Db": 1,
    "D": 2,
    "D#": 3,
    "Eb": 3,
    "E": 4,
    "F": 5,
    "F#": 6,
    "Gb": 6,
    "G": 7,
    "G#": 8,
    "Ab": 8,
    "A": 9,
    "A#": 10,
    "Bb": 10,
    "B": 11,
}
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    # five-note scales (Chinese traditional melodies): the major one, and its relative minor's
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
}
_NUMERALS = {"I": 0, "II": 2, "III": 4, "IV": 5, "V": 7, "VI": 9, "VII": 11}
# Seventh and ninth above the third: "9" is a dominant ninth (a minor ninth chord on a lower-case numeral)
_UPPER = {"9": (10, 14), "maj9": (11, 14), "7b9": (10, 13)}
_CHORD_RE = re.compile(r"^(b|#)?(VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i)(°)?(maj9|maj7|7b9|9|7|sus4|sus2|add9|b9)?$")


def key_pc(key: str) -> int:
    """The pitch class of a key name such as "D", "F#" or "Bb"."""
    return NOTE_PCS[key]


@dataclass(frozen=True)
class Chord:
    """A chord as a root pitch class plus intervals above it."""

    root: int  # pitch class
    intervals: tuple[int, ...]  # semitones above the root, root (0) first
    symbol: str

    @property
    def pcs(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in self.intervals)

    @property
    def triad_pcs(self) -> tuple[int, ...]:
        return self.pcs[:3]


def parse_chord(symbol: str, tonic: int) -> Chord:
    """A Roman-numeral chord ("bVII", "ii7", "IVmaj7", "Vsus4", "ii9", "V7b9") in the key whose tonic is ``tonic``."""
    m = _CHORD_RE.match(symbol)
    if not m:
        raise ValueError(f"bad chord symbol {symbol!r}")
    acc, numeral, dim, ext = m.groups()
    root = (tonic + _NUMERALS[numeral.upper()] + {"b": -1, "#": 1, None: 0}[acc]) % 12
    minor = numeral.islower()
    third = 3 if minor else 4
    fifth = 6 if dim else 7
    intervals: list[int] = [0, third, fifth]
    if ext in _UPPER:
        # ninths keep the fifth last, so a four-voice voicing (``pcs[:4]``) is root, third, seventh, ninth
        intervals = [0, third, *_UPPER[ext], fifth]
    elif ext == "maj7":
        intervals.append(11)
    elif ext == "7":
        intervals.append(10)
    elif ext == "sus4":
        intervals[1] = 5
    elif ext == "sus2":
        intervals[1] = 2
    elif ext == "add9":
        intervals.append(14)
    elif ext == "b9":
        intervals.append(13)  # a minor ninth over the triad: the cluster suspense music leans on
    return Chord(root, tuple(intervals), symbol)


def scale_pitches(tonic: int, mode: str, low: int, high: int) -> list[int]:
    """All MIDI pitches of the scale between ``low`` and ``high`` inclusive."""
    pcs = {(tonic + s) % 12 for s in SCALES[mode]}
    return [p for p in range(low, high + 1) if p % 12 in pcs]


def _candidates(pcs: Sequence[int], low: int, high: int, voices: int) -> list[tuple[int, ...]]:
    """Close and open voicings of ``pcs`` (padded to ``voices`` notes) inside [low, high]."""
    tones = list(pcs[:voices])
    while len(tones) < voices:
        tones.append(pcs[len(tones) % len(pcs)] if len(pcs) < 3 else pcs[0])
    out: set[tuple[int, ...]] = set()
    for order in set(permutations(tones)):
        for start in range(low, low + 12):
            if start % 12 != order[0]:
                continue
            notes = [start]
            for pc in order[1:]:
                nxt = notes[-1] + 1
                while nxt % 12 != pc:
                    nxt += 1
                notes.append(nxt)
            if notes[-1] <= high and notes[-1] - notes[0] <= 19:
                out.add(tuple(notes))
    return sorted(out)


def voice_lead(
    pcs: Sequence[int],
    previous: Sequence[int] | None,
    low: int = 52,
    high: int = 76,
    voices: int = 4,
    center: float = 63.0,
) -> tuple[int, ...]:
    """The voicing of ``pcs`` that moves least from ``previous``: smooth inner voices, as a player would."""
    cands = _candidates(pcs, low, high, voices)
    if not cands:
        return tuple(sorted(low + ((pc - low) % 12) for pc in pcs[:voices]))
    if previous is None or len(previous) != voices:
        return min(cands, key=lambda c: abs(sum(c) / len(c) - center) + (c[-1] - c[0]) * 0.05)
    prev = sorted(previous)

    def cost(c: tuple[int, ...]) -> float:
        move = sum(abs(a - b) for a, b in zip(sorted(c), prev, strict=True))
        return move + 0.15 * abs(sum(c) / len(c) - center)

    return min(cands, key=cost)


def nearest_in(pitch: float, allowed: Sequence[int]) -> int:
    """The allowed pitch closest to ``pitch`` (ties go down)."""
    return min(allowed, key=lambda p: (abs(p - pitch), p))
