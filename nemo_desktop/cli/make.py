"""``make`` and ``demo``: clips and words in, the exported MP4's path out (the last line of stdout)."""

from __future__ import annotations

import argparse
from pathlib import Path

from nemo_desktop import backends, paths
from nemo_desktop.cli.console import Console
from nemo_desktop.cli.output import UsageError, err, out
from nemo_desktop.cli.signals import run_async
from nemo_desktop.core.errors import CloudError, MediaError, NoMusicComposed, NotAMusicRequest
from nemo_desktop.core.intents import Action, classify
from nemo_desktop.core.ports import StemWriter
from nemo_desktop.core.session import Session
from nemo_desktop.i18n import tr
from nemo_desktop.settings import Settings


async def make(args: argparse.Namespace, settings: Settings) -> Path:
    console = Console()
    choice = backends.EngineChoice(args.engine or settings.engine)
    if args.seed is not None:
        settings = settings.replace(seed=args.seed)
    session = await backends.open_session(choice, settings, console, notice=console.bar.line)
    try:
        return await run_make(session, args, console)
    except CloudError as err:
        if choice is not backends.EngineChoice.AUTO:
            raise
        console.bar.line(tr("{problem} Using the built-in engine instead.").format(problem=err.message()))
        session = await backends.open_session(backends.EngineChoice.BUILTIN, settings, console)
        return await run_make(session, args, console)


async def run_make(session: Session, args: argparse.Namespace, console: Console) -> Path:
    """Add the clips, compose (the prompt, or the video decides when there is none), export; the session
    is closed at the end whatever happens.

    ``make`` is a music command: it never saves a video without music and calls it done. Words that ask
    for something else (``--prompt credits``) are answered and nothing is exported."""
    try:
        if args.clips:
            rejected = await session.add_media(list(args.clips))
            if rejected:
                raise Rejected(rejected)
        prompt = args.prompt.strip()
        intent = classify(prompt)
        if intent.action in (Action.CREDITS, Action.STATUS, Action.UPLOAD):
            await session.send(prompt)
            raise NotAMusicRequest(text=prompt)
        await session.compose("" if intent.action is Action.EXPORT else prompt)
        if not session.has_music and not session.music_removed:
            raise NoMusicComposed(tr("Try another --prompt, e.g. --prompt \"calm piano\"."))
        path = await session.export(args.out)
        if getattr(args, "stems", False):
            if not isinstance(session.backend, StemWriter):
                console.bar.line(tr("This engine cannot write stems; only the MP4 was saved."))
            else:
                for stem in await session.backend.write_stems(path):
                    console.bar.line(str(stem))
        console.bar.finish()
        return path
    finally:
        await session.aclose()


class Rejected(Exception):
    def __init__(self, errors: list[MediaError]) -> None:
        super().__init__("rejected")
        self.errors = errors


def cmd_make(args: argparse.Namespace, settings: Settings) -> int:
    if not args.clips and not args.prompt.strip():
        raise UsageError(tr("Give at least one clip or a --prompt (e.g. --prompt \"a 30 second upbeat intro\")."))
    path = run_async(make(args, settings))
    out(str(path))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from nemo_desktop.engine.demo import make_demo_clip

    clip = make_demo_clip(paths.get().cache / "demo")
    err(tr("Sample clip: {path}").format(path=clip))
    args.clips = [clip]
    return cmd_make(args, settings)
