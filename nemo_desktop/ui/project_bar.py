"""One line under the banner after a start: "Restored your last project", with a one-click New.

The last project comes back on every start; saying so (and offering a clean start right there) is what
keeps that from being a surprise.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from nemo_desktop.i18n import _
from nemo_desktop.ui import icons, theme


class ProjectBar(QFrame):
    newRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("projectBar")
        self.label = QLabel()
        self.label.setWordWrap(False)
        self.new_button = QPushButton(_("New project"))
        self.new_button.setAccessibleName(_("Start a new project"))
        self.new_button.clicked.connect(self.newRequested)
        icons.set_icon(self.new_button, "new")
        self.dismiss = QPushButton(_("Keep working"))
        self.dismiss.setFlat(True)
        self.dismiss.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(theme.S, 0, 0, 0)
        row.setSpacing(theme.S)
        row.addWidget(self.label, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.dismiss)
        self.hide()

    def show_restored(self, summary: str) -> None:
        self.label.setText(_("Restored your last project: {summary}").format(summary=summary))
        self.label.setToolTip(self.label.text())
        self.show()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
