"""The main window: clips, conversation and progress, the timeline, the prompt, menus and status bar.

It wires widgets to the Bridge and back; it holds no business logic. Closing while a job runs asks
first, then cancels the job and waits for the engine to clean up before the window really closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSettings, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nemo_desktop import APP_NAME, __version__, paths
from nemo_desktop.backends import BackendMaker, make_backend
from nemo_desktop.core.draft import Draft
from nemo_desktop.core.errors import Cancelled, MediaError, NemoError
from nemo_desktop.core.projects import default_export_name
from nemo_desktop.core.session import IfNoMusic
from nemo_desktop.i18n import N_, _, current_language
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings
from nemo_desktop.ui import icons, theme
from nemo_desktop.ui.bridge import Bridge
from nemo_desktop.ui.drop_target import WindowDrop
from nemo_desktop.ui.drop_zone import DropZone
from nemo_desktop.ui.music_controls import MusicControls
from nemo_desktop.ui.notifier import Banner, Notifier, Reachability, cloud_reachable
from nemo_desktop.ui.preview_monitor import PreviewMonitor, connect_preview
from nemo_desktop.ui.progress_panel import ProgressPanel
from nemo_desktop.ui.project_bar import ProjectBar
from nemo_desktop.ui.prompt_box import PromptBox
from nemo_desktop.ui.settings_dialog import SettingsDialog
from nemo_desktop.ui.timeline import TimelineView

log = logging.getLogger(__name__)

JOB_STAGES = {"start": N_("Starting the engine…"), "add": N_("Updating the project…"),
              "send": N_("Working on it…"), "export": N_("Exporting…")}
DEFAULT_SIZE = QSize(1180, 780)
AskSavePath = Callable[[QWidget, Path], Path | None]


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """Save As: the name and the folder of the video (an .mp4)."""
    name, _chosen = QFileDialog.getSaveFileName(parent, _("Export the video"), str(suggested),
                                                _("MP4 video (*.mp4)"))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".mp4" else path.with_name(path.name + ".mp4")


class MainWindow(QMainWindow):
    closedCleanly = Signal()

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        reachability: Reachability | None = None,
        maker: BackendMaker = make_backend,
        system_monitor: bool = True,
        open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl,
        store: TokenStore | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings.load()
        self.store = store
        self._open_url = open_url
        self._close_ready = False
        self._closing = False
        self.quit_box: QMessageBox | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.ask_save_path: AskSavePath = ask_save_path
        self._saved_draft: dict[str, Any] | None = None  # the draft the Saved banner speaks of
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)

        self.banner = Banner()
        self.bridge = Bridge(self.settings, maker=maker, parent=self)
        self.notifier = Notifier(self.banner, self, reachability or (lambda: cloud_reachable(self.settings)),
                                 self.bridge.spawn,
                                 system_monitor=system_monitor, open_url=open_url)
        self.bridge.set_reachability(self.notifier.check)

        self.drop_zone = DropZone(spawn=self.bridge.spawn)
        self.progress = ProgressPanel()
        self.controls = MusicControls()
        self.timeline = TimelineView()
        self.preview = PreviewMonitor()
        self.prompt = PromptBox()
        self.project_bar = ProjectBar()

        # clips | the preview monitor | the music controls and the chat: the monitor gets the middle, where
        # an editor's viewer sits, so at 1280×720 neither the clip list nor the chat is squeezed under it
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.drop_zone)
        split.addWidget(self.preview)
        split.addWidget(self.progress)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 3)
        split.setChildrenCollapsible(False)
        self.split = split
        timeline_title = QLabel(_("Timeline"))
        timeline_title.setBuddy(self.timeline)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(theme.M, theme.S, theme.M, theme.S)
        layout.setSpacing(theme.S)
        layout.addWidget(self.banner)
        layout.addWidget(self.project_bar)
        layout.addWidget(split, 1)
        timeline_row = QHBoxLayout()  # the music's controls sit on the timeline's title row, over the music
        timeline_row.setSpacing(theme.M)
        timeline_row.addWidget(timeline_title)
        timeline_row.addStretch(1)
        timeline_row.addWidget(self.controls, 3)
        layout.addLayout(timeline_row)
        layout.addWidget(self.timeline)
        layout.addWidget(self.prompt)
        self.setCentralWidget(central)
        self.drop = WindowDrop(self)

        self.engine_label = QLabel(_("Engine: starting…"))
        self.online_label = QLabel(_("Checking connection…"))
        self.credits_label = QLabel("")
        for label in (self.engine_label, self.online_label, self.credits_label):
            self.statusBar().addPermanentWidget(label)
        self._menus()
        self._wire()
        self.setTabOrder(self.prompt.edit, self.prompt.send_button)
        self._fit_to_screen()
        self._restore_geometry()
        self._share_top_row()

    # --- construction ----------------------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self.new_action = QAction(_("&New project"), self, shortcut=QKeySequence(QKeySequence.StandardKey.New))
        self.new_action.triggered.connect(self.new_project)
        self.recent_menu = QMenu(_("Open &Recent"), self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.add_action = QAction(_("&Add clips…"), self, shortcut=QKeySequence(QKeySequence.StandardKey.Open))
        self.add_action.triggered.connect(self.drop_zone.choose_files)
        self.export_action = QAction(_("&Export"), self, shortcut=QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export)
        self.export_as_action = QAction(_("Export &As…"), self, shortcut=QKeySequence("Ctrl+Shift+E"))
        self.export_as_action.triggered.connect(self.export_as)
        file_menu.addAction(self.new_action)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        open_folder = QAction(_("&Open output folder"), self)
        open_folder.triggered.connect(self.open_output_folder)
        quit_action = QAction(_("&Quit"), self, shortcut=QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        self.quit_action = quit_action
        for action in (self.add_action, self.export_action, self.export_as_action, open_folder):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = self.menuBar().addMenu(_("&Edit"))
        self.undo_action = QAction(_("&Undo"), self)
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.undo_action.triggered.connect(self.bridge.undo)
        self.redo_action = QAction(_("&Redo"), self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.bridge.redo)
        for action, name in ((self.new_action, "new"), (self.add_action, "add"), (self.export_action, "export"),
                             (self.undo_action, "undo"), (self.redo_action, "redo")):
            icons.set_icon(action, name)
        for action in (self.undo_action, self.redo_action):
            action.setEnabled(False)
            edit_menu.addAction(action)
        settings_menu = self.menuBar().addMenu(_("&Settings"))
        settings_action = QAction(_("&Settings…"), self, shortcut=QKeySequence("Ctrl+,"))
        settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        settings_action.triggered.connect(self.open_settings)
        settings_menu.addAction(settings_action)
        help_menu = self.menuBar().addMenu(_("&Help"))
        about = QAction(_("&About"), self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _wire(self) -> None:
        b = self.bridge
        b.status.connect(self.progress.add_status)
        b.progress.connect(self.progress.set_progress)
        b.reply.connect(self.progress.add_reply)
        b.userLine.connect(self.progress.add_user)
        b.draftChanged.connect(self._on_draft)
        b.exportReady.connect(self._on_export_ready)
        b.notice.connect(self._on_notice)
        b.failed.connect(self._on_failed)
        b.busyChanged.connect(self._on_busy)
        b.jobStarted.connect(lambda kind: self.progress.set_busy(True, _(JOB_STAGES.get(kind, N_("Working…")))))
        b.engineChanged.connect(lambda name: self.engine_label.setText(_("Engine: {name}").format(name=name)))
        b.creditsChanged.connect(self._on_credits)
        b.historyChanged.connect(self._on_history)
        b.jobFinished.connect(self._on_job_finished)
        b.projectRestored.connect(self.project_bar.show_restored)
        b.engineChanged.connect(lambda _name: self._on_styles())
        self.notifier.onlineChanged.connect(self._on_online)
        self.drop.filesDropped.connect(self.drop_zone.drop_files)
        self.drop.skipped.connect(lambda n: self.drop_zone.drop_files([], n))
        self.drop_zone.filesAdded.connect(self.add_files)
        self.drop_zone.clipsEdited.connect(self.bridge.replace_media)
        self.drop_zone.soundMuted.connect(self.bridge.set_sound_muted)
        self.drop_zone.notice.connect(self._on_notice)
        self.controls.changeRequested.connect(self.bridge.tune)
        self.controls.exportRequested.connect(self.export_as)
        self.project_bar.newRequested.connect(self.new_project)
        self.prompt.submitted.connect(self.send)
        self.progress.cancelRequested.connect(self.bridge.cancel)
        connect_preview(self.preview, b, self.timeline)

    # --- actions ---------------------------------------------------------------------------------------

    def start(self, files: list[Path] | None = None, add: bool = False) -> None:
        """Start the engine. Files given on the command line or by "Open with" start a new project (the
        last one stays in Open Recent) unless the person chose to ``add`` them to it."""
        self.bridge.start(restore=add or not files)
        if files:
            self.add_files(files)
        self.bridge.spawn(self.notifier.check(), "reachability")

    def new_project(self) -> None:
        self.project_bar.hide()
        self.banner.clear()
        self.drop_zone.clear_rejected()
        self.progress.clear()
        self.bridge.new_project()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        entries = self.bridge.recent.entries()
        if not entries:
            none = self.recent_menu.addAction(_("No recent projects"))
            none.setEnabled(False)
            return
        for entry in entries:
            action = self.recent_menu.addAction(entry.name)
            action.setToolTip(str(entry.path))
            action.triggered.connect(lambda _checked=False, p=entry.path: self.open_recent(p))

    def open_recent(self, path: Path) -> None:
        self.project_bar.hide()
        self.bridge.open_recent(path)

    def export_as(self) -> None:
        """The Export button: Save As with "<first clip> – music.mp4" in the output folder (Downloads)."""
        draft = self.bridge.session.draft if self.bridge.session is not None else Draft()
        target = self.ask_save_path(self, self.settings.output_folder() / default_export_name(draft))
        if target is None:
            return
        choice = self._music_choice()
        if choice is None:
            return
        self.bridge.userLine.emit(_("Export as {name}").format(name=target.name))
        self.bridge.export(choice, target)

    def add_files(self, files: list[Path]) -> None:
        self.drop_zone.clear_rejected()
        self.bridge.add_media(list(files))

    def _music_choice(self, text: str | None = None) -> IfNoMusic | None:
        """What an export without music should do: ASK when the question does not arise (the session then
        decides), else the person's answer; None when they dismissed the question."""
        if not self.bridge.export_needs_choice(text):
            return IfNoMusic.ASK
        return self.ask_music_choice()

    def send(self, text: str) -> None:
        choice = self._music_choice(text)  # a typed export with no music yet: ask first
        if choice is None:
            return
        if self.bridge.send(text, choice):
            self.settings.last_prompt = text
            self._save_settings()

    def export(self) -> None:
        choice = self._music_choice()
        if choice is None:
            return
        self.bridge.userLine.emit(_("Export"))
        self.bridge.export(choice)

    def ask_music_choice(self) -> IfNoMusic | None:
        """The draft has no music and nobody asked to leave it out: compose some, export without, or
        cancel (None). Modal, asked only while no job runs, so nothing moves under the question."""
        box = QMessageBox(QMessageBox.Icon.Question, _("No music yet"),
                          _("No music yet — compose music that fits and export?"),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("musicChoice")
        compose = box.addButton(_("Compose and export"), QMessageBox.ButtonRole.AcceptRole)
        without = box.addButton(_("Export without music"), QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(compose)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is compose:
            return IfNoMusic.COMPOSE
        if clicked is without:
            return IfNoMusic.WITHOUT
        return None

    def open_output_folder(self) -> None:
        folder = self.settings.output_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.banner.show_message(str(exc), "error")
            return
        self.notifier.open_path(folder, folder=True)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.store, self)
        dialog.applied.connect(self._apply_settings)
        self.settings_dialog = dialog
        dialog.open()

    def _apply_settings(self, new: Settings, old: Settings) -> None:
        self.settings = new
        self.bridge.settings = new
        self._save_settings()
        if (new.language or "") != (old.language or "") and (new.language or current_language()) != old.language:
            self.banner.show_message(_("The new language is used from the next start."), "info")
        if (new.engine, new.seed, new.ffmpeg_path, new.soundfont) != (old.engine, old.seed, old.ffmpeg_path,
                                                                      old.soundfont):
            if self.bridge.busy:
                self.banner.show_message(_("The new engine settings apply after the current job."), "info")
            else:
                self.bridge.start(new.engine)

    def about(self) -> None:
        QMessageBox.about(self, _("About {app}").format(app=APP_NAME),
                          _("{app} {version}\nPuts composed music under your video clips — offline with the "
                            "built-in engine, or through the NemoVideo cloud.").format(app=APP_NAME,
                                                                                      version=__version__))

    # --- bridge → widgets ------------------------------------------------------------------------------

    def _on_draft(self, draft: Draft) -> None:
        self.timeline.set_draft(draft)
        self.drop_zone.set_draft(draft)
        self.controls.set_state(draft, busy=self.bridge.busy)
        if self._saved_draft is not None and draft.to_compact() != self._saved_draft:
            self._saved_draft = None
            self.banner.clear("success")  # the saved video is no longer what the window shows

    def _on_styles(self) -> None:
        session = self.bridge.session
        self.controls.set_tunable(session is not None and session.can_tune)
        styles = self.bridge.styles()
        self.timeline.set_style_names(dict(styles))
        self.controls.set_styles(styles)

    def _on_busy(self, busy: bool) -> None:
        self.prompt.set_busy(busy)
        for action in (self.export_action, self.export_as_action, self.new_action):
            action.setEnabled(not busy)
        self.controls.set_state(self.timeline.draft, busy=busy)
        if busy:
            self._on_history(False, False)
        else:
            self.progress.set_busy(False)

    def _on_job_finished(self, kind: str, ok: bool) -> None:
        if kind == "export" and not ok:  # cancelled (at any point) or failed: no Saved banner stays up
            self._saved_draft = None
            self.banner.clear("success")

    def _on_history(self, can_undo: bool, can_redo: bool) -> None:
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)

    def _on_export_ready(self, path: Path, link: str) -> None:
        """The saved banner, with an "Open in browser" action when the engine delivered a link."""
        session = self.bridge.session
        self._saved_draft = session.draft.to_compact() if session is not None else None
        self.notifier.export_done(path, link)

    def _on_notice(self, text: str, level: str) -> None:
        """A notice is said once, in the banner (the chat keeps the conversation)."""
        self.banner.show_message(text, level)

    def _on_failed(self, error: NemoError) -> None:
        text = error.message()
        if isinstance(error, Cancelled):
            self.banner.clear("success")
            self._saved_draft = None
            self.progress.add_status(text)
        elif isinstance(error, MediaError):
            self.drop_zone.add_rejected(error)
            self.progress.add_error(text)
        else:
            self.progress.add_error(text)
            self.notifier.job_failed(text)

    def _on_online(self, online: bool) -> None:
        self.online_label.setText(_("Online") if online else _("Offline"))

    def _on_credits(self, credits: Any) -> None:
        self.credits_label.setText("" if credits is None else
                                   _("Credits: {n}").format(n=getattr(credits, "available", credits)))

    # --- persistence -----------------------------------------------------------------------------------

    def _qsettings(self) -> QSettings:
        return QSettings(str(paths.get().config / "window.ini"), QSettings.Format.IniFormat)

    def _share_top_row(self) -> None:
        """Clips a quarter, the monitor two fifths, the chat the rest: set once, then the person's to drag."""
        width = max(self.width() - 2 * theme.M, 600)
        self.split.setSizes([width * 24 // 100, width * 40 // 100, width * 36 // 100])

    def _fit_to_screen(self, free: QRect | None = None) -> None:
        """A default size that fits the screen's free area (a 1280×720 screen shows the prompt and Send)."""
        screen = self.screen()
        if free is None and screen is None:
            self.resize(DEFAULT_SIZE)
            return
        free = free if free is not None else screen.availableGeometry()
        frame = 40  # the title bar and borders the window manager adds
        minimum = self.minimumSizeHint()
        width = max(minimum.width(), min(DEFAULT_SIZE.width(), free.width() - frame))
        height = max(minimum.height(), min(DEFAULT_SIZE.height(), free.height() - frame))
        self.resize(width, height)
        self.move(free.left() + (free.width() - width) // 2, free.top() + max(0, (free.height() - height - frame) // 2))

    def _restore_geometry(self) -> None:
        geometry = self._qsettings().value("geometry")
        if geometry is None:
            return
        self.restoreGeometry(geometry)
        screen = self.screen()
        if screen is not None and not screen.availableGeometry().contains(self.frameGeometry()):
            self._fit_to_screen()  # saved on a bigger screen: fit this one

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            log.warning("settings not saved: %s", exc)

    # --- life cycle ------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        super().showEvent(event)
        QTimer.singleShot(0, self.prompt.edit.setFocus)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        if self._close_ready:
            self.preview.close_preview()
            self._qsettings().setValue("geometry", self.saveGeometry())
            event.accept()
            self.closedCleanly.emit()
            return
        event.ignore()
        if self._closing:
            return
        if self.bridge.busy and self.bridge.job_kind != "start":
            self._ask_quit()
        else:
            self._shut_down()

    def _ask_quit(self) -> None:
        """Non-modal, so the job keeps running (and the loop keeps turning) while the person decides."""
        if self.quit_box is not None and self.quit_box.isVisible():
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Quit {app}?").format(app=APP_NAME),
                          _("A job is still running. Quit anyway? It will be cancelled and nothing will be "
                            "saved."), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda result: self._quit_answer(result))
        self.quit_box = box
        box.open()

    def _quit_answer(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self._shut_down()

    def _shut_down(self) -> None:
        if self._closing:
            return
        self._closing = True
        self.progress.add_status(_("Stopping…"))

        async def run() -> None:
            try:
                await self.bridge.shutdown()
            finally:
                self._close_ready = True
                self.close()

        # the bridge is being shut down, so this one task is owned (strongly referenced) by the window
        self._shutdown_task = asyncio.ensure_future(run())
