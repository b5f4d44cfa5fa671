"""Widgets on their own: timeline, prompt keys, settings dialog, crash handler, accessibility, the entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QWidget

from nemo_desktop.core.draft import AUDIO, TEXT, VIDEO, Draft, Segment, Track
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings
from nemo_desktop.ui.crash import CrashHandler
from nemo_desktop.ui.prompt_box import PromptBox
from nemo_desktop.ui.settings_dialog import SettingsDialog
from nemo_desktop.ui.timeline import TimelineView, ruler_step, segment_text, segment_tooltip


def sample_draft() -> Draft:
    music = Segment(0, 12, meta={"role": "music", "style": "calm piano", "bpm": 84, "key": "C major",
                                 "seed": 7, "beats": [i * 0.714 for i in range(16)], "bars": [0, 2.857, 5.714]})
    return Draft([
        Track(VIDEO, [Segment(0, 7, source="/x/a.mp4", meta={"cuts": [3.0]}), Segment(7, 5, source="/x/b.mp4")]),
        Track(AUDIO, [music]),
        Track(TEXT, [Segment(0, 3, meta={"text": "Summer"})]),
    ])


def test_timeline_draws_the_tracks_the_draft_has(qtbot) -> None:
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(800, 160)
    assert view.accessibleName() == "Timeline"
    assert view.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.set_draft(sample_draft())
    assert [t.kind for t in view.rows()] == [VIDEO, AUDIO, TEXT]
    rects = view.segment_rects()
    assert len(rects) == 4
    a, b = rects[0][0], rects[1][0]
    assert abs(a.width() / b.width() - 7 / 5) < 0.02  # proportional to duration
    music_track, music = view.rows()[1], view.rows()[1].segments[0]
    assert segment_text(music_track, music) == "calm piano · 84 BPM · C major"
    assert "Seed 7" in segment_tooltip(music_track, music)
    hit = view.segment_at(rects[2][0].center().x(), rects[2][0].center().y())
    assert hit is not None and hit[1] is music
    image = view.grab().toImage()
    assert image.width() >= 800
    assert "calm piano" in view.accessibleDescription()
    view.resize(300, 160)  # scales with the window
    assert view.segment_rects()[0][0].width() < a.width()
    view.set_draft(Draft())
    assert view.rows() == [] and view.grab().width() == 300


def test_ruler_step_keeps_labels_apart() -> None:
    assert ruler_step(60, 600) == 10
    assert ruler_step(5, 800) <= 1
    assert ruler_step(3600, 500) >= 600


def test_prompt_keys_and_history(qtbot) -> None:
    box = PromptBox()
    qtbot.addWidget(box)
    sent: list[str] = []
    box.submitted.connect(sent.append)
    qtbot.keyClicks(box.edit, "calm piano")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box.edit, "with strings")
    assert box.edit.toPlainText() == "calm piano\nwith strings" and sent == []
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert sent == ["calm piano\nwith strings"] and box.edit.toPlainText() == ""
    qtbot.keyClicks(box.edit, "faster")
    qtbot.keyClick(box.edit, Qt.Key.Key_Enter)
    qtbot.keyClicks(box.edit, "half-typed")
    qtbot.keyClick(box.edit, Qt.Key.Key_Up)
    assert box.edit.toPlainText() == "faster"
    qtbot.keyClick(box.edit, Qt.Key.Key_Down)
    assert box.edit.toPlainText() == "half-typed"
    chip = next(c for c in box.chips if c.text() == "导出")
    chip.click()
    assert sent[-1] == "导出"
    box.set_busy(True)
    assert not box.edit.isEnabled() and not box.send_button.isEnabled()


def test_settings_dialog_never_shows_the_token(qtbot, ui_root, tmp_path) -> None:
    store = TokenStore()
    settings = Settings()
    dialog = SettingsDialog(settings, store)
    qtbot.addWidget(dialog)
    assert dialog.token_status.text() == "not set"
    applied: list[tuple[Settings, Settings]] = []
    dialog.applied.connect(lambda new, old: applied.append((new, old)))
    secret = "nmv_usr_SECRET_abcdef123456"
    dialog.token.setText(secret)
    assert dialog.token.echoMode() == QLineEdit.EchoMode.Password
    dialog.engine.setCurrentIndex(dialog.engine.findData("builtin"))
    dialog.seed.setText("abc")
    dialog._apply()
    assert not applied and "whole number" in dialog.error.text()
    dialog.seed.setText("42")
    dialog.soundfont.setText(" /banks/GM.sf3 ")  # no such bank: refused, nothing applied
    dialog._apply()
    assert not applied and ".sf2 or .sf3" in dialog.error.text()
    bank = tmp_path / "GM.sf3"
    bank.write_bytes(b"RIFF")
    dialog.soundfont.setText(f" {bank} ")
    dialog._apply()
    new, _old = applied[0]
    assert new.engine == "builtin" and new.seed == 42 and new.soundfont == str(bank)
    assert store.token().reveal() == secret
    texts = [w.text() for w in dialog.findChildren(QWidget) if hasattr(w, "text") and callable(w.text)]
    assert all(secret not in str(t) for t in texts)
    again = SettingsDialog(new, store)
    qtbot.addWidget(again)
    assert again.token_status.text() == "set (from file)" and again.token.text() == ""
    again.clear_token.click()
    assert again.token_status.text() == "not set" and store.token() is None


def test_crash_handler_logs_redacted_and_shows_a_dialog(qtbot, aloop, caplog) -> None:
    handler = CrashHandler(show_dialog=True)
    handler.install_loop(aloop)

    async def boom() -> None:
        raise ValueError("token=nmv_usr_abcdefghijkl leaked?")

    task = aloop.create_task(boom())
    aloop.run_until_complete(__import__("asyncio").sleep(0.05))
    del task  # never awaited: the loop reports it to the handler when collected
    __import__("gc").collect()
    aloop.run_until_complete(__import__("asyncio").sleep(0.05))
    assert handler.reports and "ValueError" in handler.reports[0]
    assert "nmv_usr_abcdefghijkl" not in handler.reports[0]
    assert handler.dialogs and handler.dialogs[0].isVisible()
    assert "ValueError" in handler.dialogs[0].detailedText()
    handler.dialogs[0].close()
    aloop.set_exception_handler(None)


def test_every_control_is_named_and_reachable(window) -> None:
    for button in window.findChildren(QAbstractButton):
        if button.objectName().startswith("qt_"):  # Qt's own (menu bar overflow, scroll arrows)
            continue
        assert button.text().strip() or button.accessibleName().strip(), button
    assert window.drop_zone.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert window.timeline.focusPolicy() & Qt.FocusPolicy.TabFocus
    reached = set()
    widget = window.prompt.edit
    for _ in range(200):
        reached.add(widget)
        widget = widget.nextInFocusChain()
    for w in (window.drop_zone, window.timeline, window.prompt.send_button, window.drop_zone.add_button,
              window.progress.conversation, window.controls.style_box, window.controls.export_button):
        assert w in reached, w


def test_enter_on_the_drop_zone_opens_the_file_dialog(window, qtbot, monkeypatch) -> None:
    opened = []
    monkeypatch.setattr("nemo_desktop.ui.drop_zone.QFileDialog.getOpenFileNames",
                        lambda *a, **k: (opened.append(a) or ([], "")))
    window.drop_zone.setFocus()
    qtbot.keyClick(window.drop_zone, Qt.Key.Key_Return)
    assert opened


def test_the_gui_entry_point_runs_and_exits_cleanly(tmp_path: Path, media) -> None:
    """``python -m nemo_desktop.ui.app clip.mp4`` pre-loads the clip and exits 0 when closed."""
    clip = media.clip(duration=2, size=(320, 180)).path
    script = tmp_path / "demo.py"
    script.write_text(
        "import asyncio\n"
        "async def run(window):\n"
        "    while window.bridge.busy or not window.drop_zone.clip_paths():\n"
        "        await asyncio.sleep(0.05)\n"
        "    print('CLIPS', len(window.drop_zone.clip_paths()), flush=True)\n"
        "    window.close()\n"
    )
    env = {**os.environ, "NEMO_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen",
           "NEMO_REPORT_STARTUP": "1"}
    proc = subprocess.run([sys.executable, "-m", "nemo_desktop.ui.app", str(clip), "--engine", "builtin",
                           "--no-crash-dialog", "--demo-script", str(script)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "CLIPS 1" in proc.stdout and "NEMO_WINDOW_SHOWN" in proc.stdout


def test_the_smoke_quit_hook_reports_the_clip_and_exits_cleanly(tmp_path: Path, media) -> None:
    """What scripts/smoke-bundle relies on: with NEMO_SMOKE_QUIT_AFTER_MS the window adds the clip, says so
    on stdout and closes by itself with exit code 0."""
    clip = media.clip(duration=2, size=(320, 180)).path
    env = {**os.environ, "NEMO_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen",
           "NEMO_SMOKE_QUIT_AFTER_MS": "300"}
    proc = subprocess.run([sys.executable, "-m", "nemo_desktop.ui.app", str(clip), "--engine", "builtin",
                           "--no-crash-dialog"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("NEMO_SMOKE_SHOWN"))
    assert f"names={clip.name}" in line and "clips=1" in line and "timeline=2.00s" in line, line


def test_qt_translations_load_for_chinese(qapp) -> None:
    from nemo_desktop.ui.app import install_translations

    loaded = install_translations(qapp, "zh_CN")
    try:
        assert loaded, "qtbase_zh_CN.qm should ship with PySide6"
        assert QApplication.translate("QPlatformTheme", "Cancel") != "Cancel"
    finally:
        for t in loaded:
            qapp.removeTranslator(t)



def test_music_lane_names_its_sections_without_overprinting(window, media, until) -> None:
    """The music lane shows where intro, build, main… start (real composed music), each name clear of the
    music's own label and of the next name; where one does not fit it is left out, never overprinted."""
    clip = media.clip(name="long", duration=40, size=(320, 180), cuts=(10.0, 20.0, 30.0)).path
    window.add_files([clip])
    until(lambda: window.timeline.draft.duration > 0 and not window.bridge.busy, 60)
    window.send("upbeat pop, more energy at the end")
    until(lambda: window.timeline.draft.music() is not None and not window.bridge.busy, 60)
    view = window.timeline
    view.resize(1100, view.height())
    labels = view.section_labels()
    assert len(labels) >= 2, labels
    music_rect = next(rect for rect, track, seg in view.segment_rects() if seg.is_music)
    names = [text for _x, _box, text in labels]
    assert set(names) <= {"intro", "build", "main", "breakdown", "outro", "ending"} and len(set(names)) >= 2
    boxes = [box for _x, box, _text in labels]
    for box in boxes:
        assert music_rect.contains(box), (box, music_rect)
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.right() < right.left()
    view.resize(260, view.height())  # a narrow window drops names rather than overprint them
    narrow = [box for _x, box, _text in view.section_labels()]
    for left, right in zip(narrow, narrow[1:], strict=False):
        assert left.right() < right.left()
    assert view.grab().width() == 260
