"""Style presets as data.

A style is everything the composer and synth need to sound like one kind of music: tempo range, the
instruments of each stem, how the chords and bass move, the drum pattern, swing and room (the fields are
``style_spec.Style``; the drum patterns live in ``grooves.py``). Adding a style means adding one entry to
``STYLES`` (and its words to the prompt's lexicon); no code changes.

Progressions are written in Roman numerals relative to the tonic with explicit accidentals (``bVII``,
``bVI``), upper case for major, lower case for minor, suffixes ``7``, ``maj7``, ``9``, ``maj9``, ``7b9``, ``b9``,
``sus4``, ``sus2``, ``add9``.
"""

from __future__ import annotations

from dataclasses import replace

from nemo_desktop.engine.music import grooves as g
from nemo_desktop.engine.music.grooves import LIGHT_GROOVES
from nemo_desktop.engine.music.style_spec import DrumGrid, Orchestra, Style

__all__ = ["LIGHT_GROOVES", "STYLES", "DrumGrid", "Orchestra", "Style", "flavoured", "style_name"]

# The epic orchestra (cinematic's own); a gentler one for a quieter film; strings around a piano or a harp
# for sad and romantic calm music.
EPIC_ORCHESTRA = Orchestra(climax_lead="trumpet", dynamics=0.35)
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


# Progressions used by more than one style
_POP_MAJOR = (("I", "V", "vi", "IV"), ("vi", "IV", "I", "V"), ("I", "IV", "vi", "V"), ("IV", "I", "V", "vi"))
_DARK_MINOR = (("i", "bVI", "bIII", "bVII"), ("i", "bVII", "bVI", "bVII"), ("i", "iv", "bVI", "bVII"))
_SUSPENSE = (("ib9", "ib9", "bII", "ib9"), ("i", "bVI", "#iv°", "V7b9"), ("ib9", "bIIb9", "ib9", "vii°"))

STYLES: dict[str, Style] = {
    "calm_piano": Style(
        name="calm_piano", names={"en": "calm piano", "zh_CN": "平静钢琴"}, bpm_range=(66.0, 84.0), mode=None,
        chord_instrument="piano", melody_instrument="piano", bass_instrument="piano_bass", pad="pad",
        drums=False, grooves=(),
        progressions_major=(
            ("I", "V", "vi", "IV"), ("I", "iii", "IV", "V"), ("vi", "IV", "I", "V"), ("I", "IV", "vi", "V"),
            ("IVmaj7", "I", "ii7", "Vsus4"),
        ),
        progressions_minor=(
            ("i", "bVI", "bIII", "bVII"), ("i", "iv", "bVI", "V"),
            ("bVI", "bVII", "i", "i"), ("i", "bVII", "bVI", "bVII"),
        ),
        chord_rhythm="broken", broken_rate=(3, 4), bass_rhythm="whole", melody_density=0.8,
        reverb=0.45, width=0.7, brightness=0.45, feel=1.0, melody_db=3.0, gentle=True, plays=("piano",),
    ),
    "ambient": Style(
        name="ambient", names={"en": "ambient", "zh_CN": "氛围"}, bpm_range=(60.0, 76.0), mode=None,
        chord_instrument="warm_pad", melody_instrument="bell", bass_instrument="sub_bass", pad=None, drums=False,
        grooves=(),
        progressions_major=(
            ("Imaj7", "IVmaj7", "Imaj7", "IVmaj7"), ("I", "vi", "IV", "I"), ("Iadd9", "V", "vi7", "IVmaj7"),
        ),
        progressions_minor=(("i7", "bVImaj7", "i7", "iv7"), ("i", "bVII", "bVI", "bVII")),
        chord_rhythm="sustain", bass_rhythm="whole", melody_density=0.4, reverb=0.75, width=0.85, brightness=0.4,
        feel=1.2, dynamics=1.6, cadence_major=("IV",), cadence_minor=("iv",), gentle=True, pulse=1.6,
    ),
    "cinematic": Style(
        name="cinematic", names={"en": "cinematic", "zh_CN": "史诗电影"}, bpm_range=(80.0, 100.0), mode="minor",
        chord_instrument="strings", melody_instrument="horn", bass_instrument="contrabass", pad="pad",
        drums=True, grooves=g.CINEMATIC_GROOVES,
        progressions_major=(("I", "V", "vi", "IV"), ("I", "bVII", "IV", "I"), ("vi", "IV", "I", "V")),
        progressions_minor=(
            ("i", "bVI", "bIII", "bVII"), ("i", "bVI", "iv", "V"),
            ("i", "bVII", "bVI", "V"), ("i", "iv", "bVI", "bVII"),
        ),
        chord_rhythm="sustain", broken_rate=(2, 3), bass_rhythm="pulse", melody_density=0.6, reverb=0.6, width=1.05,
        brightness=0.5, melody_db=-1.5, feel=1.2, orchestra=EPIC_ORCHESTRA, keys_minor=("D", "C", "E", "A", "G"),
        fill_voice="tom",
    ),
    "sad": Style(
        name="sad", names={"en": "sad and emotional", "zh_CN": "伤感抒情"}, bpm_range=(58.0, 72.0), mode="minor",
        chord_instrument="piano", melody_instrument="cello", bass_instrument="piano_bass", pad="slow_strings",
        drums=False, grooves=(),
        progressions_major=(("vi", "IV", "I", "V"), ("I", "vi", "IV", "V"), ("IV", "V", "iii", "vi")),
        progressions_minor=(("i", "bVI", "bIII", "bVII"), ("i", "iv", "bVII", "bIII"), ("i", "v", "bVI", "iv")),
        chord_rhythm="broken", broken_rate=(2, 3), bass_rhythm="whole", melody_density=0.6, reverb=0.55, width=0.8,
        brightness=0.35, orchestra=SAD_ORCHESTRA, gentle=True, keys_minor=("D", "A", "E", "C", "G"),
    ),
    "romantic": Style(
        name="romantic", names={"en": "romantic", "zh_CN": "浪漫"}, bpm_range=(70.0, 86.0), mode="major",
        chord_instrument="harp", melody_instrument="strings", bass_instrument="cello", pad="slow_strings",
        drums=False, grooves=(),
        progressions_major=(("Imaj7", "vi7", "IVmaj7", "V"), ("I", "iii", "vi", "IV"), ("IV", "V", "iii", "vi")),
        progressions_minor=(("i", "bVI", "bIII", "bVII"), ("i", "iv", "bVII", "bIIImaj7")),
        chord_rhythm="broken", broken_rate=(3, 3), bass_rhythm="whole", melody_density=0.8, reverb=0.5, width=0.9,
        brightness=0.5, orchestra=ROMANTIC_ORCHESTRA, gentle=True, keys_major=("Eb", "F", "Bb", "G", "D"),
    ),
    "lofi": Style(
        name="lofi", names={"en": "lo-fi", "zh_CN": "低保真"}, bpm_range=(72.0, 88.0), mode=None,
        chord_instrument="epiano", melody_instrument="pluck", bass_instrument="finger_bass", pad=None,
        drums=True, grooves=g.LOFI_GROOVES,
        progressions_major=(
            ("IVmaj7", "iii7", "ii7", "Imaj7"), ("ii7", "V7", "Imaj7", "vi7"), ("Imaj7", "vi7", "ii7", "V7"),
        ),
        progressions_minor=(("i7", "iv7", "bVIImaj7", "bIIImaj7"), ("i7", "bVImaj7", "iv7", "v7")),
        chord_rhythm="comp", bass_rhythm="syncopated", melody_density=0.7, swing=0.35, reverb=0.35, width=1.2,
        brightness=0.35, feel=1.5, sidechain_db=2.5, sidechain_release=0.18, ghosts=0.35,
        cadence_major=("ii7", "V7"), cadence_minor=("iv7", "V7"),
    ),
    "hip_hop": Style(
        name="hip_hop", names={"en": "hip hop", "zh_CN": "嘻哈"}, bpm_range=(66.0, 78.0), mode="minor",
        chord_instrument="piano", melody_instrument="bell", bass_instrument="bass_808", pad=None,
        drums=True, grooves=g.HIP_HOP_GROOVES,
        progressions_major=(("vi", "IV", "I", "V"), ("I", "vi", "iii", "IV")),
        progressions_minor=(("i", "bVI", "bIII", "bVII"), ("i", "iv", "bVI", "v"), ("i", "i", "bVI", "bVII")),
        chord_rhythm="broken", broken_rate=(1, 1), bass_rhythm="pattern", bass_pattern="R.........R..R..",
        melody_density=0.45, reverb=0.3, width=1.1, brightness=0.4, feel=0.3, sidechain_db=1.5,
        keys_minor=("C", "D", "F", "G", "A"),
    ),
    "electronic": Style(
        name="electronic", names={"en": "electronic", "zh_CN": "电子"}, bpm_range=(118.0, 128.0), mode="minor",
        chord_instrument="synth", melody_instrument="lead", bass_instrument="synth_bass", pad="pad",
        drums=True, grooves=g.ELECTRONIC_GROOVES,
        progressions_major=(("vi", "IV", "I", "V"), ("I", "V", "vi", "IV")), progressions_minor=_DARK_MINOR,
        chord_rhythm="stabs", bass_rhythm="pulse", melody_density=1.2, reverb=0.3, width=1.0, brightness=0.75,
        feel=0.35, sidechain_db=5.0, sidechain_release=0.09, extra={"drop_gap": 1.0}, plays=("synth",),
    ),
    "synthwave": Style(
        name="synthwave", names={"en": "synthwave", "zh_CN": "合成器浪潮"}, bpm_range=(88.0, 104.0), mode="minor",
        chord_instrument="pad", melody_instrument="lead", bass_instrument="saw_bass", pad="synth",
        drums=True, grooves=g.SYNTHWAVE_GROOVES,
        progressions_major=(("I", "V", "vi", "IV"), ("IV", "V", "iii", "vi")),
        progressions_minor=(("i", "bVI", "bVII", "i"), ("bVI", "bVII", "i", "i"), ("i", "v", "bVI", "bVII")),
        chord_rhythm="sustain", bass_rhythm="pattern", bass_pattern="RORORORORORORORO", melody_density=0.8,
        reverb=0.6, width=1.1, brightness=0.55, feel=0.3, sidechain_db=2.0, plays=("synth",),
        dynamics=0.25,
        keys_minor=("A", "E", "F#", "C#", "D"),
    ),
    "upbeat_pop": Style(
        name="upbeat_pop", names={"en": "upbeat pop", "zh_CN": "欢快流行"}, bpm_range=(110.0, 128.0), mode="major",
        chord_instrument="epiano", melody_instrument="lead", bass_instrument="synth_bass", pad="pad",
        drums=True, grooves=g.POP_GROOVES, progressions_major=_POP_MAJOR,
        progressions_minor=(("i", "bVI", "bIII", "bVII"), ("i", "bVII", "bVI", "bVII")),
        chord_rhythm="stabs", bass_rhythm="eighths", melody_density=1.4, reverb=0.25, width=0.9, brightness=0.7,
        feel=0.7, sidechain_db=3.0, sidechain_release=0.14, ghosts=0.25,
    ),
    "rock": Style(
        name="rock", names={"en": "rock", "zh_CN": "摇滚"}, bpm_range=(112.0, 140.0), mode=None,
        chord_instrument="distortion_guitar", melody_instrument="distortion_guitar", bass_instrument="finger_bass",
        pad=None, drums=True, grooves=g.ROCK_GROOVES,
        progressions_major=(
            ("I", "bVII", "IV", "I"), ("I", "IV", "V", "IV"), ("vi", "IV", "I", "V"), ("I", "V", "bVII", "IV"),
        ),
        progressions_minor=(("i", "bVI", "bVII", "i"), ("i", "bIII", "bVII", "iv"), ("i", "bVII", "bVI", "bVII")),
        chord_rhythm="chug", bass_rhythm="eighths", melody_density=0.9, reverb=0.22, width=1.4, brightness=0.7,
        melody_db=-4.0, feel=0.9, ghosts=0.15, dynamics=0.5, keys_major=("E", "A", "D", "G", "C"),
        keys_minor=("E", "A", "D", "B"),
        plays=("guitar", "electric_guitar"),
    ),
    "acoustic": Style(
        name="acoustic", names={"en": "acoustic folk", "zh_CN": "原声民谣"}, bpm_range=(92.0, 112.0), mode="major",
        chord_instrument="guitar", melody_instrument="pluck", bass_instrument="finger_bass", pad=None,
        drums=True, grooves=g.ACOUSTIC_GROOVES,
        progressions_major=(
            ("I", "V", "vi", "IV"), ("I", "IV", "I", "V"), ("vi", "IV", "I", "V"), ("I", "iii", "IV", "IV"),
        ),
        progressions_minor=(("i", "bVII", "bVI", "bVII"), ("i", "iv", "bVII", "bIII")),
        chord_rhythm="strum", bass_rhythm="half", melody_density=1.2, reverb=0.3, width=1.1, brightness=0.6,
        feel=1.0, sidechain_db=1.5, sidechain_release=0.2, ghosts=0.2, keys_major=("G", "D", "C", "A", "E"),
        plays=("guitar",),
    ),
    "jazz": Style(
        name="jazz", names={"en": "jazz", "zh_CN": "爵士"}, bpm_range=(108.0, 144.0), mode="major",
        chord_instrument="piano", melody_instrument="sax", bass_instrument="finger_bass", pad=None,
        drums=True, grooves=g.JAZZ_GROOVES,
        progressions_major=(
            ("ii9", "V9", "Imaj9", "Imaj9"), ("Imaj7", "vi7", "ii7", "V7"), ("iii7", "vi7", "ii9", "V7b9"),
            ("IVmaj7", "iii7", "ii7", "V9"),
        ),
        progressions_minor=(
            ("i7", "iv7", "bVII9", "bIIImaj7"), ("i9", "iv9", "V7b9", "i7"), ("i7", "bVImaj7", "ii7", "V7b9"),
        ),
        chord_rhythm="comp", bass_rhythm="walking", melody_density=1.6, swing=0.55, reverb=0.3, width=1.0,
        brightness=0.5, feel=1.3, drums_db=-2.0, dynamics=0.3, cadence_major=("ii7", "V9"),
        cadence_minor=("iv7", "V7b9"), keys_major=("F", "Bb", "Eb", "C", "G"), keys_minor=("C", "D", "G", "F"),
        plays=("piano", "saxophone"),
    ),
    "corporate": Style(
        name="corporate", names={"en": "corporate uplifting", "zh_CN": "企业励志"}, bpm_range=(100.0, 118.0),
        mode="major", chord_instrument="piano", melody_instrument="pluck", bass_instrument="finger_bass",
        pad="slow_strings", drums=True, grooves=g.CORPORATE_GROOVES,
        progressions_major=(
            ("I", "Vsus4", "vi", "IV"), ("IV", "I", "V", "vi"), ("vi", "IV", "I", "Vsus4"), ("I", "iii", "IV", "V"),
        ),
        progressions_minor=(("i", "bVI", "bIII", "bVII"), ("bVI", "bVII", "i", "i")),
        chord_rhythm="broken", broken_rate=(2, 4), bass_rhythm="pulse", melody_density=0.9, reverb=0.3, width=1.0,
        brightness=0.8, feel=0.5, sidechain_db=2.0, keys_major=("C", "D", "G", "A", "E"),
    ),
    "chinese": Style(
        name="chinese", names={"en": "Chinese traditional", "zh_CN": "中国风"}, bpm_range=(70.0, 92.0), mode="major",
        chord_instrument="koto", melody_instrument="dizi", bass_instrument="cello", pad=None, drums=False, grooves=(),
        progressions_major=(
            ("Isus2", "vi", "iii", "IVadd9"), ("vi", "iii", "IVadd9", "Isus2"), ("Isus2", "IVadd9", "vi", "Vsus4"),
        ),
        progressions_minor=(("i", "bVII", "iv", "i"), ("i", "bIII", "bVII", "i")),
        chord_rhythm="broken", broken_rate=(2, 4), bass_rhythm="whole", melody_density=0.9, reverb=0.5, width=1.0,
        brightness=0.6, feel=1.2, melody_db=-3.0, melody_scale="pentatonic", melody_turns=("dizi", "erhu"),
        cadence_major=("vi", "Vsus4"), cadence_minor=("bVII",), gentle=True, keys_major=("D", "G", "C", "F", "A"),
    ),
    "suspense": Style(
        name="suspense", names={"en": "suspense", "zh_CN": "悬疑"}, bpm_range=(84.0, 100.0), mode="minor",
        chord_instrument="spiccato", melody_instrument="celesta", bass_instrument="sub_bass", pad="slow_strings",
        drums=True, grooves=g.SUSPENSE_GROOVES, progressions_major=_SUSPENSE, progressions_minor=_SUSPENSE,
        chord_rhythm="broken", broken_rate=(2, 4), bass_rhythm="whole", melody_density=0.35, reverb=0.6, width=1.0,
        brightness=0.3, feel=0.6, melody_db=2.0, fill_voice="tom", cadence_major=("bII",), cadence_minor=("bII",),
        gentle=True, keys_minor=("D", "C", "E", "F"),
    ),
    "kids": Style(
        name="kids", names={"en": "playful kids", "zh_CN": "童趣"}, bpm_range=(112.0, 132.0), mode="major",
        chord_instrument="pizzicato", melody_instrument="glockenspiel", bass_instrument="finger_bass", pad=None,
        drums=True, grooves=g.KIDS_GROOVES,
        progressions_major=(("I", "IV", "V", "I"), ("I", "vi", "IV", "V"), ("IV", "V", "I", "I")),
        progressions_minor=(("i", "iv", "V", "i"),),
        chord_rhythm="stabs", bass_rhythm="pattern", bass_pattern="r...f...r...f.n.", melody_density=1.3,
        reverb=0.25, width=1.0, brightness=0.8, feel=0.6, melody_db=-2.5, drums_db=-4.5, dynamics=0.8,
        keys_major=("C", "F", "G", "D", "Bb"),
    ),
    "travel": Style(
        name="travel", names={"en": "travel vlog", "zh_CN": "旅行Vlog"}, bpm_range=(108.0, 124.0), mode="major",
        chord_instrument="guitar", melody_instrument="marimba", bass_instrument="finger_bass", pad=None,
        drums=True, grooves=g.TRAVEL_GROOVES,
        progressions_major=(
            ("I", "iii", "vi", "V"), ("IV", "V", "I", "vi"), ("I", "IV", "V", "IV"), ("I", "V", "IV", "V"),
        ),
        progressions_minor=(("i", "bVII", "bVI", "bVII"),),
        chord_rhythm="strum", bass_rhythm="pattern", bass_pattern="R..R..F.R..R..N.", melody_density=1.1,
        reverb=0.25, width=1.15, brightness=0.8, feel=0.8, melody_db=-3.0, chord_register=(60, 81), dynamics=0.6,
        keys_major=("C", "D", "E", "G", "A"), plays=("guitar",),
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
