"""The built-in engine's project: the clips, their analysis, the draft and the music fitted to it.

Every change of clips goes through ``refit``: a new draft, and the music that was asked for recomposed for
the new cut with the same brief and seed, so it stays the same piece. Analysis is per clip and cached by
content; the whole-timeline view is rebuilt lazily when the draft changes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import Any

from nemo_desktop import paths
from nemo_desktop.core.draft import AUDIO, Draft, MusicInfo, Role, Segment
from nemo_desktop.core.events import ProgressFn, no_progress
from nemo_desktop.engine import analysis
from nemo_desktop.engine.demo import make_plain_visual
from nemo_desktop.engine.music.compose import Score, compose
from nemo_desktop.engine.performance import Performer
from nemo_desktop.engine.probe import MediaInfo, probe
from nemo_desktop.engine.prompt import MusicBrief, VideoTraits
from nemo_desktop.engine.stem_store import StemStore
from nemo_desktop.engine.timeline import build_draft
from nemo_desktop.engine.worker import CancelToken, Worker
from nemo_desktop.settings import Settings

log = logging.getLogger(__name__)
PIECES_KEPT = 2  # played pieces kept for a step back (undo) or a level change; ~90 MB each for 60 s


@dataclasses.dataclass
class Music:
    """The piece under the draft: what was asked (brief), its seed, the score and the played stems (on
    disk, read a block at a time)."""

    brief: MusicBrief
    seed: int
    score: Score
    stems: StemStore


def brief_to_meta(brief: MusicBrief) -> dict[str, Any]:
    return dataclasses.asdict(brief)


def brief_from_meta(data: dict[str, Any]) -> MusicBrief:
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


class Project:
    def __init__(self, settings: Settings, worker: Worker, performer: Performer, seed: int | None = None) -> None:
        self.settings = settings
        self.worker = worker
        self.performer = performer
        self.fixed_seed = seed  # a seed the person chose: every new piece starts from it
        self.infos: list[MediaInfo] = []
        self.draft = Draft()
        self.analysis: analysis.VideoAnalysis | None = None
        self.music: Music | None = None
        self.brief: MusicBrief | None = None
        self.generated: Path | None = None  # the plain picture made for music without clips
        self.volumes: dict[str, float] = {}  # an added sound file's level by source (0.0: muted)
        self._pieces: dict[str, Music] = {}  # recently played pieces by what makes their notes
        # the mix streamed into the render while it is written; False: the mix written whole first, the
        # same file (tests compare the two)
        self.overlap = True

    @property
    def cache(self) -> Path:
        return paths.get().cache

    @property
    def ffmpeg(self) -> str | None:
        return self.settings.ffmpeg_path or None

    # --- seeds -----------------------------------------------------------------------------------------

    def new_seed(self) -> int:
        if self.fixed_seed is not None:
            return self.fixed_seed
        return int.from_bytes(os.urandom(4), "little") % (2**31)

    def current_seed(self) -> int:
        return self.music.seed if self.music is not None else self.new_seed()

    # --- clips -----------------------------------------------------------------------------------------

    def rebuild_draft(self) -> Draft:
        """Clips → draft, without music (the video changed under it: the score is recomposed for the cuts)."""
        self.draft = build_draft(self.infos, self.settings.image_seconds) if self.infos else Draft()
        for seg in self.draft.sound_files():
            seg.volume = self.volumes.get(seg.source)
        self.analysis = None
        self.music = None
        return self.draft

    async def _probe(self, path: Path) -> MediaInfo:
        return await self.worker.run(lambda _token: probe(path))

    async def probe_and_analyse(self, paths_: list[Path], progress: ProgressFn) -> list[MediaInfo]:
        infos = [await self._probe(path) for path in paths_]

        def analyse_all(cancel: CancelToken) -> None:
            for i, info in enumerate(infos):
                def sub(stage: str, frac: float | None, i: int = i) -> None:
                    progress("analyse", None if frac is None else (i + frac) / len(infos))

                analysis.analyse_clip(info, self.cache, sub, cancel)

        await self.worker.run(analyse_all)
        return infos

    async def add(self, paths_: list[Path], progress: ProgressFn) -> Draft:
        infos = await self.probe_and_analyse(paths_, progress)
        if self.generated is not None:  # real clips replace the plain picture made for music alone
            self.infos = [i for i in self.infos if i.path != self.generated]
            self.generated = None
        return await self.refit([*self.infos, *infos], progress)

    async def keep(self, paths_: list[Path], progress: ProgressFn) -> Draft:
        """Exactly these clips, in this order; clips already here are not probed again."""
        known = {Path(i.path): i for i in self.infos}
        wanted = [Path(p).absolute() for p in paths_]
        new = await self.probe_and_analyse([p for p in wanted if p not in known], progress)
        known.update({Path(i.path): i for i in new})
        self.generated = None
        return await self.refit([known[p] for p in wanted], progress)

    async def refit(self, infos: list[MediaInfo], progress: ProgressFn) -> Draft:
        """The clips changed: a new draft, and the music (if any was asked for) recomposed to fit it."""
        seed = self.current_seed()  # before the rebuild drops the music: the same piece, refitted
        self.infos = infos
        draft = self.rebuild_draft()
        if self.brief is not None and self.infos:
            draft = await self.compose(self.brief, seed, progress)
        return draft

    async def restore(self, draft: Draft) -> Draft | None:
        """Adopt a draft (the autosave, an undo step, a recent project) exactly: its clips in its order, the
        sound files' levels, and its music (none, or its brief and seed played again — at once when that
        piece was played recently). Every source must still be there; clips known already are not probed
        again. An empty draft empties the project and gives None."""
        sources = list(dict.fromkeys(s.source for s in draft.source_segments()))
        self.volumes = {s.source: s.volume for s in draft.sound_files() if s.volume is not None}
        if not sources:
            self.infos, self.generated = [], None
            self.forget_music()
            self.rebuild_draft()
            return None
        known = {str(Path(i.path).absolute()): i for i in self.infos}
        self.infos = [known.get(src) or await self._probe(Path(src)) for src in sources]
        if self.generated is not None and str(self.generated.absolute()) not in sources:
            self.generated = None
        self.rebuild_draft()
        info = draft.music_info()
        if info is not None and info.brief:
            self.brief = brief_from_meta(info.brief)
            self.fixed_seed = info.seed if self.fixed_seed is None else self.fixed_seed
            return await self.compose(self.brief, info.seed, no_progress)
        self.brief = None
        return self.draft.copy()

    async def plain_visual(self, seconds: float) -> None:
        """A plain picture as long as the music asked for, when there are no clips."""
        path = await make_plain_visual(self.cache / "generated", seconds, ffmpeg_path=self.ffmpeg)
        info = await self._probe(path)
        self.infos = [i for i in self.infos if i.path != self.generated] + [info]
        self.generated = path
        self.rebuild_draft()

    # --- analysis and music ----------------------------------------------------------------------------

    async def analyse(self) -> analysis.VideoAnalysis | None:
        if self.draft.is_empty:
            return None
        if self.analysis is None:
            infos = {str(Path(i.path).absolute()): i for i in self.infos}
            draft = self.draft
            self.analysis = await self.worker.run(
                lambda cancel: analysis.analyse_draft(draft, infos, self.cache, no_progress, cancel))
        return self.analysis

    async def traits(self) -> VideoTraits | None:
        result = await self.analyse()
        if result is None:
            return None
        t = result.traits()
        return VideoTraits(duration=float(t["duration"]), motion=float(t["motion"]), cut_rate=float(t["cut_rate"]),
                           brightness=float(t["brightness"]), warmth=float(t["warmth"]),
                           motion_curve=tuple(tuple(p) for p in t["motion_curve"]))

    def forget_music(self) -> Draft:
        self.brief, self.music = None, None
        self.draft = self.draft.without_music()
        return self.draft.copy()

    async def compose(self, brief: MusicBrief, seed: int, progress: ProgressFn) -> Draft:
        """Compose and play ``brief`` for the current cut and put the music segment on the draft."""
        result = await self.analyse()
        duration = self.draft.duration
        fps = float(self.draft.meta.get("fps") or 30.0)
        cuts = result.cuts if result is not None else ()

        def work(token: CancelToken) -> Music:
            score = compose(brief, duration, cuts, fps, seed)
            return Music(brief, seed, score, self.performer.play(score, self.cache, token))

        # the level is applied at the mix, so a piece that differs only in level is the same notes
        key = repr((dataclasses.replace(brief, music_gain_db=0.0), seed, duration, tuple(cuts), fps))
        played = self._pieces.pop(key, None)
        music = Music(brief, seed, played.score, played.stems) if played else await self.worker.run(work)
        self._pieces[key] = music
        for old in list(self._pieces)[:-PIECES_KEPT]:
            del self._pieces[old]
        self.brief, self.music = brief, music
        draft = self.draft.without_music()
        score = music.score
        speech = result.speech if result is not None else ()
        from nemo_desktop.engine.mix import merge_speech  # scipy: loaded by the warm-up, not at start

        info = MusicInfo(
            name=brief.summary("en"), style=brief.style, bpm=round(score.bpm, 2), key=f"{score.key} {score.mode}",
            seed=seed, brief=brief_to_meta(brief), beats=tuple(round(b, 4) for b in score.beats),
            bars=tuple(round(b, 4) for b in score.bars), cuts=tuple(round(c, 4) for c in cuts),
            sections=tuple((n, round(s, 3), round(e, 3)) for n, s, e in score.sections),
            accents=tuple(round(a, 4) for a in score.anchors if any(abs(a - h) < 1e-3 for h in score.hits)),
            speech=tuple((round(s, 3), round(e, 3)) for s, e in speech),
            ducked=tuple((round(s, 3), round(e, 3)) for s, e in merge_speech(speech)),
        )
        draft.track(AUDIO).segments.append(
            Segment(start=0.0, duration=duration, volume=None, meta=info.to_meta(), role=Role.MUSIC))
        self.draft = draft
        return draft.copy()
