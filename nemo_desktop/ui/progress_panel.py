"""The conversation and the running job: what you asked, what the engine answered, how far it is.

The stage line, percentage, elapsed time and an ETA (from the fraction done, once it is meaningful)
update from throttled bridge signals; when nothing moves for a while a "still working…" line tells the
person the app is not frozen. Cancel is the one control that stays enabled while a job runs.
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nemo_desktop.core.events import stage_label
from nemo_desktop.i18n import _
from nemo_desktop.ui import theme

STILL_WORKING_AFTER = 15.0  # seconds without progress before saying so


def clock(seconds: float) -> str:
    whole = max(0, int(round(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


class ProgressPanel(QWidget):
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conversation = QTextBrowser()
        self.conversation.setAccessibleName(_("Conversation"))
        self.conversation.setOpenExternalLinks(False)
        self.conversation.setOpenLinks(False)
        self.conversation.setPlaceholderText(_("Your requests and the answers appear here."))
        self.stage = QLabel(_("Ready"))
        self.stage.setAccessibleName(_("Current stage"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(_("Progress"))
        self.percent = QLabel("")
        self.times = QLabel("")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the running job"))
        self.cancel_button.clicked.connect(self.cancelRequested)
        for widget in (self.bar, self.cancel_button):  # hidden between jobs, but their room is kept: no jump
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        row = QHBoxLayout()
        row.addWidget(self.stage, 1)
        row.addWidget(self.percent)
        row.addWidget(self.times)
        row.addWidget(self.cancel_button)
        self.conversation.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.XS)
        layout.addWidget(self.conversation, 1)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        self._started = 0.0
        self._last_move = 0.0
        self._fraction: float | None = None
        self._said_still = False
        self._tick = QTimer(self)
        self._tick.setInterval(500)
        self._tick.timeout.connect(self._update_times)
        self.set_busy(False)

    # --- conversation ----------------------------------------------------------------------------------

    def _append(self, body: str, colour: str | None = None, prefix: str = "") -> None:
        text = html.escape(body).replace("\n", "<br>")
        style = f' style="color:{colour}"' if colour else ""
        self.conversation.append(f"<p{style}>{prefix}{text}</p>")
        bar = self.conversation.verticalScrollBar()
        bar.setValue(bar.maximum())

    def add_user(self, text: str) -> None:
        self._append(text, prefix="<b>" + html.escape(_("You")) + ":</b> ")

    def add_reply(self, text: str) -> None:
        self._append(text, prefix="<b>Nemo:</b> ")

    def add_status(self, text: str) -> None:
        self._append(text, colour="gray")
        if self._tick.isActive():
            self.stage.setText(text)
            self._last_move = time.monotonic()

    def add_error(self, text: str) -> None:
        self._append(text, colour="#c0392b", prefix="⚠ ")

    def clear(self) -> None:
        """A new project: a new conversation."""
        self.conversation.clear()

    def lines(self) -> str:
        return self.conversation.toPlainText()

    # --- job -------------------------------------------------------------------------------------------

    def set_busy(self, busy: bool, stage: str = "") -> None:
        self.cancel_button.setEnabled(busy)
        self.cancel_button.setVisible(busy)
        self.bar.setVisible(busy)
        self.percent.setText("")
        self.times.setText("")
        if busy:
            self._started = self._last_move = time.monotonic()
            self._fraction = None
            self._said_still = False
            self.bar.setRange(0, 0)  # busy indicator until a fraction arrives
            self.stage.setText(stage or _("Working…"))
            self._tick.start()
        else:
            self._tick.stop()
            self.bar.setRange(0, 1000)
            self.bar.setValue(0)
            self.stage.setText(_("Ready"))

    def set_progress(self, stage: str, fraction: float) -> None:
        self._last_move = time.monotonic()
        if stage:
            self.stage.setText(stage_label(stage))
        if fraction < 0:
            self.bar.setRange(0, 0)
            self.percent.setText("")
            self._fraction = None
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(fraction * 1000))
            self.percent.setText(f"{fraction * 100:.0f} %")
            self._fraction = fraction
        self._update_times()

    def _update_times(self) -> None:
        now = time.monotonic()
        elapsed = now - self._started
        text = _("{elapsed} elapsed").format(elapsed=clock(elapsed))
        if self._fraction is not None and 0.05 <= self._fraction < 1.0 and elapsed > 2.0:
            remaining = elapsed * (1.0 - self._fraction) / self._fraction
            text += " · " + _("about {eta} left").format(eta=clock(remaining))
        self.times.setText(text)
        if now - self._last_move > STILL_WORKING_AFTER and not self._said_still:
            self._said_still = True
            self._append(_("Still working… ({elapsed} so far)").format(elapsed=clock(elapsed)), colour="gray")
        elif now - self._last_move <= STILL_WORKING_AFTER:
            self._said_still = False

    @property
    def elapsed_text(self) -> str:
        return self.times.text()

