"""Every word a person can type about the music, in English and Chinese, and the words we say back.

This module is data: add a synonym here and both ``make_brief`` and ``refine`` understand it. Each list is
a ``Phrases`` (core/phrases.py): English entries match whole words of the lower-cased text (only Latin
letters continue a word, so "来点lofi" counts), Chinese entries match anywhere. The words we say back
(``MOOD_NAMES``, ``STYLE_NOUNS``, ``INSTRUMENT_NAMES``) are English msgids; their Chinese lives in the
zh_CN catalog like every other sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nemo_desktop.core.phrases import ANYWHERE, Phrases
from nemo_desktop.i18n import N_


@dataclass(frozen=True)
class MissingGenre:
    """A kind of music people ask for that we have no style for yet: what we call it and what we use."""

    said: str  # a msgid: "jazz"
    closest: str  # the style we play instead
    words: Phrases


@dataclass(frozen=True)
class MissingInstrument:
    """An instrument people ask for that we cannot play yet."""

    said: str  # a msgid: "saxophone"
    words: Phrases


# --------------------------------------------------------------------------------------- what to play

# Genre names → our style. Only names of kinds of music (moods are MOOD_WORDS): a genre the person names wins
# over the instruments and the mood they name, so an adjective ("tense", "cute", "adventurous") is no genre
# word — "cute lo-fi" is lo-fi. The order of the keys breaks ties at the same place.
GENRE_WORDS: dict[str, Phrases] = {
    "lofi": Phrases(("lo-fi", "lofi", "lo fi", "chillhop", "study beats", "低保真")),
    "hip_hop": Phrases((
        "hip hop", "hip-hop", "hiphop", "rap", "trap", "boom bap", "drill", "808", "嘻哈", "说唱", "饶舌", "陷阱音乐",
    )),
    "synthwave": Phrases((
        "synthwave", "retrowave", "outrun", "vaporwave", "80s", "1980s", "retro synth", "synth pop", "synthpop",
        "合成器浪潮", "蒸汽波", "复古电子", "赛博朋克", "八十年代",
    )),
    "cinematic": Phrases((
        "cinematic", "trailer", "orchestral", "orchestra", "film score", "movie score", "epic music",
        "电影", "管弦", "交响",
    )),
    "suspense": Phrases((
        "suspense", "suspenseful", "thriller", "horror", "scary", "creepy", "mystery", "spooky",
        "悬疑", "惊悚", "恐怖", "诡异",
    )),
    "electronic": Phrases((
        "electronic", "edm", "techno", "house", "electro", "dance music", "club", "trance",
        "电子", "电音", "蹦迪", "浩室",
    )),
    "ambient": Phrases((
        "ambient", "atmospheric", "meditation", "meditative", "spacey", "drone", "氛围", "冥想", "空灵",
    )),
    "rock": Phrases((
        "rock", "punk", "grunge", "hard rock", "indie rock", "power chords", "摇滚", "朋克",
    )),
    "jazz": Phrases(("jazz", "jazzy", "bebop", "swing jazz", "big band", "smooth jazz", "爵士")),
    "chinese": Phrases((
        "chinese traditional", "traditional chinese", "chinese style", "chinese", "guzheng", "erhu", "dizi", "pipa",
        "wuxia", "中国风", "古风", "国风", "民乐", "古筝", "二胡", "笛子", "琵琶", "武侠", "仙侠", "江南",
    )),
    "kids": Phrases((
        "kids", "children", "childrens", "children's", "playful", "cartoon", "nursery rhyme",
        "儿童", "童趣", "卡通", "俏皮", "童谣",
    )),
    "corporate": Phrases((
        "corporate", "business", "commercial", "advertising", "presentation", "inspirational", "motivational",
        "企业", "商务", "宣传", "广告", "励志", "公司",
    )),
    "travel": Phrases((
        "travel", "vlog", "travelogue", "road trip", "vacation",
        "旅行", "旅游", "游记", "出游", "度假", "自驾",
    )),
    "acoustic": Phrases((
        "acoustic", "folk", "singer-songwriter", "民谣", "原声", "木吉他",
    )),
    "sad": Phrases((
        "ballad", "tearjerker", "heartbreak", "sad song", "emotional music", "抒情", "催泪", "伤感音乐", "悲伤的歌",
    )),
    "romantic": Phrases(("love song", "wedding music", "valentine", "情歌", "婚礼音乐", "表白")),
    "upbeat_pop": Phrases(("pop", "k-pop", "kpop", "j-pop", "jpop", "流行")),
    "calm_piano": Phrases(("piano ballad", "solo piano", "钢琴曲", "钢琴独奏")),
}

# Genres we have no style for yet → the name we say back and the closest style we have. Said honestly:
# "No heavy metal style yet — I used rock."
MISSING_GENRES: dict[str, MissingGenre] = {
    # i18n: a kind of music we cannot play yet, in "No {genre} style yet — I used {style}."
    "metal": MissingGenre(N_("heavy metal"), "rock", Phrases((
        "heavy metal", "metal", "metalcore", "重金属", "金属",
    ))),
    # i18n: a kind of music we cannot play yet, in "No {genre} style yet — I used {style}."
    "rnb": MissingGenre(N_("rhythm and blues"), "hip_hop", Phrases((
        "r&b", "rnb", "soul", "neo soul", "节奏布鲁斯", "灵魂乐",
    ))),
    # i18n: a kind of music we cannot play yet, in "No {genre} style yet — I used {style}."
    "blues": MissingGenre(N_("blues"), "jazz", Phrases(("blues", "bluesy", "蓝调", "布鲁斯"))),
    # i18n: a kind of music we cannot play yet, in "No {genre} style yet — I used {style}."
    "classical": MissingGenre(N_("classical"), "cinematic", Phrases(("classical", "baroque", "symphony", "古典"))),
    # i18n: a kind of music we cannot play yet, in "No {genre} style yet — I used {style}."
    "country": MissingGenre(N_("country"), "acoustic", Phrases(("country", "bluegrass", "乡村"))),
    # i18n: a kind of music we cannot play yet, in "No {genre} style yet — I used {style}."
    "latin": MissingGenre(N_("Latin"), "travel", Phrases((
        "latin", "salsa", "bossa nova", "reggaeton", "reggae", "拉丁", "雷鬼",
    ))),
    # i18n: a kind of music we cannot play yet, in "No {genre} style yet — I used {style}."
    "funk": MissingGenre(N_("funk"), "upbeat_pop", Phrases(("funk", "funky", "disco", "放克", "迪斯科"))),
}

# The style a mood picks when no genre or instrument is named.
MOOD_STYLE: dict[str, str] = {
    "calm": "calm_piano",
    "sad": "sad",
    "romantic": "romantic",
    "happy": "upbeat_pop",
    "energetic": "upbeat_pop",
    "epic": "cinematic",
    "chill": "lofi",
    "neutral": "upbeat_pop",
}

# Words → mood. The order of the keys breaks ties between words found at the same place.
MOOD_WORDS: dict[str, Phrases] = {
    "sad": Phrases((
        "sad", "melancholic", "melancholy", "emotional", "nostalgic",
        "伤感", "悲伤", "忧伤", "难过", "怀旧",
    )),
    "romantic": Phrases(("romantic", "love", "wedding", "浪漫", "爱情", "婚礼", "温柔")),
    "epic": Phrases((
        "epic", "cinematic", "heroic", "dramatic", "trailer", "powerful orchestral", "史诗", "震撼", "大气", "磅礴",
    )),
    "happy": Phrases((
        "upbeat", "happy", "cheerful", "fun", "joyful", "bright", "uplifting", "欢快", "快乐", "开心", "活泼", "愉快",
    )),
    "energetic": Phrases(("energetic", "powerful", "intense", "hype", "driving", "动感", "激情", "燃", "劲爆")),
    "chill": Phrases(("chill", "lo-fi", "lofi", "laid back", "laid-back", "慵懒", "低保真")),
    "calm": Phrases((
        "calm", "relaxing", "relax", "peaceful", "gentle", "soothing", "soft", "quiet", "mellow",
        "平静", "安静", "舒缓", "放松", "轻柔",
    )),
    "neutral": Phrases(("corporate", "business", "commercial", "企业", "商务")),
}

INSTRUMENT_WORDS: dict[str, Phrases] = {
    "piano": Phrases(("piano", "keys", "keyboard", "钢琴")),
    "guitar": Phrases(("guitar", "guitars", "ukulele", "吉他", "尤克里里")),
    "strings": Phrases(("strings", "string", "violin", "cello", "orchestra", "弦乐", "小提琴", "大提琴")),
    "synth": Phrases(("synth", "synths", "synthesizer", "synthesiser", "合成器")),
    "saxophone": Phrases(("saxophone", "sax", "萨克斯")),
    "electric_guitar": Phrases((
        "electric guitar", "electric guitars", "distorted guitar", "distortion guitar", "guitar riff", "电吉他",
    )),
}
# An instrument word that is also part of another's name: "guitar" in "electric guitar" is not a second guitar.
PART_OF: dict[str, str] = {"guitar": "electric_guitar"}
# Instruments we have no voice for yet → the name we say back ("No saxophone yet — …").
MISSING_INSTRUMENTS: dict[str, MissingInstrument] = {
    # i18n: an instrument we cannot play yet, in "No {instrument} among the built-in instruments yet."
    "voice": MissingInstrument(N_("vocals"), Phrases(("vocals", "vocal", "singing", "singer", "人声", "唱歌", "歌声"))),
}

# "no drums" is read before "drums", and blanked out of the text before looking for what is asked for.
NO_DRUMS = Phrases((
    "no drums", "no drum", "without drums", "drumless", "no percussion", "no beat", "remove drums",
    "remove the drums", "drop the drums", "lose the drums",
    "不要鼓", "没有鼓", "无鼓", "去掉鼓", "不要打击乐", "去掉打击乐", "不要鼓点", "去掉鼓点", "别要鼓",
))
ADD_DRUMS = Phrases((
    "add drums", "with drums", "add some drums", "more drums", "add a beat", "bring back the drums",
    "加鼓", "加上鼓", "要鼓", "加点鼓", "加入鼓", "加鼓点", "有鼓",
))
DRUMS = Phrases(("drums", "beat", "鼓点"))  # a first request that merely names the drums wants them
FADE_OUT = Phrases(("fade out", "fade-out", "fades out", "fading out", "fade away", "淡出", "渐弱"))
END_ENERGY = Phrases((
    "more energy at the end", "more energetic at the end", "bigger ending", "stronger ending",
    "build to the end", "build up to the end", "energy at the end", "build up at the end",
    "结尾更有活力", "结尾有活力", "结尾更燃", "结尾更激烈", "结尾强一点", "结尾更强", "越来越激烈", "结尾更有力",
))

# A tempo in numbers: "120 BPM", "90拍每分".
BPM = re.compile(r"(\d{2,3}(?:\.\d+)?)\s*(?:bpm|beats per minute|拍每分|拍/分|拍)", re.I)

# ---------------------------------------------------------------------------------- how long to play

DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(seconds?|secs?|s(?![a-z])|秒钟?|minutes?|mins?|m(?![a-z])|分钟|分)", re.I
)
HALF_MINUTE = Phrases(("半分钟", "half a minute", "half minute"), ANYWHERE)
ONE_MINUTE = Phrases(("一分钟", "one minute", "a minute"))

# ------------------------------------------------------------------------------------ follow-ups

FASTER = Phrases((
    "faster", "speed up", "speed it up", "quicker", "more tempo", "higher tempo",
    "快一点", "快点", "加快", "更快", "快一些", "节奏快",
))
SLOWER = Phrases((
    "slower", "slow down", "slow it down", "lower tempo", "less fast",
    "慢一点", "慢点", "放慢", "更慢", "慢一些", "节奏慢",
))
CALMER = Phrases((
    "calmer", "more calm", "less energy", "less energetic", "more relaxed", "more chill", "gentler", "softer",
    "平静一点", "安静一点", "舒缓一点", "柔和一点", "平静些", "轻松一点",
))
MORE_ENERGY = Phrases((
    "more energy", "more energetic", "more upbeat", "more exciting", "more intense", "livelier", "more lively",
    "punchier",
    "更有活力", "有活力一点", "更激烈", "更燃", "更带劲", "激烈一点", "活泼一点",
))
VARIATION = Phrases((
    "another variation", "another version", "another one", "different version", "try again", "something else",
    "regenerate", "new variation", "different take",
    "换一个", "换一首", "再来一个", "再来一首", "重新生成", "换个版本", "另一个版本",
))
QUIETER = Phrases((
    "quieter music", "music quieter", "lower the music", "music lower", "turn down the music",
    "turn the music down", "music softer", "softer music", "less music", "music is too loud", "quieter",
    "音乐小声", "音乐小一点", "音乐轻一点", "降低音乐", "音乐声音小", "背景音乐小", "音乐太大", "音乐音量小",
    "小声一点",
))
LOUDER = Phrases((
    "louder music", "music louder", "turn up the music", "turn the music up", "raise the music",
    "music is too quiet", "more music", "louder",
    "音乐大声", "音乐大一点", "音乐响一点", "提高音乐", "音乐太小", "背景音乐大", "大声一点",
))
REMOVE = Phrases((
    "remove the music", "remove music", "no music", "without music", "delete the music", "mute the music",
    "drop the music", "take the music off",
    "去掉音乐", "不要音乐", "删除音乐", "删掉音乐", "关掉音乐", "去除音乐", "取消音乐", "静音",
))
SADDER = Phrases((
    "sadder", "more melancholic", "darker", "minor key", "in minor",
    "更伤感", "伤感一点", "悲伤一点", "小调",
))
HAPPIER = Phrases((
    "happier", "brighter", "more cheerful", "major key", "in major",
    "开心一点", "欢快一点", "更欢快", "大调",
))
# Words that turn a style or instrument word in a follow-up into a change of style ("switch to lo-fi").
STYLE_CHANGE = re.compile(
    r"(different style|change (?:the )?style|style\s*[:：]|switch to|change to|make it|make this|"
    r"换成|改成|换个|换为|改为|风格)"
)

# Words that show a message is about the music at all, anywhere in a word ("songs", "beats").
MUSIC_WORDS = Phrases(
    ("music", "song", "track", "score", "soundtrack", "bgm", "beat", "style",
     "音乐", "配乐", "歌", "曲", "风格", "节奏"),
    ANYWHERE,
)


def mentions_music(text: str) -> bool:
    """Whether ``text`` talks about the music at all: a message that does not is no request to recompose."""
    return MUSIC_WORDS.found_in(text.lower())


# ---------------------------------------------------------------------------------- what we say back

# How a mood describes a style noun ("calm piano", "平静钢琴"). The neutral mood adds no word.
MOOD_NAMES: dict[str, str] = {
    "calm": N_("calm {style}"),
    "happy": N_("upbeat {style}"),
    "epic": N_("epic {style}"),
    "sad": N_("melancholic {style}"),
    "romantic": N_("romantic {style}"),
    "chill": N_("chill {style}"),
    "energetic": N_("energetic {style}"),
}
# The noun a style is called by after a mood word.
STYLE_NOUNS: dict[str, str] = {
    # i18n: a kind of music, after a mood word: "calm piano"
    "calm_piano": N_("piano"),
    # i18n: a kind of music, after a mood word: "upbeat pop"
    "upbeat_pop": N_("pop"),
    # i18n: a kind of music, after a mood word: "epic cinematic" (film score)
    "cinematic": N_("cinematic"),
    # i18n: a kind of music, after a mood word: "chill lo-fi"
    "lofi": N_("lo-fi"),
    # i18n: a kind of music, after a mood word: "upbeat acoustic"
    "acoustic": N_("acoustic"),
    # i18n: a kind of music, after a mood word: "energetic electronic"
    "electronic": N_("electronic"),
    # i18n: a kind of music, after a mood word: "calm ambient"
    "ambient": N_("ambient"),
    # i18n: a kind of music, after a mood word: "melancholic ballad"
    "sad": N_("ballad"),
    # i18n: a kind of music, after a mood word: "romantic love theme"
    "romantic": N_("love theme"),
    # i18n: a kind of music, after a mood word: "energetic hip hop"
    "hip_hop": N_("hip hop"),
    # i18n: a kind of music, after a mood word: "energetic synthwave"
    "synthwave": N_("synthwave"),
    # i18n: a kind of music, after a mood word: "energetic rock"
    "rock": N_("rock"),
    # i18n: a kind of music, after a mood word: "chill jazz"
    "jazz": N_("jazz"),
    # i18n: a kind of music, after a mood word: "upbeat corporate" (uplifting business music)
    "corporate": N_("corporate"),
    # i18n: a kind of music, after a mood word: "calm Chinese traditional"
    "chinese": N_("Chinese traditional"),
    # i18n: a kind of music, after a mood word: "suspense" (thriller music)
    "suspense": N_("suspense"),
    # i18n: a kind of music, after a mood word: "upbeat kids' music"
    "kids": N_("kids' music"),
    # i18n: a kind of music, after a mood word: "upbeat travel vlog"
    "travel": N_("travel vlog"),
}
INSTRUMENT_NAMES: dict[str, str] = {
    # i18n: an instrument, as in "calm piano with strings"
    "piano": N_("piano"),
    # i18n: an instrument, as in "calm piano with guitar"
    "guitar": N_("guitar"),
    # i18n: an instrument, as in "calm piano with strings"
    "strings": N_("strings"),
    # i18n: an instrument, as in "calm piano with synth"
    "synth": N_("synth"),
    # i18n: an instrument, as in "chill lo-fi with saxophone"
    "saxophone": N_("saxophone"),
    # i18n: an instrument, as in "upbeat pop with electric guitar"
    "electric_guitar": N_("electric guitar"),
}
