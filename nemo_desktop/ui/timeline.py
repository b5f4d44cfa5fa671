"""The draft drawn as a timeline: one row per track, segments to scale, cuts (accented ones marked), beats
and bars, the music's waveform with its dips under speech, the speech spans on the clips, and a time ruler.

It is a view of a Draft and nothing more: it paints what the engine decided and never changes it.
Painting uses logical pixels, so HiDPI screens get crisp lines for free; the widget scales with the window.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
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
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from nemo_desktop.core.draft import AUDIO, TEXT, VIDEO, Draft, MusicInfo, Segment, Track
from nemo_desktop.core.ports import Waveform
from nemo_desktop.i18n import N_, _

LABEL_W = 64
RULER_H = 22  # at least; taller when the font is (the labels must never be clipped)
ROW_H = 34
GAP = 6
MIN_ROWS = 2  # video and audio: room for the music row from the start, so nothing jumps when it comes
RIGHT = 8  # space after the last second
KEY_WORDS = {"major": N_("{key} major"), "minor": N_("{key} minor")}
# The composer's section names as the music lane shows them (the engine's names are data, not words to read).
SECTION_WORDS = {
    # i18n: a section of the music on the timeline
    "intro": N_("intro"),
    # i18n: a section of the music on the timeline (the music rising)
    "build": N_("build"),
    # i18n: a section of the music on the timeline (the fullest part)
    "main": N_("main"),
    # i18n: a section of the music on the timeline (the music drops back)
    "breakdown": N_("breakdown"),
    # i18n: a section of the music on the timeline
    "outro": N_("outro"),
    # i18n: a section of the music on the timeline (the last chord ringing out)
    "ending": N_("ending"),
}
COLOURS: dict[int, QColor] = {VIDEO: QColor("#4a7fc1"), AUDIO: QColor("#3f9d6b"), TEXT: QColor("#b7813a")}
MUSIC = QColor("#8a5cc2")
PLAYHEAD = QColor("#e53935")
CUT = QColor("#ffd54a")
SPEECH = QColor("#f0f3f8")
SPEECH_H = 6  # the speech band at the foot of the clip lane (under the label pill, above nothing)


def clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def track_label(track: Track) -> str:
    if track.kind == AUDIO and track.segments and all(s.is_music for s in track.segments):
        return _("Music")
    labels: dict[int, str] = {VIDEO: _("Video"), AUDIO: _("Sound"), TEXT: _("Text")}
    return labels.get(track.kind, _("Other"))


def is_music(track: Track, seg: Segment) -> bool:
    return track.kind == AUDIO and seg.is_music


def music_info(track: Track, seg: Segment) -> MusicInfo | None:
    """The engine's facts about the piece (the cloud's music has none)."""
    return MusicInfo.of(seg) if track.kind == AUDIO else None


def key_text(key: str) -> str:
    """ "G major" in the UI's language ("G 大调")."""
    tonic, _sep, mode = key.partition(" ")
    return _(KEY_WORDS[mode]).format(key=tonic) if mode in KEY_WORDS else key


def segment_text(track: Track, seg: Segment, style_names: dict[str, str] | None = None) -> str:
    """The words shown on a segment: the music's style (by the engine's name for it in the UI's language),
    tempo and key, else its name; a muted sound file says so."""
    if is_music(track, seg):
        info = music_info(track, seg)
        style = str(seg.meta.get("style") or "")
        parts = [(style_names or {}).get(style) or (style or seg.name or _("Music")).replace("_", " ")]
        if info is not None and info.bpm:
            parts.append(f"{round(info.bpm)} BPM")  # a unit the Chinese text keeps too
        if info is not None and info.key:
            parts.append(key_text(info.key))
        return " · ".join(parts)
    name = seg.name or track_label(track)
    return _("{name} (muted)").format(name=name) if seg.volume == 0 else name


def segment_tooltip(track: Track, seg: Segment, style_names: dict[str, str] | None = None) -> str:
    lines = [segment_text(track, seg, style_names),
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
        self.style_names: dict[str, str] = {}
        self.playhead: float | None = None
        self.waveform: Waveform | None = None
        self._static: tuple[tuple[int, int, float], QPixmap] | None = None  # the lanes, drawn once
        self.setObjectName("timeline")
        self.setAccessibleName(_("Timeline"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)
        self._update_description()
        self.setFixedHeight(self.sizeHint().height())

    # --- data ------------------------------------------------------------------------------------------

    def set_draft(self, draft: Draft) -> None:
        self.draft = draft
        self._update_description()
        self.setFixedHeight(self.sizeHint().height())
        self._invalidate()

    def set_style_names(self, names: dict[str, str]) -> None:
        """The engine's names for its styles in the UI's language (the music label says them)."""
        self.style_names = dict(names)
        self._invalidate()

    def set_waveform(self, wave: Waveform | None) -> None:
        """The music's envelope as the preview mixed it (None: not mixed yet, or no music)."""
        self.waveform = wave
        self._invalidate()

    def music_info(self) -> MusicInfo | None:
        music = self.draft.music()
        return MusicInfo.of(music) if music is not None else None

    def speech_spans(self) -> tuple[tuple[float, float], ...]:
        """Where someone speaks (timeline seconds), as the engine found it; the music is ducked there."""
        info = self.music_info()
        return info.speech if info is not None else ()

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
        """Lanes in the order drawn: video, the added sound files, the music, text, then anything else. The
        audio track is split so the music never covers a sound file."""
        order: dict[int, int] = {VIDEO: 0, AUDIO: 1, TEXT: 3}
        lanes: list[tuple[int, Track]] = []
        for track in self.draft.tracks:
            if track.kind != AUDIO:
                lanes.append((order.get(track.kind, 4), track))
                continue
            sounds = [s for s in track.segments if not s.is_music]
            music = [s for s in track.segments if s.is_music]
            if sounds:
                lanes.append((1, Track(AUDIO, sounds)))
            if music:
                lanes.append((2, Track(AUDIO, music)))
        return [track for _rank, track in sorted(lanes, key=lambda lane: lane[0])]

    def lane_count(self) -> int:
        """Rows to make room for: the music's lane is kept from the start, so nothing jumps when it comes."""
        rows = self.rows()
        has_music = any(seg.is_music for track in rows for seg in track.segments)
        return max(MIN_ROWS, len(rows) + (0 if has_music or self.draft.is_empty else 1))

    def _update_description(self) -> None:
        if self.draft.is_empty:
            self.setAccessibleDescription(_("The timeline is empty."))
        else:
            self.setAccessibleDescription(self.draft.summary())
        self.setToolTip("" if not self.draft.is_empty else _("The timeline appears when you add clips."))

    # --- geometry --------------------------------------------------------------------------------------

    def ruler_height(self) -> int:
        return max(RULER_H, self.fontMetrics().height() + 10)

    def sizeHint(self) -> QSize:
        return QSize(600, self.ruler_height() + self.lane_count() * (ROW_H + GAP) + GAP)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def _x(self, t: float) -> float:
        duration = self.draft.duration or 1.0
        return LABEL_W + (self.width() - LABEL_W - RIGHT) * (t / duration)

    def segment_rects(self) -> list[tuple[QRectF, Track, Segment]]:
        out = []
        for row, track in enumerate(self.rows()):
            y = self.ruler_height() + GAP + row * (ROW_H + GAP)
            for seg in track.segments:
                x0, x1 = self._x(seg.start), self._x(seg.end)
                out.append((QRectF(x0, y, max(2.0, x1 - x0), ROW_H), track, seg))
        return out

    # --- painting --------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        """The lanes come from a cached picture (made again only when the draft, the waveform, the size or
        the look change), so a moving playhead costs a blit and a line, not a Python walk of every lane:
        it repaints at the preview's frame rate while the engine may be composing in another thread."""
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio)
        if self._static is None or self._static[0] != key:
            picture = QPixmap(QSize(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio))))
            picture.setDevicePixelRatio(ratio)
            painter = QPainter(picture)
            self._paint_lanes(painter)
            painter.end()
            self._static = (key, picture)
        p = QPainter(self)
        p.drawPixmap(0, 0, self._static[1])
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.draft.is_empty:
            self._playhead(p)
        self._focus_frame(p)

    def _invalidate(self) -> None:
        self._static = None
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        self._static = None
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # Qt override: the theme or the font changed
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._static = None
        super().changeEvent(event)

    def _paint_lanes(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        text_colour = pal.color(QPalette.ColorRole.Text)
        p.setFont(self.font())
        if self.draft.is_empty:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("The timeline appears when you add clips."))
            return
        self._ruler(p, text_colour)
        font = QFont(self.font())
        metrics = QFontMetrics(font)
        for row, track in enumerate(self.rows()):
            y = self.ruler_height() + GAP + row * (ROW_H + GAP)
            p.setPen(text_colour)
            p.drawText(QRectF(4, y, LABEL_W - 8, ROW_H), Qt.AlignmentFlag.AlignVCenter, track_label(track))
        for rect, track, seg in self.segment_rects():
            colour = MUSIC if is_music(track, seg) else COLOURS.get(track.kind, QColor("#777"))
            p.setPen(QPen(colour.darker(140), 1))
            p.setBrush(colour)
            p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            if is_music(track, seg):
                self._wave(p, rect, seg)
            elif track.kind == VIDEO:
                self._speech(p, rect)
            self._ticks(p, rect, track, seg)
            self._label(p, metrics, rect, segment_text(track, seg, self.style_names), colour)
        self._sections(p)

    def wave_points(self, rect: QRectF, seg: Segment) -> list[tuple[float, float]]:
        """(x, half height) of the music's envelope across its lane, one per pixel column: the loudest peak
        fills the lane's half height, so the dips under speech read as the ducking does."""
        wave = self.waveform
        if wave is None or not wave.peaks:
            return []
        top = max(wave.peaks) or 1.0
        half = rect.height() / 2 - 2
        out = []
        span = self._x(1.0) - self._x(0.0) if self.draft.duration else 0.0
        for i in range(int(rect.left()), int(rect.right()) + 1):
            t = seg.start + (i - rect.left()) / span if span > 0 else 0.0
            out.append((float(i), half * wave.at(t, t + 1.0 / span if span > 0 else 0.0) / top))
        return out

    def _wave(self, p: QPainter, rect: QRectF, seg: Segment) -> None:
        """The music's waveform, mirrored about the lane's middle, faint under the labels and ticks; the
        stretches under speech shaded."""
        for shade in {(r.x(), r.width()): r for _band, r in self.speech_rects() if r is not None}.values():
            if not shade.intersected(rect).isEmpty():
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(0, 0, 0, 45))
                p.drawRect(shade.intersected(rect))
        points = self.wave_points(rect, seg)
        if not points:
            return
        mid = rect.center().y()
        upper = [QPointF(x, mid - h) for x, h in points]
        lower = [QPointF(x, mid + h) for x, h in reversed(points)]
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 70))
        p.drawPolygon(QPolygonF(upper + lower))

    def speech_rects(self) -> list[tuple[QRectF, QRectF | None]]:
        """(band on the clip lane, shade on the music lane or None) for each speech span."""
        rows = self.rows()
        clip_row = next((i for i, t in enumerate(rows) if t.kind == VIDEO), None)
        music_row = next((i for i, t in enumerate(rows) if any(is_music(t, s) for s in t.segments)), None)
        out: list[tuple[QRectF, QRectF | None]] = []
        if clip_row is None:
            return out
        info = self.music_info()
        ducked = info.ducked if info is not None else ()
        for a, b in self.speech_spans():
            x0, x1 = self._x(a), self._x(b)
            y = self._row_y(clip_row) + ROW_H - SPEECH_H - 2
            band = QRectF(x0, y, max(2.0, x1 - x0), SPEECH_H)
            # the music's shade spans the whole ducked stretch this speech is in (pauses are bridged)
            da, db = next(((s, e) for s, e in ducked if s <= a + 1e-3 and b <= e + 1e-3), (a, b))
            shade = None
            if music_row is not None:
                shade = QRectF(self._x(da), self._row_y(music_row) + 1, max(2.0, self._x(db) - self._x(da)), ROW_H - 2)
            out.append((band, shade))
        return out

    def _speech(self, p: QPainter, rect: QRectF) -> None:
        """Speech spans as a light band at the foot of the clip lane (the music lane is shaded there, and
        its waveform dips: ``_wave``)."""
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(SPEECH)
        for band, _shade in self.speech_rects():
            clipped = band.intersected(rect)
            if not clipped.isEmpty():
                p.drawRoundedRect(clipped, 2, 2)

    def _row_y(self, row: int) -> float:
        return float(self.ruler_height() + GAP + row * (ROW_H + GAP))

    def label_rects(self) -> list[tuple[QRectF, str]]:
        """Every text the timeline draws, with its box: the ruler's labels, the lane names, the segments'
        pills and the music's section names (none may overlap another)."""
        metrics = QFontMetrics(self.font())
        out: list[tuple[QRectF, str]] = []
        for x, text in self.ruler_labels():
            out.append((QRectF(x, 2, metrics.horizontalAdvance(text), metrics.height()), text))
        for row, track in enumerate(self.rows()):
            text = track_label(track)
            width = min(metrics.horizontalAdvance(text), LABEL_W - 8)
            out.append((QRectF(4, self._row_y(row) + (ROW_H - metrics.height()) / 2, width, metrics.height()),
                        text))
        for rect, track, seg in self.segment_rects():
            text = segment_text(track, seg, self.style_names)
            pill = self._pill(metrics, rect, text)
            if pill is not None:
                out.append((pill, text))
        out.extend((box, text) for _x, box, text in self.section_labels())
        return out

    def _label(self, p: QPainter, metrics: QFontMetrics, rect: QRectF, text: str, colour: QColor) -> None:
        """The segment's words on a pill of its own colour, so no cut or bar line runs through them."""
        pill = self._pill(metrics, rect, text)
        if pill is None:
            return
        label = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()) - 14)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour.darker(125))
        p.drawRoundedRect(pill, 3, 3)
        p.setPen(QColor("white"))
        p.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)

    def _pill(self, metrics: QFontMetrics, rect: QRectF, text: str) -> QRectF | None:
        """Where a segment's label pill goes (None when it does not fit)."""
        label = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()) - 14)
        if not label:
            return None
        return QRectF(rect.left() + 3, rect.top() + 3, metrics.horizontalAdvance(label) + 8, metrics.height() + 2)

    def section_labels(self) -> list[tuple[float, QRectF, str]]:
        """(divider x, label rect, name) of each section of the music: a divider where a section starts, the
        name beside it in the lane's top half — only where it fits between the music's own label and the
        next section, so no label is ever drawn over another."""
        metrics = QFontMetrics(self.font())
        out: list[tuple[float, QRectF, str]] = []
        for rect, track, seg in self.segment_rects():
            info = MusicInfo.of(seg) if is_music(track, seg) else None
            if info is None or not info.sections:
                continue
            pill = self._pill(metrics, rect, segment_text(track, seg, self.style_names))
            taken = pill.right() + 6 if pill is not None else rect.left()
            starts = [self._x(seg.start + start) for _name, start, _end in info.sections]
            for i, (name, _start, _end) in enumerate(info.sections):
                text = _(SECTION_WORDS[name]) if name in SECTION_WORDS else name
                x = starts[i]
                room_end = (starts[i + 1] if i + 1 < len(starts) else rect.right()) - 4
                box = QRectF(max(x + 3, taken), rect.top() + 3, metrics.horizontalAdvance(text) + 2,
                             metrics.height() + 2)
                if box.right() <= room_end and box.left() < room_end:
                    out.append((x, box, text))
                    taken = box.right() + 6
        return out

    def _sections(self, p: QPainter) -> None:
        """Section dividers and names on the music lane (see ``section_labels``)."""
        for rect, track, seg in self.segment_rects():
            info = MusicInfo.of(seg) if is_music(track, seg) else None
            if info is None:
                continue
            pill = self._pill(QFontMetrics(self.font()), rect, segment_text(track, seg, self.style_names))
            p.setPen(QPen(QColor(255, 255, 255, 140), 1, Qt.PenStyle.DashLine))
            for _name, a, _b in info.sections[1:]:
                x = self._x(seg.start + a)
                if not rect.left() < x < rect.right():
                    continue
                under_pill = pill is not None and pill.left() - 2 <= x <= pill.right() + 2
                top = pill.bottom() + 1 if under_pill and pill is not None else rect.top() + 2
                p.drawLine(QPointF(x, top), QPointF(x, max(top, rect.center().y())))
        p.setPen(QColor(255, 255, 255, 220))
        for _x, box, text in self.section_labels():
            p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

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

    def ruler_labels(self) -> list[tuple[float, str]]:
        """(left x, text) of every ruler label drawn: each fits inside the widget and none overlaps the
        next; the last one is the end of the timeline, right-aligned."""
        duration = self.draft.duration
        metrics = QFontMetrics(self.font())
        step = ruler_step(duration, self.width() - LABEL_W - RIGHT)
        end_text = clock(duration) if step >= 1 else f"{duration:.1f}"
        end_x = self.width() - RIGHT - metrics.horizontalAdvance(end_text)
        out: list[tuple[float, str]] = []
        for i in range(int(math.floor(duration / step)) + 1):
            t = i * step
            label = clock(t) if step >= 1 else f"{t:.1f}"
            x = self._x(t) + 2
            if x + metrics.horizontalAdvance(label) + metrics.horizontalAdvance("  ") <= end_x:
                out.append((x, label))
        out.append((max(float(LABEL_W), end_x), end_text))
        return out

    def _ruler(self, p: QPainter, colour: QColor) -> None:
        duration = self.draft.duration
        height = self.ruler_height()
        step = ruler_step(duration, self.width() - LABEL_W - RIGHT)
        p.setPen(QPen(colour, 1))
        p.drawLine(QPointF(LABEL_W, height - 1), QPointF(self.width() - RIGHT, height - 1))
        for i in range(int(math.floor(duration / step)) + 1):
            x = self._x(i * step)
            p.drawLine(QPointF(x, height - 5), QPointF(x, height - 1))
        p.drawLine(QPointF(self._x(duration), height - 5), QPointF(self._x(duration), height - 1))
        baseline = QFontMetrics(self.font()).ascent() + 2
        for x, label in self.ruler_labels():
            p.drawText(QPointF(x, baseline), label)

    def _ticks(self, p: QPainter, rect: QRectF, track: Track, seg: Segment) -> None:
        """Cut markers on clips; bar (tall) and beat (short) ticks on the music, relative to its start."""
        top, bottom = rect.top(), rect.bottom()
        cuts = seg.meta.get("cuts")
        if isinstance(cuts, list):  # on the music, only in its lower half: the label sits on top
            accents = {round(a, 3) for a in (MusicInfo.of(seg).accents if is_music(track, seg) else ())}  # type: ignore[union-attr]
            upper = rect.center().y() if is_music(track, seg) else top + 2
            for c in cuts:
                x = self._x(seg.start + _num(c))
                if not rect.left() < x < rect.right():
                    continue
                accented = round(_num(c), 3) in accents
                p.setPen(QPen(CUT, 2 if accented or not is_music(track, seg) else 1))
                p.drawLine(QPointF(x, upper), QPointF(x, bottom - 2))
                if accented:  # the whole band hits this cut on a bar line: a diamond where the line starts
                    self._diamond(p, x, upper)
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

    @staticmethod
    def _diamond(p: QPainter, x: float, y: float) -> None:
        r = 3.5
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(CUT)
        p.drawPolygon(QPolygonF([QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]))

    # --- tooltips --------------------------------------------------------------------------------------

    def segment_at(self, x: float, y: float) -> tuple[Track, Segment] | None:
        for rect, track, seg in self.segment_rects():
            if rect.contains(QPointF(x, y)):
                return track, seg
        return None

    def speech_at(self, x: float, y: float) -> tuple[float, float] | None:
        at = QPointF(x, y)
        for (band, shade), span in zip(self.speech_rects(), self.speech_spans(), strict=False):
            if band.adjusted(0, -2, 0, 2).contains(at) or (shade is not None and shade.contains(at)):
                return span
        return None

    def event(self, ev) -> bool:  # Qt's QEvent
        if ev.type() == ev.Type.ToolTip and isinstance(ev, QHelpEvent):
            said = self.speech_at(ev.pos().x(), ev.pos().y())
            if said is not None:
                QToolTip.showText(ev.globalPos(), _("Speech {start} – {end}: the music is lowered").format(
                    start=clock(said[0]), end=clock(said[1])), self)
                return True
            hit = self.segment_at(ev.pos().x(), ev.pos().y())
            if hit is not None:
                QToolTip.showText(ev.globalPos(), segment_tooltip(*hit, self.style_names), self)
                return True
        return super().event(ev)


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1.0
