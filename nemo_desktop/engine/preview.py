"""The preview's sound: the draft's mix exactly as an export would put it under the picture (the clips' own
sound, the music's stems ducked under speech, the loudness and the limiter), without rendering any video.

It calls the same public functions the export does (``audio_io.timeline_audio`` and ``mix.mix`` on the
stems the project already played), so what the person hears before exporting is what they will get. The
clips' sound is kept between calls while the clips stay the same: a music change only remixes, well under
the 2 s a 60 s project may take.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

import numpy as np

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.ports import PreviewAudio, PreviewChanging
from nemo_desktop.engine import audio_io
from nemo_desktop.engine.audio_io import SAMPLE_RATE
from nemo_desktop.engine.project import Project

log = logging.getLogger(__name__)

CHANNELS = 2


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


class PreviewMixer:
    """Mixes the preview sound for one project, keeping the clips' sound and the last mix between calls."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._clips: tuple[str, np.ndarray] | None = None
        self._last: PreviewAudio | None = None

    async def audio(self, draft: Draft) -> PreviewAudio:
        """The preview sound of ``draft`` with the project's music (silence where there is nothing).

        The preview is not a job: it runs while the person's next edit may already be changing the
        project. So it never changes the project itself (an earlier version restored the draft's music
        here, and an undo running beside it then played the old clip order) and reads the music and the
        analysis in one step, with no await between, only when the project still holds ``draft``."""
        project = self.project
        music, found = project.music, project.analysis
        wants_music = draft.music() is not None
        if draft_key(project.draft) != draft_key(draft) or (wants_music and (music is None or found is None)):
            raise PreviewChanging()
        if not wants_music:
            music = None
        key = draft_key(draft) + (f"-{music.seed}-{music.brief.music_gain_db}" if music is not None else "")
        if self._last is not None and self._last.key == key:
            return self._last
        started = time.perf_counter()
        speech = found.speech if music is not None and found is not None else ()
        clip_audio = await self._clip_audio(draft)
        prepared = time.perf_counter()

        def work(_token: object) -> bytes:
            if music is None:
                return to_pcm16(clip_audio)
            gain = float(music.brief.music_gain_db)
            from nemo_desktop.engine import mix_blocks  # scipy: loaded by the warm-up, not at start

            sink = mix_blocks.ArraySink()  # the export's own passes, over the stems on disk
            mix_blocks.mix_into(sink, music.stems.music, mix_blocks.array_reader(clip_audio), music.stems.n,
                                speech, SAMPLE_RATE, gain)
            return to_pcm16(sink.array())

        pcm = await project.worker.run(work)
        self._last = PreviewAudio(pcm=pcm, sample_rate=SAMPLE_RATE, channels=CHANNELS, key=key)
        log.info("preview sound ready in %.2f s (mixing %.2f s) for %.0f s of programme",
                 time.perf_counter() - started, time.perf_counter() - prepared, self._last.duration)
        return self._last

    async def _clip_audio(self, draft: Draft) -> np.ndarray:
        key = clips_key(draft)
        if self._clips is not None and self._clips[0] == key:
            return self._clips[1]
        cache = self.project.cache
        audio = await self.project.worker.run(
            lambda cancel: audio_io.timeline_audio(draft, SAMPLE_RATE, cancel, cache))
        self._clips = (key, audio)
        return audio
