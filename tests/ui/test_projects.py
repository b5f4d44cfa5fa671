"""The window as a project editor, on the real built-in engine and real media: drop anywhere, sound files
as their own entries, undo/redo of clip and music edits, New and Open Recent, the direct music controls,
Save As, honest Play/Open folder, the Saved banner that clears, and a window that fits 1280×720."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtWidgets import QApplication

from nemo_desktop.core.ports import MusicChange
from tests.ui.dnd import drop


def idle(window) -> bool:
    return window.bridge.session is not None and not window.bridge.busy


def test_a_drop_on_any_panel_adds_the_file(window, media, until) -> None:
    panels = [window.prompt.edit.viewport(), window.progress.conversation.viewport(), window.timeline,
              window.controls, window.drop_zone]
    for i, panel in enumerate(panels):
        clip = media.clip(f"panel {i}", duration=1, size=(160, 90)).path
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(clip))])
        enter = QDragEnterEvent(QPointF(5, 5).toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(panel, enter)
        assert enter.isAccepted(), panel
        assert window.drop.overlay.isVisible()  # the drop overlay shows while dragging
        entered, dropped = drop(panel, [clip])
        assert entered.isAccepted() and dropped.isAccepted(), panel
        assert not window.drop.overlay.isVisible()
        until(lambda n=i + 1: len(window.drop_zone.clip_paths()) == n and idle(window), 30, f"not added: {panel}")
    assert window.prompt.edit.toPlainText() == ""  # the file became a clip, not text in the prompt


def test_a_dropped_sound_file_is_listed_muted_and_removed(window, media, until) -> None:
    clip = media.clip("with song", duration=2, size=(160, 90)).path
    song = media.audio("the song", duration=2.0).path
    drop(window.progress.conversation.viewport(), [clip, song])
    until(lambda: window.drop_zone.sound_paths() == [song] and idle(window), 30)
    assert window.drop_zone.clip_paths() == [clip]
    assert "the song" in window.drop_zone.sound_lines()[0]

    window.drop_zone.select_path(song)
    assert window.drop_zone.mute_button.isVisible() and window.drop_zone.mute_button.isEnabled()
    window.drop_zone.mute_button.click()
    until(lambda: idle(window) and window.timeline.draft.sound_files()[0].volume == 0.0, 30)
    assert "muted" in window.drop_zone.sound_lines()[0]

    window.drop_zone.select_path(song)
    window.drop_zone.remove_button.click()
    until(lambda: idle(window) and window.drop_zone.sound_paths() == [], 30)
    assert window.drop_zone.clip_paths() == [clip] and window.timeline.draft.sound_files() == []


def test_undo_redo_round_trip_clip_and_music_edits(window, media, until) -> None:
    a = media.clip("undo a", duration=2, size=(160, 90), cuts=(1.0,)).path
    b = media.clip("undo b", duration=1, size=(160, 90)).path
    window.add_files([a])
    until(lambda: idle(window) and window.drop_zone.clip_paths() == [a], 30)
    window.add_files([b])
    until(lambda: idle(window) and window.drop_zone.clip_paths() == [a, b], 30)
    states = [window.timeline.draft.to_compact()]
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()

    styles = [window.controls.style_box.itemData(i) for i in range(window.controls.style_box.count())]
    assert "lofi" in styles and "calm_piano" in styles  # the engine's styles, by id
    window.controls.style_box.setCurrentIndex(styles.index("lofi"))
    window.controls.style_box.activated.emit(styles.index("lofi"))
    until(lambda: idle(window) and window.timeline.draft.music() is not None, 60)
    assert window.timeline.draft.music_info().style == "lofi"
    states.append(window.timeline.draft.to_compact())

    window.controls.level.setValue(-10)  # the music level: settles, then goes through the Session
    until(lambda: idle(window) and window.timeline.draft.music_info().gain_db == -10.0, 30)
    states.append(window.timeline.draft.to_compact())
    window.controls.variation.click()
    until(lambda: idle(window) and window.timeline.draft.to_compact() != states[-1], 60)
    states.append(window.timeline.draft.to_compact())
    window.drop_zone.select_path(b)
    window.drop_zone.up_button.click()  # reorder
    until(lambda: idle(window) and window.drop_zone.clip_paths() == [b, a], 60)
    states.append(window.timeline.draft.to_compact())

    for expected in reversed(states[:-1]):
        window.undo_action.trigger()
        until(lambda e=expected: idle(window) and window.timeline.draft.to_compact() == e, 60)
    assert window.controls.style_box.currentIndex() == -1 and window.drop_zone.clip_paths() == [a, b]
    for expected in states[1:]:
        window.redo_action.trigger()
        until(lambda e=expected: idle(window) and window.timeline.draft.to_compact() == e, 60)
    assert window.controls.level.value() == -10 and window.controls.style_box.currentData() == "lofi"
    assert not window.redo_action.isEnabled()


def test_ctrl_z_in_an_empty_prompt_undoes_the_project(window, media, qtbot, until) -> None:
    clip = media.clip("ctrl z", duration=1, size=(160, 90)).path
    window.add_files([clip])
    until(lambda: idle(window) and window.drop_zone.clip_paths() == [clip], 30)
    window.activateWindow()
    qtbot.keyClicks(window.prompt.edit, "abc")
    qtbot.keyClick(window.prompt.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.prompt.edit.toPlainText() == "" and window.drop_zone.clip_paths() == [clip]  # typing undone
    qtbot.keyClick(window.prompt.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    until(lambda: idle(window) and window.drop_zone.clip_paths() == [], 30, "Ctrl+Z did not reach the project")


def test_new_clears_the_project_and_open_recent_brings_it_back(window, media, until) -> None:
    clip = media.clip("recent", duration=1, size=(160, 90)).path
    window.add_files([clip])
    until(lambda: idle(window) and window.drop_zone.clip_paths() == [clip], 30)
    window.bridge.tune(MusicChange(style="ambient"))
    until(lambda: idle(window) and window.timeline.draft.music() is not None, 60)
    kept = window.timeline.draft.to_compact()
    window.new_action.trigger()
    until(lambda: idle(window) and window.timeline.draft.is_empty, 30)
    assert window.drop_zone.clip_paths() == [] and window.progress.lines() == ""
    assert not window.undo_action.isEnabled()
    window._fill_recent()
    [entry] = [a for a in window.recent_menu.actions() if a.text() == "recent"]
    entry.trigger()
    until(lambda: idle(window) and window.timeline.draft.to_compact() == kept, 60)
    assert window.drop_zone.clip_paths() == [clip]


def test_a_restarted_window_says_it_restored_the_project(make_window, media, until) -> None:
    clip = media.clip("restored", duration=1, size=(160, 90)).path
    first = make_window()
    first.add_files([clip])
    until(lambda: idle(first) and first.drop_zone.clip_paths() == [clip], 30)
    second = make_window()
    until(lambda: second.drop_zone.clip_paths() == [clip], 30)
    assert "Restored your last project" in second.project_bar.text
    second.project_bar.new_button.click()
    until(lambda: idle(second) and second.timeline.draft.is_empty, 30)
    assert not second.project_bar.isVisible()


def test_files_given_at_start_open_a_new_project(make_window, media, until) -> None:
    old = media.clip("old project", duration=1, size=(160, 90)).path
    new = media.clip("from the command line", duration=1, size=(160, 90)).path
    first = make_window()
    first.add_files([old])
    until(lambda: idle(first) and first.drop_zone.clip_paths() == [old], 30)
    second = make_window(start=False)
    second.start([new])
    until(lambda: idle(second) and second.drop_zone.clip_paths() == [new], 30)
    assert not second.project_bar.isVisible()
    assert [e.name for e in second.bridge.recent.entries()] == ["old project"]
    third = make_window(start=False)
    third.start([old], add=True)  # the person chose to add
    until(lambda: idle(third) and third.drop_zone.clip_paths() == [new, old], 30)


def test_save_as_and_the_banner_that_clears(window, media, until, ui_root, tmp_path) -> None:
    clip = media.clip("saved clip", duration=2, size=(160, 90)).path
    window.add_files([clip])
    until(lambda: idle(window) and window.drop_zone.clip_paths() == [clip], 30)
    window.bridge.tune(MusicChange(style="calm_piano"))
    until(lambda: idle(window) and window.timeline.draft.music() is not None, 60)
    offered: list[Path] = []
    target = tmp_path / "mine" / "my video.mp4"
    target.parent.mkdir()

    def choose(_parent, suggested: Path) -> Path:
        offered.append(suggested)
        return target

    window.ask_save_path = choose
    window.controls.export_button.click()
    until(lambda: idle(window) and "Saved" in window.banner.text, 90)
    assert offered == [ui_root.downloads / "saved clip – music.mp4"]
    assert target.is_file() and list(target.parent.iterdir()) == [target]
    assert "my video.mp4" in window.banner.text

    window.controls.level.setValue(-6)  # the music changed: the saved video is not what is shown now
    until(lambda: idle(window) and window.timeline.draft.music_info().gain_db == -6.0, 30)
    assert "Saved" not in window.banner.text

    window.export()
    until(lambda: idle(window) and "Saved" in window.banner.text, 90)
    window.export()
    window.bridge.cancel()
    until(lambda: idle(window), 30)
    assert "Saved" not in window.banner.text  # a cancelled export does not leave the last one's banner


def test_play_and_open_folder_show_the_path_without_a_launcher(window, tmp_path) -> None:
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x")
    window.notifier._open_url = lambda url: False  # what QDesktopServices.openUrl says with no launcher
    window.notifier.export_done(video)
    window.banner.trigger("Play")
    dialog = window.notifier.path_dialog
    assert dialog is not None and dialog.isVisible() and dialog.path.text() == str(video)
    assert dialog.path.isReadOnly() and dialog.path.selectedText() == str(video)
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == str(video)
    window.banner.trigger("Open folder")
    assert window.notifier.path_dialog.path.text() == str(tmp_path)
    window.notifier.path_dialog.close()


def test_the_window_fits_1280x720_with_the_prompt_and_send_visible(window, media, until) -> None:
    screen = QRect(0, 0, 1280, 720)
    window.banner.show_message("A long notice " * 3, "warning")  # the tallest state: banner and project line
    window.project_bar.show_restored("2 clips · 0:42 · music: calm piano 84 BPM")
    window._fit_to_screen(screen)
    QApplication.processEvents()
    minimum = window.minimumSizeHint()
    assert minimum.width() <= 1280 and minimum.height() <= 720 - 60, minimum
    assert screen.contains(window.geometry()), window.geometry()
    for widget in (window.prompt.edit, window.prompt.send_button):
        assert widget.isVisible()
        top_left = widget.mapTo(window, widget.rect().topLeft())
        rect = QRect(top_left, widget.size()).translated(window.geometry().topLeft())
        assert screen.contains(rect), (widget, rect)
    window.resize(minimum)  # at the minimum size too
    QApplication.processEvents()
    send = window.prompt.send_button
    assert window.rect().contains(QRect(send.mapTo(window, send.rect().topLeft()), send.size()))
