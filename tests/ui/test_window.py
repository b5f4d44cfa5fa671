"""The real window with the real built-in engine: drop, type, watch, export, cancel, close."""

from __future__ import annotations

from pathlib import Path

import av
import psutil
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox

from nemo_desktop.core.draft import AUDIO, VIDEO
from nemo_desktop.core.session import IfNoMusic
from tests.processes import live_children
from tests.ui.dnd import drop


def children() -> list[psutil.Process]:
    return live_children()


def test_prompt_has_focus_and_engine_falls_back_offline(window, qtbot, until, reach) -> None:
    until(lambda: window.prompt.edit.hasFocus(), 5, "prompt box should have focus at open")
    assert reach.calls >= 1
    assert "Built-in" in window.engine_label.text()
    assert window.online_label.text() == "Offline"
    # said once, in one place: the banner (not the chat, not a second "you are offline" banner)
    assert window.banner.text == "Offline — using the built-in engine."
    assert "Offline" not in window.progress.lines()


def test_back_online_banner(window, until, reach, aloop) -> None:
    reach.online = True
    assert aloop.run_until_complete(window.notifier.check()) is True
    assert window.online_label.text() == "Online"
    assert "back online" in window.banner.text


def test_drop_is_strict_and_rejects_with_reasons(window, media, tmp_path, until) -> None:
    clip = media.clip(duration=2, size=(320, 180)).path
    txt = tmp_path / "notes.txt"
    txt.write_text("not a video")
    empty = tmp_path / "empty.mp4"
    empty.touch()
    enter, event = drop(window.drop_zone, [clip, QUrl("https://example.com/y.mp4"), txt, empty])
    assert enter.isAccepted()
    assert event.isAccepted() and event.dropAction() == Qt.DropAction.CopyAction
    until(lambda: window.drop_zone.clip_paths() and len(window.drop_zone.rejected_lines()) == 2
          and not window.bridge.busy, 30)
    assert window.drop_zone.clip_paths() == [clip]
    reasons = "\n".join(window.drop_zone.rejected_lines())
    assert "notes.txt" in reasons and "not supported" in reasons
    assert "empty.mp4" in reasons and "empty (0 bytes)" in reasons
    assert "not local files" in window.banner.text  # the web link was named as skipped
    assert clip.exists() and txt.read_text() == "not a video"  # copy, never move


def test_drop_of_web_links_only_is_refused(window) -> None:
    enter, _event = drop(window.drop_zone, [QUrl("https://example.com/a.mp4")])
    assert not enter.isAccepted()


def test_full_job_to_mp4(window, media, qtbot, until, opened, ui_root) -> None:
    a = media.clip(duration=3, size=(320, 180), cuts=(1.5,)).path
    b = media.clip(duration=2, size=(320, 180), audio=None).path
    drop(window.drop_zone, [a, b])
    until(lambda: len(window.drop_zone.clip_paths()) == 2 and not window.bridge.busy, 30)
    assert [t.kind for t in window.timeline.rows()] == [VIDEO]
    qtbot.keyClicks(window.prompt.edit, "calm piano")
    qtbot.keyClick(window.prompt.edit, Qt.Key.Key_Return)
    assert window.bridge.busy and not window.prompt.isEnabled()  # disabled while the job runs
    assert window.progress.cancel_button.isEnabled()
    until(lambda: not window.bridge.busy, 60)
    assert window.prompt.isEnabled()
    kinds = [t.kind for t in window.timeline.rows()]
    assert VIDEO in kinds and AUDIO in kinds
    music = window.timeline.draft.music()
    assert music is not None and music.meta.get("bpm")
    assert "calm piano" in window.progress.lines() and "Nemo:" in window.progress.lines()
    window.timeline.grab()  # paints the music segment, cuts and ticks without error

    export_chip = next(c for c in window.prompt.chips if c.text() == "Export")
    export_chip.click()
    until(lambda: not window.bridge.busy, 60)
    mp4s = list(ui_root.downloads.glob("*.mp4"))
    assert len(mp4s) == 1, list(ui_root.downloads.iterdir())
    assert not list(ui_root.downloads.glob("*.part"))
    with av.open(str(mp4s[0])) as container:
        assert container.streams.video and container.streams.audio
    assert "Saved" in window.banner.text
    window.banner.trigger("Play")
    window.banner.trigger("Open folder")
    assert [u.toLocalFile() for u in opened.urls] == [str(mp4s[0]), str(mp4s[0].parent)]


def test_cancel_mid_export_leaves_nothing(window, media, until, ui_root) -> None:
    clip = media.clip(duration=20, size=(1280, 720), fps=30).path
    window.add_files([clip])
    until(lambda: window.drop_zone.clip_paths() and not window.bridge.busy, 60)
    window.send("upbeat")
    until(lambda: not window.bridge.busy, 60)
    window.export()
    until(lambda: window.bridge.job_kind == "export" and (children() or list(ui_root.downloads.glob("*.part"))),
          30, "the export never started a child process or a .part file")
    window.progress.cancel_button.click()
    until(lambda: not window.bridge.busy, 10, "cancel did not stop the job")
    until(lambda: not children(), 5, "ffmpeg still running after cancel")
    assert list(ui_root.downloads.iterdir()) == []
    assert "Cancelled" in window.progress.lines()
    assert window.prompt.isEnabled()


def test_close_while_busy_asks_then_cancels_cleanly(make_window, media, until, ui_root, aloop,
                                                    monkeypatch) -> None:
    window = make_window()
    clip = media.clip(duration=20, size=(1280, 720), fps=30).path
    window.add_files([clip])
    until(lambda: window.drop_zone.clip_paths() and not window.bridge.busy, 60)
    monkeypatch.setattr(window, "ask_music_choice", lambda: IfNoMusic.WITHOUT)  # no music: export without
    window.export()
    until(lambda: window.bridge.busy, 5)
    closed = []
    window.closedCleanly.connect(lambda: closed.append(True))
    # Close and answer from inside the running loop, as a person's clicks arrive in the real app.
    aloop.call_soon(window.close)
    until(lambda: window.quit_box is not None and window.quit_box.isVisible(), 5, "no confirmation asked")
    assert window.isVisible() and window.bridge.busy
    aloop.call_soon(window.quit_box.button(QMessageBox.StandardButton.Yes).click)
    until(lambda: bool(closed), 15, "window did not close after shutdown")
    assert not window.isVisible()
    assert window.bridge.tasks() == set()
    until(lambda: not children(), 5)
    assert not list(ui_root.downloads.glob("*.part"))


def test_remove_and_reorder_clips(window, media, until) -> None:
    a = media.clip(name="first", duration=2, size=(320, 180)).path
    b = media.clip(name="second", duration=2, size=(320, 180)).path
    window.add_files([a, b])
    until(lambda: len(window.drop_zone.clip_paths()) == 2 and not window.bridge.busy, 30)
    window.prompt.edit.setPlainText("calm piano")
    window.prompt.send_button.click()
    until(lambda: window.timeline.draft.music() is not None and not window.bridge.busy, 30)
    seed = window.timeline.draft.music().meta["seed"]
    window.drop_zone.list.setCurrentRow(1)
    window.drop_zone.up_button.click()
    until(lambda: window.drop_zone.clip_paths() == [b, a] and not window.bridge.busy, 30)
    window.drop_zone.list.setCurrentRow(0)
    window.drop_zone.remove_button.click()
    until(lambda: window.drop_zone.clip_paths() == [a] and not window.bridge.busy, 30)
    assert [Path(s.source) for s in window.timeline.draft.segments_of(VIDEO)] == [a]
    music = window.timeline.draft.music()  # the same piece, refitted to the shorter cut
    assert music is not None and music.meta["seed"] == seed and music.duration == window.timeline.draft.duration
