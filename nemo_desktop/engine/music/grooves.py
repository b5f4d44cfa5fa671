"""The drum grooves of the styles, as data: per style, patterns from light to full (the drums part picks one
per bar by its energy). One 16-character string per drum voice, one character per sixteenth: "x" a hit,
"o" a soft (ghost) hit, "r" a roll (two thirty-second notes, the trap hi-hat), "." a rest."""

from __future__ import annotations

from nemo_desktop.engine.music.style_spec import DrumGrid

POP_GROOVES: tuple[DrumGrid, ...] = (
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
LOFI_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.........x.....", "hat": "x.x.x.x.x.x.x.x."},
    {"kick": "x.........x..o..", "snare": "....x.......x...", "hat": "x.xox.x.x.xox.xo"},
    {
        "kick": "x.o.......x..o..",
        "snare": "....x..o....x...",
        "hat": "x.xox.x.x.xox.x.",
        "shaker": "..x...x...x...x.",
    },
)
ELECTRONIC_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x...x...x...x...", "hat": "..x...x...x...x."},
    {"kick": "x...x...x...x...", "clap": "....x.......x...", "hat": "..x...x...x...x."},
    {
        "kick": "x...x...x...x...",
        "clap": "....x.......x...",
        "hat": "xoxoxoxoxoxoxoxo",
        "openhat": "..x...x...x...x.",
    },
)
CINEMATIC_GROOVES: tuple[DrumGrid, ...] = (
    {"tom": "x.......x......."},
    {"kick": "x.......x.......", "tom": "x.....x.x...x...", "snare": "............x..."},
    {"kick": "x.....x.x.......", "tom": "x.x.x.x.x.x.xxxx", "snare": "....x.......x..."},
)
ACOUSTIC_GROOVES: tuple[DrumGrid, ...] = (
    {"shaker": "x.x.x.x.x.x.x.x."},
    {"kick": "x.......x.......", "rim": "....x.......x...", "shaker": "xoxoxoxoxoxoxoxo"},
    {
        "kick": "x.....x.x.......",
        "snare": "....x.......x...",
        "shaker": "xoxoxoxoxoxoxoxo",
        "hat": "x.x.x.x.x.x.x.x.",
    },
)
# Trap: half-time (the snare and clap on beat three), an 808 kick that skips, hats in sixteenths with rolls.
HIP_HOP_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.........x.....", "hat": "x.x.x.x.x.x.x.x."},
    {"kick": "x.........x..x..", "clap": "........x.......", "hat": "xxxxxxrxxxxxxrxx"},
    {
        "kick": "x.....x...x..x..",
        "clap": "........x.......",
        "snare": "........x......o",
        "hat": "xxxrxxxxxxrxxrrx",
        "openhat": "..............x.",
    },
)
# Synthwave: a straight rock beat under a big gated snare on two and four, sixteenth hats when full.
SYNTHWAVE_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.......x.......", "hat": "x.x.x.x.x.x.x.x."},
    {"kick": "x.......x.......", "gated_snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."},
    {
        "kick": "x.....x.x.......",
        "gated_snare": "....x.......x...",
        "hat": "xoxoxoxoxoxoxoxo",
        "tom": "..............x.",
    },
)
# Rock: a live kit, eighths on the hat (the open hat when full), the snare hard on two and four.
ROCK_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.......x.......", "hat": "x.x.x.x.x.x.x.x."},
    {"kick": "x.......x.x.....", "snare": "....x.......x...", "hat": "x.x.x.x.x.x.x.x."},
    {"kick": "x.x.....x.x..x..", "snare": "....x.......x...", "openhat": "x.x.x.x.x.x.x.x."},
)
# Jazz: the ride's "ding, ding-da", the hat's foot on two and four, a feathered kick; the snare comps softly.
JAZZ_GROOVES: tuple[DrumGrid, ...] = (
    {"ride": "x...x.x.x...x.x.", "hat": "....x.......x..."},
    {"ride": "x...x.x.x...x.x.", "hat": "....x.......x...", "kick": "o.......o.......", "snare": "......o.......o."},
    {"ride": "x...x.x.x...x.x.", "hat": "....x.......x...", "kick": "o...o...o...o...", "snare": "..o...o...o.o..o"},
)
# Corporate: a steady kick, claps on two and four, a sixteenth shaker: optimistic and tidy.
CORPORATE_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.......x.......", "shaker": "x.x.x.x.x.x.x.x."},
    {"kick": "x.......x.......", "clap": "....x.......x...", "shaker": "xoxoxoxoxoxoxoxo"},
    {
        "kick": "x...x...x...x...",
        "clap": "....x.......x...",
        "shaker": "xoxoxoxoxoxoxoxo",
        "openhat": "..x...x...x...x.",
    },
)
# Suspense: a heartbeat kick, low toms, a ticking hat as it tightens.
SUSPENSE_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x..x............"},
    {"kick": "x..x......x..x..", "tom": "........x......."},
    {"kick": "x..x......x..x..", "tom": "........x...x.x.", "hat": "xxxxxxxxxxxxxxxx"},
)
# Kids: bouncy: the kick on one and three, a rim click, a shaker and claps when full.
KIDS_GROOVES: tuple[DrumGrid, ...] = (
    {"kick": "x.......x.......", "shaker": "..x...x...x...x."},
    {"kick": "x.......x.......", "rim": "....x.......x...", "shaker": "..x...x...x...x."},
    {"kick": "x.....x.x.......", "clap": "....x.......x...", "rim": "..x.......x.....", "shaker": "xoxoxoxoxoxoxoxo"},
)
# Travel vlog: claps and a skipping kick under a shaker: light and on the move.
TRAVEL_GROOVES: tuple[DrumGrid, ...] = (
    {"clap": "....x.......x...", "shaker": "x.x.x.x.x.x.x.x."},
    {"kick": "x..x..x.........", "clap": "....x.......x...", "shaker": "xoxoxoxoxoxoxoxo"},
    {"kick": "x..x..x.x.......", "clap": "....x.......x...", "shaker": "xoxoxoxoxoxoxoxo", "hat": "..x...x...x...x."},
)
