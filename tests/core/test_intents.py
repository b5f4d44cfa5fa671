from __future__ import annotations

import pytest

from nemo_desktop.core.intents import Action, GuiAction, classify, translate_gui_phrases


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("export", Action.EXPORT), ("Export please", Action.EXPORT), ("导出", Action.EXPORT),
        ("send me the video", Action.EXPORT), ("download", Action.EXPORT), ("下载视频", Action.EXPORT),
        ("credits", Action.CREDITS), ("how many left?", Action.CREDITS), ("积分", Action.CREDITS),
        ("余额还有多少", Action.CREDITS), ("what's my balance", Action.CREDITS),
        ("status", Action.STATUS), ("show tracks", Action.STATUS), ("状态", Action.STATUS),
        ("upload", Action.UPLOAD), ("上传", Action.UPLOAD),
        ("a calm background track that matches the mood", Action.CHAT),
        ("欢快的音乐", Action.CHAT), ("more energy at the end", Action.CHAT),
        ("add upbeat music then export", Action.CHAT),
        ("exported-looking grain", Action.CHAT),
    ],
)
def test_routing(text: str, action: Action) -> None:
    assert classify(text).action is action


def test_gui_phrases_become_actions() -> None:
    out = translate_gui_phrases("I added soft piano. Click the Export button to download it.")
    assert out.text == "I added soft piano."
    assert out.actions == (GuiAction.EXPORT,)
    zh = translate_gui_phrases("配乐已添加。点击导出按钮即可下载。")
    assert zh.text == "配乐已添加。" and GuiAction.EXPORT in zh.actions
    drag = translate_gui_phrases("Done! You can drag the clips to reorder them in the editor.")
    assert "drag" not in drag.text.lower() and GuiAction.SEND_EDIT in drag.actions


def test_plain_text_is_kept() -> None:
    text = "Your video now has a calm piano score at 72 BPM."
    assert translate_gui_phrases(text).text == text
