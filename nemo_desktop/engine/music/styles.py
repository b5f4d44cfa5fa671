"""Style presets as data.

A style is everything the composer and synth need to sound like one kind of music: tempo range, the
instruments of each stem, how the chords and bass move, the drum pattern, swing and room. Adding a style
means adding one entry to ``STYLES``; no code changes.

Progressions are written in Roman numerals relative to the tonic with explicit accidentals (``bVII``,
``bVI``), upper case for major, lower case for minor, suffixes ``7``, ``maj7``, ``sus4``, ``add9``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# 16-step drum grids: one string per voice, "x" = hit, "o" = soft hit (ghost), "." = rest.
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


# The epic orchestra (cinematic's own); a gentler one for a quieter film; strings around a piano or a harp
# for sad and romantic calm music.
EPIC_ORCHESTRA = Orchestra(climax_lead="trumpet")
GENTLE_ORCHESTRA = Orchestra(
    arps=("harp", "celesta"), arp_until=0.72, brass=None, choir=None, winds=("flute", "oboe", "clarinet"),
    climax_lead="strings",
)
SAD_ORCHESTRA = Orchestra(
    arps=("piano",), arp_until=1.1, held=0.6, ostinato=None, tremolo=None, brass=None, choir=None, timpani=False,
    winds=("clarinet", "oboe"), lead="cello", climax_lead="strings", welcomes=("piano", "strings"),
)
ROMANTIC_ORCHESTRA = Orchestra(
    arps=("harp", "harp", "celesta", "harp"), arp_until=1.1, held=0.8, ostinato="pizzicato", tremolo=None, brass=None,
    choir=None, timpani=False, winds=("flute", "oboe"), climax_lead="strings", welcomes=("piano", "strings"),
)


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
    chord_rhythm: str  # "sustain" | "stabs" | "strum" | "broken" | "comp"
    bass_rhythm: str  # "whole" | "half" | "eighths" | "syncopated" | "pulse"
    melody_density: float  # mean notes per beat in the main section
    broken_rate: tuple[int, int] = (1, 2)  # broken chords' notes per beat: in quiet bars, and otherwise
    swing: float = 0.0  # 0..0.5 delay of off-beat 8ths, as a fraction of an 8th
    reverb: float = 0.3  # 0..1 wet send
    width: float = 1.0  # 0..1.5 how much doubled width the chords and melody get on the sides
    brightness: float = 0.6  # 0..1 synth tone
    melody_db: float = 0.0  # the melody's level against the other stems' balance (dB), where a style needs it
    feel: float = 1.0  # how loosely the players sit around the grid (0 = quantised, 1 = a live band)
    ghosts: float = 0.0  # chance of a ghost snare on a free sixteenth next to a backbeat, in a full groove
    sidechain_db: float = 0.0  # how far the chords, pads and bass duck under each kick (0: they do not)
    sidechain_release: float = 0.15  # seconds for them to come back (short in dance music: it pumps)
    keys_major: tuple[str, ...] = ("C", "D", "F", "G", "A", "Eb", "Bb")
    keys_minor: tuple[str, ...] = ("A", "D", "E", "C", "G", "B", "F#")
    extra: dict[str, float] = field(default_factory=dict)
    orchestra: Orchestra | None = None  # played by an orchestra (the parts then follow ``Orchestra``)


_POP_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.......x.......", "hat": "x...x...x...x..."},
    {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.xox.x.x.xo"},
    {
        "kick": "x.....x.x.x.....",
        "snare": "....x.......x..o",
        "hat": "xoxoxoxoxoxoxoxo",
        "clap": "....x.......x...",
    },
)
# A soft kit for a style that has no drums of its own when the person asks for drums ("calm piano with drums"):
# brushed time on the shaker and rim, the kick only on the downbeats.
LIGHT_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.......x.......", "shaker": "..x...x...x...x."},
    {"kick": "x.......x.......", "rim": "....x.......x...", "shaker": "x.x.x.x.x.x.x.x."},
    {"kick": "x.....x.x.......", "rim": "....x.......x...", "hat": "x.x.x.x.x.x.x.x.", "shaker": "..x...x...x...x."},
)
_LOFI_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.........x.....", "hat": "x.x.x.x.x.x.x.x."},
    {"kick": "x.........x..o..", "snare": "....x.......x...", "hat": "x.xox.x.x.xox.xo"},
    {
        "kick": "x.o.......x..o..",
        "snare": "....x..o....x...",
        "hat": "x.xox.x.x.xox.x.",
        "shaker": "..x...x...x...x.",
    },
)
_ELECTRONIC_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x...x...x...x...", "hat": "..x...x...x...x."},
    {"kick": "x...x...x...x...", "clap": "....x.......x...", "hat": "..x...x...x...x."},
    {
        "kick": "x...x...x...x...",
        "clap": "....x.......x...",
        "hat": "xoxoxoxoxoxoxoxo",
        "openhat": "..x...x...x...x.",
    },
)
_CINEMATIC_GROOVES: tuple[DrumGrid, ...] = (
    {"tom": "x.......x......."},
    {"kick": "x.......x.......", "tom": "x.....x.x...x...", "snare": "............x..."},
    {"kick": "x.....x.x.......", "tom": "x.x.x.x.x.x.xxxx", "snare": "....x.......x..."},
)
_ACOUSTIC_GROOVES: tuple[DrumGrid, ...] = (
    {"shaker": "x.x.x.x.x.x.x.x."},
    {"kick": "x.......x.......", "rim": "....x.......x...", "shaker": "xoxoxoxoxoxoxoxo"},
    {
        "kick": "x.....x.x.......",
        "snare": "....x.......x...",
        "shaker": "xoxoxoxoxoxoxoxo",
        "hat": "x.x.x.x.x.x.x.x.",
    },
)

STYLES: dict[str, Style] = {
    "calm_piano": Style(
        name="calm_piano",
        names={"en": "calm piano", "zh_CN": "平静钢琴"},
        bpm_range=(66.0, 84.0),
        mode=None,
        chord_instrument="piano",
        melody_instrument="piano",
        bass_instrument="piano_bass",
        pad="pad",
        drums=False,
        grooves=(),
        progressions_major=(
            ("I", "V", "vi", "IV"),
            ("I", "iii", "IV", "V"),
            ("vi", "IV", "I", "V"),
            ("I", "IV", "vi", "V"),
            ("IVmaj7", "I", "ii7", "Vsus4"),
        ),
        progressions_minor=(
            ("i", "bVI", "bIII", "bVII"),
            ("i", "iv", "bVI", "V"),
            ("bVI", "bVII", "i", "i"),
            ("i", "bVII", "bVI", "bVII"),
        ),
        chord_rhythm="broken",
        broken_rate=(3, 4),
        bass_rhythm="whole",
        melody_density=0.8,
        reverb=0.45,
        width=0.7,
        brightness=0.45,
        feel=1.0,
    ),
    "upbeat_pop": Style(
        name="upbeat_pop",
        names={"en": "upbeat pop", "zh_CN": "欢快流行"},
        bpm_range=(110.0, 128.0),
        mode="major",
        chord_instrument="epiano",
        melody_instrument="lead",
        bass_instrument="synth_bass",
        pad="pad",
        drums=True,
        grooves=_POP_GROOVES,
        progressions_major=(
            ("I", "V", "vi", "IV"),
            ("vi", "IV", "I", "V"),
            ("I", "IV", "vi", "V"),
            ("IV", "I", "V", "vi"),
        ),
        progressions_minor=(("i", "bVI", "bIII", "bVII"), ("i", "bVII", "bVI", "bVII")),
        chord_rhythm="stabs",
        bass_rhythm="eighths",
        melody_density=1.4,
        reverb=0.25,
        width=0.9,
        brightness=0.7,
        feel=0.7,
        sidechain_db=3.0,
        sidechain_release=0.14,
        ghosts=0.25,
    ),
    "cinematic": Style(
        name="cinematic",
        names={"en": "cinematic", "zh_CN": "史诗电影"},
        bpm_range=(80.0, 100.0),
        mode="minor",
        chord_instrument="strings",
        melody_instrument="horn",
        bass_instrument="contrabass",
        pad="pad",
        drums=True,
        grooves=_CINEMATIC_GROOVES,
        progressions_major=(("I", "V", "vi", "IV"), ("I", "bVII", "IV", "I"), ("vi", "IV", "I", "V")),
        progressions_minor=(
            ("i", "bVI", "bIII", "bVII"),
            ("i", "bVI", "iv", "V"),
            ("i", "bVII", "bVI", "V"),
            ("i", "iv", "bVI", "bVII"),
        ),
        chord_rhythm="sustain",
        broken_rate=(2, 3),
        bass_rhythm="pulse",
        melody_density=0.6,
        reverb=0.6,
        width=1.05,
        brightness=0.5,
        melody_db=-2.5,
        feel=1.2,
        orchestra=EPIC_ORCHESTRA,
        keys_minor=("D", "C", "E", "A", "G"),
    ),
    "lofi": Style(
        name="lofi",
        names={"en": "lo-fi", "zh_CN": "低保真"},
        bpm_range=(72.0, 88.0),
        mode=None,
        chord_instrument="epiano",
        melody_instrument="pluck",
        bass_instrument="finger_bass",
        pad=None,
        drums=True,
        grooves=_LOFI_GROOVES,
        progressions_major=(
            ("IVmaj7", "iii7", "ii7", "Imaj7"),
            ("ii7", "V7", "Imaj7", "vi7"),
            ("Imaj7", "vi7", "ii7", "V7"),
        ),
        progressions_minor=(("i7", "iv7", "bVIImaj7", "bIIImaj7"), ("i7", "bVImaj7", "iv7", "v7")),
        chord_rhythm="comp",
        bass_rhythm="syncopated",
        melody_density=0.7,
        swing=0.35,
        reverb=0.35,
        width=1.2,
        brightness=0.35,
        feel=1.5,
        sidechain_db=2.5,
        sidechain_release=0.18,
        ghosts=0.35,
    ),
    "acoustic": Style(
        name="acoustic",
        names={"en": "acoustic", "zh_CN": "原声吉他"},
        bpm_range=(92.0, 112.0),
        mode="major",
        chord_instrument="guitar",
        melody_instrument="pluck",
        bass_instrument="finger_bass",
        pad=None,
        drums=True,
        grooves=_ACOUSTIC_GROOVES,
        progressions_major=(
            ("I", "V", "vi", "IV"),
            ("I", "IV", "I", "V"),
            ("vi", "IV", "I", "V"),
            ("I", "iii", "IV", "IV"),
        ),
        progressions_minor=(("i", "bVII", "bVI", "bVII"), ("i", "iv", "bVII", "bIII")),
        chord_rhythm="strum",
        bass_rhythm="half",
        melody_density=1.2,
        reverb=0.3,
        width=1.1,
        brightness=0.6,
        feel=1.0,
        sidechain_db=1.5,
        sidechain_release=0.2,
        ghosts=0.2,
        keys_major=("G", "D", "C", "A", "E"),
    ),
    "electronic": Style(
        name="electronic",
        names={"en": "electronic", "zh_CN": "电子"},
        bpm_range=(118.0, 128.0),
        mode="minor",
        chord_instrument="synth",
        melody_instrument="lead",
        bass_instrument="synth_bass",
        pad="pad",
        drums=True,
        grooves=_ELECTRONIC_GROOVES,
        progressions_major=(("vi", "IV", "I", "V"), ("I", "V", "vi", "IV")),
        progressions_minor=(
            ("i", "bVI", "bIII", "bVII"),
            ("i", "bVII", "bVI", "bVII"),
            ("i", "iv", "bVI", "bVII"),
        ),
        chord_rhythm="stabs",
        bass_rhythm="pulse",
        melody_density=1.2,
        reverb=0.3,
        width=1.0,
        brightness=0.75,
        feel=0.35,
        sidechain_db=5.0,
        sidechain_release=0.09,
        extra={"drop_gap": 1.0},
    ),
    "ambient": Style(
        name="ambient",
        names={"en": "ambient", "zh_CN": "氛围"},
        bpm_range=(60.0, 76.0),
        mode=None,
        chord_instrument="pad",
        melody_instrument="bell",
        bass_instrument="sub_bass",
        pad=None,
        drums=False,
        grooves=(),
        progressions_major=(
            ("Imaj7", "IVmaj7", "Imaj7", "IVmaj7"),
            ("I", "vi", "IV", "I"),
            ("Iadd9", "V", "vi7", "IVmaj7"),
        ),
        progressions_minor=(("i7", "bVImaj7", "i7", "iv7"), ("i", "bVII", "bVI", "bVII")),
        chord_rhythm="sustain",
        bass_rhythm="whole",
        melody_density=0.4,
        reverb=0.75,
        width=0.85,
        brightness=0.4,
        feel=1.2,
    ),
}

DEFAULT_STYLE = "calm_piano"

# A style as a mood plays it, where the mood changes who plays: an epic film score is cinematic's own.
FLAVOURS: dict[tuple[str, str], Style] = {
    ("cinematic", "calm"): replace(STYLES["cinematic"], orchestra=GENTLE_ORCHESTRA),
    ("cinematic", "sad"): replace(STYLES["cinematic"], orchestra=GENTLE_ORCHESTRA),
    ("cinematic", "romantic"): replace(STYLES["cinematic"], orchestra=GENTLE_ORCHESTRA),
    ("calm_piano", "sad"): replace(
        STYLES["calm_piano"], pad="slow_strings", orchestra=SAD_ORCHESTRA
    ),
    ("calm_piano", "romantic"): replace(STYLES["calm_piano"], pad="slow_strings", orchestra=ROMANTIC_ORCHESTRA),
}


def flavoured(style: str, mood: str) -> Style:
    """The style ``style`` as ``mood`` plays it (an unknown style is calm piano)."""
    spec = STYLES.get(style, STYLES[DEFAULT_STYLE])
    return FLAVOURS.get((spec.name, mood), spec)

MOODS: dict[str, dict[str, str]] = {
    "calm": {"en": "calm", "zh_CN": "平静"},
    "happy": {"en": "upbeat", "zh_CN": "欢快"},
    "epic": {"en": "epic", "zh_CN": "史诗"},
    "sad": {"en": "melancholic", "zh_CN": "伤感"},
    "romantic": {"en": "romantic", "zh_CN": "浪漫"},
    "chill": {"en": "chill", "zh_CN": "放松"},
    "energetic": {"en": "energetic", "zh_CN": "活力"},
    "neutral": {"en": "", "zh_CN": ""},
}

INSTRUMENT_NAMES: dict[str, dict[str, str]] = {
    "piano": {"en": "piano", "zh_CN": "钢琴"},
    "guitar": {"en": "guitar", "zh_CN": "吉他"},
    "strings": {"en": "strings", "zh_CN": "弦乐"},
    "synth": {"en": "synth", "zh_CN": "合成器"},
}


def style_name(style: str, lang: str = "en") -> str:
    """The display name of a style in ``lang`` ("en" or "zh_CN")."""
    names = STYLES[style].names if style in STYLES else {"en": style}
    return names.get(lang, names["en"])
