"""The draft drawn as a timeline: one row per track, segments to scale, cuts, beats and a time ruler.

It is a view of a Draft and nothing more: it paints what the engine decided and never changes it.
Painting uses logical pixels, so HiDPI screens get crisp lines for free; the widget scales with the window.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from nemo_desktop.core.draft import AUDIO, TEXT, VIDEO, Draft, MusicInfo, Segment, Track
from nemo_desktop.i18n import _

LABEL_W = 64
RULER_H = 22
ROW_H = 34
GAP = 6
COLOURS: dict[int, QColor] = {VIDEO: QColor("#4a7fc1"), AUDIO: QColor("#3f9d6b"), TEXT: QColor("#b7813a")}
MUSIC = QColor("#8a5cc2")
PLAYHEAD = QColor("#e53935")


def clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def track_label(track: Track) -> str:
    labels: dict[int, str] = {VIDEO: _("Video"), AUDIO: _("Audio"), TEXT: _("Text")}
    return labels.get(track.kind, _("Other"))


def is_music(track: Track, seg: Segment) -> bool:
    return track.kind == AUDIO and seg.is_music


def music_info(track: Track, seg: Segment) -> MusicInfo | None:
    """The engine's facts about the piece (the cloud's music has none)."""
    return MusicInfo.of(seg) if track.kind == AUDIO else None


def segment_text(track: Track, seg: Segment) -> str:
    """The words shown on a segment: the music's style and tempo, else its name."""
    if is_music(track, seg):
        info = music_info(track, seg)
        parts = [str(seg.meta.get("style") or seg.name or _("Music")).replace("_", " ")]
        if info is not None and info.bpm:
            parts.append(f"{round(info.bpm)} BPM")
        if info is not None and info.key:
            parts.append(info.key)
        return " · ".join(parts)
    return seg.name or track_label(track)


def segment_tooltip(track: Track, seg: Segment) -> str:
    lines = [segment_text(track, seg),
             _("{start} – {end} ({length:.1f} s)").format(start=clock(seg.start), end=clock(seg.end),
                                                          length=seg.duration)]
    info = music_info(track, seg)
    if info is not None and "seed" in seg.meta:
        lines.append(_("Seed {seed}").format(seed=info.seed))
    cuts = seg.meta.get("cuts")
    if isinstance(cuts, list) and cuts:
        lines.append(_("{n} cuts").format(n=len(cuts)))
    return "\n".join(lines)


def ruler_step(duration: float, width: float) -> float:
    """A tick spacing (1, 2, 5, 10, 15, 30, 60 s …) that leaves ≥ 60 px between labels."""
    if duration <= 0 or width <= 0:
        return 1.0
    for step in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600):
        if width * step / duration >= 60:
            return float(step)
    return 3600.0


class TimelineView(QWidget):
    """Custom-painted, read-only timeline of the current Draft, with the preview's playhead; a click or
    drag asks the preview to seek there (``seekRequested``)."""

    seekRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = Draft()
        self.playhead: float | None = None
        self.setObjectName("timeline")
        self.setAccessibleName(_("Timeline"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)
        self._update_description()

    # --- data ------------------------------------------------------------------------------------------

    def set_draft(self, draft: Draft) -> None:
        self.draft = draft
        self._update_description()
        self.updateGeometry()
        self.update()

    def set_playhead(self, seconds: float | None) -> None:
        """Where the preview is (None: no playhead); repaints only when the line moves a pixel."""
        old = None if self.playhead is None else round(self._x(self.playhead))
        self.playhead = seconds
        if old != (None if seconds is None else round(self._x(seconds))):
            self.update()

    def time_at(self, x: float) -> float:
        """The timeline time under ``x`` (clamped to the draft): the inverse of ``_x``."""
        duration = self.draft.duration
        span = max(1.0, self.width() - LABEL_W - 8)
        return max(0.0, min(duration, (x - LABEL_W) / span * duration))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # Qt override
        if event.button() == Qt.MouseButton.LeftButton and not self.draft.is_empty:
            self.seekRequested.emit(self.time_at(event.position().x()))
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # Qt override: dragging scrubs
        if event.buttons() & Qt.MouseButton.LeftButton and not self.draft.is_empty:
            self.seekRequested.emit(self.time_at(event.position().x()))
        super().mouseMoveEvent(event)

    def rows(self) -> list[Track]:
        """Tracks in the order drawn: video, audio, text, then anything else."""
        order: dict[int, int] = {VIDEO: 0, AUDIO: 1, TEXT: 2}
        return sorted(self.draft.tracks, key=lambda t: order.get(t.kind, 3))

    def _update_description(self) -> None:
        if self.draft.is_empty:
            self.setAccessibleDescription(_("The timeline is empty."))
        else:
            self.setAccessibleDescription(self.draft.summary())
        self.setToolTip("" if not self.draft.is_empty else _("The timeline appears when you add clips."))

    # --- geometry --------------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(600, RULER_H + max(1, len(self.draft.tracks)) * (ROW_H + GAP) + GAP)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, RULER_H + ROW_H + 2 * GAP)

    def _x(self, t: float) -> float:
        duration = self.draft.duration or 1.0
        return LABEL_W + (self.width() - LABEL_W - 8) * (t / duration)

    def segment_rects(self) -> list[tuple[QRectF, Track, Segment]]:
        out = []
        for row, track in enumerate(self.rows()):
            y = RULER_H + GAP + row * (ROW_H + GAP)
            for seg in track.segments:
                x0, x1 = self._x(seg.start), self._x(seg.end)
                out.append((QRectF(x0, y, max(2.0, x1 - x0), ROW_H), track, seg))
        return out

    # --- painting --------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        text_colour = pal.color(QPalette.ColorRole.Text)
        if self.draft.is_empty:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("The timeline appears when you add clips."))
            self._focus_frame(p)
            return
        self._ruler(p, text_colour)
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        for row, track in enumerate(self.rows()):
            y = RULER_H + GAP + row * (ROW_H + GAP)
            p.setPen(text_colour)
            p.drawText(QRectF(4, y, LABEL_W - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter, track_label(track))
        for rect, track, seg in self.segment_rects():
            colour = MUSIC if is_music(track, seg) else COLOURS.get(track.kind, QColor("#777"))
            p.setPen(QPen(colour.darker(140), 1))
            p.setBrush(colour)
            p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            self._ticks(p, rect, track, seg)
            label = metrics.elidedText(segment_text(track, seg), Qt.TextElideMode.ElideRight, int(rect.width()) - 8)
            p.setPen(QColor("white"))
            p.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
        self._playhead(p)
        self._focus_frame(p)

    def _playhead(self, p: QPainter) -> None:
        if self.playhead is None:
            return
        x = self._x(self.playhead)
        p.setPen(QPen(PLAYHEAD, 2))
        p.drawLine(QPointF(x, 2), QPointF(x, self.height() - 2))

    def _focus_frame(self, p: QPainter) -> None:
        if self.hasFocus():
            p.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))

    def _ruler(self, p: QPainter, colour: QColor) -> None:
        duration = self.draft.duration
        step = ruler_step(duration, self.width() - LABEL_W - 8)
        p.setPen(QPen(colour, 1))
        p.drawLine(QPointF(LABEL_W, RULER_H - 1), QPointF(self.width() - 8, RULER_H - 1))
        metrics = QFontMetrics(self.font())
        for i in range(int(math.floor(duration / step)) + 1):
            t = i * step
            x = self._x(t)
            p.drawLine(QPointF(x, RULER_H - 6), QPointF(x, RULER_H - 1))
            label = clock(t) if step >= 1 else f"{t:.1f}"
            if x + 2 + metrics.horizontalAdvance(label) <= self.width():  # never a clipped last label
                p.drawText(QPointF(x + 2, RULER_H - 8), label)

    def _ticks(self, p: QPainter, rect: QRectF, track: Track, seg: Segment) -> None:
        """Cut markers on clips; bar (tall) and beat (short) ticks on the music, relative to its start."""
        top, bottom = rect.top(), rect.bottom()
        cuts = seg.meta.get("cuts")
        if isinstance(cuts, list):
            p.setPen(QPen(QColor("#ffd54a"), 2))
            for c in cuts:
                x = self._x(seg.start + _num(c))
                if rect.left() < x < rect.right():
                    p.drawLine(QPointF(x, top + 2), QPointF(x, bottom - 2))
        if not is_music(track, seg):
            return
        beats, bars = seg.meta.get("beats"), seg.meta.get("bars")
        if isinstance(beats, list) and len(beats) < rect.width() / 2:  # skip when ticks would blur
            p.setPen(QPen(QColor(255, 255, 255, 90), 1))
            for b in beats:
                x = self._x(seg.start + _num(b))
                p.drawLine(QPointF(x, bottom - 6), QPointF(x, bottom - 1))
        if isinstance(bars, list):
            p.setPen(QPen(QColor(255, 255, 255, 170), 1))
            for b in bars:
                x = self._x(seg.start + _num(b))
                p.drawLine(QPointF(x, bottom - 12), QPointF(x, bottom - 1))

    # --- tooltips --------------------------------------------------------------------------------------

    def segment_at(self, x: float, y: float) -> tuple[Track, Segment] | None:
        for rect, track, seg in self.segment_rects():
            if rect.contains(QPointF(x, y)):
                return track, seg
        return None

    def event(self, ev) -> bool:  # Qt's QEvent
        if ev.type() == ev.Type.ToolTip and isinstance(ev, QHelpEvent):
            hit = self.segment_at(ev.pos().x(), ev.pos().y())
            if hit is not None:
                QToolTip.showText(ev.globalPos(), segment_tooltip(*hit), self)
                return True
        return super().event(ev)


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1.0
