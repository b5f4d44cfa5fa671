"""The preview monitor (between the clips and the chat, above the timeline): the picture, play/pause (also
Space), a scrub slider and the time.

It shows what the engine mixed and what ffmpeg decoded and decides nothing: the bridge mixes the sound
(``Bridge.request_preview`` after every draft change), ``PreviewPlayer`` is the clock, ``FrameDecoder``
brings the picture due at that clock, and the timeline's playhead follows ``positionChanged``; a click or
drag on the timeline (``seekRequested``) moves the monitor. ``connect_preview`` is the whole wiring.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPaintEvent, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.ports import PreviewAudio
from nemo_desktop.i18n import _
from nemo_desktop.ui import icons
from nemo_desktop.ui.bridge import Bridge
from nemo_desktop.ui.preview_frames import Frame, FrameDecoder, Shot, frame_size, shots_of
from nemo_desktop.ui.preview_player import PreviewPlayer
from nemo_desktop.ui.timeline import TimelineView, clock

TICK_MS = 33  # the picture and the playhead move ~30 times a second
SEEK_SETTLE_MS = 40  # a seek restarts the picture after the pointer rests this long
LATE_S = 1.0  # a picture this far behind the clock is restarted at the clock


class VideoSurface(QWidget):
    """Paints the latest frame letterboxed in black, with an optional line of text over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.message = ""
        self.setObjectName("previewSurface")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def set_message(self, text: str) -> None:
        if text != self.message:
            self.message = text
            self.update()

    def picture_rect(self) -> QRectF:
        """Where the frame is drawn: as large as fits, aspect kept, centred (letterbox or pillarbox)."""
        if self.image is None or self.image.isNull():
            return QRectF()
        iw, ih = self.image.width(), self.image.height()
        scale = min(self.width() / iw, self.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt override
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("black"))
        if self.image is not None and not self.image.isNull():
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(self.picture_rect(), self.image)
        if self.message:
            metrics = p.fontMetrics()
            box = QRectF(0, self.height() - metrics.height() - 12, self.width(), metrics.height() + 12)
            p.fillRect(box, QColor(0, 0, 0, 160))
            p.setPen(QColor("white"))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.message)


class PreviewMonitor(QWidget):
    """The picture and the transport; ``positionChanged`` drives the timeline's playhead."""

    positionChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None, *, use_device: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("previewMonitor")
        self.setAccessibleName(_("Preview"))
        self.player = PreviewPlayer(self, use_device=use_device)
        self.surface = VideoSurface()
        self.play_button = QToolButton()
        self.play_button.setObjectName("previewPlay")
        self.play_button.setAutoRaise(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("previewSlider")
        self.slider.setAccessibleName(_("Preview position"))
        self.time_label = QLabel("0:00 / 0:00")
        self.time_label.setObjectName("previewTime")
        self.status_label = QLabel("")
        self.status_label.setObjectName("previewStatus")
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_button, self.slider, self.time_label):
            controls.addWidget(widget, 1 if widget is self.slider else 0)
        # the status has a line of its own: beside the slider a long one squeezed the slider to its handle
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().height())
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.surface, 1)
        layout.addLayout(controls)
        layout.addWidget(self.status_label)

        self.shots: tuple[Shot, ...] = ()
        self.frame_dims = (0, 0)
        self.decoder: FrameDecoder | None = None
        self._retired: list[FrameDecoder] = []
        self.frame: Frame | None = None
        self._restarted = 0.0
        self._still_wanted = False  # paused: one frame is wanted, then ffmpeg is stopped
        self._syncing = False
        self.updating = False
        self.shortcut = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.toggle)
        self.play_button.clicked.connect(self.toggle)
        self.slider.valueChanged.connect(self._slider_moved)
        self.player.playingChanged.connect(self._show_playing)
        self.player.playingChanged.connect(self._picture_follows)
        self.player.soundless.connect(lambda: self.status_label.setText(_("No sound device — playing without sound")))
        self._seek_settle = QTimer(self)
        self._seek_settle.setSingleShot(True)
        self._seek_settle.setInterval(SEEK_SETTLE_MS)
        self._seek_settle.timeout.connect(self._restart_picture)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._show_playing(False)
        self.set_draft(Draft())

    # --- content (from the bridge) ---------------------------------------------------------------------

    def set_draft(self, draft: Draft) -> None:
        """New clips or music: new shots for the picture; the sound follows with ``set_audio``."""
        self.player.set_duration(draft.duration)
        self.slider.setRange(0, int(round(draft.duration * 1000)))
        self.play_button.setEnabled(draft.duration > 0)
        shots, size = shots_of(draft), frame_size(draft)
        if (shots, size) != (self.shots, self.frame_dims):
            self.shots, self.frame_dims = shots, size
            self._retire_decoder()
            self.frame = None
            self.surface.set_image(None)
            if shots:
                self.decoder = FrameDecoder(shots, size)
                self._restart_picture()
        if draft.is_empty:
            self.player.pause()
            self.surface.set_message(_("Add clips to preview them here."))
            self._timer.stop()
        elif not self.updating:
            self.surface.set_message("")
        self._show_position(self.player.position())

    def set_updating(self) -> None:
        self.updating = True
        if self.player.duration > 0:
            self.surface.set_message(_("Updating preview…"))

    def set_audio(self, audio: PreviewAudio | None) -> None:
        """The engine's new mix: carry on at the same position with it."""
        self.updating = False
        self.player.set_audio(audio)
        if self.player.duration > 0:
            self.surface.set_message("")

    def set_unavailable(self, text: str) -> None:
        self.updating = False
        self.player.set_audio(None)
        self.surface.set_message(text)

    # --- transport -------------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self.player.playing

    def position(self) -> float:
        return self.player.position()

    def toggle(self) -> None:
        self.player.toggle()

    def seek(self, seconds: float) -> None:
        """Move the playhead (slider, timeline click or drag); the picture restarts there once the pointer
        rests for SEEK_SETTLE_MS, so a drag across the timeline does not start an ffmpeg per mouse move."""
        self.player.seek(seconds)
        self._restarted = time.monotonic()  # the settle timer restarts the picture, not the lateness check
        self._seek_settle.start()
        self._show_position(self.player.position())

    def _slider_moved(self, value: int) -> None:
        if not self._syncing:
            self.seek(value / 1000)

    def _show_playing(self, playing: bool) -> None:
        icons.set_icon(self.play_button, "pause" if playing else "play")
        text = _("Pause (Space)") if playing else _("Play (Space)")
        self.play_button.setToolTip(text)
        self.play_button.setAccessibleName(text)

    # --- the clock -------------------------------------------------------------------------------------

    def _tick(self) -> None:
        self.player.tick()
        if not self.player.playing and not self._still_wanted:
            self._timer.stop()  # paused with its frame shown: nothing moves, nothing to do
        now = self.player.position()
        self._show_position(now)
        if self.decoder is None:
            return
        frame = self.decoder.frame_at(now)
        if frame is not None:
            self.frame = frame
            w, h = self.frame_dims
            self.surface.set_image(QImage(frame.rgb, w, h, w * 3, QImage.Format.Format_RGB888).copy())
            if self._still_wanted and not self.player.playing:
                self._still_wanted = False
                self.decoder.stop()  # paused on this frame: no ffmpeg waits idle
        late = self.frame is None or now - self.frame.time > LATE_S
        if self.player.playing and late and time.monotonic() - self._restarted > 2 * LATE_S:
            self._restart_picture()

    def _restart_picture(self) -> None:
        if self.decoder is not None:
            self._restarted = time.monotonic()
            self._still_wanted = not self.player.playing
            self.decoder.start(self.player.position())
        if self.player.duration > 0:
            self._timer.start()

    def _picture_follows(self, playing: bool) -> None:
        """Playing: decode from the playhead on. Paused: keep the frame shown and stop ffmpeg."""
        if playing:
            self._restart_picture()
            self._timer.start()
        elif self.decoder is not None:
            self.decoder.stop()

    def _show_position(self, seconds: float) -> None:
        self._syncing = True
        if not self.slider.isSliderDown():
            self.slider.setValue(int(round(seconds * 1000)))
        self._syncing = False
        self.time_label.setText(f"{clock(seconds)} / {clock(self.player.duration)}")
        self.positionChanged.emit(seconds)

    def _retire_decoder(self) -> None:
        """Stop the old clips' decoder without waiting for it (``close_preview`` waits for all)."""
        if self.decoder is not None:
            self.decoder.stop()
            self._retired.append(self.decoder)
            self.decoder = None

    def close_preview(self) -> None:
        """Stop the sound, the timer and ffmpeg (the window closes)."""
        self._timer.stop()
        self._seek_settle.stop()
        self.player.close()
        self._retire_decoder()
        for decoder in self._retired:
            decoder.close()
        self._retired.clear()


def connect_preview(monitor: PreviewMonitor, bridge: Bridge, timeline: TimelineView) -> None:
    """Wire the monitor to the bridge (draft, mixed sound) and to the timeline (playhead, seeks)."""
    bridge.draftChanged.connect(monitor.set_draft)
    bridge.draftChanged.connect(lambda _draft: bridge.request_preview())
    bridge.previewUpdating.connect(monitor.set_updating)
    bridge.previewReady.connect(monitor.set_audio)
    bridge.previewReady.connect(lambda audio: timeline.set_waveform(audio.music if audio is not None else None))
    bridge.previewUnavailable.connect(monitor.set_unavailable)
    monitor.positionChanged.connect(timeline.set_playhead)
    timeline.seekRequested.connect(monitor.seek)
