"""The app's own icons: small SVG drawings shipped in ``nemo_desktop/resources/icons``, drawn in one colour
(``#000000`` in the files) that is replaced by the theme's text colour when loaded, so they read on the light
and on the dark palette alike. Buttons and actions given an icon here get it again when the theme changes.
"""

from __future__ import annotations

import functools
import weakref
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from nemo_desktop.ui import theme

ICON_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"
NAMES = ("play", "pause", "export", "new", "undo", "redo", "add", "variation", "mute", "sound", "remove")
INK = "#000000"  # the one colour the drawings use
SIZES = (16, 20, 24, 32, 48, 64)  # pixmaps per icon: crisp at any button size and on HiDPI


class HasIcon(Protocol):
    def setIcon(self, icon: QIcon) -> None: ...


_bound: dict[int, tuple[weakref.ref[HasIcon], str, str]] = {}  # id → (target, icon name, colour role)


def svg(name: str) -> str:
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


def pixmap(name: str, size: int, colour: str) -> QPixmap:
    """The drawing ``name`` at ``size`` px in ``colour``."""
    renderer = QSvgRenderer(QByteArray(svg(name).replace(INK, colour).encode("utf-8")))
    out = QPixmap(size, size)
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return out


def icon(name: str, role: str = "text") -> QIcon:
    """``name`` in the current theme's ``role`` colour (``text`` or ``accent_text``), greyed when disabled."""
    c = theme.colours()
    return _drawn(name, str(getattr(c, role)), c.muted)


@functools.lru_cache(maxsize=64)
def _drawn(name: str, colour: str, muted: str) -> QIcon:
    out = QIcon()
    for size in SIZES:
        out.addPixmap(pixmap(name, size, colour), QIcon.Mode.Normal)
        out.addPixmap(pixmap(name, size, muted), QIcon.Mode.Disabled)
    return out


def set_icon(target: HasIcon, name: str, role: str = "text") -> None:
    """Give ``target`` (a button or an action) the icon, and again whenever the theme changes."""
    target.setIcon(icon(name, role))
    _bound[id(target)] = (weakref.ref(target), name, role)


def refresh() -> None:
    """Recolour every icon handed out (the system switched between light and dark)."""
    for key, (ref, name, role) in list(_bound.items()):
        target = ref()
        try:
            if target is None:
                raise RuntimeError
            target.setIcon(icon(name, role))
        except RuntimeError:  # the widget is gone (its C++ side deleted)
            del _bound[key]
