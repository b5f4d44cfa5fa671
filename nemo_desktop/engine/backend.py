"""LocalBackend: the built-in offline engine behind the Backend protocol.

add_media probes and analyses each file (cached by content), chat turns words into a MusicBrief and
composes a score fitted to the cuts, export decodes the clips' sound, mixes the music under it (ducked
under speech, loudness-normalised) and renders the MP4. CPU work runs in worker threads so the caller's
event loop stays responsive; cancelling the awaiting task stops ffmpeg and the workers and leaves no file.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nemo_desktop import paths
from nemo_desktop.core.draft import AUDIO, VIDEO, Draft, Segment
from nemo_desktop.core.events import DraftChanged, Event, Notice, ProgressFn, Reply, Status, no_progress
from nemo_desktop.core.files import safe_stem, unique_path, write_bytes_atomic
from nemo_desktop.core.ports import Credits
from nemo_desktop.engine import analysis, audio_io, media_cache, render
from nemo_desktop.engine.demo import make_plain_visual
from nemo_desktop.engine.ffmpeg import find_ffmpeg
from nemo_desktop.engine.music.compose import Score, compose
from nemo_desktop.engine.probe import MediaInfo, probe
from nemo_desktop.engine.prompt import (
    MusicBrief,
    VideoTraits,
    make_brief,
    mentions_music,
    parse_duration_request,
    refine,
)
from nemo_desktop.engine.timeline import build_draft
from nemo_desktop.i18n import language_of, tr
from nemo_desktop.settings import Settings

if TYPE_CHECKING:  # the module itself is imported only when a SoundFont is configured
    from nemo_desktop.engine.music.soundfont import SoundFontUnavailable

log = logging.getLogger(__name__)
SAMPLE_RATE = 48000
DEFAULT_MUSIC_SECONDS = 30.0
WORKER_STOP_S = 10.0  # how long a cancel waits for a worker thread to notice it

# The synth and the mixer are imported on first use and warmed up in the background at connect(): scipy
# takes ~0.5 s to import and the first piece another 0.4 s to set up, time that then overlaps the clip
# analysis instead of delaying its start. (Plain import statements, not importlib strings, so that
# PyInstaller still sees them.)


def _synth() -> Any:
    from nemo_desktop.engine.music import synth

    return synth


def _mixing() -> Any:
    from nemo_desktop.engine import mix

    return mix


def _warm_up() -> None:
    """Import the synth and mixer and run them once on two seconds of music: the first real piece then
    composes in 0.26 s instead of 0.65 s (lazy imports inside scipy, first-call set-up in numpy/pocketfft)."""
    with contextlib.suppress(Exception):  # a real error shows up, with its message, on first real use
        brief = make_brief("upbeat pop", VideoTraits(duration=2.0))
        stems = _synth().render_stems(compose(brief, 2.0, [1.0], 30.0, 1), SAMPLE_RATE)
        _mixing().mix(stems, None, (), SAMPLE_RATE)


def _next_seed(seed: int) -> int:
    """"Another variation": a new seed that still follows from the first, so a seeded run is repeatable."""
    return (seed * 1103515245 + 12345) % (2**31)


def _brief_to_meta(brief: MusicBrief) -> dict[str, Any]:
    return dataclasses.asdict(brief)


def _brief_from_meta(data: dict[str, Any]) -> MusicBrief:
    fields = {f.name for f in dataclasses.fields(MusicBrief)}
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            continue
        if key == "intensity":
            value = tuple(tuple(p) for p in value)
        elif isinstance(value, list):
            value = tuple(value)
        clean[key] = value
    return MusicBrief(**clean)


@dataclasses.dataclass
class _Music:
    brief: MusicBrief
    seed: int
    score: Score
    stems: dict[str, np.ndarray]


class LocalBackend:
    name = "built-in"

    def __init__(self, settings: Settings | None = None, seed: int | None = None) -> None:
        self.settings = settings or Settings()
        self._seed = seed
        self._infos: list[MediaInfo] = []
        self._draft = Draft()
        self._analysis: analysis.VideoAnalysis | None = None
        self._music: _Music | None = None
        self._brief: MusicBrief | None = None
        self._generated: Path | None = None
        self._cancel = threading.Event()
        self._soundfont_problem: SoundFontUnavailable | None = None  # why the configured bank was not used
        self._soundfont_warned = False
        self._speech_warned = False  # the person was told that speech detection is off

    # --- helpers ---------------------------------------------------------------------------------------

    @property
    def _ffmpeg(self) -> str | None:
        return self.settings.ffmpeg_path or None

    @property
    def _cache(self) -> Path:
        return paths.get().cache

    async def _in_thread(self, fn: Any, *args: Any) -> Any:
        """Run CPU work in a thread; a cancel of the awaiting task tells the worker to stop too."""
        self._cancel.clear()
        # get_event_loop, not to_thread's get_running_loop: Qt's nested event loops (a modal dialog opened
        # while a job runs) may step this task while qasync is not marked as running.
        loop = asyncio.get_event_loop()
        work = loop.run_in_executor(None, functools.partial(fn, *args))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            self._cancel.set()
            # let the worker see the flag and finish its own clean-up (a half-written WAV) before ours runs
            await asyncio.wait([work], timeout=WORKER_STOP_S)
            raise

    def _new_seed(self) -> int:
        if self._seed is not None:
            return self._seed
        return int.from_bytes(os.urandom(4), "little") % (2**31)

    def _rebuild_draft(self) -> Draft:
        """Clips → draft, keeping the music segment (re-fitted later if the length changed)."""
        draft = build_draft(self._infos, self.settings.image_seconds) if self._infos else Draft()
        self._analysis = None
        self._music = None  # the video changed under it: the score is recomposed for the new cuts
        self._draft = draft
        return draft

    # --- Backend protocol ------------------------------------------------------------------------------

    async def connect(self) -> None:
        find_ffmpeg(self._ffmpeg)  # fails early with a clear sentence when no ffmpeg can be found
        await asyncio.to_thread(media_cache.sweep_leftovers, self._cache)  # what a killed run left
        threading.Thread(target=_warm_up, name="nemo-warm-up", daemon=True).start()

    async def add_media(self, paths_: list[Path], progress: ProgressFn) -> Draft:
        infos = await self._probe_and_analyse(paths_, progress)
        if self._generated is not None:  # real clips replace the plain picture made for music alone
            self._infos = [i for i in self._infos if i.path != self._generated]
            self._generated = None
        return await self._refit([*self._infos, *infos], progress)

    async def set_media(self, paths_: list[Path], progress: ProgressFn) -> Draft:
        """Keep exactly these clips, in this order (the person removed or moved one). Clips already here
        are not probed again, new ones are; music that was asked for is refitted to the new cut with the
        same brief and seed, so it stays the same piece."""
        known = {Path(i.path): i for i in self._infos}
        wanted = [Path(p).absolute() for p in paths_]
        new = await self._probe_and_analyse([p for p in wanted if p not in known], progress)
        known.update({Path(i.path): i for i in new})
        self._generated = None
        return await self._refit([known[p] for p in wanted], progress)

    async def _probe_and_analyse(self, paths_: list[Path], progress: ProgressFn) -> list[MediaInfo]:
        infos: list[MediaInfo] = []
        for path in paths_:
            info = await self._in_thread(probe, path)
            infos.append(info)

        def analyse_all() -> None:
            for i, info in enumerate(infos):
                def sub(stage: str, frac: float | None, i: int = i) -> None:
                    progress("analyse", None if frac is None else (i + frac) / len(infos))

                analysis.analyse_clip(info, self._cache, sub, self._cancel)

        await self._in_thread(analyse_all)
        return infos

    async def _refit(self, infos: list[MediaInfo], progress: ProgressFn) -> Draft:
        """The clips changed: a new draft, and the music (if any was asked for) recomposed to fit it."""
        seed = self._current_seed()  # before the rebuild drops the music: the same piece, refitted
        self._infos = infos
        draft = self._rebuild_draft()
        if self._brief is not None and self._infos:
            draft = await self._compose(self._brief, seed, progress)
        return draft

    async def restore(self, draft: Draft) -> Draft | None:
        """Adopt an autosaved draft: every source must still be there; the music is recomposed."""
        sources = [s.source for s in draft.segments_of(VIDEO)] + [
            s.source for s in draft.segments_of(AUDIO) if s.meta.get("role") != "music" and s.source]
        if not sources:
            return None
        infos = [await self._in_thread(probe, Path(src)) for src in dict.fromkeys(sources)]
        self._infos = infos
        self._rebuild_draft()
        music = draft.music()
        if music is not None and isinstance(music.meta.get("brief"), dict):
            self._brief = _brief_from_meta(music.meta["brief"])
            self._seed = int(music.meta.get("seed", 0)) if self._seed is None else self._seed
            return await self._compose(self._brief, int(music.meta.get("seed", 0)), no_progress)
        return self._draft

    async def state(self) -> Draft:
        return self._draft.copy()

    async def credits(self) -> Credits | None:
        return None

    async def aclose(self) -> None:
        self._cancel.set()

    # --- chat ------------------------------------------------------------------------------------------

    def _current_seed(self) -> int:
        return self._music.seed if self._music is not None else self._new_seed()

    async def chat(self, text: str) -> AsyncIterator[Event]:
        lang = language_of(text)
        if not self._infos or self._generated is not None:
            seconds = parse_duration_request(text)
            if not self._infos or (seconds and self._generated is not None):
                yield Status(tr("Making a plain picture for the music…", lang))
                await self._plain_visual(seconds or DEFAULT_MUSIC_SECONDS)

        if self._brief is not None:
            change = refine(self._brief, text)
            if change is not None:
                async for event in self._apply(change.brief, list(change.kinds), change.describe(lang), lang):
                    yield event
                return
        traits = await self._traits()
        brief = make_brief(text, traits)
        if self._brief is not None and brief.style == self._brief.style and not mentions_music(text):
            yield Reply(tr("I did not catch a change to the music. Try “faster”, “calmer”, “no drums”, "
                           "“another variation” or a style such as “lo-fi”.", lang))
            return
        yield Status(tr("Composing: {brief}", lang).format(brief=brief.summary(lang)))
        seed = self._music.seed if self._music is not None else self._new_seed()
        draft = await self._compose(brief, seed, no_progress)
        for notice in self._notices(lang):
            yield notice
        yield DraftChanged(draft)
        yield Reply(self._composed_reply(lang))

    async def _apply(self, brief: MusicBrief, kinds: list[str], said: str, lang: str) -> AsyncIterator[Event]:
        if "remove" in kinds:
            self._brief, self._music = None, None
            self._draft = self._draft.without_music()
            yield DraftChanged(self._draft.copy())
            yield Reply(tr("Music removed. Describe the music you want to add it back.", lang))
            return
        seed = self._current_seed()
        if "variation" in kinds:
            seed = _next_seed(seed)
        yield Status(tr("Composing: {brief}", lang).format(brief=brief.summary(lang)))
        draft = await self._compose(brief, seed, no_progress)
        for notice in self._notices(lang):
            yield notice
        yield DraftChanged(draft)
        yield Reply(f"{said} {self._composed_reply(lang)}".strip())

    def _render(self, score: Score) -> dict[str, np.ndarray]:
        """The stems: played by the configured SoundFont when there is one that works, else by our own
        instruments (and the person is told once why the SoundFont was not used)."""
        bank = (self.settings.soundfont or "").strip()
        if bank:
            from nemo_desktop.engine.music import soundfont

            try:
                return soundfont.render_stems(score, bank, SAMPLE_RATE)
            except soundfont.SoundFontUnavailable as err:
                log.warning("SoundFont not used: %s", err)
                if not self._soundfont_warned:
                    self._soundfont_problem = err
        return _synth().render_stems(score, SAMPLE_RATE)

    def _notices(self, lang: str) -> list[Notice]:
        """What the person must hear about once: a capability that could not run for this piece."""
        notices: list[Notice] = []
        speech = self._analysis.speech_problem if self._analysis is not None else None
        if speech and not self._speech_warned:
            self._speech_warned = True
            log.warning("speech detection unavailable: %s", speech)
            text = tr("Speech detection is not available ({why}), so the music is not lowered under voices.", lang)
            notices.append(Notice(text.format(why=speech), "warning"))
        err, self._soundfont_problem = self._soundfont_problem, None
        if err is not None:
            self._soundfont_warned = True
            text = tr("The SoundFont {name} cannot be used ({why}); the built-in instruments play instead.", lang)
            notices.append(Notice(text.format(name=err.path.name, why=tr(err.why, lang)), "warning"))
        return notices

    def _composed_reply(self, lang: str) -> str:
        assert self._music is not None
        score = self._music.score
        total = round(score.duration)
        return tr("Music ready: {brief}, {bpm} BPM, {length}. Say “export” to save the video.", lang).format(
            brief=self._music.brief.summary(lang), bpm=round(score.bpm), length=f"{total // 60}:{total % 60:02d}")

    async def _plain_visual(self, seconds: float) -> None:
        path = await make_plain_visual(self._cache / "generated", seconds, ffmpeg_path=self._ffmpeg)
        info = await self._in_thread(probe, path)
        self._infos = [i for i in self._infos if i.path != self._generated] + [info]
        self._generated = path
        self._rebuild_draft()

    async def _traits(self) -> VideoTraits | None:
        result = await self._analyse()
        if result is None:
            return None
        t = result.traits()
        return VideoTraits(duration=float(t["duration"]), motion=float(t["motion"]), cut_rate=float(t["cut_rate"]),
                           brightness=float(t["brightness"]), warmth=float(t["warmth"]),
                           motion_curve=tuple(tuple(p) for p in t["motion_curve"]))

    async def _analyse(self) -> analysis.VideoAnalysis | None:
        if self._draft.is_empty:
            return None
        if self._analysis is None:
            infos = {str(Path(i.path).absolute()): i for i in self._infos}
            draft = self._draft
            self._analysis = await self._in_thread(
                lambda: analysis.analyse_draft(draft, infos, self._cache, no_progress, self._cancel))
        return self._analysis

    async def _compose(self, brief: MusicBrief, seed: int, progress: ProgressFn) -> Draft:
        result = await self._analyse()
        duration = self._draft.duration
        fps = float(self._draft.meta.get("fps") or 30.0)
        cuts = result.cuts if result is not None else ()

        def work() -> _Music:
            score = compose(brief, duration, cuts, fps, seed)
            return _Music(brief, seed, score, self._render(score))

        music = await self._in_thread(work)
        self._brief, self._music = brief, music
        draft = self._draft.without_music()
        score = music.score
        draft.track(AUDIO).segments.append(Segment(
            start=0.0, duration=duration, volume=None,
            meta={
                "role": "music", "name": brief.summary("en"), "style": brief.style, "bpm": round(score.bpm, 2),
                "key": f"{score.key} {score.mode}", "seed": seed, "brief": _brief_to_meta(brief),
                "beats": [round(b, 4) for b in score.beats], "bars": [round(b, 4) for b in score.bars],
                "cuts": [round(c, 4) for c in cuts],
                "sections": [[n, round(s, 3), round(e, 3)] for n, s, e in score.sections],
            },
        ))
        self._draft = draft
        return draft.copy()

    # --- export ----------------------------------------------------------------------------------------

    async def export(self, draft: Draft, dest_dir: Path, progress: ProgressFn) -> Path:
        if draft.music() is not None and self._music is None:
            restored = await self.restore(draft)
            if restored is not None:
                draft = restored
        found = await self._analyse() if not draft.is_empty else None
        speech = found.speech if found is not None else ()
        if found is not None and found.speech_problem:
            log.warning("export without speech ducking: %s", found.speech_problem)
        progress("mix", 0.0)
        clip_audio = await self._in_thread(audio_io.timeline_audio, draft, SAMPLE_RATE, self._cancel, self._cache)
        if draft.music() is not None and self._music is not None:
            gain = float(self._music.brief.music_gain_db)
            final = await self._in_thread(_mixing().mix, self._music.stems, clip_audio, speech, SAMPLE_RATE, gain)
        else:
            final = clip_audio
        progress("mix", 1.0)
        wav = media_cache.mix_file(self._cache, str(id(final)))
        wav.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self._in_thread(audio_io.write_wav, wav, final, SAMPLE_RATE)
            stem = None if self._generated is None else "nemo-music"
            infos = {str(Path(i.path).absolute()): i for i in self._infos}
            return await render.render(draft, wav, dest_dir, progress, ffmpeg_path=self._ffmpeg, stem=stem,
                                       infos=infos)
        finally:
            with contextlib.suppress(OSError):
                wav.unlink()

    async def write_stems(self, video: Path) -> list[Path]:
        """The music stems (WAV) and a cue sheet (JSON) beside an exported MP4."""
        if self._music is None:
            return []
        music = self._music
        folder = video.parent
        stem = safe_stem(video.stem)
        written: list[Path] = []

        def work() -> None:
            for name in _synth().STEMS:
                path = unique_path(folder, f"{stem}.{name}", ".wav")
                audio_io.write_wav(path, music.stems[name], SAMPLE_RATE)
                written.append(path)
            path = unique_path(folder, f"{stem}.music", ".wav")
            audio_io.write_wav(path, _mixing().music_only(music.stems), SAMPLE_RATE)
            written.append(path)
            cues = unique_path(folder, f"{stem}.cues", ".json")
            sheet = music.score.cue_sheet(self._analysis.cuts if self._analysis else ())
            write_bytes_atomic(cues, json.dumps(sheet, indent=1).encode("utf-8"), 0o644)
            written.append(cues)

        await self._in_thread(work)
        return written

