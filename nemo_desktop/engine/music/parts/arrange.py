"""The arrangement: which layers play each bar, how busy and how high, and the transitions between phrases.

A piece that keeps every part going from the intro to the end is a wall; an arranger brings layers in and
out. Section by section, a phrase (four bars) at a time: an intro starts with a few parts over the drums'
light groove; a build starts with two more layers, adds the last a phrase later and rises (busier, higher,
louder into the main); a main plays everything and changes one thing every other phrase (the pad drops
out, the melody rests for an answer, the groove moves, the chords thin out; where the melody plays on
through that, it rests for the phrase's second half); a breakdown keeps two layers
(or the chords alone) and drops its energy. No arrangement runs longer than ``RUN_LIMIT`` bars unchanged.
A fill marks each section change and every eighth bar.

The seed picks the variant within the style (``Variant``: the intro's layers, the order layers enter, what a
breakdown keeps, which way a main's groove moves, what a main changes, the fill), so a new seed is a new
arrangement as well as new notes. Its draws come first from the piece's generator, before the chords.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nemo_desktop.engine.music.parts.context import ALL_PARTS, Bar, PartContext

_INTROS = (("chords",), ("chords", "pad"), ("chords", "melody"), ("pad", "melody"))
# a build starts with two of these and adds the third: the drums are always among the first two (the
# pulse carries a build), the seed picks the rest
_ENTRIES = (("bass", "drums", "melody"), ("drums", "bass", "melody"), ("drums", "melody", "bass"),
            ("melody", "drums", "bass"))
_KEEPS = (("chords", "pad"), ("chords", "melody"), ("pad", "melody"), ("chords",))
_CHANGES = ("pad", "melody", "groove", "thin")
_FILLS = ("snare", "toms", "roll", "stop")
RUN_LIMIT = 8  # bars an arrangement may run unchanged


@dataclass(frozen=True)
class Variant:
    """The seed's arrangement choices within the style."""

    intro: tuple[str, ...]  # the layers of the intro's first phrase
    entry: tuple[str, ...]  # the order the layers enter in a build
    keeps: tuple[str, ...]  # what plays in a breakdown
    main_groove: int  # a groove change goes heavier (2) or lighter (1)
    change: str  # what a main changes every other phrase: "pad" | "melody" | "groove" | "thin"
    fill: str  # the drums' transition: "snare" | "toms" | "roll" | "stop"


@dataclass
class _Phrase:
    """Up to four bars of one section, arranged together."""

    bars: list[Bar]
    section: str
    index: int  # its number within its section
    count: int  # phrases in its section
    occurrence: int  # how many sections of this name came before


def choose_variant(rng: np.random.Generator) -> Variant:
    """The seed's variant (five draws, always in this order)."""
    return Variant(
        intro=_INTROS[int(rng.integers(len(_INTROS)))],
        entry=_ENTRIES[int(rng.integers(len(_ENTRIES)))],
        keeps=_KEEPS[int(rng.integers(len(_KEEPS)))],
        main_groove=int(rng.integers(1, 3)),
        change=_CHANGES[int(rng.integers(len(_CHANGES)))],
        fill=_FILLS[int(rng.integers(len(_FILLS)))],
    )


def _phrases(bars: Sequence[Bar]) -> list[_Phrase]:
    """The bars cut into phrases: runs of one section, four bars at a time."""
    runs: list[list[Bar]] = []
    for b in bars:
        if runs and runs[-1][0].section == b.section:
            runs[-1].append(b)
        else:
            runs.append([b])
    seen: dict[str, int] = {}
    out: list[_Phrase] = []
    for run in runs:
        name = run[0].section
        chunks = [run[p : p + 4] for p in range(0, len(run), 4)]
        if len(chunks) > 1 and len(chunks[-1]) < 2:  # a lone bar joins the phrase before it
            tail = chunks.pop()
            chunks[-1] += tail
        out += [_Phrase(c, name, k, len(chunks), seen.get(name, 0)) for k, c in enumerate(chunks)]
        seen[name] = seen.get(name, 0) + 1
    return out


def _audible(ctx: PartContext) -> frozenset[str]:
    """The layers this cast can play: no pad without a pad voice (an orchestra has its own), no drums
    unless asked for."""
    out = set(ALL_PARTS)
    if not ctx.cast.pad or ctx.cast.orchestra is not None:
        out.discard("pad")
    if not ctx.drums:
        out.discard("drums")
    return frozenset(out)


def _keeps(v: Variant, audible: frozenset[str]) -> frozenset[str]:
    """A breakdown's layers: the variant's two, or the chords and melody where those would leave one."""
    keep = frozenset(v.keeps) & audible
    return keep if len(keep) >= 2 or keep == {"chords"} else frozenset({"chords", "melody"})


def _shape(ph: _Phrase, v: Variant, audible: frozenset[str], nxt: _Phrase | None = None) -> None:
    """One phrase's layers, density, register and groove by its section and place (``nxt``: the phrase
    after it)."""
    parts: frozenset[str] = ALL_PARTS
    density, lift, groove = 1.0, 0, -1
    answer = False  # the melody rests over the phrase's second half while the band answers
    if ph.section == "intro":
        # the drums keep time from the start (their light groove), so the picture's first cuts are heard
        parts = frozenset(v.intro) | {"drums"} | (frozenset(v.entry[:1]) if ph.index else frozenset())
        density = 0.6
    elif ph.section == "build":
        # a short build enters faster, but one of a single phrase keeps its last layer for the main it leads to
        into_main = nxt is not None and nxt.section == "main" and ph.count == 1
        layers = min(len(v.entry), ph.index + 2 + (0 if into_main else max(0, 2 - ph.count)))
        parts = frozenset({"chords", "pad"}) | frozenset(v.entry[:layers])
        density = 0.6 + 0.4 * (ph.index + 1) / ph.count
        lift = 3 if ph.index == ph.count - 1 and ph.count > 1 else 0
        # a long build (three phrases or more) rises slowly: its odd phrases answer, as a main's do
        answer = ph.count >= 3 and ph.index % 2 == 1
    elif ph.section == "main":
        lift = 4 if ph.occurrence else 0  # a later chorus sits higher
        if ph.index % 2:
            parts, density, groove = _changed(v, parts, _level_groove(ph), audible)
            # a pad leaving or a groove moving is felt more than heard: where the melody plays on, it
            # rests for the phrase's second half too, so every other phrase of a long main is heard to change
            answer = True
    elif ph.section == "breakdown":
        parts, density, groove = _keeps(v, audible), 0.5, 0
        if ph.index % 2:  # a long breakdown: the melody comes or goes halfway
            parts = parts ^ {"melody"}
    answer = answer and "melody" in parts and len(ph.bars) >= 4  # a whole phrase, its melody still playing
    for k, b in enumerate(ph.bars):
        b.parts, b.density, b.lift, b.groove = parts, density, lift, groove
        if answer and 2 * k >= len(ph.bars):
            b.parts = parts - {"melody"}
        if ph.section == "breakdown":
            b.level = min(b.level, 0.32)


def _level_groove(ph: _Phrase) -> int:
    """The groove the drums would play by the phrase's energy (as ``drums.py`` picks it)."""
    level = sum(b.level for b in ph.bars) / len(ph.bars)
    return 0 if level < 0.5 else (1 if level < 0.72 else 2)


def _changed(
    v: Variant, parts: frozenset[str], groove: int, audible: frozenset[str]
) -> tuple[frozenset[str], float, int]:
    """``parts`` with one thing changed — the variant's ``change`` if this cast can be heard making it,
    else the next that can. A groove change moves one groove lighter or heavier (the variant's way)."""
    order = (v.change,) + tuple(c for c in _CHANGES if c != v.change)
    for c in order:
        if c in ("pad", "melody") and c in parts and c in audible:
            return parts - {c}, 1.0, groove
        if c == "groove" and "drums" in audible:
            base = max(groove, 0)
            moved = base + (1 if v.main_groove == 2 else -1)
            return parts, 1.0, moved if 0 <= moved <= 2 else base - (moved - base)
        if c == "thin":
            return parts - {"pad"}, 0.55, groove
    return parts, 0.55, groove


def _signature(b: Bar, audible: frozenset[str]) -> tuple[frozenset[str], int, bool]:
    """What a listener hears change between bars: the layers, the groove, busy or thin."""
    return (b.parts & audible, b.groove if "drums" in b.parts & audible else 0, b.density >= 0.8)


def _no_long_runs(phrases: Sequence[_Phrase], v: Variant, audible: frozenset[str]) -> None:
    """A phrase that would leave the arrangement unchanged past ``RUN_LIMIT`` bars changes one thing."""
    run, last = 0, None
    for ph in phrases:
        sig = _signature(ph.bars[0], audible)
        if sig == last and run + len(ph.bars) > RUN_LIMIT and ph.section not in ("outro",):
            parts, density, groove = _changed(v, ph.bars[0].parts, ph.bars[0].groove, audible)
            if (parts & audible, density >= 0.8) == (ph.bars[0].parts & audible, ph.bars[0].density >= 0.8):
                parts = parts ^ {"melody"}
            for b in ph.bars:
                b.parts, b.density, b.groove = parts, density, groove
            sig = _signature(ph.bars[0], audible)
        run = run + len(ph.bars) if sig == last else len(ph.bars)
        last = sig


def _rise(ph: _Phrase, nxt: _Phrase | None) -> None:
    """A build (of two phrases or more) into a main rises over its last phrase: louder bar by bar."""
    if ph.section != "build" or ph.count < 2 or nxt is None or nxt.section != "main":
        return
    for k, b in enumerate(ph.bars):
        b.level = min(1.0, b.level + 0.05 * (k + 1))


def _fills(phrases: Sequence[_Phrase], v: Variant) -> None:
    """A fill over the last bar before each section change and every eighth bar: a roll at the end of a
    build of two phrases or more, a stop into a breakdown, else the variant's own."""
    for k, ph in enumerate(phrases[:-1]):
        nxt = phrases[k + 1]
        if nxt.section == "main" and ph.section == "build" and ph.count > 1:  # a real build rolls into it
            ph.bars[-1].fill = "toms" if v.fill == "toms" else "roll"
        elif nxt.section != ph.section:
            ph.bars[-1].fill = "stop" if nxt.section == "breakdown" else v.fill
        elif ph.index % 2:
            ph.bars[-1].fill = v.fill


def arrange(ctx: PartContext) -> Variant:
    """Give every bar its layers, density, register, groove and fill (in place); returns the variant."""
    v = choose_variant(ctx.rng)
    audible = _audible(ctx)
    phrases = _phrases(ctx.bars)
    for k, ph in enumerate(phrases):
        nxt = phrases[k + 1] if k + 1 < len(phrases) else None
        _shape(ph, v, audible, nxt)
        _rise(ph, nxt)
    _no_long_runs(phrases, v, audible)
    _fills(phrases, v)
    return v
