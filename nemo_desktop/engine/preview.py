"""The preview's sound: the draft's mix exactly as an export would put it under the picture (the clips' own
sound, the music's stems ducked under speech, the loudness and the limiter), without rendering any video.

It calls the same public functions the export does (``audio_io.timeline_audio`` and ``mix.mix`` on the
stems the project already played), so what the person hears before exporting is what they will get. The
clips' sound is kept between calls while the clips stay the same: a music change only remixes, well under
the 2 s a 60 s project may take.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.ports import PreviewAudio, PreviewChanging, Waveform
from nemo_desktop.engine import audio_io
from nemo_desktop.engine.audio_io import SAMPLE_RATE
from nemo_desktop.engine.project import Project
from nemo_desktop.engine.worker import CancelToken

if TYPE_CHECKING:  # scipy comes with these: loaded by the warm-up thread, not at start
    from nemo_desktop.engine import mix_blocks

log = logging.getLogger(__name__)

CHANNELS = 2
CLIPS_IN_MEMORY_S = 120.0  # up to this long the clips' sound is kept in memory (≤ 46 MB): a remix reads no file


def draft_key(draft: Draft) -> str:
    """A short fingerprint of everything the sound depends on (clips, offsets, volumes, the music's facts)."""
    text = json.dumps(draft.to_compact(), sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def clips_key(draft: Draft) -> str:
    """The fingerprint of the clips' own sound only: unchanged when only the music changes."""
    parts = [(s.source, round(s.start, 4), round(s.duration, 4), round(s.offset, 4), s.volume)
             for s in draft.clip_sound_segments()]
    return hashlib.sha1(repr((parts, round(draft.duration, 4))).encode("utf-8")).hexdigest()[:16]


def to_pcm16(audio: np.ndarray) -> bytes:
    """(n, 2) float32 → interleaved little-endian 16-bit PCM (the export's mix is already ≤ −1 dBTP)."""
    data = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * np.float32(32767.0)
    pcm: bytes = np.rint(data).astype("<i2").tobytes()
    return pcm


class Pcm16File(audio_io.PartFile):
    """A mix sink that writes 16-bit PCM to a file as the blocks come (``rewind``: a second pass), so the
    preview's programme is never in memory; ``<path>.part`` until ``close``."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.frames = 0

    def write(self, block: np.ndarray) -> None:
        self._fh.write(to_pcm16(block))
        self.frames += len(block)

    def rewind(self) -> None:
        self._fh.seek(0)
        self._fh.truncate()
        self.frames = 0

    def close(self) -> Path:
        return self.commit()


class PreviewMixer:
    """Mixes the preview sound for one project into a file, keeping the clips' sound readers and the last
    mix between calls. Memory stays a few blocks whatever the length (the clips' sound is read from the
    cache a block at a time, as the export reads it); the last ``FILES_KEPT`` mixes stay on disk, since
    the window may still be playing the one before."""

    FILES_KEPT = 2

    def __init__(self, project: Project) -> None:
        self.project = project
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._clips: tuple[str, mix_blocks.Reader, int] | None = None
        self._last: PreviewAudio | None = None
        self._files: list[Path] = []
        self._count = itertools.count()

    async def audio(self, draft: Draft) -> PreviewAudio:
        """The preview sound of ``draft`` with the project's music (silence where there is nothing).

        The preview is not a job: it runs while the person's next edit may already be changing the
        project. So it never changes the project itself (an earlier version restored the draft's music
        here, and an undo running beside it then played the old clip order) and reads the music and the
        analysis in one step, with no await between, only when the project still holds ``draft``."""
        project = self.project
        music, found = project.music, project.analysis
        wants_music = draft.music() is not None
        asked = draft_key(draft)
        if draft_key(project.draft) != asked or (wants_music and (music is None or found is None)):
            raise PreviewChanging()
        if not wants_music:
            music = None
        key = asked + (f"-{music.seed}-{music.brief.music_gain_db}" if music is not None else "")
        if self._last is not None and self._last.key == key:
            return self._last
        started = time.perf_counter()
        speech = found.speech if music is not None and found is not None else ()
        clip_read, clip_n = await self._clip_sound(draft)
        prepared = time.perf_counter()
        path = self._folder() / f"preview-{next(self._count)}.pcm"

        def work(cancel: CancelToken) -> tuple[int, Waveform | None]:
            from nemo_desktop.engine import mix_blocks, waveform  # scipy: loaded by the warm-up, not at start

            sink = Pcm16File(path)
            try:
                wave = None
                if music is None:
                    for a in range(0, clip_n, mix_blocks.BLOCK):
                        sink.write(clip_read(a, min(mix_blocks.BLOCK, clip_n - a)))
                else:
                    n, gain = music.stems.n, float(music.brief.music_gain_db)
                    heard = waveform.PeakRecorder(music.stems.music, n)  # the waveform, from the mix's own reads
                    depths = mix_blocks.mix_into(sink, heard, clip_read, n, speech, SAMPLE_RATE, gain, cancel)
                    wave = heard.waveform(SAMPLE_RATE, speech, depths)
                frames = sink.frames
                sink.close()
                return frames, wave
            except BaseException:
                sink.abort()
                raise

        frames, wave = await project.worker.run(work)
        self._last = PreviewAudio(path=str(path), frames=frames, sample_rate=SAMPLE_RATE, channels=CHANNELS,
                                  key=key, music=wave)
        self._keep(path)
        log.info("preview sound ready in %.2f s (mixing %.2f s) for %.0f s of programme",
                 time.perf_counter() - started, time.perf_counter() - prepared, self._last.duration)
        return self._last

    def _folder(self) -> Path:
        """Our folder in the cache, named after our pid: a killed run's preview files are swept at the next
        start (``media_cache.sweep_leftovers``); at a normal exit the folder goes with this object."""
        if self._dir is None:
            parent = self.project.cache
            parent.mkdir(parents=True, exist_ok=True)
            self._dir = tempfile.TemporaryDirectory(prefix=f"preview-{os.getpid()}-", dir=parent,
                                                    ignore_cleanup_errors=True)
        return Path(self._dir.name)

    def _keep(self, path: Path) -> None:
        self._files.append(path)
        for old in self._files[: -self.FILES_KEPT]:
            with contextlib.suppress(OSError):  # still open for playing (Windows): the folder goes at exit
                old.unlink()
        self._files = self._files[-self.FILES_KEPT :]

    async def _clip_sound(self, draft: Draft) -> tuple[mix_blocks.Reader, int]:
        """The clips' sound as a block reader and its length: read from the files a block at a time (spans
        not in the cache are decoded once into our folder), or from memory for a short programme."""
        key = clips_key(draft)
        if self._clips is not None and self._clips[0] == key:
            return self._clips[1], self._clips[2]
        self._clips = None
        cache, work_dir = self.project.cache, self._folder() / key
        work_dir.mkdir(exist_ok=True)

        def load(cancel: CancelToken) -> tuple[mix_blocks.Reader, int]:
            from nemo_desktop.engine import mix_blocks

            sound = audio_io.ClipSound(draft, SAMPLE_RATE, cancel, cache, work_dir)
            if sound.n > CLIPS_IN_MEMORY_S * SAMPLE_RATE:
                return sound.read, sound.n
            whole = mix_blocks.array_reader(sound.read(0, sound.n))
            assert whole is not None
            return whole, sound.n

        read, n = await self.project.worker.run(load)
        self._clips = (key, read, n)
        return read, n
