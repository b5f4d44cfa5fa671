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

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nemo_desktop import APP_NAME, __version__, paths
from nemo_desktop.backends import BackendMaker, make_backend
from nemo_desktop.core.errors import Cancelled, MediaError, NemoError
from nemo_desktop.core.session import IfNoMusic
from nemo_desktop.i18n import _, current_language
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings
from nemo_desktop.ui.bridge import Bridge
from nemo_desktop.ui.drop_zone import DropZone
from nemo_desktop.ui.notifier import Banner, Notifier, Reachability, cloud_reachable
from nemo_desktop.ui.preview_monitor import PreviewMonitor, connect_preview
from nemo_desktop.ui.progress_panel import ProgressPanel
from nemo_desktop.ui.prompt_box import PromptBox
from nemo_desktop.ui.settings_dialog import SettingsDialog
from nemo_desktop.ui.timeline import TimelineView

log = logging.getLogger(__name__)

JOB_STAGES = {"start": "Starting the engine…", "add": "Adding clips…", "send": "Working on it…",
              "export": "Exporting…"}


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
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(APP_NAME)
        self.resize(1100, 760)

        self.banner = Banner()
        self.bridge = Bridge(self.settings, maker=maker, parent=self)
        self.notifier = Notifier(self.banner, self, reachability or (lambda: cloud_reachable(self.settings)),
                                 self.bridge.spawn,
                                 system_monitor=system_monitor, open_url=open_url)
        self.bridge.set_reachability(self.notifier.check)

        self.drop_zone = DropZone(spawn=self.bridge.spawn)
        self.progress = ProgressPanel()
        self.timeline = TimelineView()
        self.preview = PreviewMonitor()
        self.prompt = PromptBox()

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.drop_zone)
        split.addWidget(self.progress)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        timeline_title = QLabel(_("Timeline"))
        timeline_title.setBuddy(self.timeline)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        layout.addWidget(self.preview, 1)  # the preview monitor, above the timeline
        layout.addWidget(timeline_title)
        layout.addWidget(self.timeline)
        layout.addWidget(self.prompt)
        self.setCentralWidget(central)

        self.engine_label = QLabel(_("Engine: starting…"))
        self.online_label = QLabel(_("Checking connection…"))
        self.credits_label = QLabel("")
        for label in (self.engine_label, self.online_label, self.credits_label):
            self.statusBar().addPermanentWidget(label)
        self._menus()
        self._wire()
        self.setTabOrder(self.prompt.edit, self.prompt.send_button)
        self._restore_geometry()

    # --- construction ----------------------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self.add_action = QAction(_("&Add clips…"), self, shortcut=QKeySequence(QKeySequence.StandardKey.Open))
        self.add_action.triggered.connect(self.drop_zone.choose_files)
        self.export_action = QAction(_("&Export"), self, shortcut=QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export)
        open_folder = QAction(_("&Open output folder"), self)
        open_folder.triggered.connect(self.open_output_folder)
        quit_action = QAction(_("&Quit"), self, shortcut=QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        self.quit_action = quit_action
        for action in (self.add_action, self.export_action, open_folder):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
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
        b.jobStarted.connect(lambda kind: self.progress.set_busy(True, _(JOB_STAGES.get(kind, "Working…"))))
        b.engineChanged.connect(lambda name: self.engine_label.setText(_("Engine: {name}").format(name=name)))
        b.creditsChanged.connect(self._on_credits)
        self.notifier.onlineChanged.connect(self._on_online)
        self.drop_zone.filesAdded.connect(self.add_files)
        self.drop_zone.clipsEdited.connect(self.bridge.replace_media)
        self.drop_zone.notice.connect(self._on_notice)
        self.prompt.submitted.connect(self.send)
        self.progress.cancelRequested.connect(self.bridge.cancel)
        connect_preview(self.preview, b, self.timeline)

    # --- actions ---------------------------------------------------------------------------------------

    def start(self, files: list[Path] | None = None) -> None:
        """Start the engine and pre-load files passed on the command line, as if they had been dropped."""
        self.bridge.start()
        if files:
            self.add_files(files)
        self.bridge.spawn(self.notifier.check(), "reachability")

    def add_files(self, files: list[Path]) -> None:
        self.drop_zone.clear_rejected()
        self.bridge.add_media(list(files))

    def send(self, text: str) -> None:
        choice = IfNoMusic.ASK
        if self.bridge.export_needs_choice(text):  # a typed export with no music yet: ask first
            answer = self.ask_music_choice()
            if answer is None:
                return
            choice = answer
        if self.bridge.send(text, choice):
            self.settings.last_prompt = text
            self._save_settings()

    def export(self) -> None:
        choice = IfNoMusic.ASK
        if self.bridge.export_needs_choice():
            answer = self.ask_music_choice()
            if answer is None:
                return
            choice = answer
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
        self._open_url(QUrl.fromLocalFile(str(folder)))

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

    def _on_draft(self, draft: Any) -> None:
        self.timeline.set_draft(draft)
        self.drop_zone.set_draft(draft)

    def _on_busy(self, busy: bool) -> None:
        self.prompt.set_busy(busy)
        self.export_action.setEnabled(not busy)
        if not busy:
            self.progress.set_busy(False)

    def _on_export_ready(self, path: Path, link: str) -> None:
        """The saved banner, with an "Open in browser" action when the engine delivered a link."""
        self.notifier.export_done(path, link)

    def _on_notice(self, text: str, level: str) -> None:
        self.banner.show_message(text, level)
        self.progress.add_status(text)

    def _on_failed(self, error: NemoError) -> None:
        text = error.message()
        if isinstance(error, Cancelled):
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

    def _restore_geometry(self) -> None:
        geometry = self._qsettings().value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

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
