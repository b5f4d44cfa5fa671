"""A person's words and the video's look → a MusicBrief the composer can follow.

People type a few words in English or Chinese ("calm piano", "欢快一点", "120 BPM, no drums"). Words win
where they say something; where they are silent the video decides: motion and cut rate set the energy and
tempo, brightness and colour warmth set major/minor. The words themselves are data in ``lexicon.py``;
this module holds the decisions. Follow-ups to an existing brief are ``refine.py``'s job.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from nemo_desktop.core.phrases import earliest
from nemo_desktop.engine.music.styles import DEFAULT_STYLE, STYLES, Style
from nemo_desktop.engine.prompt.lexicon import (
    ADD_DRUMS,
    BPM,
    DRUMS,
    DURATION,
    END_ENERGY,
    FADE_OUT,
    GENRE_WORDS,
    HALF_MINUTE,
    INSTRUMENT_NAMES,
    INSTRUMENT_WORDS,
    MISSING_GENRES,
    MISSING_INSTRUMENTS,
    MOOD_NAMES,
    MOOD_STYLE,
    MOOD_WORDS,
    MUSIC_WORDS,
    NO_DRUMS,
    ONE_MINUTE,
    STYLE_NOUNS,
    MissingGenre,
)
from nemo_desktop.i18n import N_, normalize, tr, typography

Curve = tuple[tuple[float, float], ...]  # (position 0..1 in the piece, intensity 0..1)

# ---------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class VideoTraits:
    """What the analysis saw in the clips; every field has a neutral default."""

    duration: float
    motion: float = 0.3
    cut_rate: float = 0.0
    brightness: float = 0.5
    warmth: float = 0.0
    motion_curve: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class MusicBrief:
    """What to compose: the musical decisions, before any notes."""

    style: str = DEFAULT_STYLE
    mood: str = "calm"
    bpm_range: tuple[float, float] = (70.0, 82.0)
    bpm: float | None = None
    key: str = "C"
    mode: str = "major"
    instruments: tuple[str, ...] = ()
    drums: bool = False
    intensity: Curve = ((0.0, 0.35), (0.3, 0.6), (0.7, 0.7), (1.0, 0.4))
    fade_out: bool = False
    music_gain_db: float = 0.0
    energy: float = 0.4

    def target_bpm(self) -> float:
        """The tempo the composer aims for before fitting it to the cuts."""
        return float(self.bpm) if self.bpm else (self.bpm_range[0] + self.bpm_range[1]) / 2

    def tempo_text(self) -> str:
        """"84 BPM" when fixed, else the range "72–84 BPM" (numbers and a unit read alike everywhere)."""
        if self.bpm:
            return f"{self.bpm:.0f} BPM"
        return f"{self.bpm_range[0]:.0f}–{self.bpm_range[1]:.0f} BPM"

    def summary(self, lang: str = "en") -> str:
        """The brief in one line: "calm piano · D major · 72–84 BPM · no drums", "平静钢琴 · D 大调 · …".

        ``lang`` is normalised first so that "" means English, as it always has here, and not the UI
        language ``tr`` would pick for an empty one. The English line also names the music segment.
        """
        lang = normalize(lang)
        key = tr(N_("{key} major") if self.mode == "major" else N_("{key} minor"), lang).format(key=self.key)
        parts = [self.name(lang), key, self.tempo_text()]
        if not self.drums:
            parts.append(tr(N_("no drums"), lang))
        if self.fade_out:
            parts.append(tr(N_("fade-out ending"), lang))
        if abs(self.music_gain_db) >= 0.5:
            sign = "+" if self.music_gain_db > 0 else "−"
            gain = f"{sign}{abs(self.music_gain_db):.0f} dB"
            parts.append(tr(N_("music {gain}"), lang).format(gain=gain))
        return " · ".join(parts)

    def name(self, lang: str) -> str:
        """What the music is called: mood, style and any instrument the style does not already name."""
        noun = tr(STYLE_NOUNS[self.style], lang) if self.style in STYLE_NOUNS else self.style
        mood = MOOD_NAMES.get(self.mood)  # the neutral mood adds no word
        head = tr(mood, lang).format(style=noun) if mood else noun
        own = _STYLE_OWN_INSTRUMENT.get(self.style)
        extra = [tr(INSTRUMENT_NAMES[i], lang) for i in self.instruments if i in INSTRUMENT_NAMES and i != own]
        if not extra:
            return head
        glue = typography(lang)
        return glue.aside.format(head=head, aside=glue.list_and.join(extra))


# The mood a style has when the words name none.
_STYLE_MOOD = {
    "calm_piano": "calm",
    "upbeat_pop": "happy",
    "cinematic": "epic",
    "lofi": "chill",
    "acoustic": "happy",
    "electronic": "energetic",
    "ambient": "calm",
}
# The instrument a style's name already says, so "calm piano" is not called "calm piano with piano".
_STYLE_OWN_INSTRUMENT = {
    "calm_piano": "piano",
    "acoustic": "guitar",
    "cinematic": "strings",
    "electronic": "synth",
}
# An instrument named without a style picks the style it leads.
INSTRUMENT_STYLE = {
    "piano": "calm_piano",
    "guitar": "acoustic",
    "strings": "cinematic",
    "synth": "electronic",
}
# How much energy a worded mood asks for (blended 70/30 with what the video shows).
_MOOD_ENERGY = {
    "calm": 0.25,
    "sad": 0.3,
    "romantic": 0.3,
    "chill": 0.4,
    "neutral": 0.5,
    "happy": 0.65,
    "epic": 0.7,
    "energetic": 0.8,
}

# ------------------------------------------------------------------------------------- the video's say

_DEFAULT_ARC: Curve = (
    (0.0, 0.35),
    (0.12, 0.5),
    (0.3, 0.7),
    (0.55, 0.85),
    (0.7, 0.6),
    (0.82, 0.9),
    (0.94, 0.75),
    (1.0, 0.45),
)


def _energy_of(traits: VideoTraits | None) -> float:
    """0..1 from how much moves on screen and how fast it is cut."""
    if traits is None:
        return 0.4
    cut = min(max(traits.cut_rate, 0.0) / 30.0, 1.0)
    return float(min(max(0.6 * traits.motion + 0.4 * cut, 0.0), 1.0))


def _mode_of(traits: VideoTraits | None) -> str:
    """Dark and cool pictures get minor; bright or warm ones major."""
    if traits is None:
        return "major"
    valence = 0.6 * (traits.brightness - 0.5) * 2 + 0.4 * traits.warmth
    return "minor" if valence < -0.15 else "major"


def _style_from_video(energy: float, traits: VideoTraits | None, mode: str) -> str:
    """The style when the words name none: busy footage gets a beat, still and dark footage a pad."""
    if energy >= 0.62:
        return "electronic" if mode == "minor" else "upbeat_pop"
    if energy >= 0.42:
        return "lofi" if mode == "minor" else "acoustic"
    if traits is not None and traits.motion < 0.15 and mode == "minor":
        return "ambient"
    return "calm_piano"


def _arc_at(x: float) -> float:
    """The default arc at ``x`` (0..1 of the piece), linearly between its points."""
    for (x0, y0), (x1, y1) in zip(_DEFAULT_ARC, _DEFAULT_ARC[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / max(x1 - x0, 1e-9)
    return _DEFAULT_ARC[-1][1]


def _motion_at(traits: VideoTraits, x: float) -> float:
    """The picture's motion around ``x`` (0..1 of the piece): the mean of its samples within 1/32 of the
    piece either side, or the nearest sample."""
    pts = [(t / traits.duration, m) for t, m in traits.motion_curve]
    near = [m for t, m in pts if abs(t - x) <= 1 / 32]
    return sum(near) / len(near) if near else min(pts, key=lambda p: abs(p[0] - x))[1]


def _intensity_curve(energy: float, traits: VideoTraits | None) -> Curve:
    """The default arc, scaled by energy and moved by the video's own motion over time where known (then
    in sixteenths of the piece as well as at the arc's points, so a calm passage or a busy one anywhere
    in a long video is heard)."""
    scale = 0.6 + 0.4 * energy
    xs = [x for x, _ in _DEFAULT_ARC]
    moving = traits is not None and bool(traits.motion_curve) and traits.duration > 0
    if moving:
        xs = sorted(set(xs) | {k / 16 for k in range(17)})
    points = [(x, 0.2 + (_arc_at(x) - 0.2) * scale) for x in xs]
    if moving:
        assert traits is not None
        mean = sum(m for _, m in traits.motion_curve) / len(traits.motion_curve)
        points = [(x, y + 0.25 * (_motion_at(traits, x) - mean)) for x, y in points]
    return tuple((round(x, 4), round(min(max(y, 0.1), 1.0), 4)) for x, y in points)


def end_boost(curve: Curve) -> Curve:
    """More energy toward the end: lift the last third, peak just before the final chord."""
    out = []
    for x, y in curve:
        if x >= 0.6:
            y = min(1.0, y + 0.35 * (x - 0.6) / 0.4 + 0.1)
        out.append((x, y))
    if out and out[-1][0] >= 1.0:
        out[-1] = (1.0, max(out[-1][1], 0.7))
    return tuple((round(x, 4), round(y, 4)) for x, y in out)


def scale_curve(curve: Curve, factor: float) -> Curve:
    """The whole curve more (factor > 1) or less intense, kept within 0.1..1."""
    return tuple((x, round(min(max(0.1 + (y - 0.1) * factor, 0.1), 1.0), 4)) for x, y in curve)


# ---------------------------------------------------------------------------------------- make_brief


def asked_bpm(text: str) -> float | None:
    """A tempo given in numbers ("120 BPM", "90拍"), if it is one a piece can have (40–200)."""
    m = BPM.search(text)
    if m and 40 <= float(m.group(1)) <= 200:
        return float(m.group(1))
    return None


def named_genre(positive: str) -> tuple[str | None, MissingGenre | None]:
    """The genre the words name first: a style of ours, or one we lack (then its closest style of ours)."""
    best: tuple[int, int, str, MissingGenre | None] | None = None
    for order, (style, words) in enumerate(GENRE_WORDS.items()):
        pos = words.position(positive)
        if pos >= 0 and (best is None or (pos, order) < best[:2]):
            best = (pos, order, style, None)
    for order, missing in enumerate(MISSING_GENRES.values(), start=len(GENRE_WORDS)):
        pos = missing.words.position(positive)
        if pos >= 0 and (best is None or (pos, order) < best[:2]):
            best = (pos, order, missing.closest, missing)
    return (best[2], best[3]) if best else (None, None)


def worded_style(positive: str, instruments: tuple[str, ...]) -> str | None:
    """The style the words ask for, by priority: a genre named (ours or the closest to one we lack), else the
    style the first instrument named leads, else the style of the mood named; None lets the video decide."""
    style, _ = named_genre(positive)
    if style is None and instruments:
        style = INSTRUMENT_STYLE[instruments[0]]
    if style is None:
        mood = earliest(MOOD_WORDS, positive)
        style = MOOD_STYLE[mood] if mood else None
    return style


_WORDY = re.compile(r"[a-z\u3400-\u9fff]")


def explain(prompt: str, brief: MusicBrief, lang: str = "en") -> str:
    """What the words asked for that we could not do, said plainly ("" when everything was understood):
    a genre we have no style for, an instrument we cannot play, or words we did not understand at all."""
    text = (prompt or "").lower()
    positive = NO_DRUMS.removed_from(text)
    said: list[str] = []
    _, missing = named_genre(positive)
    if missing is not None:
        said.append(tr(N_("No {genre} style yet — I used {style}."), lang).format(
            genre=tr(missing.said, lang), style=brief.name(lang)))
    for instrument in MISSING_INSTRUMENTS.values():
        if instrument.words.found_in(positive):
            said.append(tr(N_("No {instrument} among the built-in instruments yet."), lang).format(
                instrument=tr(instrument.said, lang)))
    if not said and _WORDY.search(text) and not _understood(text, positive):
        said.append(tr(N_("I did not find a style, mood or instrument in that, so the music follows the video."),
                       lang))
    return typography(normalize(lang)).sentence_gap.join(said)


def _understood(text: str, positive: str) -> bool:
    """Whether any word of ``text`` is one we know about the music."""
    tables = (GENRE_WORDS, MOOD_WORDS, INSTRUMENT_WORDS)
    if any(words.found_in(positive) for table in tables for words in table.values()):
        return True
    flags = (NO_DRUMS, ADD_DRUMS, DRUMS, FADE_OUT, END_ENERGY, MUSIC_WORDS, HALF_MINUTE, ONE_MINUTE)
    return any(f.found_in(text) for f in flags) or bool(BPM.search(text) or DURATION.search(text))


def _mode(mood: str, spec: Style, worded: bool, traits: VideoTraits | None) -> str:
    """Sad is minor and happy or romantic major; else a worded style's own mode, else the picture's."""
    if mood == "sad":
        return "minor"
    if mood in ("happy", "romantic"):
        return "major"
    if spec.mode and worded:
        return spec.mode
    return _mode_of(traits) if traits is not None else (spec.mode or "major")


def _bpm_range(spec: Style, energy: float, mood: str) -> tuple[float, float]:
    """A window of the style's tempo range placed by energy (sad music a little slower)."""
    lo, hi = spec.bpm_range
    center = lo + (hi - lo) * energy
    if mood == "sad":
        center -= 4
    width = max(6.0, (hi - lo) * 0.35)
    return float(round(max(lo - 4, center - width / 2))), float(round(min(hi + 4, center + width / 2)))


def _drums(text: str, positive: str, spec: Style) -> bool:
    """"no drums" wins, then any request for drums, else the style's habit."""
    if NO_DRUMS.found_in(text):
        return False
    if ADD_DRUMS.found_in(text) or DRUMS.found_in(positive):
        return True
    return spec.drums and bool(spec.grooves)


def _key(text: str, style: str, mode: str, spec: Style, traits: VideoTraits | None) -> str:
    """One of the style's keys, chosen by a checksum so the same words and video give the same key."""
    keys = spec.keys_minor if mode == "minor" else spec.keys_major
    seed_text = f"{text}|{style}|{mode}|{traits.duration if traits else 0:.2f}"
    return keys[zlib.crc32(seed_text.encode()) % len(keys)]


def make_brief(prompt: str, traits: VideoTraits | None) -> MusicBrief:
    """The brief for ``prompt`` (any language, may be empty) and the video's ``traits`` (may be None)."""
    text = (prompt or "").lower()
    positive = NO_DRUMS.removed_from(text)
    energy = _energy_of(traits)
    instruments = tuple(k for k, words in INSTRUMENT_WORDS.items() if words.found_in(positive))
    style = worded_style(positive, instruments)
    worded = style is not None
    if style is None:
        style = _style_from_video(energy, traits, _mode_of(traits))
    spec = STYLES[style]
    mood = earliest(MOOD_WORDS, positive) or _STYLE_MOOD[style]
    mode = _mode(mood, spec, worded, traits)
    if worded:
        energy = _MOOD_ENERGY[mood] * 0.7 + energy * 0.3
    bpm = asked_bpm(text)
    intensity = _intensity_curve(energy, traits)
    if END_ENERGY.found_in(text):
        intensity = end_boost(intensity)
    return MusicBrief(
        style=style,
        mood=mood,
        bpm_range=(bpm, bpm) if bpm is not None else _bpm_range(spec, energy, mood),
        bpm=bpm,
        key=_key(text, style, mode, spec, traits),
        mode=mode,
        instruments=instruments,
        drums=_drums(text, positive, spec),
        intensity=intensity,
        fade_out=FADE_OUT.found_in(text),
        music_gain_db=0.0,
        energy=round(energy, 4),
    )


# ------------------------------------------------------------------------------------------ duration


def parse_duration_request(text: str) -> float | None:
    """A length asked for in words: "a 30 second upbeat intro", "30秒", "1 minute 30 s", "半分钟"."""
    t = (text or "").lower()
    total = 0.0
    found = False
    for m in DURATION.finditer(t):
        value = float(m.group(1))
        unit = m.group(2)
        total += value * (60.0 if unit.startswith(("min", "m", "分")) and unit != "ms" else 1.0)
        found = True
    if not found:
        if HALF_MINUTE.found_in(t):
            return 30.0
        if ONE_MINUTE.found_in(t):
            return 60.0
        return None
    return total if total > 0 else None
