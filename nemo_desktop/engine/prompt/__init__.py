"""The one text interpreter of the built-in engine: what a person types about the music → what to compose.

- ``lexicon.py``: the words, in English and Chinese, as data (styles, moods, instruments, "no drums",
  "faster", "换一个"…) and the words we say back.
- ``brief.py``: words + the video's traits → a ``MusicBrief``; a length asked for in words.
- ``refine.py``: a follow-up → a ``Refinement`` of the current brief, and the sentence that says so.

Phrases are found with the same matcher the client actions use (``core/phrases.py``).
"""

from __future__ import annotations

from nemo_desktop.engine.prompt.brief import MusicBrief, VideoTraits, explain, make_brief, parse_duration_request
from nemo_desktop.engine.prompt.lexicon import mentions_music
from nemo_desktop.engine.prompt.refine import REFINEMENT_KINDS, Refinement, refine

__all__ = [
    "REFINEMENT_KINDS",
    "MusicBrief",
    "Refinement",
    "VideoTraits",
    "explain",
    "make_brief",
    "mentions_music",
    "parse_duration_request",
    "refine",
]
