"""The preview's transport and clock: plays the engine's preview mix through QtMultimedia's QAudioSink, and
is the one clock the picture and the playhead follow.

Only QAudioSink is used (libQt6Multimedia over PulseAudio), never QMediaPlayer, so no FFmpeg library is
loaded for it. Qt pulls the PCM from the engine's file itself (a QFile: no feeding from Python, and the
programme is streamed, never held in memory). When there is no audio
output (CI, offscreen, a machine without sound) the player keeps time on a wall clock and says so once
through ``soundless``: everything else behaves the same, which is the path the tests take.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QFile, QIODevice, QObject, Signal

from nemo_desktop.core.ports import PreviewAudio

log = logging.getLogger(__name__)


class _Output:
    """One QAudioSink playing the PCM from a byte offset (a new one per start: a stopped sink restarted on
    PulseAudio did not play again). The clock is the wall clock from the moment the server began consuming
    the stream, so the picture waits for the sound's start-up latency and then never drifts visibly."""

    def __init__(self, sink: Any, source: QFile) -> None:
        self.sink = sink
        self.source = source
        self.began: float | None = None

    @staticmethod
    def open(audio: PreviewAudio, byte_offset: int, parent: QObject) -> _Output | None:
        try:
            from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices
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
        source = QFile(audio.path, parent)
        if not source.open(QIODevice.OpenModeFlag.ReadOnly):
            log.warning("preview sound %s cannot be read: %s", audio.path, source.errorString())
            return None
        source.seek(byte_offset)
        out = _Output(QAudioSink(device, fmt, parent), source)
        out.sink.start(source)
        # by name: Qt 6.7+ returns QtAudio.Error, which never equals the older QAudio.Error members
        if str(getattr(out.sink.error(), "name", "")) != "NoError":
            out.close()
            return None
        return out

    def played(self) -> float:
        """Seconds played since ``open``: 0 until the server starts consuming, then the wall clock."""
        now = time.monotonic()
        if self.began is None:
            consumed = float(self.sink.processedUSecs()) / 1e6
            if consumed <= 0:
                return 0.0
            self.began = now - consumed
        return now - self.began

    def close(self) -> None:
        self.sink.stop()
        self.source.close()
        self.sink.deleteLater()
        self.source.deleteLater()


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
        self._close_output()
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
        self._close_output()
        self._wall = time.monotonic()
        audio = self.audio
        if audio is None or not self.use_device:
            self._say_soundless(audio is not None)
            return
        frame = min(int(self._anchor * audio.sample_rate), audio.frames)
        self._output = _Output.open(audio, frame * audio.frame_bytes, self)
        self._sound = self._output is not None
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
