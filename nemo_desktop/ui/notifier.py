"""Telling the person what happened without getting in the way: a banner, online state, tray messages.

Online state comes from two sources: Qt's QNetworkInformation (when a backend exists; "Unknown" means
"try") says when the link changes, and a real reachability check of the cloud has the final word. The
check is injected so tests never touch the network. Tray messages are only sent when the window is not
focused, and only where the platform supports them; every message also shows in the window's banner.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSystemTrayIcon, QWidget

from nemo_desktop import backends
from nemo_desktop.i18n import _
from nemo_desktop.settings import Settings
from nemo_desktop.ui import theme
from nemo_desktop.ui.path_dialog import PathDialog

log = logging.getLogger(__name__)
Reachability = Callable[[], Awaitable[bool]]
Spawn = Callable[[Awaitable[Any], str], Any]


def level_style(level: str) -> str:
    """The banner's colours for a level, in the window's light or dark scheme."""
    banner = theme.colours().banner
    background, text, border = banner.get(level, banner["info"])
    return f"background:{background}; color:{text}; border:1px solid {border};"


async def cloud_reachable(settings: Settings) -> bool:
    """The default check: does the NemoVideo API answer? (False when the cloud package is missing.)"""
    try:
        return await backends.cloud_reachable(settings)
    except ImportError:
        return False


class Banner(QFrame):
    """An in-window message bar with optional action buttons and a Dismiss button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName(_("Notification"))
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.level = ""
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(theme.M, theme.XS, theme.XS, theme.XS)
        self._layout.setSpacing(theme.S)
        self._layout.addWidget(self.label, 1)
        self._actions: list[QPushButton] = []
        self.dismiss = QPushButton(_("Dismiss"))
        self.dismiss.clicked.connect(self.hide)
        self._layout.addWidget(self.dismiss)
        self.hide()

    def show_message(self, text: str, level: str = "info",
                     actions: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        for button in self._actions:
            self._layout.removeWidget(button)
            button.deleteLater()
        self._actions = []
        for label, callback in actions or []:
            button = QPushButton(label)
            button.clicked.connect(callback)
            self._layout.insertWidget(self._layout.count() - 1, button)
            self._actions.append(button)
        self.level = level
        self.label.setText(text)
        self.setStyleSheet(f"#banner {{ {level_style(level)} border-radius:6px; }}"
                           "#banner QLabel { border: none; background: transparent; }")
        self.setAccessibleDescription(text)
        self.show()

    def clear(self, level: str | None = None) -> None:
        """Hide the banner (only when it shows ``level``, if given)."""
        if level is None or self.level == level:
            self.hide()
            self.level = ""

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def action_labels(self) -> list[str]:
        return [b.text() for b in self._actions]

    def trigger(self, label: str) -> None:
        for b in self._actions:
            if b.text() == label:
                b.click()


class Notifier(QObject):
    """Online/offline tracking and export notifications."""

    onlineChanged = Signal(bool)

    def __init__(
        self,
        banner: Banner,
        window: QWidget,
        reachability: Reachability,
        spawn: Spawn,
        *,
        system_monitor: bool = True,
        open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(window)
        self.banner = banner
        self.window = window
        self._reachability = reachability
        self._spawn = spawn
        self._open_url = open_url
        self.online: bool | None = None
        self.path_dialog: PathDialog | None = None
        self._tray: QSystemTrayIcon | None = None
        self._info: Any = None
        if system_monitor:
            self._watch_system()

    # --- online state ----------------------------------------------------------------------------------

    def _watch_system(self) -> None:
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if not QNetworkInformation.instance() and not QNetworkInformation.loadDefaultBackend():
                return
            self._info = QNetworkInformation.instance()
        except Exception as exc:  # no backend: the reachability check alone decides
            log.info("no network information backend: %s", exc)
            return
        if self._info is not None:
            self._info.reachabilityChanged.connect(self._on_reachability)

    def _on_reachability(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Disconnected:
            self.set_online(False)
        else:  # Online, Site, Local, Unknown: ask the cloud itself
            self._spawn(self.check(), "reachability")

    async def check(self) -> bool:
        """Ask whether the cloud answers; updates the banner and the status bar. Never raises."""
        try:
            online = bool(await self._reachability())
        except Exception as exc:  # any failure to check means "not reachable"
            log.info("reachability check failed: %s", exc)
            online = False
        self.set_online(online)
        return online

    def set_online(self, online: bool) -> None:
        previous, self.online = self.online, online
        if previous == online:
            return
        self.onlineChanged.emit(online)
        if not online and previous is True:  # at start the engine's own notice has said it already
            self.banner.show_message(_("You are offline. The built-in engine keeps working without a "
                                       "connection."), "warning")
        elif previous is False:
            self.banner.show_message(_("You are back online. The NemoVideo cloud can be used again."), "info")

    # --- job outcomes ----------------------------------------------------------------------------------

    def export_done(self, path: Path, link: str = "") -> None:
        """The saved banner; ``link`` (a cloud export's browser link, §7.8) adds an "Open in browser" button."""
        folder = path.parent

        def open_folder() -> None:
            self.open_path(folder, folder=True)

        def play() -> None:
            self.open_path(path, folder=False)

        def open_link() -> None:
            self._open_url(QUrl(link))

        text = _("Saved {name}.").format(name=path.name)  # the chat has the folder; Open folder goes there
        actions = [(_("Open folder"), open_folder), (_("Play"), play)]
        if link:
            actions.append((_("Open in browser"), open_link))
        self.banner.show_message(text, "success", actions)
        self.banner.setToolTip(str(path))
        self._tray_message(_("Export finished"), text, QSystemTrayIcon.MessageIcon.Information)

    def open_path(self, path: Path, folder: bool) -> bool:
        """Open a file or folder with the system's program; where there is none (openUrl says False), a
        dialog shows the path to copy. Returns whether a program took it."""
        if self._open_url(QUrl.fromLocalFile(str(path))) is not False:
            return True
        log.info("no launcher for %s: showing its path", path)
        if self.path_dialog is not None:
            self.path_dialog.close()
        self.path_dialog = PathDialog(path, folder, self.window)
        self.path_dialog.open()
        return False

    def job_failed(self, text: str) -> None:
        self.banner.show_message(text, "error")
        self._tray_message(_("Export failed"), text, QSystemTrayIcon.MessageIcon.Warning)

    def _tray_message(self, title: str, text: str, icon: QSystemTrayIcon.MessageIcon) -> None:
        if self.window.isActiveWindow():
            return
        if not QSystemTrayIcon.isSystemTrayAvailable() or not QSystemTrayIcon.supportsMessages():
            return
        if self._tray is None:
            app_icon = self.window.windowIcon()
            self._tray = QSystemTrayIcon(app_icon if not app_icon.isNull() else QIcon(), self)
            self._tray.messageClicked.connect(self._raise_window)
            self._tray.show()
        self._tray.showMessage(title, text, icon, 8000)

    def _raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
