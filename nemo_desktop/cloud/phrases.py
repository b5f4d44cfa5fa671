"""Words for what the cloud agent does: friendly activity lines from tool names, and the trailing noise
the skill docs say to ignore. (The GUI-phrase table of §7.2 lives in gui_phrases.py.)
"""

from __future__ import annotations

import re

from nemo_desktop.i18n import N_, tr

_TRAILING_ISSUE = re.compile(r"(?i)encountered a temporary issue|遇到了?临时(问题|故障)")


def is_trailing_noise(text: str) -> bool:
    """"I encountered a temporary issue" after normal output is noise per the skill docs (§3.3.2)."""
    return bool(_TRAILING_ISSUE.search(text))


_TOOL_LABELS: list[tuple[tuple[str, ...], str]] = [
    (("generate_video", "seedance"), N_("Generating the video…")),
    (("generate_music", "suno"), N_("Composing music…")),
    (("voiceover",), N_("Recording a voice-over…")),
    (("audio",), N_("Working on the audio…")),
    (("understand", "analyze", "analyse"), N_("Analysing your clips…")),
    (("edit", "draft", "multitrack"), N_("Editing the timeline…")),
]


def tool_label(name: str, lang: str | None = None) -> str:
    lowered = name.lower()
    for keys, label in _TOOL_LABELS:
        if any(k in lowered for k in keys):
            return tr(label, lang)
    return tr(N_("Working…"), lang)
