"""Drop anywhere: the whole window takes files and folders from a file manager.

One application event filter sees every drag over any widget of the window (the prompt and the chat
would otherwise take a file drop as text, and plain panels refuse it) and takes those that carry local
files: a clear overlay while the drag is over the window, the paths handed on after the drop returns.
Drops are strict (local files only, always a copy, never a move); what is acceptable is decided later
by core's media triage, never here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from nemo_desktop.i18n import _
from nemo_desktop.ui import theme

DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop, QEvent.Type.DragLeave)
LEAVE_GRACE_MS = 120  # moving from one panel to the next leaves one and enters the other


def local_files(urls: list[QUrl]) -> tuple[list[Path], int]:
    """Local paths among dropped URLs, and how many were not local files (web links, remote shares)."""
    paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]
    return paths, len(urls) - len(paths)


def _files_in(event: QEvent) -> list[Path]:
    if not isinstance(event, QDragEnterEvent | QDragMoveEvent | QDropEvent):
        return []
    mime = event.mimeData()
    return local_files(mime.urls())[0] if mime is not None and mime.hasUrls() else []


class DropOverlay(QWidget):
    """A tinted frame over the window with one line: let go to add the files."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dropOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label = QLabel(_("Drop to add the files"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            central = parent.centralWidget() if isinstance(parent, QMainWindow) else None
            area = central.geometry() if central is not None else parent.rect()  # not over the menus
            self.setGeometry(area.adjusted(theme.XS, theme.XS, -theme.XS, -theme.XS))
        c = theme.colours()
        self.label.setStyleSheet(f"color: {c.accent};")
        self.raise_()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = self.palette().color(self.palette().ColorRole.Highlight)
        fill = self.palette().color(self.palette().ColorRole.Base)
        fill.setAlpha(225)
        p.setBrush(fill)
        pen = p.pen()
        pen.setColor(accent)
        pen.setWidth(3)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 12, 12)


class WindowDrop(QObject):
    """Takes file drops on any widget of ``window``; ``filesDropped`` carries the local paths and
    ``skipped`` how many dropped items were not local files."""

    filesDropped = Signal(list)
    skipped = Signal(int)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        window.setAcceptDrops(True)  # so a drag over any panel finds a target at all
        self.overlay = DropOverlay(window)
        self._hide = QTimer(self)
        self._hide.setSingleShot(True)
        self._hide.setInterval(LEAVE_GRACE_MS)
        self._hide.timeout.connect(self.overlay.hide)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() not in DRAG_EVENTS or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.window:
            return False
        if event.type() == QEvent.Type.DragLeave:
            self._hide.start()
            return False
        files = _files_in(event)
        if not files:
            return False
        assert isinstance(event, QDragEnterEvent | QDragMoveEvent | QDropEvent)
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self._hide.stop()
            self.overlay.hide()
            mime = event.mimeData()
            paths, skipped = local_files(mime.urls()) if mime is not None else ([], 0)
            if skipped:
                self.skipped.emit(skipped)
            QTimer.singleShot(0, lambda: self.filesDropped.emit(paths))  # after the drop returns
        else:
            self._hide.stop()
            if not self.overlay.isVisible():
                self.overlay.cover()
        return True
