"""The cloud agent's web-editor directions become app actions (moved here from tests/core/test_intents.py)."""

from __future__ import annotations

from nemo_desktop.cloud.gui_phrases import GuiAction, translate_gui_phrases


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
