"""The timeline's own sound: every clip's audio and the audio-file inputs, decoded with PyAV to 48 kHz
stereo float32 and placed at their segments' starts; silence where a clip has none.

The music mixer adds the composed music to this; the renderer muxes it when there is no mix.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import av
import numpy as np
from scipy.io import wavfile

from nemo_desktop.core.draft import AUDIO, VIDEO, Draft
from nemo_desktop.core.errors import Cancelled, Corrupt

SAMPLE_RATE = 48000


def decode_audio(
    path: Path | str, offset: float = 0.0, duration: float | None = None, sample_rate: int = SAMPLE_RATE,
    cancel: threading.Event | None = None,
) -> np.ndarray:
    """(n, 2) float32 of a file's first audio stream from ``offset`` for ``duration`` seconds (all when
    None); an empty array when the file has no sound."""
    path = Path(path)
    first = int(round(offset * sample_rate))
    want = None if duration is None else int(round(duration * sample_rate))
    chunks: list[np.ndarray] = []
    got = 0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                return np.zeros((0, 2), np.float32)
            stream = container.streams.audio[0]
            stream.thread_type = "AUTO"
            if offset > 1.0:  # seek near the offset; exact position from the frame's timestamp below
                container.seek(int((offset - 0.5) / stream.time_base), stream=stream)
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=sample_rate)
            pos: int | None = None  # sample index (file time) of the next resampled sample
            for frame in _frames(container, stream):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                if pos is None:
                    pos = int(round(float(frame.time or 0.0) * sample_rate)) if frame is not None else 0
                for out in resampler.resample(frame):
                    data = out.to_ndarray()  # (2, k)
                    k = data.shape[1]
                    lo = max(0, first - pos)
                    if lo < k:
                        chunks.append(data[:, lo:].T.copy())
                        got += k - lo
                    pos += k
                if want is not None and got >= want:
                    break
    except av.FFmpegError as exc:
        raise Corrupt(str(path), name=path.name) from exc
    audio = np.concatenate(chunks) if chunks else np.zeros((0, 2), np.float32)
    return audio[:want] if want is not None else audio


def _frames(container, stream):
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.InvalidDataError:
            continue
    yield None  # flush the resampler


def timeline_audio(draft: Draft, sample_rate: int = SAMPLE_RATE, cancel: threading.Event | None = None) -> np.ndarray:
    """(round(duration*sr), 2) float32: clip sound and audio files at their places; music excluded."""
    n = int(round(draft.duration * sample_rate))
    out = np.zeros((n, 2), np.float32)
    segs = [s for s in draft.segments_of(VIDEO) if s.source and s.meta.get("has_audio", True)]
    segs += [s for s in draft.segments_of(AUDIO) if s.source and s.meta.get("role") != "music"]
    for seg in segs:
        if seg.meta.get("kind") == "image" or seg.meta.get("kind") == "gif":
            continue
        start = int(round(seg.start * sample_rate))
        length = min(int(round(seg.duration * sample_rate)), n - start)
        if length <= 0:
            continue
        sound = decode_audio(seg.source, seg.offset, length / sample_rate, sample_rate, cancel)[:length]
        if seg.volume is not None:
            sound = sound * np.float32(seg.volume)
        out[start : start + len(sound)] += sound
    return out


def write_wav(path: Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE, *, pcm16: bool = False) -> Path:
    """Write a WAV atomically (``<path>.part``, then rename): float32 by default, so the encoder sees the
    exact samples with no clipping; ``pcm16`` for 16-bit PCM."""
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
