from __future__ import annotations

import pytest

from nemo_desktop.core.intents import Action, classify


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
