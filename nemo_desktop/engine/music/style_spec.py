"""What a style is made of: the types the styles (``styles.py``) and their drum grooves (``grooves.py``) are
written in. Data only; the composer's parts read these fields, so a new style needs no code."""

from __future__ import annotations

from dataclasses import dataclass, field

# 16-step drum grids: one string per voice, "x" = hit, "o" = soft hit (ghost), "r" = a roll, "." = rest.
DrumGrid = dict[str, str]


@dataclass(frozen=True)
class Orchestra:
    """Who plays what in an orchestral style: the parts pick per bar by its energy (quiet < 0.5 ≤ middle
    < 0.72 ≤ climax). A voice left out (None, or an empty tuple) does not play."""

    arps: tuple[str, ...] = ("harp",)  # broken chords under the quiet passages, one voice per phrase in turn
    arp_until: float = 0.55  # … up to this energy
    soft: str = "slow_strings"  # long chords swelling in, when quiet
    legato: str = "strings"  # held chords from the middle up
    held: float = 1.0  # how loud the held chords sit (under a piano's arpeggio they step back)
    ostinato: str | None = "spiccato"  # short repeated notes when the music drives
    tremolo: str | None = "strings_tremolo"  # a swell into each main cut
    brass: str | None = "brass"  # chords at the climaxes
    choir: str | None = "choir"  # a pad at the climaxes
    low: tuple[str, str | None] = ("contrabass", "cello")  # the bass line, and its double an octave up
    timpani: bool = True  # rolls into main cuts, a hit on them and on the final chord
    winds: tuple[str, ...] = ("flute", "clarinet", "oboe")  # the melody when quiet, one per phrase in turn
    lead: str = "strings"  # the melody from the middle up
    climax_lead: str = "horn"  # the melody at the climaxes
    welcomes: tuple[str, ...] = ("strings",)  # instrument words that keep the orchestra (others replace it)
    # how much of the piece's energy the players also play as loudness (a band's is ``Style.dynamics``):
    # an orchestra's layering already swells and thins, but an epic one that only layers sat at a loudness
    # range under 3 LU, a wall where a film cue breathes
    dynamics: float = 0.0



@dataclass(frozen=True)
class Style:
    """One kind of music, as data."""

    name: str
    names: dict[str, str]  # display names by language
    bpm_range: tuple[float, float]
    mode: str | None  # "major" / "minor" / None: the video decides
    chord_instrument: str  # synth voice of the "chords" stem
    melody_instrument: str
    bass_instrument: str
    pad: str | None  # an optional sustained layer under the chords
    drums: bool
    grooves: tuple[DrumGrid, ...]  # drum patterns from light to full
    progressions_major: tuple[tuple[str, ...], ...]
    progressions_minor: tuple[tuple[str, ...], ...]
    chord_rhythm: str  # "sustain" | "stabs" | "strum" | "broken" | "comp" | "chug" (power chords)
    bass_rhythm: str  # "whole" | "half" | "eighths" | "syncopated" | "pulse" | "walking" | "pattern"
    melody_density: float  # mean notes per beat in the main section
    broken_rate: tuple[int, int] = (1, 2)  # broken chords' notes per beat: in quiet bars, and otherwise
    swing: float = 0.0  # 0..0.5 delay of off-beat 8ths, as a fraction of an 8th
    reverb: float = 0.3  # 0..1 wet send
    width: float = 1.0  # 0..1.5 how much doubled width the chords and melody get on the sides
    brightness: float = 0.6  # 0..1 synth tone
    melody_db: float = 0.0  # the melody's level against the other stems' balance (dB), where a style needs it
    drums_db: float = 0.0  # the kit's level likewise: a ride or a shaker over a light band can outshine it
    feel: float = 1.0  # how loosely the players sit around the grid (0 = quantised, 1 = a live band)
    # how fully a band plays the piece's energy as loudness (``feel``'s dynamics): a style whose arrangement
    # already brings a wall of layers in and out (rock, synthwave) plays less of it, or its quiet intro sat
    # 11 LU under the mains (loudness range 10–11 LU, against 3–9 for produced music)
    dynamics: float = 1.0
    ghosts: float = 0.0  # chance of a ghost snare on a free sixteenth next to a backbeat, in a full groove
    sidechain_db: float = 0.0  # how far the chords, pads and bass duck under each kick (0: they do not)
    sidechain_release: float = 0.15  # seconds for them to come back (short in dance music: it pumps)
    keys_major: tuple[str, ...] = ("C", "D", "F", "G", "A", "Eb", "Bb")
    keys_minor: tuple[str, ...] = ("A", "D", "E", "C", "G", "B", "F#")
    extra: dict[str, float] = field(default_factory=dict)
    orchestra: Orchestra | None = None  # played by an orchestra (the parts then follow ``Orchestra``)
    # One bar of bass as 16 sixteenths (bass_rhythm "pattern"): R root, O its octave, F fifth, N a step into
    # the next bar's root, "." rest; upper case held to the next note, lower case short (bouncy).
    bass_pattern: str = ""
    melody_scale: str = ""  # "pentatonic": the melody keeps to the mode's five-note scale
    melody_turns: tuple[str, ...] = ()  # voices that take the melody in turn, a phrase each (else the melody's)
    chord_register: tuple[int, int] | None = None  # lowest and highest chord note, where the voice's is wrong
    fill_voice: str = "snare"  # the drum that plays the fills
    cadence_major: tuple[str, ...] = ()  # the chords into the final one (empty: IV V, or V in a short piece)
    cadence_minor: tuple[str, ...] = ()
    gentle: bool = False  # the bass and the pad play from the first bar, quiet or not
    plays: tuple[str, ...] = ()  # instrument words the style's own voices already answer ("jazz saxophone")
    pulse: float = 2.4  # struck notes a second a soft pulse keeps under held chords (parts/pulse.py); ambient
    # floats on fewer, so it stays sparse (its cut hits still need a few onsets to stand above)
