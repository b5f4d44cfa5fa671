"""A person's text → what the app should do, in English and Chinese, before anything reaches an engine.

Export, credits, status and upload are client actions (never sent to the cloud agent, which would charge
for them); everything else is a chat turn. Matching is case-insensitive on whole words or phrases
(``core/phrases.py``, ``COMMAND`` edges: "export" is not found in "exported-looking"), and the client
actions win. The second half translates the cloud agent's web-editor directions ("click
Export", "drag the clip") into what this app does instead.
"""

from __future__ import annotations

import re
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


# --- the cloud agent's GUI phrases (nemovideo-api.md §7.2) -------------------------------------------------


class GuiAction(str, Enum):
    EXPORT = "export"  # "Export button" / 导出按钮 → run the export flow
    SHOW_STATE = "show_state"  # "open [panel]" / "preview in timeline" → show the track summary
    SHOW_CREDITS = "show_credits"  # "check account/billing/dashboard"
    ASK_WHAT = "ask_what"  # "adjust in editor" → ask what to change
    SEND_EDIT = "send_edit"  # "drag/drop", "arrange clips" → send the edit as a chat message
    DROP_FILE = "drop_file"  # upload buttons → ask to drop a file


_S, _E = r"[^.!?。！？\n]*(", r")[^.!?。！？\n]*[.!?。！？]?"  # the whole sentence around a phrase


def _sentence(alternatives: str) -> re.Pattern[str]:
    return re.compile(_S + alternatives + _E, re.IGNORECASE)


_GUI_RULES: list[tuple[re.Pattern[str], GuiAction]] = [
    (_sentence(r"export button|click (on )?(the )?export|导出按钮|点击导出"), GuiAction.EXPORT),
    (_sentence(r"check (your )?(account|billing|dashboard)|查看(账户|余额)"), GuiAction.SHOW_CREDITS),
    (_sentence(r"adjust (it )?in (the )?editor|在编辑器中调整"), GuiAction.ASK_WHAT),
    (_sentence(r"upload button|click (on )?(the )?upload|上传按钮"), GuiAction.DROP_FILE),
    (_sentence(r"drag(ging)?( and drop)?|drop (it|them|the clip)|arrange (the )?clips|拖拽|拖动"), GuiAction.SEND_EDIT),
    (_sentence(r"preview (it )?in (the )?timeline|open (the )?\w+ panel|click (on )?(the )?\w+( button)?"
               r"|打开\S*面板|点击"), GuiAction.SHOW_STATE),
]

GUI_REPLACEMENTS = {
    GuiAction.EXPORT: "Say “export” (or 导出) and I will render the video into your Downloads folder.",
    GuiAction.SHOW_CREDITS: "Say “credits” to see your balance.",
    GuiAction.ASK_WHAT: "Tell me what you would like to change and I will do it.",
    GuiAction.SEND_EDIT: "Tell me how to arrange the clips and I will do it.",
    GuiAction.DROP_FILE: "Drop the file onto the window (or give its URL) to add it.",
    GuiAction.SHOW_STATE: "",
}


@dataclass(frozen=True)
class Translated:
    text: str
    actions: tuple[GuiAction, ...]


def translate_gui_phrases(text: str) -> Translated:
    """Strip web-editor directions from the agent's text; report the actions the app should take."""
    actions: list[GuiAction] = []
    out = text
    for pattern, action in _GUI_RULES:
        def _sub(match: re.Match[str], action: GuiAction = action) -> str:
            if action not in actions:
                actions.append(action)
            return ""

        out = pattern.sub(_sub, out)
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r"\n{3,}", "\n\n", out).strip()
    return Translated(out, tuple(actions))
