"""A person's words and the video's look → a MusicBrief the composer can follow.

People type a few words in English or Chinese ("calm piano", "欢快一点", "120 BPM, no drums"). Words win
where they say something; where they are silent the video decides: motion and cut rate set the energy and
tempo, brightness and colour warmth set major/minor. ``refine`` applies a chat follow-up ("faster",
"换一个") to an existing brief and says what kind of change it was, so a backend can reply in one line.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

from nemo_desktop.engine.music.styles import DEFAULT_STYLE, INSTRUMENT_NAMES, MOODS, STYLES

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
    intensity: tuple[tuple[float, float], ...] = ((0.0, 0.35), (0.3, 0.6), (0.7, 0.7), (1.0, 0.4))
    fade_out: bool = False
    music_gain_db: float = 0.0
    energy: float = 0.4

    def target_bpm(self) -> float:
        """The tempo the composer aims for before fitting it to the cuts."""
        return float(self.bpm) if self.bpm else (self.bpm_range[0] + self.bpm_range[1]) / 2

    def summary(self, lang: str = "en") -> str:
        """The brief in one line: "calm piano · D major · 72–84 BPM · no drums"."""
        zh = lang.lower().replace("-", "_").startswith("zh")
        lg = "zh_CN" if zh else "en"
        noun = _STYLE_NOUNS.get(self.style, {"en": self.style, "zh_CN": self.style})[lg]
        mood = MOODS.get(self.mood, MOODS["neutral"])[lg]
        head = f"{mood}{noun}" if zh else f"{mood} {noun}".strip()
        own = _STYLE_OWN_INSTRUMENT.get(self.style)
        extra = [INSTRUMENT_NAMES[i][lg] for i in self.instruments if i in INSTRUMENT_NAMES and i != own]
        if extra:
            head += f"（{'、'.join(extra)}）" if zh else f" with {' and '.join(extra)}"
        parts = [
            head,
            f"{self.key} {'大调' if self.mode == 'major' else '小调'}" if zh else f"{self.key} {self.mode}",
        ]
        if self.bpm:
            parts.append(f"{self.bpm:.0f} BPM")
        else:
            parts.append(f"{self.bpm_range[0]:.0f}–{self.bpm_range[1]:.0f} BPM")
        if not self.drums:
            parts.append("无鼓" if zh else "no drums")
        if self.fade_out:
            parts.append("淡出结尾" if zh else "fade-out ending")
        if abs(self.music_gain_db) >= 0.5:
            sign = "+" if self.music_gain_db > 0 else "−"
            gain = f"{sign}{abs(self.music_gain_db):.0f} dB"
            parts.append(f"音乐 {gain}" if zh else f"music {gain}")
        return " · ".join(parts)


# The noun a style is called by after a mood word ("melancholic piano", "伤感钢琴").
_STYLE_NOUNS: dict[str, dict[str, str]] = {
    "calm_piano": {"en": "piano", "zh_CN": "钢琴"},
    "upbeat_pop": {"en": "pop", "zh_CN": "流行"},
    "cinematic": {"en": "cinematic", "zh_CN": "电影配乐"},
    "lofi": {"en": "lo-fi", "zh_CN": "低保真"},
    "acoustic": {"en": "acoustic", "zh_CN": "原声"},
    "electronic": {"en": "electronic", "zh_CN": "电子"},
    "ambient": {"en": "ambient", "zh_CN": "氛围"},
}
_STYLE_MOOD = {
    "calm_piano": "calm",
    "upbeat_pop": "happy",
    "cinematic": "epic",
    "lofi": "chill",
    "acoustic": "happy",
    "electronic": "energetic",
    "ambient": "calm",
}
_STYLE_OWN_INSTRUMENT = {
    "calm_piano": "piano",
    "acoustic": "guitar",
    "cinematic": "strings",
    "electronic": "synth",
}

# Words people type → style / mood / instrument. English entries match whole words, Chinese ones anywhere.
_STYLE_WORDS: dict[str, tuple[str, ...]] = {
    "lofi": ("lo-fi", "lofi", "lo fi", "chillhop", "study beats", "低保真", "慵懒"),
    "cinematic": (
        "epic",
        "cinematic",
        "trailer",
        "dramatic",
        "heroic",
        "orchestral",
        "film score",
        "史诗",
        "电影",
        "大气",
        "震撼",
        "磅礴",
    ),
    "electronic": (
        "electronic",
        "edm",
        "techno",
        "house",
        "synthwave",
        "dance",
        "club",
        "电子",
        "电音",
        "蹦迪",
    ),
    "ambient": (
        "ambient",
        "atmospheric",
        "dreamy",
        "meditation",
        "meditative",
        "spacey",
        "氛围",
        "空灵",
        "冥想",
        "梦幻",
    ),
    "acoustic": ("acoustic", "folk", "travel", "vlog", "travel vlog", "旅行", "旅游", "民谣", "原声", "vlog"),
    "upbeat_pop": (
        "upbeat",
        "happy",
        "cheerful",
        "fun",
        "pop",
        "energetic",
        "corporate",
        "business",
        "欢快",
        "快乐",
        "开心",
        "活泼",
        "流行",
        "动感",
        "企业",
        "商务",
        "宣传",
    ),
    "calm_piano": (
        "calm",
        "relaxing",
        "relax",
        "peaceful",
        "gentle",
        "soft",
        "quiet",
        "soothing",
        "sad",
        "melancholic",
        "melancholy",
        "romantic",
        "平静",
        "安静",
        "舒缓",
        "轻柔",
        "放松",
        "伤感",
        "悲伤",
        "浪漫",
        "温柔",
    ),
}
_MOOD_WORDS: dict[str, tuple[str, ...]] = {
    "sad": (
        "sad",
        "melancholic",
        "melancholy",
        "emotional",
        "nostalgic",
        "伤感",
        "悲伤",
        "忧伤",
        "难过",
        "怀旧",
    ),
    "romantic": ("romantic", "love", "wedding", "浪漫", "爱情", "婚礼", "温柔"),
    "epic": ("epic", "cinematic", "heroic", "dramatic", "trailer", "史诗", "震撼", "大气", "磅礴"),
    "happy": ("upbeat", "happy", "cheerful", "fun", "joyful", "欢快", "快乐", "开心", "活泼"),
    "energetic": ("energetic", "powerful", "intense", "hype", "动感", "激情", "燃"),
    "chill": ("chill", "lo-fi", "lofi", "laid back", "laid-back", "慵懒", "低保真"),
    "calm": (
        "calm",
        "relaxing",
        "relax",
        "peaceful",
        "gentle",
        "soothing",
        "平静",
        "安静",
        "舒缓",
        "放松",
        "轻柔",
    ),
    "neutral": ("corporate", "business", "企业", "商务"),
}
_INSTRUMENT_WORDS: dict[str, tuple[str, ...]] = {
    "piano": ("piano", "keys", "钢琴"),
    "guitar": ("guitar", "guitars", "吉他"),
    "strings": ("strings", "string", "violin", "cello", "orchestra", "弦乐", "小提琴", "大提琴"),
    "synth": ("synth", "synths", "synthesizer", "合成器"),
}
_INSTRUMENT_STYLE = {
    "piano": "calm_piano",
    "guitar": "acoustic",
    "strings": "cinematic",
    "synth": "electronic",
}
_NO_DRUMS = (
    "no drums",
    "no drum",
    "without drums",
    "drumless",
    "no percussion",
    "no beat",
    "remove drums",
    "remove the drums",
    "drop the drums",
    "lose the drums",
    "不要鼓",
    "没有鼓",
    "无鼓",
    "去掉鼓",
    "不要打击乐",
    "去掉打击乐",
    "不要鼓点",
    "去掉鼓点",
    "别要鼓",
)
_ADD_DRUMS = (
    "add drums",
    "with drums",
    "add some drums",
    "more drums",
    "add a beat",
    "bring back the drums",
    "加鼓",
    "加上鼓",
    "要鼓",
    "加点鼓",
    "加入鼓",
    "加鼓点",
    "有鼓",
)
_FADE_OUT = ("fade out", "fade-out", "fades out", "fading out", "fade away", "淡出", "渐弱")
_END_ENERGY = (
    "more energy at the end",
    "more energetic at the end",
    "bigger ending",
    "stronger ending",
    "build to the end",
    "build up to the end",
    "energy at the end",
    "build up at the end",
    "结尾更有活力",
    "结尾有活力",
    "结尾更燃",
    "结尾更激烈",
    "结尾强一点",
    "结尾更强",
    "越来越激烈",
    "结尾更有力",
)


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(_find(text, w) >= 0 for w in words)


def _find(text: str, word: str) -> int:
    """Position of ``word`` in lower-case ``text``: whole words for Latin script, anywhere for Chinese."""
    if re.search(r"[\u3400-\u9fff]", word):
        return text.find(word)
    m = re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", text)
    return m.start() if m else -1


def _first_match(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The table key whose word appears earliest in ``text`` (people lead with what matters most)."""
    best: tuple[int, int, str] | None = None
    for order, (key, words) in enumerate(table.items()):
        for w in words:
            pos = _find(text, w)
            if pos >= 0 and (best is None or (pos, order) < best[:2]):
                best = (pos, order, key)
    return best[2] if best else None


def _without_negations(text: str) -> str:
    for phrase in _NO_DRUMS:
        text = text.replace(phrase, " ")
    return text


# ---------------------------------------------------------------------------------------- make_brief

_BPM_RE = re.compile(r"(\d{2,3}(?:\.\d+)?)\s*(?:bpm|beats per minute|拍每分|拍/分|拍)", re.I)
_DEFAULT_ARC = (
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
    if energy >= 0.62:
        return "electronic" if mode == "minor" else "upbeat_pop"
    if energy >= 0.42:
        return "lofi" if mode == "minor" else "acoustic"
    if traits is not None and traits.motion < 0.15 and mode == "minor":
        return "ambient"
    return "calm_piano"


def _intensity_curve(energy: float, traits: VideoTraits | None) -> tuple[tuple[float, float], ...]:
    """The default arc, scaled by energy and nudged by the video's own motion curve where known."""
    scale = 0.6 + 0.4 * energy
    points = [(x, 0.2 + (y - 0.2) * scale) for x, y in _DEFAULT_ARC]
    if traits is not None and traits.motion_curve and traits.duration > 0:
        ts = [t / traits.duration for t, _ in traits.motion_curve]
        ms = [m for _, m in traits.motion_curve]
        mean = sum(ms) / len(ms)
        out = []
        for x, y in points:
            near = min(range(len(ts)), key=lambda i: abs(ts[i] - x))
            out.append((x, y + 0.25 * (ms[near] - mean)))
        points = out
    return tuple((round(x, 4), round(min(max(y, 0.1), 1.0), 4)) for x, y in points)


def _end_boost(curve: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    """More energy toward the end: lift the last third, peak just before the final chord."""
    out = []
    for x, y in curve:
        if x >= 0.6:
            y = min(1.0, y + 0.35 * (x - 0.6) / 0.4 + 0.1)
        out.append((x, y))
    if out and out[-1][0] >= 1.0:
        out[-1] = (1.0, max(out[-1][1], 0.7))
    return tuple((round(x, 4), round(y, 4)) for x, y in out)


def _scale_curve(curve: tuple[tuple[float, float], ...], factor: float) -> tuple[tuple[float, float], ...]:
    return tuple((x, round(min(max(0.1 + (y - 0.1) * factor, 0.1), 1.0), 4)) for x, y in curve)


def make_brief(prompt: str, traits: VideoTraits | None) -> MusicBrief:
    """The brief for ``prompt`` (any language, may be empty) and the video's ``traits`` (may be None)."""
    text = (prompt or "").lower()
    positive = _without_negations(text)
    energy = _energy_of(traits)
    video_mode = _mode_of(traits)
    instruments = tuple(k for k, words in _INSTRUMENT_WORDS.items() if _has(positive, words))
    style = _first_match(positive, _STYLE_WORDS)
    if style is None and instruments:
        style = _INSTRUMENT_STYLE[instruments[0]]
    worded = style is not None
    if style is None:
        style = _style_from_video(energy, traits, video_mode)
    spec = STYLES[style]
    mood = _first_match(positive, _MOOD_WORDS) or _STYLE_MOOD[style]
    if mood in ("sad",):
        mode = "minor"
    elif mood in ("happy", "romantic"):
        mode = "major"
    elif spec.mode and worded:
        mode = spec.mode
    else:
        mode = video_mode if traits is not None else (spec.mode or "major")
    if worded:
        energy = {
            "calm": 0.25,
            "sad": 0.3,
            "romantic": 0.3,
            "chill": 0.4,
            "neutral": 0.5,
            "happy": 0.65,
            "epic": 0.7,
            "energetic": 0.8,
        }[mood] * 0.7 + energy * 0.3
    lo, hi = spec.bpm_range
    center = lo + (hi - lo) * energy
    if mood == "sad":
        center -= 4
    width = max(6.0, (hi - lo) * 0.35)
    bpm_range = (round(max(lo - 4, center - width / 2)), round(min(hi + 4, center + width / 2)))
    bpm: float | None = None
    m = _BPM_RE.search(text)
    if m and 40 <= float(m.group(1)) <= 200:
        bpm = float(m.group(1))
        bpm_range = (bpm, bpm)
    drums = spec.drums and bool(spec.grooves)
    if _has(text, _NO_DRUMS):
        drums = False
    elif _has(text, _ADD_DRUMS) or _has(positive, ("drums", "beat", "鼓点")):
        drums = True
    intensity = _intensity_curve(energy, traits)
    if _has(text, _END_ENERGY):
        intensity = _end_boost(intensity)
    keys = spec.keys_minor if mode == "minor" else spec.keys_major
    seed_text = f"{text}|{style}|{mode}|{traits.duration if traits else 0:.2f}"
    key = keys[zlib.crc32(seed_text.encode()) % len(keys)]
    return MusicBrief(
        style=style,
        mood=mood,
        bpm_range=(float(bpm_range[0]), float(bpm_range[1])),
        bpm=bpm,
        key=key,
        mode=mode,
        instruments=instruments,
        drums=drums,
        intensity=intensity,
        fade_out=_has(text, _FADE_OUT),
        music_gain_db=0.0,
        energy=round(energy, 4),
    )


# -------------------------------------------------------------------------------------------- refine

REFINEMENT_KINDS = ("tempo", "energy", "drums", "variation", "gain", "style", "remove", "ending", "mood")


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
        """One short sentence per change, for the chat reply."""
        zh = lang.lower().startswith("zh")
        b = self.brief
        tempo = f"{b.bpm:.0f} BPM" if b.bpm else f"{b.bpm_range[0]:.0f}–{b.bpm_range[1]:.0f} BPM"
        lines = {
            "tempo": (f"Tempo now {tempo}.", f"速度改为 {tempo}。"),
            "energy": ("Energy adjusted.", "已调整音乐的能量。"),
            "drums": (
                ("Drums added." if b.drums else "Drums removed."),
                ("已加入鼓。" if b.drums else "已去掉鼓。"),
            ),
            "variation": ("Here is another variation.", "换了一个版本。"),
            "gain": (f"Music level {b.music_gain_db:+.0f} dB.", f"音乐音量 {b.music_gain_db:+.0f} dB。"),
            "style": (f"Style: {b.summary('en')}.", f"风格：{b.summary('zh_CN')}。"),
            "remove": ("Music removed.", "已去掉音乐。"),
            "ending": ("The ending now fades out.", "结尾改为淡出。"),
            "mood": (
                f"Now in {b.key} {b.mode}.",
                f"改为 {b.key} {'大调' if b.mode == 'major' else '小调'}。",
            ),
        }
        return "".join(lines[k][1] if zh else lines[k][0] + " " for k in self.kinds).strip()


_FASTER = (
    "faster",
    "speed up",
    "speed it up",
    "quicker",
    "more tempo",
    "higher tempo",
    "快一点",
    "快点",
    "加快",
    "更快",
    "快一些",
    "节奏快",
)
_SLOWER = (
    "slower",
    "slow down",
    "slow it down",
    "lower tempo",
    "less fast",
    "慢一点",
    "慢点",
    "放慢",
    "更慢",
    "慢一些",
    "节奏慢",
)
_CALMER = (
    "calmer",
    "more calm",
    "less energy",
    "less energetic",
    "more relaxed",
    "more chill",
    "gentler",
    "softer",
    "平静一点",
    "安静一点",
    "舒缓一点",
    "柔和一点",
    "平静些",
    "轻松一点",
)
_MORE_ENERGY = (
    "more energy",
    "more energetic",
    "more upbeat",
    "more exciting",
    "more intense",
    "livelier",
    "more lively",
    "punchier",
    "更有活力",
    "有活力一点",
    "更激烈",
    "更燃",
    "更带劲",
    "激烈一点",
    "活泼一点",
)
_VARIATION = (
    "another variation",
    "another version",
    "another one",
    "different version",
    "try again",
    "something else",
    "regenerate",
    "new variation",
    "different take",
    "换一个",
    "换一首",
    "再来一个",
    "再来一首",
    "重新生成",
    "换个版本",
    "另一个版本",
)
_QUIETER = (
    "quieter music",
    "music quieter",
    "lower the music",
    "music lower",
    "turn down the music",
    "turn the music down",
    "music softer",
    "softer music",
    "less music",
    "music is too loud",
    "quieter",
    "音乐小声",
    "音乐小一点",
    "音乐轻一点",
    "降低音乐",
    "音乐声音小",
    "背景音乐小",
    "音乐太大",
    "音乐音量小",
    "小声一点",
)
_LOUDER = (
    "louder music",
    "music louder",
    "turn up the music",
    "turn the music up",
    "raise the music",
    "music is too quiet",
    "more music",
    "louder",
    "音乐大声",
    "音乐大一点",
    "音乐响一点",
    "提高音乐",
    "音乐太小",
    "背景音乐大",
    "大声一点",
)
_REMOVE = (
    "remove the music",
    "remove music",
    "no music",
    "without music",
    "delete the music",
    "mute the music",
    "drop the music",
    "take the music off",
    "去掉音乐",
    "不要音乐",
    "删除音乐",
    "删掉音乐",
    "关掉音乐",
    "去除音乐",
    "取消音乐",
    "静音",
)
_STYLE_CHANGE = re.compile(
    r"(different style|change (?:the )?style|style\s*[:：]|switch to|change to|make it|make this|"
    r"换成|改成|换个|换为|改为|风格)"
)
_SADDER = (
    "sadder",
    "more melancholic",
    "darker",
    "minor key",
    "in minor",
    "更伤感",
    "伤感一点",
    "悲伤一点",
    "小调",
)
_HAPPIER = (
    "happier",
    "brighter",
    "more cheerful",
    "major key",
    "in major",
    "开心一点",
    "欢快一点",
    "更欢快",
    "大调",
)


def refine(brief: MusicBrief, text: str) -> Refinement | None:
    """Apply a chat follow-up to ``brief``; None when ``text`` asks nothing musical."""
    t = (text or "").lower().strip()
    if not t:
        return None
    if _has(t, _REMOVE):
        return Refinement(brief, ("remove",))
    kinds: list[str] = []
    b = brief
    m = _BPM_RE.search(t)
    if m and 40 <= float(m.group(1)) <= 200:
        bpm = float(m.group(1))
        b = replace(b, bpm=bpm, bpm_range=(bpm, bpm))
        kinds.append("tempo")
    elif _has(t, _FASTER) or _has(t, _SLOWER):
        f = 1.12 if _has(t, _FASTER) else 1 / 1.12
        lo, hi = b.bpm_range
        new = (round(min(max(lo * f, 45), 190)), round(min(max(hi * f, 45), 190)))
        b = replace(b, bpm_range=(float(new[0]), float(new[1])), bpm=round(b.bpm * f) if b.bpm else None)
        kinds.append("tempo")
    if _has(t, _NO_DRUMS):
        b = replace(b, drums=False)
        kinds.append("drums")
    elif _has(t, _ADD_DRUMS):
        b = replace(b, drums=True)
        kinds.append("drums")
    if _has(t, _END_ENERGY):
        b = replace(b, intensity=_end_boost(b.intensity))
        kinds.append("energy")
    elif _has(t, _MORE_ENERGY):
        b = replace(b, intensity=_scale_curve(b.intensity, 1.3), energy=min(1.0, b.energy + 0.2))
        kinds.append("energy")
    elif _has(t, _CALMER):
        b = replace(b, intensity=_scale_curve(b.intensity, 0.7), energy=max(0.0, b.energy - 0.2))
        kinds.append("energy")
    if _has(t, _FADE_OUT):
        b = replace(b, fade_out=True)
        kinds.append("ending")
    gain_step = 4.0
    if _has(t, _LOUDER) and not _has(t, _QUIETER):
        b = replace(b, music_gain_db=min(6.0, b.music_gain_db + gain_step))
        kinds.append("gain")
    elif _has(t, _QUIETER):
        b = replace(b, music_gain_db=max(-24.0, b.music_gain_db - gain_step))
        kinds.append("gain")
    if _has(t, _SADDER):
        b = replace(b, mode="minor", key=STYLES[b.style].keys_minor[0] if b.mode != "minor" else b.key)
        kinds.append("mood")
    elif _has(t, _HAPPIER):
        b = replace(b, mode="major", key=STYLES[b.style].keys_major[0] if b.mode != "major" else b.key)
        kinds.append("mood")
    positive = _without_negations(t)
    new_style = _first_match(positive, _STYLE_WORDS)
    if new_style is None:
        inst = [k for k, words in _INSTRUMENT_WORDS.items() if _has(positive, words)]
        new_style = _INSTRUMENT_STYLE[inst[0]] if inst and _STYLE_CHANGE.search(t) else None
    if new_style and (_STYLE_CHANGE.search(t) or not kinds):
        fresh = make_brief(positive, None)
        b = replace(
            fresh,
            music_gain_db=b.music_gain_db,
            fade_out=b.fade_out or fresh.fade_out,
            drums=fresh.drums if "drums" not in kinds else b.drums,
        )
        kinds.append("style")
    if _has(t, _VARIATION):
        kinds.append("variation")
    if not kinds:
        return None
    return Refinement(b, tuple(dict.fromkeys(kinds)))


# ------------------------------------------------------------------------------------------ duration

_DUR_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(seconds?|secs?|s(?![a-z])|秒钟?|minutes?|mins?|m(?![a-z])|分钟|分)", re.I
)


def parse_duration_request(text: str) -> float | None:
    """A length asked for in words: "a 30 second upbeat intro", "30秒", "1 minute 30 s", "半分钟"."""
    t = (text or "").lower()
    total = 0.0
    found = False
    for m in _DUR_RE.finditer(t):
        value = float(m.group(1))
        unit = m.group(2)
        total += value * (60.0 if unit.startswith(("min", "m", "分")) and unit != "ms" else 1.0)
        found = True
    if not found:
        if "半分钟" in t or "half a minute" in t or "half minute" in t:
            return 30.0
        if "一分钟" in t or re.search(r"(?<![a-z])(one|a) minute(?![a-z])", t):
            return 60.0
        return None
    return total if total > 0 else None
