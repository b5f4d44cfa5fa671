"""Finding a person's phrases in what they typed: the one matcher behind every word list in the app.

``core/intents.py`` (export, credits, status…) and ``engine/prompt/`` (styles, moods, "faster", "no drums"…)
both ask the same question: does this phrase occur in this text, and where? Written Chinese puts no spaces
between words, so a Chinese phrase matches anywhere. An English phrase matches as whole words; what counts
as "inside a word" is a property of the word list (``Edges``), because the lists were tuned differently:

- ``COMMAND``: a client action must not fire inside another word, so letters, digits, ``_`` and ``-`` all
  continue a word ("export" is not found in "exported-looking" or "re-export"), any run of white space
  separates words, and case is ignored.
- ``PROSE``: a music request is lower-cased first and only Latin letters continue a word, so English glued
  to Chinese still counts ("来点lofi", "calm钢琴"), as do "calm2" and "lo-fi-ish".
- ``ANYWHERE``: no edges at all ("song" is found in "songs", "beat" in "beats").

Keeping the three policies as data of one implementation is what lets both callers share it without a
single prompt changing meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K")

_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Edges:
    """Where an English phrase may begin and end, how its spaces match, and whether case counts."""

    word_char: str | None  # a regex class of the characters that continue a word; None: no edges
    space: str  # the regex a space inside a phrase becomes
    flags: re.RegexFlag = re.NOFLAG


COMMAND = Edges(word_char=r"[\w-]", space=r"\s+", flags=re.IGNORECASE)
PROSE = Edges(word_char=r"[a-z]", space=r"\ ")
ANYWHERE = Edges(word_char=None, space=r"\ ")


def is_chinese(phrase: str) -> bool:
    """True when ``phrase`` holds a Han character, and so matches without word edges."""
    return bool(_HAN.search(phrase))


def phrase_regex(phrase: str, edges: Edges) -> str:
    """The regex source for one phrase under ``edges``."""
    if is_chinese(phrase):
        return re.escape(phrase)
    body = re.escape(phrase).replace(r"\ ", edges.space)
    if edges.word_char is None:
        return body
    return f"(?<!{edges.word_char}){body}(?!{edges.word_char})"


class Phrases:
    """A word list compiled once: ask whether any of its phrases occurs in a text, and where first."""

    __slots__ = ("_pattern", "edges", "words")

    def __init__(self, words: Iterable[str], edges: Edges = PROSE) -> None:
        self.words: tuple[str, ...] = tuple(words)
        self.edges = edges
        source = "|".join(phrase_regex(w, edges) for w in self.words) or "(?!)"  # an empty list finds nothing
        self._pattern = re.compile(source, edges.flags)

    def __repr__(self) -> str:
        return f"Phrases({self.words!r})"

    def found_in(self, text: str) -> bool:
        """Whether any phrase occurs in ``text``."""
        return self._pattern.search(text) is not None

    def position(self, text: str) -> int:
        """Where the earliest phrase starts in ``text``, or -1."""
        match = self._pattern.search(text)
        return match.start() if match else -1

    def removed_from(self, text: str) -> str:
        """``text`` with every occurrence of each phrase, in list order and edges ignored, blanked out.

        Used to read "no drums" before looking for "drums": the negated words must not count as asked for.
        """
        for phrase in self.words:
            text = text.replace(phrase, " ")
        return text


def earliest(table: Mapping[K, Phrases], text: str) -> K | None:
    """The key whose phrase appears earliest in ``text``; on a tie the key listed first.

    People lead with what matters most: "sad piano, a bit epic" is sad before it is epic.
    """
    best: tuple[int, int, K] | None = None
    for order, (key, phrases) in enumerate(table.items()):
        pos = phrases.position(text)
        if pos >= 0 and (best is None or (pos, order) < best[:2]):
            best = (pos, order, key)
    return best[2] if best else None
