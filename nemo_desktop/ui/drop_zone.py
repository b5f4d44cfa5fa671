"""Where clips come in: drag-and-drop from a file manager, an "Add clips…" dialog, and the clip list.

Drops are strict (local files only, always a copy, never a move) and handed on after the event handler
returns, so a slow or failing file never blocks the drag. The list shows what the engine accepted (the
draft's video track, with a thumbnail and duration) and one line per rejected file with its reason; the
reasons come from core (media triage or the engine's probe), never from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeyEvent,
    QPixmap,
)
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
from nemo_desktop.ui.thumbnails import first_frame

PATH_ROLE = Qt.ItemDataRole.UserRole
REJECTED_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB = QSize(96, 54)
Spawn = Callable[[Awaitable[Any], str], Any]


def local_files(urls: list[QUrl]) -> tuple[list[Path], int]:
    """Local paths among dropped URLs, and how many were not local files (web links, remote shares)."""
    paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile() and u.toLocalFile()]
    return paths, len(urls) - len(paths)


def file_filter() -> str:
    patterns = " ".join(f"*.{ext}" for ext in sorted(media.EXTENSIONS))
    return _("Video, images and audio ({patterns})").format(patterns=patterns) + ";;" + _("All files (*)")


class DropZone(QFrame):
    """Accepts files; emits ``filesAdded`` with paths, ``clipsEdited`` with the new list after remove/move."""

    filesAdded = Signal(list)
    clipsEdited = Signal(list)
    notice = Signal(str, str)

    def __init__(self, spawn: Spawn | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spawn = spawn
        self._thumbs: dict[str, QIcon] = {}
        self._placeholder = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self._warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Clips"))
        self.setAccessibleDescription(_("Drop video clips here. Press Enter to choose files."))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(150)
        self.setStyleSheet("#dropZone { border: 2px dashed palette(mid); border-radius: 8px; }"
                           "#dropZone[hover=\"true\"] { border-color: palette(highlight); }")

        self.empty_label = QLabel(_("Drop video clips here, or just describe the music you want"))
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
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove the selected clip"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button = QPushButton(_("Move up"))
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton(_("Move down"))
        self.down_button.clicked.connect(lambda: self.move_selected(1))

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        for b in (self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._refresh_empty()

    # --- what the list shows ---------------------------------------------------------------------------

    def clip_paths(self) -> list[Path]:
        return [Path(self.list.item(i).data(PATH_ROLE)) for i in range(self.list.count())
                if self.list.item(i).data(PATH_ROLE)]

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
        clip = item is not None and bool(item.data(PATH_ROLE))
        self.remove_button.setEnabled(item is not None)
        self.up_button.setEnabled(clip and row > 0)
        self.down_button.setEnabled(clip and row < len(self.clip_paths()) - 1)

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
        paths = self.clip_paths()
        del paths[row]
        self.clipsEdited.emit(paths)

    def move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        paths = self.clip_paths()
        target = row + step
        if not (0 <= row < len(paths) and 0 <= target < len(paths)):
            return
        paths[row], paths[target] = paths[target], paths[row]
        self.clipsEdited.emit(paths)

    def choose_files(self) -> None:
        """The keyboard (and mouse) way in; a blocking dialog, but only ever from a slot, never a coroutine."""
        names, _filter = QFileDialog.getOpenFileNames(self, _("Add clips"), "", file_filter())
        if names:
            self._hand_on([Path(n) for n in names])

    def _hand_on(self, paths: list[Path]) -> None:
        self.clear_rejected()
        QTimer.singleShot(0, lambda: self.filesAdded.emit(paths))

    # --- drag and drop ---------------------------------------------------------------------------------

    def _acceptable(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = event.mimeData()
        return mime is not None and mime.hasUrls() and bool(local_files(mime.urls())[0])

    def _set_hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # Qt override
        if self._acceptable(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._set_hover(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # Qt override
        if self._acceptable(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # Qt override
        self._set_hover(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # Qt override
        self._set_hover(False)
        if not self._acceptable(event):
            event.ignore()
            return
        paths, skipped = local_files(event.mimeData().urls())
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if skipped:
            self.notice.emit(_("{n} dropped item(s) were not local files and were skipped. Download them "
                               "first, then drop the files.").format(n=skipped), "warning")
        self._hand_on(paths)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.hasFocus():
            self.choose_files()
            return
        super().keyPressEvent(event)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
