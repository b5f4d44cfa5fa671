"""Settings: engine, output folder, language, seed, token, ffmpeg path and an optional SoundFont.

The token is write-only here: the dialog shows whether one is set and where it comes from, can clear
it, and stores a pasted one through TokenStore (0600 file) — it never displays, logs or keeps it. The
dialog is opened non-modally with ``open()``; ``applied`` tells the window what changed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from nemo_desktop.core.errors import SettingInvalid
from nemo_desktop.i18n import N_, _
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings
from nemo_desktop.ui import theme

ENGINE_CHOICES = (("auto", N_("Auto")), ("builtin", N_("Built-in")), ("cloud", N_("NemoVideo cloud")))
LANGUAGE_CHOICES = (("", N_("System")), ("en", "English"), ("zh_CN", "简体中文"))  # a language's own name


def token_status_text(store: TokenStore) -> str:
    status = store.status()
    if not status.present:
        return _("not set")
    source = _("from environment") if status.source == "environment" else _("from file")
    return _("set ({source})").format(source=source)


def _path_row(
    text: str, placeholder: str, name: str, choose_name: str, choose: Callable[[], None]
) -> tuple[QLineEdit, QHBoxLayout]:
    """A path field with a "Choose…" button beside it."""
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    button = QPushButton(_("Choose…"))
    button.setAccessibleName(choose_name)
    button.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return edit, row


class SettingsDialog(QDialog):
    applied = Signal(object, object)  # new Settings, old Settings

    def __init__(self, settings: Settings, store: TokenStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.settings = settings
        self.store = store or TokenStore()

        self.engine = QComboBox()
        for value, label in ENGINE_CHOICES:
            self.engine.addItem(_(label), value)
        self.engine.setCurrentIndex(max(0, self.engine.findData(settings.engine)))
        self.engine.setAccessibleName(_("Engine"))

        self.output, out_row = _path_row(settings.output_dir, str(settings.output_folder()), _("Output folder"),
                                         _("Choose the output folder"), self._browse)

        self.language = QComboBox()
        for value, label in LANGUAGE_CHOICES:
            self.language.addItem(_(label) if not value else label, value)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language.setAccessibleName(_("Language"))

        self.seed = QLineEdit("" if settings.seed is None else str(settings.seed))
        self.seed.setPlaceholderText(_("random"))
        self.seed.setAccessibleName(_("Seed"))

        self.token_status = QLabel(token_status_text(self.store))
        self.token_status.setAccessibleName(_("Token status"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(_("Paste a NemoVideo token to use it"))
        self.token.setAccessibleName(_("New token"))
        self.clear_token = QPushButton(_("Sign out"))
        self.clear_token.setAccessibleName(_("Sign out and clear the stored token"))
        self.clear_token.clicked.connect(self._clear_token)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_status, 1)
        token_row.addWidget(self.clear_token)
        self._token_state()

        self.ffmpeg = QLineEdit(settings.ffmpeg_path)
        self.ffmpeg.setPlaceholderText(_("bundled ffmpeg"))
        self.ffmpeg.setAccessibleName(_("ffmpeg path"))

        self.soundfont, bank_row = _path_row(settings.soundfont, _("built-in instruments"), _("SoundFont file"),
                                             _("Choose a SoundFont file"), self._browse_soundfont)

        self.error = QLabel("")
        self.error.setStyleSheet("color:#c0392b")

        wide = self.fontMetrics().horizontalAdvance("M" * 32)
        for field in (self.output, self.token, self.ffmpeg, self.soundfont):
            field.setMinimumWidth(wide)
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setContentsMargins(theme.L, theme.L, theme.L, theme.L)
        form.setHorizontalSpacing(theme.M)
        form.setVerticalSpacing(theme.S)
        form.addRow(_("Engine:"), self.engine)
        form.addRow(_("Output folder:"), out_row)
        form.addRow(_("Language:"), self.language)
        form.addRow(_("Seed:"), self.seed)
        form.addRow(_("Token:"), token_row)
        form.addRow("", self.token)
        form.addRow(_("ffmpeg:"), self.ffmpeg)
        form.addRow(_("SoundFont:"), bank_row)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._apply)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Output folder"), self.output.text()
                                                  or str(self.settings.output_folder()))
        if folder:
            self.output.setText(folder)

    def _browse_soundfont(self) -> None:
        path, _chosen = QFileDialog.getOpenFileName(self, _("SoundFont file"), self.soundfont.text(),
                                                    _("SoundFont (*.sf2 *.sf3)"))
        if path:
            self.soundfont.setText(path)

    def _clear_token(self) -> None:
        self.store.clear()
        self.token.clear()
        self._token_state()

    def _token_state(self) -> None:
        """The status line, and Sign out only when there is a stored token to clear (one from the
        environment cannot be cleared here)."""
        self.token_status.setText(token_status_text(self.store))
        status = self.store.status()
        self.clear_token.setEnabled(status.present and status.source != "environment")

    def _apply(self) -> None:
        """Check each changed field through the same rules as ``settings set``; the first refusal is shown as
        its sentence (and nothing is applied) rather than saved and failing later."""
        old = self.settings
        new = old.replace()
        fields = (("engine", str(self.engine.currentData()), self.engine),
                  ("output_dir", self.output.text().strip(), self.output),
                  ("language", str(self.language.currentData()), self.language),
                  ("seed", self.seed.text().strip(), self.seed),
                  ("ffmpeg_path", self.ffmpeg.text().strip(), self.ffmpeg),
                  ("soundfont", self.soundfont.text().strip(), self.soundfont))
        for key, text, widget in fields:
            current = getattr(old, key)
            if text == ("" if current is None else str(current)):
                continue  # unchanged: a SoundFont on a drive unplugged today is not refused
            try:
                new.set(key, text)
            except SettingInvalid as err:
                self.error.setText(err.message())
                widget.setFocus()
                return
        pasted = self.token.text().strip()
        if pasted:
            self.store.save(pasted)
            self.token.clear()
        self.applied.emit(new, old)
        self.accept()
