"""Unexpected exceptions: log them (redacted) and show a dialog with copyable text; never phone home.

Installed as ``sys.excepthook`` and as the asyncio loop's exception handler, so an exception in a Qt
slot or a stray task ends up in the same place. ``--no-crash-dialog`` (or NEMO_NO_CRASH_DIALOG=1) keeps
CI from blocking on a dialog; the log still gets everything.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from nemo_desktop import __version__, logs
from nemo_desktop.i18n import _

log = logging.getLogger("nemo_desktop.crash")


def report_text(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The text a person may copy into a bug report: version, platform and the redacted traceback."""
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    return logs.redact(f"Nemo Desktop {__version__} on Python {sys.version.split()[0]} ({sys.platform})\n\n{body}")


class CrashHandler:
    def __init__(self, show_dialog: bool = True) -> None:
        self.show_dialog = show_dialog
        self.reports: list[str] = []
        self.dialogs: list[Any] = []
        self._previous: Callable[..., Any] | None = None

    def install(self) -> CrashHandler:
        self._previous = sys.excepthook
        sys.excepthook = self.excepthook
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous

    def install_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.set_exception_handler(self.loop_exception)

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        text = report_text(exc_type, exc, tb)
        log.error("unexpected error\n%s", text)
        self.reports.append(text)
        if self.show_dialog:
            self._dialog(text)

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self.excepthook(type(exc), exc, exc.__traceback__)
        else:
            log.error("asyncio: %s", logs.redact(str(context.get("message"))))

    def _dialog(self, text: str) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None or any(d.isVisible() for d in self.dialogs):
            return  # one dialog at a time; later reports are in the log
        box = QMessageBox(QMessageBox.Icon.Critical, _("Something went wrong"),
                          _("Nemo Desktop hit an unexpected error. Your clips are safe and the window keeps "
                            "working. The details (also in the log file) can be copied into a bug report."))
        box.setDetailedText(text)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.finished.connect(lambda _result: self.dialogs.remove(box) if box in self.dialogs else None)
        self.dialogs.append(box)
        box.open()  # non-modal: an error inside a coroutine must not start a nested event loop
