"""The built-in engine's side of a chat turn: words → a brief or a change → music, and what to reply.

Seed policy: a piece keeps its seed through refinements and refits; "another variation" moves to the next
seed in a fixed sequence, so a seeded run is repeatable. Capabilities that could not run for this piece
(a SoundFont, speech detection) are said once, as notices, never left silent.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

from nemo_desktop.core.events import DraftChanged, Event, Notice, Reply, Status, no_progress
from nemo_desktop.core.ports import MusicChange
from nemo_desktop.engine.music.styles import STYLES, style_name
from nemo_desktop.engine.project import Project
from nemo_desktop.engine.prompt import MusicBrief, explain, make_brief, mentions_music, parse_duration_request, refine
from nemo_desktop.engine.prompt.refine import Refinement
from nemo_desktop.i18n import language_of, tr

log = logging.getLogger(__name__)
DEFAULT_MUSIC_SECONDS = 30.0
GAIN_RANGE_DB = (-24.0, 6.0)  # the music level a control can set, as "louder"/"quieter" allow


def next_seed(seed: int) -> int:
    """"Another variation": a new seed that still follows from the first, so a seeded run is repeatable."""
    return (seed * 1103515245 + 12345) % (2**31)


class Conversation:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._speech_told = False  # the person was told that speech detection is off

    def styles(self, lang: str) -> list[tuple[str, str]]:
        """Every style the composer has, with its name in ``lang``."""
        return [(style, style_name(style, lang)) for style in STYLES]

    async def tune(self, change: MusicChange, lang: str) -> AsyncIterator[Event]:
        """A change from a control: the same brief with one part changed, played like a typed change (a
        style keeps the level; a level change keeps the notes; a variation moves to the next seed)."""
        p = self.project
        if p.brief is None or not p.infos:  # no music yet: a control asks for music like words would
            words = style_name(change.style, "en") if change.style in STYLES else ""
            async for event in self.turn(words, lang):
                yield event
            return
        brief, kinds = p.brief, []
        if change.style in STYLES and change.style != brief.style:
            fresh = make_brief(style_name(change.style, "en"), await p.traits())
            brief = replace(fresh, style=change.style, music_gain_db=brief.music_gain_db,
                            fade_out=brief.fade_out or fresh.fade_out)
            kinds.append("style")
        if change.gain_db is not None:
            low, high = GAIN_RANGE_DB
            brief = replace(brief, music_gain_db=round(min(high, max(low, change.gain_db)), 1))
            kinds.append("gain")
        if change.variation:
            kinds.append("variation")
        if not kinds:
            return
        said = Refinement(brief, tuple(kinds)).describe(lang)
        async for event in self._apply(brief, kinds, said, lang):
            yield event

    async def turn(self, text: str, lang: str | None = None) -> AsyncIterator[Event]:
        p = self.project
        lang = lang or language_of(text)
        if not p.infos or p.generated is not None:
            seconds = parse_duration_request(text)
            if not p.infos or (seconds and p.generated is not None):
                yield Status(tr("Making a plain picture for the music…", lang))
                await p.plain_visual(seconds or DEFAULT_MUSIC_SECONDS)

        if p.brief is not None:
            change = refine(p.brief, text)
            if change is not None and change.brief == p.brief and not {"variation", "remove"} & set(change.kinds):
                yield Reply(change.describe(lang))  # nothing to change ("no drums" on a drumless piece)
                return
            if change is not None:
                said = " ".join(x for x in (change.describe(lang), explain(text, change.brief, lang)) if x)
                async for event in self._apply(change.brief, list(change.kinds), said, lang):
                    yield event
                return
        brief = make_brief(text, await p.traits())
        if p.brief is not None and brief.style == p.brief.style and not mentions_music(text):
            yield Reply(tr("I did not catch a change to the music. Try “faster”, “calmer”, “no drums”, "
                           "“another variation” or a style such as “lo-fi”.", lang))
            return
        async for event in self._compose(brief, p.current_seed(), explain(text, brief, lang), lang):
            yield event

    async def _apply(self, brief: MusicBrief, kinds: list[str], said: str, lang: str) -> AsyncIterator[Event]:
        if "remove" in kinds:
            yield DraftChanged(self.project.forget_music())
            yield Reply(tr("Music removed. Describe the music you want to add it back.", lang))
            return
        seed = self.project.current_seed()
        if "variation" in kinds:
            seed = next_seed(seed)
        async for event in self._compose(brief, seed, said, lang):
            yield event

    async def _compose(self, brief: MusicBrief, seed: int, said: str, lang: str) -> AsyncIterator[Event]:
        yield Status(tr("Composing: {brief}", lang).format(brief=brief.summary(lang)))
        draft = await self.project.compose(brief, seed, no_progress)
        for notice in self.notices(lang):
            yield notice
        yield DraftChanged(draft)
        yield Reply(f"{said} {self._composed_reply(lang)}".strip())

    def notices(self, lang: str) -> list[Notice]:
        """What the person must hear about once: a capability that could not run for this piece."""
        notices: list[Notice] = []
        found = self.project.analysis
        speech = found.speech_problem if found is not None else None
        if speech and not self._speech_told:
            self._speech_told = True
            log.warning("speech detection unavailable: %s", speech)
            text = tr("Speech detection is not available ({why}), so the music is not lowered under voices.", lang)
            notices.append(Notice(text.format(why=speech), "warning"))
        err = self.project.performer.take_problem()
        if err is not None:
            text = tr("The SoundFont {name} cannot be used ({why}); the built-in instruments play instead.", lang)
            notices.append(Notice(text.format(name=err.path.name, why=tr(err.why, lang)), "warning"))
        return notices

    def _composed_reply(self, lang: str) -> str:
        music = self.project.music
        assert music is not None
        total = round(music.score.duration)
        return tr("Music ready: {brief}, {bpm} BPM, {length}. Say “export” to save the video.", lang).format(
            brief=music.brief.summary(lang), bpm=round(music.score.bpm), length=f"{total // 60}:{total % 60:02d}")
