"""The timeline's own sound: every clip's audio and the audio-file inputs as 48 kHz stereo float32, placed
at their segments' starts; silence where a clip has none.

A clip's sound is read from the copy analysis kept in the cache when there is one (no second decode);
otherwise ffmpeg decodes just the needed span. The music mixer adds the composed music to this; the
renderer muxes it when there is no mix.
"""

from __future__ import annotations

import contextlib
import os
import struct
import tempfile
import threading
from pathlib import Path

import numpy as np

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.errors import Cancelled, Corrupt, ToolFailed
from nemo_desktop.engine import media_cache
from nemo_desktop.tools.ffmpeg import FfmpegReader

SAMPLE_RATE = media_cache.SOUND_RATE
_CHUNK_S = 5.0  # seconds read from the pipe between cancel checks
BLOCK = 480_000  # samples per block when the timeline's sound is streamed (10 s at 48 kHz)


def decode_audio(
    path: Path | str, offset: float = 0.0, duration: float | None = None, sample_rate: int = SAMPLE_RATE,
    cancel: threading.Event | None = None, cache_dir: Path | None = None,
) -> np.ndarray:
    """(n, 2) float32 of a file's first audio stream from ``offset`` for ``duration`` seconds (all when
    None); an empty array when the file has no sound."""
    path = Path(path)
    first = int(round(offset * sample_rate))
    want = None if duration is None else int(round(duration * sample_rate))
    kept = media_cache.cached_sound(cache_dir, path) if sample_rate == media_cache.SOUND_RATE else None
    if kept is not None:
        frames = np.memmap(kept, dtype="<f4", mode="r").reshape(-1, 2)
        end = len(frames) if want is None else min(len(frames), first + want)
        return np.array(frames[first:end], dtype=np.float32)
    args = ["-ss", f"{offset:.6f}"] if offset > 0 else []
    args += ["-i", str(path)]
    if duration is not None:
        args += ["-t", f"{duration + 0.05:.6f}"]  # a little extra; cut to the exact sample below
    args += ["-map", "0:a:0?", "-vn", "-ac", "2", "-ar", str(sample_rate), "-c:a", "pcm_f32le", "-f", "f32le",
             "pipe:1"]
    chunks: list[bytes] = []
    step = int(_CHUNK_S * sample_rate) * 8
    try:
        with FfmpegReader(args) as reader:
            while True:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                data = reader.read(step)
                chunks.append(data)
                if len(data) < step:
                    break
            reader.finish()
    except ToolFailed as exc:
        if "does not contain any stream" in str(exc):
            return np.zeros((0, 2), np.float32)  # no sound at all
        raise Corrupt(str(path), name=path.name) from exc
    raw = b"".join(chunks)
    audio = np.frombuffer(raw, dtype="<f4", count=len(raw) // 8 * 2).reshape(-1, 2).astype(np.float32)
    return audio[:want] if want is not None else audio


def _decode_to_file(
    path: Path, offset: float, duration: float, sample_rate: int, target: Path, cancel: threading.Event | None
) -> bool:
    """Decode a span of ``path``'s first audio stream into raw stereo float32 at ``target`` (never into
    memory); False when the file has no sound."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    args = ["-ss", f"{offset:.6f}"] if offset > 0 else []
    args += ["-i", str(path), "-t", f"{duration + 0.05:.6f}", "-map", "0:a:0?", "-vn", "-ac", "2", "-ar",
             str(sample_rate), "-c:a", "pcm_f32le", "-f", "f32le", "-y", str(target)]
    try:
        with FfmpegReader(args) as reader:
            reader.finish()
    except ToolFailed as exc:
        if "does not contain any stream" in str(exc):
            return False
        raise Corrupt(str(path), name=path.name) from exc
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    return target.is_file()


def read_frames(file: Path, first: int, count: int) -> np.ndarray:
    """Up to ``count`` stereo frames of a raw float32 file from frame ``first``: a plain read, not a memory
    map (mapped pages would count as ours until unmapped; the page cache does not)."""
    with open(file, "rb") as fh:
        fh.seek(first * 8)
        data = np.fromfile(fh, dtype="<f4", count=max(0, count) * 2)
    return data[: len(data) // 2 * 2].reshape(-1, 2).astype(np.float32, copy=False)


class ClipSound:
    """The timeline's own sound (clip sound and audio files at their places, music excluded) read a block
    at a time: every segment's sound sits in a raw file — the copy analysis kept, or a span decoded once
    into ``work_dir`` — so a 30-minute timeline never needs to be in memory."""

    def __init__(
        self, draft: Draft, sample_rate: int = SAMPLE_RATE, cancel: threading.Event | None = None,
        cache_dir: Path | None = None, work_dir: Path | None = None,
    ) -> None:
        self.n = int(round(draft.duration * sample_rate))
        self.parts: list[tuple[int, int, Path, int, float | None]] = []  # start, length, file, first, volume
        for k, seg in enumerate(draft.clip_sound_segments()):
            if seg.meta.get("kind") == "image" or seg.meta.get("kind") == "gif":
                continue
            start = int(round(seg.start * sample_rate))
            length = min(int(round(seg.duration * sample_rate)), self.n - start)
            if length <= 0:
                continue
            kept = media_cache.cached_sound(cache_dir, Path(seg.source)) if sample_rate == media_cache.SOUND_RATE \
                else None
            if kept is not None:
                self.parts.append((start, length, kept, int(round(seg.offset * sample_rate)), seg.volume))
                continue
            if work_dir is None:
                raise ValueError("a clip's sound is not in the cache: a work folder is needed to decode it")
            target = Path(work_dir) / f"sound-{k}.f32"
            if _decode_to_file(Path(seg.source), seg.offset, length / sample_rate, sample_rate, target, cancel):
                self.parts.append((start, length, target, 0, seg.volume))

    def read(self, start: int, count: int) -> np.ndarray:
        """(count, 2) float32: the timeline's sound from sample ``start``."""
        out = np.zeros((count, 2), np.float32)
        for at, length, file, first, volume in self.parts:
            lo, hi = max(start, at), min(start + count, at + length)
            if hi <= lo:
                continue
            sound = read_frames(file, first + lo - at, hi - lo)
            if volume is not None:
                sound = sound * np.float32(volume)
            out[lo - start : lo - start + len(sound)] += sound
        return out


def timeline_audio(
    draft: Draft, sample_rate: int = SAMPLE_RATE, cancel: threading.Event | None = None,
    cache_dir: Path | None = None,
) -> np.ndarray:
    """(round(duration*sr), 2) float32: clip sound and audio files at their places; music excluded (the
    whole timeline at once: for short pieces and tests; the export reads a ``ClipSound`` block by block)."""
    with tempfile.TemporaryDirectory(prefix="nemo-sound-") as tmp:
        sound = ClipSound(draft, sample_rate, cancel, cache_dir, Path(tmp))
        return sound.read(0, sound.n)


def write_timeline_wav(
    draft: Draft, path: Path, sample_rate: int = SAMPLE_RATE, cancel: threading.Event | None = None,
    cache_dir: Path | None = None, work_dir: Path | None = None, *, clip: bool = False,
) -> Path:
    """The timeline's own sound written to a float32 WAV a block at a time (clipped to full scale when
    ``clip``): the export without music, and the render when no mix was made."""
    sound = ClipSound(draft, sample_rate, cancel, cache_dir, work_dir)
    writer = WavWriter(path, sound.n, sample_rate)
    try:
        for a in range(0, sound.n, BLOCK):
            block = sound.read(a, min(BLOCK, sound.n - a))
            writer.write(np.clip(block, -1.0, 1.0) if clip else block)
        return writer.close()
    except BaseException:
        writer.abort()
        raise


def wav_header(frames: int, sample_rate: int = SAMPLE_RATE, channels: int = 2) -> bytes:
    """The header of a float32 WAV of ``frames`` frames: written first, so the file can be read as a stream."""
    data = frames * channels * 4
    header = b"RIFF" + struct.pack("<I", 4 + 26 + 12 + 8 + data) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHHH", 18, 3, channels, sample_rate, sample_rate * channels * 4,
                                    channels * 4, 32, 0)
    return header + b"fact" + struct.pack("<II", 4, frames) + b"data" + struct.pack("<I", data)


class PartFile:
    """A file written as ``<path>.part`` and renamed into place by ``commit``, so no reader ever finds half
    a file under its name; ``abort`` removes the part. The block sinks below are made of it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.part = self.path.with_name(self.path.name + ".part")
        self._fh = open(self.part, "wb")

    def commit(self) -> Path:
        self._fh.close()
        os.replace(self.part, self.path)
        return self.path

    def abort(self) -> None:
        self._fh.close()
        with contextlib.suppress(OSError):
            self.part.unlink()


class WavWriter(PartFile):
    """A float32 WAV of a known length written block by block (``<path>.part``, renamed on ``close``), so a
    long mix or stem goes to disk as it is made. ``rewind`` starts the samples again (a second pass)."""

    def __init__(self, path: Path, frames: int, sample_rate: int = SAMPLE_RATE, channels: int = 2) -> None:
        super().__init__(path)
        self.frames, self.channels = frames, channels
        header = wav_header(frames, sample_rate, channels)
        self._header = len(header)
        self._fh.write(header)
        self.written = 0

    def write(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, dtype="<f4")
        self._fh.write(block.tobytes())
        self.written += block.shape[0]

    def rewind(self) -> None:
        self._fh.seek(self._header)
        self.written = 0

    def close(self) -> Path:
        """Pad to the promised length (never short), and commit the file."""
        if self.written < self.frames:
            self.write(np.zeros((self.frames - self.written, self.channels), np.float32))
        self._fh.truncate(self._header + self.frames * self.channels * 4)
        return self.commit()


def write_wav(path: Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE, *, pcm16: bool = False) -> Path:
    """Write a WAV atomically (``<path>.part``, then rename): float32 by default, so the encoder sees the
    exact samples with no clipping; ``pcm16`` for 16-bit PCM."""
    from scipy.io import wavfile  # here: scipy.io costs 0.1 s of start-up that most runs never need

    path = Path(path)
    part = path.with_suffix(path.suffix + ".part")
    data = np.ascontiguousarray(audio, dtype=np.float32)
    if pcm16:
        data = np.round(np.clip(data, -1.0, 1.0) * 32767.0).astype(np.int16)
    try:
        with open(part, "wb") as fh:
            wavfile.write(fh, sample_rate, data)
        os.replace(part, path)
    finally:
        if part.exists():
            part.unlink()
    return path
