"""The cloud agent's web-editor directions (nemovideo-api.md §7.2) → what this app does instead.

The NemoVideo agent was written for its web editor and says "click Export" or "drag the clip". This app
has no such buttons, so those sentences are cut from the reply and turned into actions ("export" runs the
export flow, "check your account" shows the credits) or a line saying what to type instead. Only the
cloud backend talks to that agent, so the table lives here, not with the client's own intents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from nemo_desktop.i18n import N_


class GuiAction(str, Enum):
    """What the app does instead of a web-editor direction."""

    EXPORT = "export"  # "Export button" / 导出按钮 → run the export flow
    SHOW_STATE = "show_state"  # "open [panel]" / "preview in timeline" → show the track summary
    SHOW_CREDITS = "show_credits"  # "check account/billing/dashboard"
    ASK_WHAT = "ask_what"  # "adjust in editor" → ask what to change
    SEND_EDIT = "send_edit"  # "drag/drop", "arrange clips" → send the edit as a chat message
    DROP_FILE = "drop_file"  # upload buttons → ask to drop a file


_S, _E = r"[^.!?。！？\n]*(", r")[^.!?。！？\n]*[.!?。！？]?"  # the whole sentence around a phrase


def _sentence(alternatives: str) -> re.Pattern[str]:
    """The whole sentence around any of ``alternatives``, so the direction is cut with its sentence."""
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

GUI_REPLACEMENTS: dict[GuiAction, str] = {  # msgids: the app says them in the person's language
    GuiAction.EXPORT: N_("Say “export” (or 导出) and I will render the video into your Downloads folder."),
    GuiAction.SHOW_CREDITS: N_("Say “credits” to see your balance."),
    GuiAction.ASK_WHAT: N_("Tell me what you would like to change and I will do it."),
    GuiAction.SEND_EDIT: N_("Tell me how to arrange the clips and I will do it."),
    GuiAction.DROP_FILE: N_("Drop the file onto the window (or give its URL) to add it."),
    GuiAction.SHOW_STATE: "",
}


@dataclass(frozen=True)
class Translated:
    """The agent's text without the directions, and the actions they asked for, in order."""

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
