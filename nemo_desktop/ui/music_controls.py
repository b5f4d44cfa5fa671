"""Direct controls beside the chat: the style, the music level, another variation, and Export.

Each control only says what the person chose (a ``MusicChange`` for the bridge, or "export"); the
Session and the engine do the work, exactly as for the same words typed. The controls show the current
music (from the draft) without sending anything back while they are updated.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.ports import MusicChange
from nemo_desktop.i18n import _
from nemo_desktop.ui import icons, theme

GAIN_MIN, GAIN_MAX = -24, 6  # dB, as "quieter"/"louder" allow
SETTLE_MS = 350  # a level sent once the slider rests (keyboard steps), not at every step


def gain_text(db: float) -> str:
    return f"{db:+.0f} dB".replace("-", "−")  # a unit, the same in every language


class MusicControls(QWidget):
    changeRequested = Signal(object)  # MusicChange
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("musicControls")
        self._updating = False
        self.tunable = True  # the engine takes these changes (the cloud's music is changed in words)
        self.style_box = QComboBox()
        self.style_box.setAccessibleName(_("Music style"))
        self.style_box.setPlaceholderText(_("Style…"))
        self.style_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.style_box.activated.connect(self._style_chosen)
        self.level = QSlider(Qt.Orientation.Horizontal)
        self.level.setRange(GAIN_MIN, GAIN_MAX)
        self.level.setPageStep(4)
        self.level.setMinimumWidth(90)
        self.level.setAccessibleName(_("Music level (music against the original sound)"))
        self.level.setToolTip(_("Left: more of the clips' own sound. Right: more music."))
        self.level_value = QLabel(gain_text(0))
        self.level_value.setMinimumWidth(self.fontMetrics().horizontalAdvance("−24 dB") + theme.XS)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._level_chosen)
        self.level.valueChanged.connect(self._level_moved)
        self.variation = QPushButton(_("Another variation"))
        self.variation.clicked.connect(lambda: self.changeRequested.emit(MusicChange(variation=True)))
        icons.set_icon(self.variation, "variation")
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setObjectName("primary")
        icons.set_icon(self.export_button, "export", "accent_text")
        self.export_button.setToolTip(_("Save the video with its music: choose the name and the folder"))
        self.export_button.clicked.connect(self.exportRequested)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(theme.S)
        style = QLabel(_("Style:"))
        style.setBuddy(self.style_box)
        row.addWidget(style)
        row.addWidget(self.style_box)
        row.addSpacing(theme.S)
        music = QLabel(_("Music:"))
        music.setBuddy(self.level)
        self._labels = (style, music)
        row.addWidget(music)
        row.addWidget(self.level, 1)
        row.addWidget(self.level_value)
        row.addWidget(self.variation)
        row.addStretch(0)
        row.addWidget(self.export_button)
        self.set_state(Draft(), [], busy=False)

    def set_tunable(self, tunable: bool) -> None:
        """Show the music controls only for an engine that takes them; Export is always there."""
        self.tunable = tunable
        for widget in (self.style_box, self.level, self.level_value, self.variation, *self._labels):
            widget.setVisible(tunable)

    def set_styles(self, styles: list[tuple[str, str]]) -> None:
        self._updating = True
        current = self.style_box.currentData()
        self.style_box.clear()
        for style, name in styles:
            self.style_box.addItem(name, style)
        self.style_box.setCurrentIndex(self.style_box.findData(current))
        self._updating = False

    def set_state(self, draft: Draft, styles: list[tuple[str, str]] | None = None, *, busy: bool) -> None:
        """Show the draft's music; what can be used now (nothing while a job runs)."""
        if styles is not None:
            self.set_styles(styles)
        info = draft.music_info()
        self._updating = True
        self.style_box.setCurrentIndex(self.style_box.findData(info.style) if info is not None else -1)
        if not self.level.isSliderDown() and not self._settle.isActive():
            self.level.setValue(round(info.gain_db) if info is not None else 0)
        self.level_value.setText(gain_text(self.level.value()))
        self._updating = False
        has_music = info is not None
        self.style_box.setEnabled(not busy and self.style_box.count() > 0)
        self.level.setEnabled(not busy and has_music)
        self.variation.setEnabled(not busy and has_music)
        self.export_button.setEnabled(not busy and not draft.is_empty)

    def _style_chosen(self, index: int) -> None:
        if not self._updating and index >= 0:
            self.changeRequested.emit(MusicChange(style=str(self.style_box.itemData(index))))

    def _level_moved(self, value: int) -> None:
        self.level_value.setText(gain_text(value))
        if not self._updating:
            self._settle.start()

    def _level_chosen(self) -> None:
        if self.level.isSliderDown():
            self._settle.start()
            return
        self.changeRequested.emit(MusicChange(gain_db=float(self.level.value())))
