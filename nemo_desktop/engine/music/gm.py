"""Which of our voices a General-MIDI bank plays, and as what: the voice → source choice, as data.

The acoustic voices (piano, guitar, strings, brass, woodwinds, choir, harp, mallets, the acoustic kit) sound
best sampled, so the bank plays them by default; the numpy synth keeps what it does well (pads, leads,
plucks, synth and 808-style basses and drums). ``SAMPLED`` is that choice; a user's own bank
(Settings.soundfont) plays every voice that has a program here. Programs are 0-based GM numbers.
"""

from __future__ import annotations

from types import MappingProxyType

# Our pitched voices → General MIDI programs (bank 0).
PROGRAMS = MappingProxyType(
    {
        "piano": 0,  # Acoustic Grand Piano
        "piano_bass": 0,
        "epiano": 4,  # Electric Piano 1
        "celesta": 8,
        "bell": 11,  # Vibraphone
        "guitar": 24,  # Acoustic Guitar (nylon)
        "finger_bass": 33,  # Electric Bass (finger)
        "synth_bass": 38,  # Synth Bass 1
        "sub_bass": 38,
        "cello": 42,
        "contrabass": 43,
        "strings_tremolo": 44,  # Tremolo Strings
        "pizzicato": 45,  # Pizzicato Strings
        "pluck": 46,  # Orchestral Harp
        "harp": 46,
        "timpani": 47,
        "strings": 48,  # String Ensemble 1
        "spiccato": 48,  # String Ensemble 1, played short (by default our numpy spiccato: the sample swells)
        "slow_strings": 49,  # String Ensemble 2
        "choir": 52,  # Choir Aahs
        "trumpet": 56,
        "horn": 60,  # French Horn
        "brass": 61,  # Brass Section
        "oboe": 68,
        "clarinet": 71,
        "flute": 73,
        "lead": 80,  # Lead 1 (square)
        "pad": 89,  # Pad 2 (warm)
        "warm_pad": 89,  # Pad 2 (warm)
        "synth": 90,  # Pad 3 (polysynth)
        # the newer styles' voices
        "glockenspiel": 9,
        "marimba": 12,
        "distortion_guitar": 30,
        "bass_808": 38,  # Synth Bass 1 (numpy by default: the 808's drop)
        "saw_bass": 39,  # Synth Bass 2 (numpy by default)
        "sax": 65,  # Alto Sax
        "dizi": 73,  # Flute (a dizi-like voice)
        "koto": 107,  # Koto (a guzheng-like voice)
        "erhu": 110,  # Fiddle (an erhu-like voice)
    }
)

# Voices that play an octave down when written above this key (as our numpy piano_bass does).
OCTAVE_DOWN_ABOVE = MappingProxyType({"piano_bass": 48})

# Our drum voices → General MIDI percussion keys (bank 128, the Standard kit).
DRUM_KEYS = MappingProxyType(
    {
        "kick": 36, "snare": 38, "clap": 39, "hat": 42, "openhat": 46, "shaker": 70, "rim": 37, "tom": 45,
        "crash": 49, "ride": 51, "gated_snare": 40,
    }
)
DRUM_BANK, DRUM_KIT = 128, 0

# The voices the shipped bank plays by default (the rest stay numpy).
SAMPLED = frozenset(
    {
        "piano", "piano_bass", "epiano", "celesta", "bell", "guitar", "finger_bass", "cello", "contrabass",
        "strings_tremolo", "pizzicato", "harp", "timpani", "strings", "slow_strings", "choir", "trumpet", "horn",
        "brass", "oboe", "clarinet", "flute",
        "glockenspiel", "marimba", "distortion_guitar", "sax", "dizi", "koto", "erhu",
    }
)
# Styles whose drums are an acoustic kit, played by the bank; the others keep the numpy (808-style) kit.
ACOUSTIC_KIT_STYLES = frozenset({"acoustic", "lofi", "calm_piano", "rock", "jazz", "kids", "travel"})

# What the shipped bank must hold: the programs of the sampled voices, and the drum kit.
SHIPPED_PRESETS = tuple(sorted({(0, PROGRAMS[v]) for v in SAMPLED} | {(DRUM_BANK, DRUM_KIT)}))


def sampled_drums(style: str) -> bool:
    """Whether the bank plays this style's drums by default."""
    return style in ACOUSTIC_KIT_STYLES
