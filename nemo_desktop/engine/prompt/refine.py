"""A chat follow-up ("faster", "no drums", "换一个") → a change to the brief, and one line saying what changed.

A follow-up may ask several things at once ("slower, no drums, fade out"), so each kind of change is one
small step reading the text on its own; ``refine`` runs them in a fixed order and collects what they did.
A style word alone is a new brief; with other changes it needs a "switch to"/"换成" to count, so that
"calmer piano" stays a tweak of the current piece.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from nemo_desktop.engine.music.styles import STYLES
from nemo_desktop.engine.prompt.brief import (
    INSTRUMENT_STYLE,
    MusicBrief,
    asked_bpm,
    end_boost,
    make_brief,
    scale_curve,
    worded_style,
)
from nemo_desktop.engine.prompt.lexicon import (
    ADD_DRUMS,
    CALMER,
    END_ENERGY,
    FADE_OUT,
    FASTER,
    HAPPIER,
    INSTRUMENT_WORDS,
    LOUDER,
    MORE_ENERGY,
    NO_DRUMS,
    QUIETER,
    REMOVE,
    SADDER,
    SLOWER,
    STYLE_CHANGE,
    VARIATION,
)
from nemo_desktop.i18n import N_, normalize, tr, typography

REFINEMENT_KINDS = (
    "tempo", "calmer", "livelier", "end_energy", "drums", "no_drums_already", "drums_already", "variation", "gain",
    "style", "remove", "ending", "mood",
)
TEMPO_STEP = 1.12  # "faster" multiplies the tempo by this, "slower" divides
GAIN_STEP_DB = 4.0  # "louder"/"quieter" move the music by this much
ENERGY_STEP = 0.2  # "more energy"/"calmer" move the brief's energy by this much
ENERGY_TEMPO = 1.06  # … and the tempo by this factor: calmer is also a little slower


@dataclass(frozen=True)
class Refinement:
    """A chat follow-up applied to a brief.

    ``kinds`` says what changed. "variation" asks the caller for a new seed; "remove" asks it to take the
    music off the timeline (the brief is returned unchanged for both). Unpacks as ``brief, kinds``.
    """

    brief: MusicBrief
    kinds: tuple[str, ...]

    def __iter__(self) -> Iterator[object]:
        yield self.brief
        yield list(self.kinds)

    def describe(self, lang: str = "en") -> str:
        """One short sentence per change, for the chat reply ("" means English, as in ``summary``)."""
        lang = normalize(lang)
        return typography(lang).sentence_gap.join(_SENTENCES[k](self.brief, lang) for k in self.kinds)


# What each kind of change says, in the person's language.
_SENTENCES: dict[str, Callable[[MusicBrief, str], str]] = {
    "tempo": lambda b, lang: tr(N_("Tempo now {tempo}."), lang).format(tempo=b.tempo_text()),
    "calmer": lambda b, lang: tr(N_("Calmer: fewer and softer notes, now {tempo}."), lang).format(
        tempo=b.tempo_text()),
    "livelier": lambda b, lang: tr(N_("More energy: busier and stronger, now {tempo}."), lang).format(
        tempo=b.tempo_text()),
    "end_energy": lambda b, lang: tr(N_("The ending now builds up."), lang),
    "drums": lambda b, lang: tr(N_("Drums added.") if b.drums else N_("Drums removed."), lang),
    "no_drums_already": lambda b, lang: tr(N_("There were no drums to remove."), lang),
    "drums_already": lambda b, lang: tr(N_("The drums are already playing."), lang),
    "variation": lambda b, lang: tr(N_("Here is another variation."), lang),
    "gain": lambda b, lang: tr(N_("Music level {gain} dB."), lang).format(gain=f"{b.music_gain_db:+.0f}"),
    "style": lambda b, lang: tr(N_("Style: {brief}."), lang).format(brief=b.summary(lang)),
    "remove": lambda b, lang: tr(N_("Music removed."), lang),
    "ending": lambda b, lang: tr(N_("The ending now fades out."), lang),
    "mood": lambda b, lang: tr(N_("Now in {key} major.") if b.mode == "major" else N_("Now in {key} minor."),
                               lang).format(key=b.key),
}

# ---------------------------------------------------------------------------------------------- steps
# Each step reads the lower-cased text and returns the brief, changed or not, and the kind of its change.

Step = Callable[[MusicBrief, str], tuple[MusicBrief, str | None]]


def _tempo(b: MusicBrief, t: str) -> tuple[MusicBrief, str | None]:
    """A tempo in numbers sets it; "faster"/"slower" scale the range (kept within 45–190 BPM)."""
    bpm = asked_bpm(t)
    if bpm is not None:
        return replace(b, bpm=bpm, bpm_range=(bpm, bpm)), "tempo"
    faster = FASTER.found_in(t)
    if not faster and not SLOWER.found_in(t):
        return b, None
    return _scaled_tempo(b, TEMPO_STEP if faster else 1 / TEMPO_STEP), "tempo"


def _drums(b: MusicBrief, t: str) -> tuple[MusicBrief, str | None]:
    """Drums off or on — and when they already were, say so rather than claim a change."""
    if NO_DRUMS.found_in(t):
        return replace(b, drums=False), ("drums" if b.drums else "no_drums_already")
    if ADD_DRUMS.found_in(t):
        return replace(b, drums=True), ("drums_already" if b.drums else "drums")
    return b, None


def _scaled_tempo(b: MusicBrief, f: float) -> MusicBrief:
    """The brief's tempo (range or fixed) times ``f``, kept within 45–190 BPM."""
    lo, hi = b.bpm_range
    new = (round(min(max(lo * f, 45), 190)), round(min(max(hi * f, 45), 190)))
    return replace(b, bpm_range=(float(new[0]), float(new[1])), bpm=round(b.bpm * f) if b.bpm else None)


def _energy(b: MusicBrief, t: str) -> tuple[MusicBrief, str | None]:
    """A stronger ending, or the whole piece more or less intense: denser and louder parts (the composer reads
    the intensity curve), and a slightly faster tempo unless the person set one — or the reverse."""
    if END_ENERGY.found_in(t):
        return replace(b, intensity=end_boost(b.intensity)), "end_energy"
    more = MORE_ENERGY.found_in(t)
    if not more and not CALMER.found_in(t):
        return b, None
    step, curve, tempo = (ENERGY_STEP, 1.3, ENERGY_TEMPO) if more else (-ENERGY_STEP, 0.7, 1 / ENERGY_TEMPO)
    changed = replace(b, intensity=scale_curve(b.intensity, curve), energy=min(1.0, max(0.0, b.energy + step)))
    if not asked_bpm(t) and b.bpm is None:
        changed = _scaled_tempo(changed, tempo)
    return changed, ("livelier" if more else "calmer")


def _ending(b: MusicBrief, t: str) -> tuple[MusicBrief, str | None]:
    return (replace(b, fade_out=True), "ending") if FADE_OUT.found_in(t) else (b, None)


def _gain(b: MusicBrief, t: str) -> tuple[MusicBrief, str | None]:
    """Louder up to +6 dB, quieter down to −24 dB; a text that says both means quieter."""
    quieter = QUIETER.found_in(t)
    if LOUDER.found_in(t) and not quieter:
        return replace(b, music_gain_db=min(6.0, b.music_gain_db + GAIN_STEP_DB)), "gain"
    if quieter:
        return replace(b, music_gain_db=max(-24.0, b.music_gain_db - GAIN_STEP_DB)), "gain"
    return b, None


def _mood(b: MusicBrief, t: str) -> tuple[MusicBrief, str | None]:
    """Sadder is minor, happier major; a change of mode starts from the style's first key in that mode."""
    if SADDER.found_in(t):
        return replace(b, mode="minor", key=STYLES[b.style].keys_minor[0] if b.mode != "minor" else b.key), "mood"
    if HAPPIER.found_in(t):
        return replace(b, mode="major", key=STYLES[b.style].keys_major[0] if b.mode != "major" else b.key), "mood"
    return b, None


_STEPS: tuple[Step, ...] = (_tempo, _drums, _energy, _ending, _gain, _mood)


def _new_style(t: str, positive: str) -> str | None:
    """The style a follow-up names: a genre or a mood, else an instrument after "switch to"/"换成"."""
    style = worded_style(positive, ())
    if style is None:
        named = [k for k, words in INSTRUMENT_WORDS.items() if words.found_in(positive)]
        style = INSTRUMENT_STYLE[named[0]] if named and STYLE_CHANGE.search(t) else None
    return style


def _restyle(b: MusicBrief, t: str, kinds: list[str]) -> tuple[MusicBrief, str | None]:
    """A new brief from the follow-up's words, keeping the music level, a fade-out and a drums change."""
    positive = NO_DRUMS.removed_from(t)
    if not _new_style(t, positive) or not (STYLE_CHANGE.search(t) or not kinds):
        return b, None
    fresh = make_brief(positive, None)
    return replace(
        fresh,
        music_gain_db=b.music_gain_db,
        fade_out=b.fade_out or fresh.fade_out,
        drums=fresh.drums if "drums" not in kinds else b.drums,
    ), "style"


def refine(brief: MusicBrief, text: str) -> Refinement | None:
    """Apply a chat follow-up to ``brief``; None when ``text`` asks nothing musical."""
    t = (text or "").lower().strip()
    if not t:
        return None
    if REMOVE.found_in(t):
        return Refinement(brief, ("remove",))
    b = brief
    kinds: list[str] = []
    for step in _STEPS:
        b, kind = step(b, t)
        if kind:
            kinds.append(kind)
    b, kind = _restyle(b, t, kinds)
    if kind:
        kinds.append(kind)
    if VARIATION.found_in(t):
        kinds.append("variation")
    if not kinds:
        return None
    return Refinement(b, tuple(dict.fromkeys(kinds)))
