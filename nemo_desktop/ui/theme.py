"""One look for the whole window: Fusion with a tuned palette, light or dark as the system is, and one
spacing scale every layout takes its margins from.

Colours that widgets paint themselves (the banner, the timeline) come from ``colours()`` so they follow
the same light/dark choice. ``NEMO_COLOR_SCHEME=dark|light`` forces a scheme (screenshots, a desktop that
does not say).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# the spacing scale (logical pixels): every margin and gap is one of these
XS, S, M, L, XL = 4, 8, 12, 16, 24


@dataclass(frozen=True)
class Colours:
    dark: bool
    window: str
    base: str
    alt: str
    text: str
    muted: str
    accent: str
    accent_text: str
    border: str
    banner: dict[str, tuple[str, str, str]]  # level → (background, text, border)


LIGHT = Colours(
    dark=False, window="#f4f5f7", base="#ffffff", alt="#eef0f3", text="#1d2330", muted="#6b7280",
    accent="#3b6fd8", accent_text="#ffffff", border="#c9ced6",
    banner={"info": ("#e8f1fb", "#1b3a5c", "#b6cfe9"), "warning": ("#fff4d6", "#5c4300", "#e6c66a"),
            "error": ("#fde7e7", "#6b1010", "#e3a1a1"), "success": ("#e6f6ea", "#174d25", "#a8d7b4")},
)
DARK = Colours(
    dark=True, window="#1f2228", base="#16181d", alt="#262a31", text="#e4e7ec", muted="#9aa3b2",
    accent="#5b8ef0", accent_text="#ffffff", border="#3a3f48",
    banner={"info": ("#1c2d44", "#cfe2ff", "#2f4d75"), "warning": ("#3d3114", "#ffe7a3", "#6b5520"),
            "error": ("#43201f", "#ffd0cc", "#7a3430"), "success": ("#1b3a26", "#c8f0d3", "#2e6342")},
)


def system_is_dark() -> bool:
    forced = os.environ.get("NEMO_COLOR_SCHEME", "").lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def colours() -> Colours:
    return DARK if system_is_dark() else LIGHT


def palette(c: Colours) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    for r, value in ((role.Window, c.window), (role.WindowText, c.text), (role.Base, c.base),
                     (role.AlternateBase, c.alt), (role.Text, c.text), (role.Button, c.alt),
                     (role.ButtonText, c.text), (role.Highlight, c.accent), (role.HighlightedText, c.accent_text),
                     (role.ToolTipBase, c.base), (role.ToolTipText, c.text), (role.PlaceholderText, c.muted),
                     (role.Link, c.accent), (role.Mid, c.border), (role.Midlight, c.alt)):
        pal.setColor(r, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, r, QColor(c.muted))
    pal.setColor(disabled, role.Highlight, QColor(c.border))  # a disabled slider or bar is not accent-blue
    return pal


STYLESHEET = """
QPushButton {{ background: {button}; border: 1px solid {border}; border-radius: 6px;
              padding: {xs}px {m}px; min-height: 18px; }}
QPushButton:hover, QPushButton:focus {{ border-color: {accent}; }}
QPushButton:pressed {{ background: {alt}; }}
QPushButton:disabled {{ color: {muted}; background: {window}; }}
QPushButton:flat {{ background: transparent; border-color: transparent; }}
QPushButton:flat:hover {{ border-color: {border}; }}
QPushButton#primary {{ background: {accent}; color: {accent_text}; border-color: {accent}; }}
QPushButton#primary:disabled {{ background: {border}; border-color: {border}; color: {muted}; }}
QPushButton#chip {{ border-radius: 11px; padding: 2px {m}px; background: transparent; }}
QSplitter::handle {{ background: transparent; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QToolTip {{ border: 1px solid {border}; padding: {xs}px; }}
"""


def apply(app: QApplication) -> Colours:
    """Fusion, the palette for the system's scheme and the small stylesheet; again when the scheme changes."""
    c = colours()
    app.setStyle("Fusion")
    app.setPalette(palette(c))
    app.setStyleSheet(STYLESHEET.format(xs=XS, m=M, accent=c.accent, accent_text=c.accent_text, border=c.border,
                                        button=c.base, alt=c.alt, muted=c.muted, window=c.window))
    return c


def follow_system(app: QApplication) -> None:
    from nemo_desktop.ui import icons  # icons draw in this module's colours

    def changed() -> None:
        apply(app)
        icons.refresh()

    hints = QGuiApplication.styleHints()
    if hints is not None:
        hints.colorSchemeChanged.connect(lambda _scheme: changed())
