"""The built-in engine's export pipeline: the clips' sound, the music mixed under it (ducked under speech,
loudness-normalised), one temporary WAV, and the MP4 rendered by ffmpeg; plus the stems and cue sheet.

The temporary WAV carries our pid (``media_cache.mix_file``) and is removed whatever happens; a run killed
before that is swept by the next start.
"""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
import threading
from collections.abc import Awaitable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nemo_desktop.core.draft import Draft
from nemo_desktop.core.events import ProgressFn
from nemo_desktop.core.files import safe_stem, unique_path, write_bytes_atomic
from nemo_desktop.engine import audio_io, media_cache, mix_stream, render
from nemo_desktop.engine.audio_io import SAMPLE_RATE
from nemo_desktop.engine.performance import synth
from nemo_desktop.engine.project import Music, Project

if TYPE_CHECKING:
    from nemo_desktop.engine import mix_blocks

log = logging.getLogger(__name__)


async def export(project: Project, draft: Draft, dest_dir: Path, progress: ProgressFn) -> Path:
    """Render ``draft`` with the project's music into ``dest_dir`` and return the MP4's path."""
    if draft.music() is not None and project.music is None:
        restored = await project.restore(draft)
        if restored is not None:
            draft = restored
    found = await project.analyse() if not draft.is_empty else None
    speech = found.speech if found is not None else ()
    if found is not None and found.speech_problem:
        log.warning("export without speech ducking: %s", found.speech_problem)
    progress("mix", 0.0)
    cache, worker = project.cache, project.worker
    music = project.music if draft.music() is not None else None
    gain = float(music.brief.music_gain_db) if music is not None else 0.0
    infos = {str(Path(i.path).absolute()): i for i in project.infos}
    stem = None if project.generated is None else "nemo-music"

    def rendered(wav: Path) -> Awaitable[Path]:
        return render.render(draft, wav, dest_dir, progress, ffmpeg_path=project.ffmpeg, stem=stem, infos=infos)

    cache.mkdir(parents=True, exist_ok=True)
    if music is not None and project.overlap and mix_stream.available():
        with tempfile.TemporaryDirectory(prefix=media_cache.render_prefix(), dir=cache) as tmp:
            fifo = Path(tmp) / "mix.wav"

            def mix(sink: mix_stream.FifoSink, cancel: threading.Event) -> None:
                _mix(sink, draft, music, speech, gain, cache, Path(tmp), cancel)

            try:
                return await mix_stream.mix_into_render(worker, fifo, music.stems.n, mix, rendered(fifo))
            except mix_stream.AnotherPass:
                log.info("the mix took another loudness pass: rendered from the finished mix instead")
    wav = media_cache.mix_file(cache, str(id(draft)))
    wav.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=media_cache.render_prefix(), dir=cache) as tmp:
        try:
            await worker.run(lambda cancel: _mix_to_wav(draft, music, speech, gain, wav, cache, Path(tmp), cancel))
            progress("mix", 1.0)
            return await rendered(wav)
        finally:
            with contextlib.suppress(OSError):
                wav.unlink()


def _mix(
    sink: mix_blocks.Sink, draft: Draft, music: Music, speech: Sequence[tuple[float, float]], gain: float,
    cache: Path, work: Path, cancel: threading.Event,
) -> None:
    """The clips' sound and the music mixed block by block into ``sink``."""
    from nemo_desktop.engine import mix_blocks  # here: scipy (~0.5 s) loads in the warm-up, not before analysis

    clip = audio_io.ClipSound(draft, SAMPLE_RATE, cancel, cache, work)
    mix_blocks.mix_into(sink, music.stems.music, clip.read, music.stems.n, speech, SAMPLE_RATE, gain, cancel)


def _mix_to_wav(
    draft: Draft, music: Music | None, speech: Sequence[tuple[float, float]], gain: float, wav: Path,
    cache: Path, work: Path, cancel: threading.Event,
) -> None:
    """The clips' sound and the music mixed block by block into ``wav``; without music, the clips' sound
    as it is."""
    if music is None:
        audio_io.write_timeline_wav(draft, wav, SAMPLE_RATE, cancel, cache, work)
        return
    writer = audio_io.WavWriter(wav, music.stems.n, SAMPLE_RATE)
    try:
        _mix(writer, draft, music, speech, gain, cache, work, cancel)
        writer.close()
    except BaseException:
        writer.abort()
        raise


STEM_PEAK_DB = -1.0  # stems leave 1 dB of headroom, so importing them as 16-bit never clips


def stem_gain(peaks: Iterable[float]) -> np.float32:
    """One gain for every stem file (their balance, and the music file being their sum, are kept): none when
    they already peak (``peaks``, one per file) at or below STEM_PEAK_DB, else just enough to bring the
    loudest sample there."""
    peak = max(peaks, default=0.0)
    ceiling = 10 ** (STEM_PEAK_DB / 20)
    return np.float32(1.0 if peak <= ceiling else ceiling / peak)


async def write_stems(project: Project, video: Path) -> list[Path]:
    """The music stems (WAV) and a cue sheet (JSON) beside an exported MP4."""
    if project.music is None:
        return []
    music: Music = project.music
    cuts = project.analysis.cuts if project.analysis else ()
    folder = video.parent
    stem = safe_stem(video.stem)
    written: list[Path] = []

    def work(_token: object) -> None:
        store = music.stems
        gain = stem_gain(store.peaks.values())
        names = [*synth().STEMS, "music"]
        writers = {name: audio_io.WavWriter(unique_path(folder, f"{stem}.{name}", ".wav"), store.n, SAMPLE_RATE)
                   for name in names}
        try:
            for a in range(0, store.n, audio_io.BLOCK):
                count = min(audio_io.BLOCK, store.n - a)
                total = np.zeros((count, 2), np.float32)
                for name in synth().STEMS:
                    x = store.read(name, a, count)
                    total += x
                    writers[name].write(x * gain)
                writers["music"].write(total * gain)
            written.extend(w.close() for w in writers.values())
        except BaseException:
            for w in writers.values():
                w.abort()
            raise
        cues = unique_path(folder, f"{stem}.cues", ".json")
        sheet = music.score.cue_sheet(cuts)
        write_bytes_atomic(cues, json.dumps(sheet, indent=1).encode("utf-8"), 0o644)
        written.append(cues)

    await project.worker.run(work)
    return written
