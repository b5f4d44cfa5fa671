"""A person's text → what the app should do, in English and Chinese, before anything reaches an engine.

Export, credits, status and upload are client actions (never sent to the cloud agent, which would charge
for them); everything else is a chat turn. Matching is case-insensitive on whole words or phrases
(``core/phrases.py``, ``COMMAND`` edges: "export" is not found in "exported-looking"), and the client
actions win. What the words ask of the music itself is the engine's business (``engine/prompt/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from nemo_desktop.core.phrases import COMMAND, Phrases


class Action(str, Enum):
    """What a text asks the app to do."""

    EXPORT = "export"
    CREDITS = "credits"
    STATUS = "status"
    UPLOAD = "upload"
    CHAT = "chat"


@dataclass(frozen=True)
class Intent:
    """What to do with a text, and the text itself (stripped)."""

    action: Action
    text: str


_EXPORT = Phrases((
    "export", "download", "render", "send me the video", "get the video", "give me the video", "save the video",
    "save video", "export video", "导出", "下载", "保存视频", "输出视频", "渲染",
), COMMAND)
_CREDITS = Phrases(("credits", "credit balance", "balance", "how many left", "积分", "余额", "点数"), COMMAND)
_STATUS = Phrases((
    "status", "show tracks", "show timeline", "show the timeline", "what's in it", "what is in it",
    "状态", "时间线", "轨道",
), COMMAND)
_UPLOAD = Phrases(("upload", "上传"), COMMAND)
# A request that merely mentions exporting as part of a larger ask is still a chat turn:
_CHAT_FIRST = Phrases(("then export", "and export", "然后导出", "再导出"), COMMAND)


def classify(text: str) -> Intent:
    """Route ``text``; short imperative requests like "导出" or "Export please" become client actions."""
    stripped = text.strip()
    if not stripped:
        return Intent(Action.CHAT, stripped)
    if _CHAT_FIRST.found_in(stripped):
        return Intent(Action.CHAT, stripped)
    for phrases, action in (
        (_EXPORT, Action.EXPORT),
        (_CREDITS, Action.CREDITS),
        (_STATUS, Action.STATUS),
        (_UPLOAD, Action.UPLOAD),
    ):
        if phrases.found_in(stripped):
            return Intent(action, stripped)
    return Intent(Action.CHAT, stripped)
