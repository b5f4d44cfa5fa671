"""Synthetic drag-and-drop, the way a file manager sends it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication


def drop(widget, files: list[Path | str | QUrl]) -> tuple[QDragEnterEvent, QDropEvent]:
    """Send a real drag-enter and drop with file URLs, as a file manager does; returns both events."""
    urls = [f if isinstance(f, QUrl) else QUrl.fromLocalFile(str(f)) for f in files]
    mime = QMimeData()
    mime.setUrls(urls)
    widget._test_mime = mime  # keep a reference: Qt does not own the mime data of a synthetic event
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    event = QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    if enter.isAccepted():
        QApplication.sendEvent(widget, event)
    return enter, event
