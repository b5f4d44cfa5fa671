"""The timeline's own sound: every clip's audio and the audio-file inputs as 48 kHz stereo float32, placed
at their segments' starts; silence where a clip has none.

A clip's sound is read from the copy analysis kept in the cache when there is one (no second decode);
otherwise ffmpeg decodes just the needed span. The music mixer adds the composed music to this; the
renderer muxes it when there is no mix.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.errors import Cancelled, Corrupt, ToolFailed
from nemo_desktop.engine import media_cache
from nemo_desktop.tools.ffmpeg import FfmpegReader

SAMPLE_RATE = media_cache.SOUND_RATE
_CHUNK_S = 5.0  # seconds read from the pipe between cancel checks


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


def timeline_audio(
    draft: Draft, sample_rate: int = SAMPLE_RATE, cancel: threading.Event | None = None,
    cache_dir: Path | None = None,
) -> np.ndarray:
    """(round(duration*sr), 2) float32: clip sound and audio files at their places; music excluded."""
    n = int(round(draft.duration * sample_rate))
    out = np.zeros((n, 2), np.float32)
    for seg in draft.clip_sound_segments():
        if seg.meta.get("kind") == "image" or seg.meta.get("kind") == "gif":
            continue
        start = int(round(seg.start * sample_rate))
        length = min(int(round(seg.duration * sample_rate)), n - start)
        if length <= 0:
            continue
        sound = decode_audio(seg.source, seg.offset, length / sample_rate, sample_rate, cancel, cache_dir)[:length]
        if seg.volume is not None:
            sound = sound * np.float32(seg.volume)
        out[start : start + len(sound)] += sound
    return out


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
