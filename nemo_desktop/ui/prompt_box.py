"""The prompt: type what you want, Enter sends, Shift+Enter breaks the line, ↑/↓ walk the history.

Suggestion chips send a ready-made request in one click. What a text *means* (export, chat, credits…)
is decided by core/intents through the Session; this widget only collects words.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from nemo_desktop.i18n import N_, _, current_language
from nemo_desktop.ui import theme

CHIPS = (
    N_("Calm background music that matches the mood"),
    N_("Upbeat"),
    N_("More energy at the end"),
    N_("Export"),
)
# A chip that works in the other language too: people type 导出 in an English UI. The Chinese UI shows
# only Chinese (its 导出 chip is the translated "Export").
EXTRA_CHIP = {"en": "导出"}
HISTORY_LIMIT = 100


class PromptEdit(QPlainTextEdit):
    """A few lines of text with chat-style keys."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: list[str] = []
        self._index = 0
        self._draft = ""
        self.setTabChangesFocus(True)
        self.setPlaceholderText(_("Describe the music you want, e.g. “calm piano”, then press Enter"))
        self.setAccessibleName(_("Prompt"))
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

    def submit(self) -> None:
        text = self.toPlainText().strip()
        if not text:
            return
        self.remember(text)
        self.clear()
        self.submitted.emit(text)

    def remember(self, text: str) -> None:
        if not self.history or self.history[-1] != text:
            self.history.append(text)
            del self.history[:-HISTORY_LIMIT]
        self._index = len(self.history)
        self._draft = ""

    def _recall(self, step: int) -> bool:
        if not self.history:
            return False
        if self._index == len(self.history):
            self._draft = self.toPlainText()
        index = max(0, min(len(self.history), self._index + step))
        if index == self._index:
            return True
        self._index = index
        self.setPlainText(self.history[index] if index < len(self.history) else self._draft)
        self.moveCursor(QTextCursor.MoveOperation.End)
        return True

    def event(self, event: QEvent) -> bool:  # Qt override
        """Ctrl+Z / Ctrl+Shift+Z undo typing while there is typing to undo; otherwise they reach the
        window and undo the project (the box is emptied after each send)."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            doc = self.document()
            if ((event.matches(QKeySequence.StandardKey.Undo) and not doc.isUndoAvailable())
                    or (event.matches(QKeySequence.StandardKey.Redo) and not doc.isRedoAvailable())):
                event.ignore()
                return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submit()
            return
        cursor = self.textCursor()
        if key == Qt.Key.Key_Up and not mods and cursor.blockNumber() == 0 and self._recall(-1):
            return
        last = self.document().blockCount() - 1
        if key == Qt.Key.Key_Down and not mods and cursor.blockNumber() == last and self._recall(1):
            return
        super().keyPressEvent(event)


class PromptBox(QWidget):
    """Prompt, Send button and suggestion chips; ``submitted`` carries the text to send."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = PromptEdit()
        self.edit.submitted.connect(self.submitted)
        self.send_button = QPushButton(_("Send"))
        self.send_button.setDefault(False)
        self.send_button.clicked.connect(self.edit.submit)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        chips = QHBoxLayout()
        self.chips: list[QPushButton] = []
        extra = EXTRA_CHIP.get(current_language())
        for label in [_(text) for text in CHIPS] + ([extra] if extra else []):
            chip = QPushButton(label)
            chip.setObjectName("chip")
            chip.setAccessibleName(_("Suggestion: {text}").format(text=label))
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.clicked.connect(lambda _checked=False, t=label: self._send_chip(t))
            chips.addWidget(chip)
            self.chips.append(chip)
        chips.addStretch(1)
        self.send_button.setObjectName("primary")
        chips.setSpacing(theme.XS)
        row.setSpacing(theme.S)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.XS)
        layout.addLayout(chips)
        layout.addLayout(row)
        self.setFocusProxy(self.edit)

    def _send_chip(self, text: str) -> None:
        self.edit.remember(text)
        self.submitted.emit(text)

    def set_busy(self, busy: bool) -> None:
        """While a job runs nothing can be sent (Cancel lives in the progress panel)."""
        self.setEnabled(not busy)
        if not busy:
            self.edit.setFocus()
