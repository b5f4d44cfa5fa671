"""Exporting before any music exists asks first (issue 12), with the real window and the real built-in engine.

"No music yet — compose music that fits and export?": Compose and export → music is composed (the video
decides the style) and exported in one job; Export without music → a music-less file the reply calls so;
Cancel → nothing at all. Most tests answer through a monkeypatched ``ask_music_choice``; the first clicks
the real QMessageBox.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from scipy.io import wavfile

from nemo_desktop.core.errors import NoMusicYet
from nemo_desktop.core.session import IfNoMusic
from nemo_desktop.ui.main_window import MainWindow
from tests.media import ffmpeg

QUESTION = "No music yet — compose music that fits and export?"


@pytest.fixture
def clip(media) -> Path:
    """A short silent clip: whatever loudness the export has is the music's."""
    return media.clip(name="short-silent", duration=2, size=(320, 180), audio=None).path


@pytest.fixture
def fresh(window: MainWindow, clip: Path, until) -> MainWindow:
    """A fresh project with one clip and no music."""
    window.add_files([clip])
    until(lambda: window.drop_zone.clip_paths() == [clip] and not window.bridge.busy, 30)
    assert window.timeline.draft.music() is None
    assert window.bridge.export_needs_choice()
    return window


class Asked:
    """Stands in for the question: records each time it is asked and gives a set answer."""

    def __init__(self, answer: IfNoMusic | None) -> None:
        self.answer = answer
        self.count = 0

    def __call__(self) -> IfNoMusic | None:
        self.count += 1
        return self.answer


def answer_box(window: MainWindow, label: str | None, seen: list[dict]) -> None:
    """Once the question is showing, note what it shows in ``seen`` and click the button called ``label``
    (None: press Escape)."""

    def click() -> None:
        boxes = [b for b in window.findChildren(QMessageBox, "musicChoice") if b.isVisible()]
        if not boxes:
            QTimer.singleShot(20, click)
            return
        box = boxes[0]
        seen.append({"title": box.windowTitle(), "text": box.text(), "icon": box.icon(),
                     "default": box.defaultButton().text(), "escape": box.escapeButton().text(),
                     "buttons": [b.text().replace("&", "") for b in box.buttons()],
                     "modal": box.isModal()})
        if label is None:
            QTest.keyClick(box, Qt.Key.Key_Escape)
            return
        button = next(b for b in box.buttons() if b.text().replace("&", "") == label)
        button.click()

    QTimer.singleShot(0, click)


def jobs(window: MainWindow) -> list[str]:
    started: list[str] = []
    window.bridge.jobStarted.connect(started.append)
    return started


def loudness(mp4: Path, tmp_path: Path) -> float:
    wav = tmp_path / "out.wav"
    ffmpeg("-i", str(mp4), "-vn", "-ac", "2", "-ar", "48000", "-c:a", "pcm_s16le", str(wav))
    rate, data = wavfile.read(wav)
    x = data.astype(np.float64) / 32768.0
    return float(pyloudnorm.Meter(rate).integrated_loudness(x))


def test_export_asks_and_compose_and_export_writes_music(fresh: MainWindow, aloop, until, ui_root,
                                                         tmp_path) -> None:
    window = fresh
    started = jobs(window)
    seen: list[dict] = []
    answer_box(window, "Compose and export", seen)
    aloop.call_soon(window.export_action.trigger)  # as a click arrives: from inside the running loop
    until(lambda: bool(seen) and not window.bridge.busy and bool(started), 60, "the export did not run")
    box = seen[0]
    assert box["title"] == "No music yet" and box["text"] == QUESTION and box["modal"]
    assert box["icon"] == QMessageBox.Icon.Question
    assert box["default"] == "Compose and export"
    assert box["escape"].replace("&", "") == "Cancel"
    assert started == ["export"]

    music = window.timeline.draft.music()
    assert music is not None and window.bridge.session.has_music
    assert not window.bridge.export_needs_choice()
    mp4s = list(ui_root.downloads.glob("*.mp4"))
    assert len(mp4s) == 1, list(ui_root.downloads.iterdir())
    assert not list(ui_root.downloads.glob("*.part"))
    with av.open(str(mp4s[0])) as container:
        assert container.streams.video and container.streams.audio
    lufs = loudness(mp4s[0], tmp_path)
    assert abs(lufs + 16.0) <= 1.5, f"the export's audio is {lufs:.1f} LUFS, not music at −16"
    assert "Saved" in window.banner.text and window.banner.level == "success"
    assert "without music" not in window.progress.lines()


@pytest.mark.parametrize(("label", "expected"), [
    ("Compose and export", IfNoMusic.COMPOSE),
    ("Export without music", IfNoMusic.WITHOUT),
    ("Cancel", None),
    (None, None),  # Escape
])
def test_question_buttons(window: MainWindow, aloop, until, label: str | None,
                          expected: IfNoMusic | None) -> None:
    seen: list[dict] = []
    answers: list[IfNoMusic | None] = []
    answer_box(window, label, seen)
    aloop.call_soon(lambda: answers.append(window.ask_music_choice()))
    until(lambda: bool(answers), 10, "the question did not close")
    assert answers == [expected]
    assert sorted(seen[0]["buttons"]) == sorted(["Compose and export", "Export without music", "Cancel"])


def test_cancel_does_nothing(fresh: MainWindow, monkeypatch, until, ui_root) -> None:
    window = fresh
    asked = Asked(None)
    monkeypatch.setattr(window, "ask_music_choice", asked)
    started = jobs(window)
    lines = window.progress.lines()
    window.export()
    export_chip = next(c for c in window.prompt.chips if c.text() == "Export")
    export_chip.click()
    window.send("export")
    assert asked.count == 3
    assert started == [] and not window.bridge.busy
    assert window.progress.lines() == lines  # not even the "Export" line
    assert list(ui_root.downloads.iterdir()) == []
    assert "Saved" not in window.banner.text
    assert window.timeline.draft.music() is None and window.bridge.export_needs_choice()


def test_export_without_music(fresh: MainWindow, monkeypatch, until, ui_root) -> None:
    window = fresh
    asked = Asked(IfNoMusic.WITHOUT)
    monkeypatch.setattr(window, "ask_music_choice", asked)
    window.export()
    until(lambda: not window.bridge.busy, 60)
    assert asked.count == 1
    mp4s = list(ui_root.downloads.glob("*.mp4"))
    assert len(mp4s) == 1, list(ui_root.downloads.iterdir())
    with av.open(str(mp4s[0])) as container:
        assert container.streams.video
    assert "without music" in window.progress.lines()
    assert window.timeline.draft.music() is None
    assert "Saved" in window.banner.text  # asked for, so a success


def test_typed_chinese_export_asks(fresh: MainWindow, monkeypatch, until, ui_root) -> None:
    window = fresh
    asked = Asked(None)
    monkeypatch.setattr(window, "ask_music_choice", asked)
    started = jobs(window)
    window.prompt.edit.setPlainText("导出")
    window.prompt.send_button.click()
    assert asked.count == 1 and started == [] and list(ui_root.downloads.iterdir()) == []
    chip = next(c for c in window.prompt.chips if c.text() == "导出")  # the other-language chip
    chip.click()
    assert asked.count == 2 and started == []

    asked.answer = IfNoMusic.WITHOUT
    window.prompt.edit.setPlainText("导出")
    window.prompt.send_button.click()
    assert asked.count == 3 and started == ["send"]
    until(lambda: not window.bridge.busy, 60)
    assert len(list(ui_root.downloads.glob("*.mp4"))) == 1
    assert "导出" in window.progress.lines()
    assert window.bridge.session.lang == "zh_CN"  # the reply follows the words typed


def test_chat_and_music_do_not_ask(fresh: MainWindow, monkeypatch, until, ui_root) -> None:
    window = fresh
    asked = Asked(None)
    monkeypatch.setattr(window, "ask_music_choice", asked)
    window.send("calm piano")  # not an export: no question
    assert asked.count == 0
    until(lambda: not window.bridge.busy, 60)
    assert window.timeline.draft.music() is not None
    window.export()  # music exists now: no question either
    until(lambda: not window.bridge.busy, 60)
    assert asked.count == 0
    assert len(list(ui_root.downloads.glob("*.mp4"))) == 1


def test_empty_project_does_not_ask(window: MainWindow, monkeypatch, until) -> None:
    asked = Asked(None)
    monkeypatch.setattr(window, "ask_music_choice", asked)
    window.export()
    until(lambda: not window.bridge.busy, 10)
    assert asked.count == 0
    assert "nothing to export" in window.banner.text


def test_no_music_yet_failure_is_an_error_not_saved(fresh: MainWindow, until, ui_root) -> None:
    window = fresh
    window.bridge.export()  # straight to the Session with ASK: it refuses rather than export silence
    until(lambda: not window.bridge.busy, 10)
    assert list(ui_root.downloads.iterdir()) == []
    assert window.banner.level == "error" and "no music yet" in window.banner.text.lower()
    assert "Saved" not in window.banner.text
    window.bridge.failed.emit(NoMusicYet())
    assert window.banner.level == "error" and "Saved" not in window.banner.text
