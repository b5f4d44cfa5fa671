"""The preview's transport and clock: plays the engine's preview mix through QtMultimedia's QAudioSink, and
is the one clock the picture and the playhead follow.

Only QAudioSink is used (libQt6Multimedia over PulseAudio), never QMediaPlayer, so no FFmpeg library is
loaded for it. Qt pulls the PCM from a QBuffer itself (no feeding from Python). When there is no audio
output (CI, offscreen, a machine without sound) the player keeps time on a wall clock and says so once
through ``soundless``: everything else behaves the same, which is the path the tests take.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal

from nemo_desktop.core.ports import PreviewAudio

log = logging.getLogger(__name__)


class _Output:
    """A QAudioSink playing one PCM buffer from a byte offset; None from ``open`` when there is no device."""

    def __init__(self, sink: Any, buffer: QBuffer, no_error: Any) -> None:
        self.sink = sink
        self.buffer = buffer
        self.no_error = no_error

    @staticmethod
    def open(audio: PreviewAudio, parent: QObject) -> _Output | None:
        try:
            from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSink, QMediaDevices
        except ImportError:  # PySide6-Addons missing: play without sound
            return None
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            return None
        fmt = QAudioFormat()
        fmt.setSampleRate(audio.sample_rate)
        fmt.setChannelCount(audio.channels)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(fmt):
            log.info("audio device %s refuses 16-bit %d Hz", device.description(), audio.sample_rate)
            return None
        sink = QAudioSink(device, fmt, parent)
        buffer = QBuffer(parent)
        buffer.setData(QByteArray(audio.pcm))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        return _Output(sink, buffer, QAudio.Error.NoError)

    def start(self, byte_offset: int) -> bool:
        self.buffer.seek(byte_offset)
        self.sink.start(self.buffer)
        return bool(self.sink.error() == self.no_error)

    def played(self) -> float:
        """Seconds heard since ``start``: what was handed to the device minus what it still holds."""
        fmt = self.sink.format()
        per_second = float(fmt.sampleRate() * fmt.bytesPerFrame() or 1)
        queued = float(max(0, self.sink.bufferSize() - self.sink.bytesFree()))
        processed = float(self.sink.processedUSecs()) / 1e6
        return max(0.0, processed - queued / per_second)

    def stop(self) -> None:
        self.sink.stop()

    def close(self) -> None:
        self.sink.stop()
        self.buffer.close()
        self.sink.deleteLater()
        self.buffer.deleteLater()


class PreviewPlayer(QObject):
    """Play/pause/seek over ``duration`` seconds; ``position()`` is the clock everything else follows."""

    playingChanged = Signal(bool)
    soundless = Signal()  # no audio output: playing on a wall clock (emitted once)
    finished = Signal()

    def __init__(self, parent: QObject | None = None, *, use_device: bool = True) -> None:
        super().__init__(parent)
        self.use_device = use_device
        self.audio: PreviewAudio | None = None
        self.duration = 0.0
        self._playing = False
        self._anchor = 0.0  # position when the clock last (re)started
        self._wall = 0.0  # monotonic time of that start (wall-clock mode)
        self._output: _Output | None = None
        self._sound = False  # the output is really playing (else the wall clock runs)
        self._said_soundless = False

    # --- state -----------------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def has_sound(self) -> bool:
        return self._sound

    def position(self) -> float:
        """Seconds into the programme; stops at the end (``tick`` then pauses)."""
        if not self._playing:
            return self._anchor
        if self._sound and self._output is not None:
            now = self._anchor + self._output.played()
        else:
            now = self._anchor + (time.monotonic() - self._wall)
        return min(now, self.duration)

    # --- content ---------------------------------------------------------------------------------------

    def set_duration(self, seconds: float) -> None:
        self.duration = max(0.0, seconds)
        if self._anchor > self.duration:
            self.seek(self.duration)

    def set_audio(self, audio: PreviewAudio | None) -> None:
        """New sound (the music changed): carry on from the same position with it."""
        position = self.position()
        self._close_output()
        self.audio = audio
        self._anchor = min(position, self.duration)
        if self._playing:
            self._start_clock()

    # --- transport -------------------------------------------------------------------------------------

    def play(self) -> None:
        if self._playing or self.duration <= 0:
            return
        if self._anchor >= self.duration - 0.05:
            self._anchor = 0.0  # at the end: play from the start
        self._playing = True
        self._start_clock()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._anchor = self.position()
        self._playing = False
        if self._output is not None:
            self._output.stop()
        self._sound = False
        self.playingChanged.emit(False)

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def seek(self, seconds: float) -> None:
        self._anchor = max(0.0, min(float(seconds), self.duration))
        if self._playing:
            self._start_clock()

    def tick(self) -> None:
        """Called by the monitor's timer: stop at the end of the programme."""
        if self._playing and self.position() >= self.duration:
            self.pause()
            self._anchor = self.duration
            self.finished.emit()

    def close(self) -> None:
        self._playing = False
        self._close_output()

    # --- the clock -------------------------------------------------------------------------------------

    def _start_clock(self) -> None:
        self._wall = time.monotonic()
        self._sound = False
        audio = self.audio
        if audio is None or not self.use_device:
            self._say_soundless(audio is not None)
            return
        if self._output is None:
            self._output = _Output.open(audio, self)
        if self._output is None:
            self._say_soundless(True)
            return
        frame = min(int(self._anchor * audio.sample_rate), audio.frames)
        self._output.stop()
        self._sound = self._output.start(frame * 2 * audio.channels)
        if not self._sound:
            self._say_soundless(True)

    def _say_soundless(self, have_audio: bool) -> None:
        if have_audio and not self._said_soundless:
            self._said_soundless = True
            self.soundless.emit()

    def _close_output(self) -> None:
        if self._output is not None:
            self._output.close()
            self._output = None
        self._sound = False
