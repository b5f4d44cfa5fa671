"""The project's files: the clip list, the added sound files, an "Add clips…" dialog.

Drops are taken by the whole window (``drop_target.WindowDrop``); this panel shows what the engine
accepted — the draft's clips with a thumbnail and duration, then each added sound file (MP3, WAV…),
which can be muted or removed — and one line per rejected file with its reason; the reasons come from
core (media triage or the engine's probe), never from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from nemo_desktop.core import media
from nemo_desktop.core.draft import VIDEO, Draft
from nemo_desktop.core.errors import MediaError
from nemo_desktop.i18n import _
from nemo_desktop.ui import icons, theme
from nemo_desktop.ui.drop_target import local_files
from nemo_desktop.ui.thumbnails import first_frame

PATH_ROLE = Qt.ItemDataRole.UserRole
REJECTED_ROLE = Qt.ItemDataRole.UserRole + 1
SOUND_ROLE = Qt.ItemDataRole.UserRole + 2  # an added sound file; its value says whether it is muted
THUMB = QSize(96, 54)
SMALL_ICON = 16
Spawn = Callable[[Awaitable[Any], str], Any]
__all__ = ["DropZone", "file_filter", "local_files"]


def glyph_icon(glyph: str, colour: QColor) -> QIcon:
    """A small sign drawn in the text colour (the standard speaker icons vanish on a dark palette)."""
    cell = QPixmap(THUMB)
    cell.fill(Qt.GlobalColor.transparent)
    painter = QPainter(cell)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    font = QFont()
    font.setPixelSize(SMALL_ICON + 4)
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(QRect(THUMB.width() - SMALL_ICON - 3 * theme.XS, 0, SMALL_ICON + 2 * theme.XS, THUMB.height()),
                     Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(cell)


def small_icon(icon: QIcon) -> QIcon:
    """A standard icon drawn small inside a thumbnail-sized cell, so a warning line is not a big sign."""
    cell = QPixmap(THUMB)
    cell.fill(Qt.GlobalColor.transparent)
    painter = QPainter(cell)
    painter.drawPixmap(QPoint(THUMB.width() - SMALL_ICON - theme.XS, (THUMB.height() - SMALL_ICON) // 2),
                       icon.pixmap(SMALL_ICON, SMALL_ICON))
    painter.end()
    return QIcon(cell)


def file_filter() -> str:
    patterns = " ".join(f"*.{ext}" for ext in sorted(media.EXTENSIONS))
    return _("Video, images and audio ({patterns})").format(patterns=patterns) + ";;" + _("All files (*)")


class DropZone(QFrame):
    """Accepts files; emits ``filesAdded`` with paths, ``clipsEdited`` with the new list after remove/move."""

    filesAdded = Signal(list)
    clipsEdited = Signal(list)
    soundMuted = Signal(str, bool)  # source, muted
    notice = Signal(str, str)

    def __init__(self, spawn: Spawn | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spawn = spawn
        self._thumbs: dict[str, QIcon] = {}
        self._placeholder = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self._warning = small_icon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
        text = self.palette().color(self.palette().ColorRole.Text)
        self._sound = glyph_icon("♪", text)
        muted = QColor(text)
        muted.setAlpha(110)
        self._muted = glyph_icon("♪", muted)
        self.setObjectName("dropZone")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Clips"))
        self.setAccessibleDescription(_("Drop video clips here. Press Enter to choose files."))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(120)
        self.setStyleSheet("#dropZone { border: 2px dashed palette(mid); border-radius: 8px; }")

        self.empty_label = QLabel(_("Drop video clips (and sound files) anywhere on the window, or just "
                                    "describe the music you want"))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setIconSize(THUMB)
        self.list.setAccessibleName(_("Clip list"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._update_buttons)

        self.add_button = QPushButton(_("Add clips…"))
        self.add_button.clicked.connect(self.choose_files)
        icons.set_icon(self.add_button, "add")
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove the selected clip"))
        self.remove_button.clicked.connect(self.remove_selected)
        icons.set_icon(self.remove_button, "remove")
        self.up_button = QPushButton(_("Move up"))
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton(_("Move down"))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.mute_button = QPushButton(_("Mute"))
        self.mute_button.setAccessibleName(_("Mute or unmute the selected sound file"))
        self.mute_button.clicked.connect(self.toggle_mute)
        icons.set_icon(self.mute_button, "mute")

        buttons = QHBoxLayout()
        buttons.setSpacing(theme.XS)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        for b in (self.up_button, self.down_button, self.mute_button, self.remove_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.S, theme.S, theme.S, theme.S)
        layout.setSpacing(theme.S)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._refresh_empty()

    # --- what the list shows ---------------------------------------------------------------------------

    def clip_paths(self) -> list[Path]:
        """The clips (pictures and videos) in timeline order."""
        return [Path(self.list.item(i).data(PATH_ROLE)) for i in range(self.list.count())
                if self.list.item(i).data(PATH_ROLE) and self.list.item(i).data(SOUND_ROLE) is None]

    def sound_paths(self) -> list[Path]:
        """The added sound files, in the order they play."""
        return [Path(self.list.item(i).data(PATH_ROLE)) for i in range(self.list.count())
                if self.list.item(i).data(SOUND_ROLE) is not None]

    def all_paths(self) -> list[Path]:
        """Every file of the project, as the engine keeps them: clips, then sound files."""
        return [Path(self.list.item(i).data(PATH_ROLE)) for i in range(self.list.count())
                if self.list.item(i).data(PATH_ROLE)]

    def sound_lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).data(SOUND_ROLE) is not None]

    def rejected_lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())
                if self.list.item(i).data(REJECTED_ROLE)]

    def set_draft(self, draft: Draft) -> None:
        """Show the draft's clips (in timeline order), keeping the rejected lines below them."""
        rejected = [self.list.takeItem(i) for i in reversed(range(self.list.count()))
                    if self.list.item(i).data(REJECTED_ROLE)]
        self.list.clear()
        for seg in sorted(draft.segments_of(VIDEO), key=lambda s: s.start):
            item = QListWidgetItem(f"{seg.name}\n{_duration(seg.duration)}")
            item.setData(PATH_ROLE, seg.source)
            item.setToolTip(seg.source)
            item.setIcon(self._thumbs.get(seg.source, self._placeholder))
            self.list.addItem(item)
            self._thumbnail(seg.source)
        for seg in draft.sound_files():
            muted = seg.volume == 0
            state = _("muted") if muted else _("sound")
            item = QListWidgetItem(self._muted if muted else self._sound,
                                   f"{seg.name}\n{_duration(seg.duration)} · {state}")
            item.setData(PATH_ROLE, seg.source)
            item.setData(SOUND_ROLE, muted)
            item.setToolTip(seg.source)
            self.list.addItem(item)
        for item in reversed(rejected):
            self.list.addItem(item)
        self._refresh_empty()

    def add_rejected(self, error: MediaError) -> None:
        item = QListWidgetItem(self._warning, error.message())
        item.setData(REJECTED_ROLE, True)
        item.setToolTip(error.message())
        item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
        self.list.addItem(item)
        self._refresh_empty()

    def clear_rejected(self) -> None:
        for i in reversed(range(self.list.count())):
            if self.list.item(i).data(REJECTED_ROLE):
                self.list.takeItem(i)
        self._refresh_empty()

    def _refresh_empty(self) -> None:
        empty = self.list.count() == 0
        self.empty_label.setVisible(empty)
        self.list.setVisible(not empty)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        item = self.list.item(row) if row >= 0 else None
        sound = item is not None and item.data(SOUND_ROLE) is not None
        clip = item is not None and bool(item.data(PATH_ROLE)) and not sound
        self.remove_button.setEnabled(item is not None)
        self.up_button.setEnabled(clip and row > 0)
        self.down_button.setEnabled(clip and row < len(self.clip_paths()) - 1)
        self.mute_button.setVisible(bool(self.sound_paths()))
        self.mute_button.setEnabled(sound)
        muted = bool(sound and item is not None and item.data(SOUND_ROLE))
        self.mute_button.setText(_("Unmute") if muted else _("Mute"))
        icons.set_icon(self.mute_button, "sound" if muted else "mute")

    def _thumbnail(self, source: str) -> None:
        if source in self._thumbs or self._spawn is None or not source or not Path(source).is_file():
            return
        self._thumbs[source] = self._placeholder  # one decode per file

        async def load() -> None:
            image = await first_frame(Path(source), THUMB.height())
            if image is None:
                return
            icon = QIcon(QPixmap.fromImage(image))
            self._thumbs[source] = icon
            for i in range(self.list.count()):
                if self.list.item(i).data(PATH_ROLE) == source:
                    self.list.item(i).setIcon(icon)

        self._spawn(load(), "thumbnail")

    # --- editing ---------------------------------------------------------------------------------------

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        item = self.list.item(row) if row >= 0 else None
        if item is None:
            return
        if item.data(REJECTED_ROLE):
            self.list.takeItem(row)
            self._refresh_empty()
            return
        paths = self.all_paths()
        del paths[row]
        self.clipsEdited.emit(paths)

    def toggle_mute(self) -> None:
        item = self.list.currentItem()
        if item is None or item.data(SOUND_ROLE) is None:
            return
        self.soundMuted.emit(str(item.data(PATH_ROLE)), not bool(item.data(SOUND_ROLE)))

    def select_path(self, path: Path) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(PATH_ROLE) and Path(self.list.item(i).data(PATH_ROLE)) == path:
                self.list.setCurrentRow(i)
                return

    def move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        paths = self.clip_paths()
        target = row + step
        if not (0 <= row < len(paths) and 0 <= target < len(paths)):
            return
        paths[row], paths[target] = paths[target], paths[row]
        self.clipsEdited.emit(paths + self.sound_paths())

    def choose_files(self) -> None:
        """The keyboard (and mouse) way in; a blocking dialog, but only ever from a slot, never a coroutine."""
        names, _filter = QFileDialog.getOpenFileNames(self, _("Add clips"), "", file_filter())
        if names:
            self._hand_on([Path(n) for n in names])

    def _hand_on(self, paths: list[Path]) -> None:
        self.clear_rejected()
        QTimer.singleShot(0, lambda: self.filesAdded.emit(paths))

    def drop_files(self, paths: list[Path], skipped: int = 0) -> None:
        """What the window's drop target hands on: local files, and how many items were not."""
        if skipped:
            self.notice.emit(_("{n} dropped item(s) were not local files and were skipped. Download them "
                               "first, then drop the files.").format(n=skipped), "warning")
        if paths:
            self._hand_on(paths)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.hasFocus():
            self.choose_files()
            return
        super().keyPressEvent(event)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
