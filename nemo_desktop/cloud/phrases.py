"""The agent thinks the person is in NemoVideo's web editor (§7.2): strip its GUI directions.

A sentence that tells the person to click, open a panel, drag clips, press the Export button, check the
billing page or adjust in the editor is replaced by what this app does instead, and the matching action is
reported to the caller (show the track summary, show credits, say how to export). Content descriptions are
kept as they are. Tool names become friendly activity lines.

(core/intents.py is meant to hold this table; until it exists the cloud client carries its own copy.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nemo_desktop.i18n import N_, tr

EXPORT, STATUS, CREDITS, ASK_EDIT, UPLOAD = "export", "status", "credits", "ask_edit", "upload"

# (pattern, action, replacement msgid or None to drop the sentence); first match wins, order matters.
_RULES: list[tuple[re.Pattern[str], str, str | None]] = [
    (re.compile(r"(?i)\bexport\s+button\b|导出按钮|点击\s*导出|\bclick\b[^.!?。！？]*\bexport\b"), EXPORT,
     N_("Say “export” when you want the video, and I will render and download it.")),
    (re.compile(r"(?i)\bupload\s+button\b|\bclick\b[^.!?。！？]*\bupload\b|上传按钮|点击\s*上传"), UPLOAD,
     N_("Drop another file on the window (or give its path) to add it.")),
    (re.compile(r"(?i)\b(check|visit|open|see)\b[^.!?。！？]*\b(account|billing|dashboard)\b|账户|计费|控制台"),
     CREDITS, None),
    (re.compile(r"(?i)\badjust\b[^.!?。！？]*\b(in|with)\s+(the\s+)?editor\b|在编辑器中调整"), ASK_EDIT,
     N_("Tell me what you would like to change, and I will do it.")),
    (re.compile(r"(?i)\bpreview\b[^.!?。！？]*\btimeline\b|在时间线[上中]?预览"), STATUS, None),
    (re.compile(r"(?i)\b(drag|drop)\b[^.!?。！？]*\b(clip|track|timeline)s?\b|\barrange\s+(the\s+)?clips\b|拖拽|拖动"),
     ASK_EDIT, N_("Tell me how to arrange the clips, and I will change the timeline.")),
    (re.compile(r"(?i)\bopen\b[^.!?。！？]*\b(panel|editor|timeline|tab)\b|打开[^。！？]*(面板|编辑器|时间线)"),
     STATUS, None),
    (re.compile(r"(?i)\bclick\b|点击"), STATUS, None),
]

_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*\s*|\n")


@dataclass
class Translated:
    text: str
    actions: set[str] = field(default_factory=set)


def translate(text: str, lang: str | None = None) -> Translated:
    """Agent text with GUI directions replaced; ``actions`` says what the app should do instead."""
    out: list[str] = []
    actions: set[str] = set()
    for sentence in _SENTENCE.findall(text):
        for pattern, action, replacement in _RULES:
            if pattern.search(sentence):
                actions.add(action)
                if replacement:
                    line = tr(replacement, lang)
                    if line not in out:
                        out.append(line + " ")
                break
        else:
            out.append(sentence)
    cleaned = re.sub(r"[ \t]+\n", "\n", "".join(out)).strip()
    return Translated(cleaned, actions)


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
