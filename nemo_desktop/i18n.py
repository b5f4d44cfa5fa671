"""Our own strings in English and 简体中文, through gettext.

English msgids live in the code; ``locale/zh_CN/LC_MESSAGES/nemo_desktop.mo`` holds the Chinese. The UI
language comes from settings, else the system locale. Replies to a person's chat message follow the language
that person typed in, so ``tr(msg, lang)`` translates into an explicit language too.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOMAIN = "nemo_desktop"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "zh_CN")

_current = "en"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalize(lang: str | None) -> str:
    """Map any locale spelling ("zh", "zh-CN", "zh_CN.UTF-8", "en_US") to one of LANGUAGES."""
    if not lang:
        return "en"
    return "zh_CN" if lang.lower().replace("-", "_").startswith("zh") else "en"


def system_language() -> str:
    """The desktop's language: LANGUAGE/LC_ALL/LC_MESSAGES/LANG, then Python's locale."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return normalize(value.split(":")[0])
    try:
        loc = locale.getlocale()[0]
    except ValueError:
        loc = None
    return normalize(loc)


def language_of(text: str) -> str:
    """The language a person typed in: Chinese if the text has CJK characters, else English."""
    return "zh_CN" if _CJK.search(text or "") else "en"


@cache
def _translation(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def set_language(lang: str | None) -> str:
    """Choose the UI language (None or "" → the system's). Returns the one in force."""
    global _current
    _current = normalize(lang) if lang else system_language()
    return _current


def current_language() -> str:
    return _current


def tr(message: str, lang: str | None = None) -> str:
    """Translate ``message`` into ``lang`` (default: the UI language)."""
    return _translation(normalize(lang) if lang else _current).gettext(message)


def _(message: str) -> str:
    """Translate into the UI language; the name xgettext and Babel look for."""
    return tr(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (tables, defaults)."""
    return message


@dataclass(frozen=True)
class Typography:
    """How a language joins pieces of translated text where the glue is punctuation, not words.

    A msgstr of punctuation alone ("{a}、{b}") holds nothing for a translator and fails the catalog's
    "every msgstr is Chinese" check, so these few separators live here, next to the language list. Every
    word goes through ``tr()``; English needs no catalog, so its glue words ("with", "and") are its own.
    """

    sentence_gap: str  # between two sentences of one reply
    list_and: str  # between the items of a short list: "piano and strings", "钢琴、弦乐"
    aside: str  # a detail added to a name: "calm piano with strings", "平静钢琴（弦乐）"


_TYPOGRAPHY = {
    "en": Typography(sentence_gap=" ", list_and=" and ", aside="{head} with {aside}"),
    "zh_CN": Typography(sentence_gap="", list_and="、", aside="{head}（{aside}）"),
}


def typography(lang: str | None) -> Typography:
    """The joining rules of ``lang`` (any spelling; None or "" → English, like ``normalize``)."""
    return _TYPOGRAPHY[normalize(lang)]
