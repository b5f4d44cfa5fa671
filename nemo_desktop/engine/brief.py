"""Kept so that ``from nemo_desktop.engine.brief import MusicBrief`` in ``engine/music/compose.py`` still works.

The text interpreter lives in ``engine/prompt/``; new code imports from there. Remove this module once the
music package no longer imports it.
"""

from __future__ import annotations

from nemo_desktop.engine.prompt import (
    REFINEMENT_KINDS,
    MusicBrief,
    Refinement,
    VideoTraits,
    make_brief,
    parse_duration_request,
    refine,
)

__all__ = ["REFINEMENT_KINDS", "MusicBrief", "Refinement", "VideoTraits", "make_brief", "parse_duration_request",
           "refine"]
