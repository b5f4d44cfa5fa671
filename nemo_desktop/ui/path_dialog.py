"""Where a file is, when nothing on this system can open it: the path, selectable, with a Copy button.

``QDesktopServices.openUrl`` returns False when no launcher exists (a bare window manager, a container);
Qt only logs that to stderr, so without this the Play and Open folder buttons would do nothing visible.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nemo_desktop.i18n import _
from nemo_desktop.ui import theme


class PathDialog(QDialog):
    def __init__(self, path: Path, folder: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pathDialog")
        self.setWindowTitle(_("Open folder") if folder else _("Play"))
        what = _("No program to open folders was found. The folder is:") if folder else _(
            "No program to play videos was found. The video is:")
        self.message = QLabel(what)
        self.message.setWordWrap(True)
        self.path = QLineEdit(str(path))
        self.path.setReadOnly(True)
        self.path.setAccessibleName(_("Path"))
        self.path.setMinimumWidth(self.fontMetrics().horizontalAdvance(str(path)) + 2 * theme.L)
        self.path.selectAll()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_("Copy path"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.L, theme.L, theme.L, theme.L)
        layout.setSpacing(theme.M)
        layout.addWidget(self.message)
        layout.addWidget(self.path)
        layout.addWidget(buttons)

    def copy(self) -> None:
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.path.text())
